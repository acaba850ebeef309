// LinkSettings -> sim::LinkConfig, link names, and the mapping of ValidateLinkConfig's field names.
#include <catch2/catch.hpp>

#include <limits>

#include "sfusim/scenario/link_settings.h"

using namespace sfusim::scenario;  // NOLINT: test file
using sfusim::sim::DataRate;
using sfusim::sim::LinkConfig;
using sfusim::sim::TimeDelta;
using sfusim::sim::Timestamp;

TEST_CASE("ApplyLinkSettings converts the file's units and keeps unset fields", "[link]") {
  LinkConfig base;
  base.delay = TimeDelta::Millis(7);
  base.loss = 0.25;
  LinkSettings s;
  s.jitter_ms = 2.5;
  s.capacity_kbps = 1234.5;
  s.queue_ms = 0.0015;  // 1.5 us: rounds to 2 us
  s.capacity_trace = std::vector<CapacityPoint>{{1.25, 100}, {2, 50}};
  s.mtu = 1200;
  s.up = false;
  LinkConfig c = ApplyLinkSettings(base, s);
  CHECK(c.delay == TimeDelta::Millis(7));
  CHECK(c.loss == 0.25);
  CHECK(c.jitter == TimeDelta::Micros(2500));
  CHECK(c.capacity == DataRate::BitsPerSec(1234500));
  CHECK(c.queue_time == TimeDelta::Micros(2));
  REQUIRE(c.capacity_trace.size() == 2);
  CHECK(c.capacity_trace[0].at == Timestamp::Micros(1250000));
  CHECK(c.capacity_trace[0].rate == DataRate::KilobitsPerSec(100));
  CHECK(c.mtu == 1200);
  CHECK_FALSE(c.up);
  CHECK(ApplyLinkSettings(base, LinkSettings{}) == base);
}

TEST_CASE("ApplyLinkSettings saturates absurd values instead of overflowing", "[link]") {
  LinkSettings s;
  s.delay_ms = 1e300;
  s.jitter_ms = -1e300;
  s.capacity_kbps = std::numeric_limits<double>::quiet_NaN();
  s.capacity_trace = std::vector<CapacityPoint>{{1e300, 1e300}};
  LinkConfig c = ApplyLinkSettings(LinkConfig{}, s);
  CHECK(c.delay > sfusim::sim::kMaxLinkDelay);
  CHECK(c.jitter < TimeDelta::Zero());
  CHECK(c.capacity == DataRate::Zero());
  // Every one of them is then reported by the simulator's own validation.
  std::vector<sfusim::sim::LinkConfigError> errors = sfusim::sim::ValidateLinkConfig(c);
  std::vector<std::string> fields;
  for (const auto& e : errors) fields.push_back(e.field);
  CHECK(fields == std::vector<std::string>{"delay", "jitter", "capacity", "capacity_trace[0].at"});
}

TEST_CASE("link names", "[link]") {
  CHECK(ParseLinkName("alice->sfu") == LinkName{"alice", LinkName::Direction::kUp});
  CHECK(ParseLinkName("sfu->bob") == LinkName{"bob", LinkName::Direction::kDown});
  CHECK_FALSE(ParseLinkName("->sfu").has_value());
  CHECK_FALSE(ParseLinkName("sfu->").has_value());
  CHECK_FALSE(ParseLinkName("alice").has_value());
  CHECK_FALSE(ParseLinkName("").has_value());
  CHECK(LinkName{"carol", LinkName::Direction::kUp}.ToString() == "carol->sfu");
  CHECK(LinkName{"carol", LinkName::Direction::kDown}.ToString() == "sfu->carol");
}

TEST_CASE("ValidateLinkConfig's field names map to the file's pointers", "[link]") {
  CHECK(LinkFieldForConfigField("delay") == "delay_ms");
  CHECK(LinkFieldForConfigField("jitter") == "jitter_ms");
  CHECK(LinkFieldForConfigField("capacity") == "capacity_kbps");
  CHECK(LinkFieldForConfigField("queue_time") == "queue_ms");
  CHECK(LinkFieldForConfigField("queue_bytes") == "queue_bytes");
  CHECK(LinkFieldForConfigField("loss") == "loss");
  CHECK(LinkFieldForConfigField("capacity_trace") == "capacity_trace");
  CHECK(LinkFieldForConfigField("capacity_trace[12].at") == "capacity_trace/12/0");
  CHECK(LinkFieldForConfigField("capacity_trace[3].rate") == "capacity_trace/3/1");
}
