// ValidateLinkConfig: every invalid setting is rejected with an error naming its field; the
// boundaries of the valid region are accepted; Link's constructor and SetConfig throw with the
// joined errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "sfusim/sim/link.h"
#include "sfusim/sim/link_config.h"

using namespace sfusim::sim;

namespace {

std::vector<std::string> Fields(const LinkConfig& c) {
  std::vector<std::string> fields;
  for (const auto& e : ValidateLinkConfig(c)) fields.push_back(e.field);
  return fields;
}

// A config with every field set to something valid, so a single mutation isolates one error.
LinkConfig Full() {
  LinkConfig c;
  c.delay = TimeDelta::Millis(20);
  c.jitter = TimeDelta::Millis(2);
  c.reorder = false;
  c.loss = 0.02;
  c.burst_len = 3;
  c.duplicate = 0.01;
  c.capacity = DataRate::KilobitsPerSec(2000);
  c.queue_bytes = 30000;
  c.queue_time = TimeDelta::Millis(300);
  c.mtu = 1500;
  c.capacity_trace = {{Timestamp::Seconds(1), DataRate::KilobitsPerSec(500)},
                      {Timestamp::Seconds(2), DataRate::KilobitsPerSec(3000)}};
  return c;
}

struct BadCase {
  const char* name;
  std::function<void(LinkConfig&)> mutate;
  const char* field;
};

}  // namespace

TEST_CASE("the default and a fully set config are valid", "[link][config]") {
  CHECK(ValidateLinkConfig(LinkConfig{}).empty());
  CHECK(ValidateLinkConfig(Full()).empty());
  CHECK(JoinLinkConfigErrors(ValidateLinkConfig(Full())).empty());
}

TEST_CASE("every invalid setting is rejected with an error naming its field", "[link][config]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<BadCase> cases = {
      {"negative delay", [](LinkConfig& c) { c.delay = TimeDelta::Millis(-1); }, "delay"},
      {"huge delay", [](LinkConfig& c) { c.delay = kMaxLinkDelay + TimeDelta::Micros(1); }, "delay"},
      {"negative jitter", [](LinkConfig& c) { c.jitter = TimeDelta::Micros(-1); }, "jitter"},
      {"huge jitter", [](LinkConfig& c) { c.jitter = kMaxLinkJitter + TimeDelta::Micros(1); }, "jitter"},
      {"unknown jitter distribution",
       [](LinkConfig& c) { c.jitter_distribution = static_cast<JitterDistribution>(7); }, "jitter_distribution"},
      {"loss above 1", [](LinkConfig& c) { c.loss = 1.5; }, "loss"},
      {"negative loss", [](LinkConfig& c) { c.loss = -0.01; }, "loss"},
      {"NaN loss", [nan](LinkConfig& c) { c.loss = nan; }, "loss"},
      {"duplicate above 1", [](LinkConfig& c) { c.duplicate = 1.01; }, "duplicate"},
      {"negative duplicate", [](LinkConfig& c) { c.duplicate = -1; }, "duplicate"},
      {"NaN duplicate", [nan](LinkConfig& c) { c.duplicate = nan; }, "duplicate"},
      {"burst_len below 1", [](LinkConfig& c) { c.burst_len = 0.5; }, "burst_len"},
      {"burst_len 0", [](LinkConfig& c) { c.burst_len = 0; }, "burst_len"},
      {"burst_len infinite", [inf](LinkConfig& c) { c.burst_len = inf; }, "burst_len"},
      {"burst_len NaN", [nan](LinkConfig& c) { c.burst_len = nan; }, "burst_len"},
      // Gilbert: loss <= L / (L + 1). L = 3 allows 0.75; L = 1.2 allows 0.5454...
      {"loss too high for burst 3", [](LinkConfig& c) { c.loss = 0.76; }, "burst_len"},
      {"loss too high for burst 1.2",
       [](LinkConfig& c) {
         c.loss = 0.6;
         c.burst_len = 1.2;
       },
       "burst_len"},
      {"loss 1 with bursts", [](LinkConfig& c) { c.loss = 1.0; }, "burst_len"},
      {"zero capacity", [](LinkConfig& c) { c.capacity = DataRate::Zero(); }, "capacity"},
      {"zero capacity without queue",
       [](LinkConfig& c) {
         c.capacity = DataRate::Zero();
         c.queue_bytes.reset();
         c.queue_time.reset();
       },
       "capacity"},
      {"negative capacity", [](LinkConfig& c) { c.capacity = DataRate::BitsPerSec(-5); }, "capacity"},
      {"capacity below 1 kbit/s", [](LinkConfig& c) { c.capacity = DataRate::BitsPerSec(999); }, "capacity"},
      {"negative queue_bytes", [](LinkConfig& c) { c.queue_bytes = -1; }, "queue_bytes"},
      {"negative queue_time", [](LinkConfig& c) { c.queue_time = TimeDelta::Millis(-1); }, "queue_time"},
      {"negative mtu", [](LinkConfig& c) { c.mtu = -1; }, "mtu"},
      {"trace out of order",
       [](LinkConfig& c) { std::swap(c.capacity_trace[0], c.capacity_trace[1]); }, "capacity_trace[1].at"},
      {"trace with two steps at one time",
       [](LinkConfig& c) { c.capacity_trace[1].at = c.capacity_trace[0].at; }, "capacity_trace[1].at"},
      {"trace step before time 0",
       [](LinkConfig& c) { c.capacity_trace[0].at = Timestamp::Micros(-1); }, "capacity_trace[0].at"},
      {"trace step beyond the horizon",
       [](LinkConfig& c) { c.capacity_trace[1].at = kMaxLinkTime + TimeDelta::Micros(1); }, "capacity_trace[1].at"},
      {"trace zero rate", [](LinkConfig& c) { c.capacity_trace[1].rate = DataRate::Zero(); },
       "capacity_trace[1].rate"},
      {"trace negative rate", [](LinkConfig& c) { c.capacity_trace[0].rate = DataRate::BitsPerSec(-1000); },
       "capacity_trace[0].rate"},
  };
  for (const BadCase& bad : cases) {
    INFO(bad.name);
    LinkConfig c = Full();
    bad.mutate(c);
    auto errors = ValidateLinkConfig(c);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == bad.field);
    CHECK_FALSE(errors[0].message.empty());
    // The constructor refuses it, naming the field.
    try {
      Link link(c, Rng(1));
      FAIL("Link accepted an invalid config");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find(std::string(bad.field) + ": ") != std::string::npos);
    }
  }
}

TEST_CASE("messages say what was expected and what was given", "[link][config]") {
  LinkConfig c;
  c.loss = 1.5;
  auto errors = ValidateLinkConfig(c);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == LinkConfigError{"loss", "must be in [0, 1], got 1.5"});

  c = LinkConfig{};
  c.loss = 0.6;
  c.burst_len = 1.2;
  errors = ValidateLinkConfig(c);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message.find("loss <= burst_len / (burst_len + 1) = 0.545454") != std::string::npos);

  c = LinkConfig{};
  c.delay = TimeDelta::Millis(-5);
  CHECK(ValidateLinkConfig(c)[0].message == "must be >= 0, got -5 ms");
}

TEST_CASE("all errors are reported at once, in field order, and joined", "[link][config]") {
  LinkConfig c;
  c.loss = 2;
  c.mtu = -1;
  c.delay = TimeDelta::Millis(-1);
  CHECK(Fields(c) == std::vector<std::string>{"delay", "loss", "mtu"});
  CHECK(JoinLinkConfigErrors(ValidateLinkConfig(c)) ==
        "delay: must be >= 0, got -1 ms; loss: must be in [0, 1], got 2; mtu: must be >= 0 (0 = unlimited), got -1");
}

TEST_CASE("the boundaries of the valid region are accepted", "[link][config]") {
  LinkConfig c;
  c.loss = 1;  // Bernoulli: every packet lost, legal
  c.burst_len = 1;
  c.duplicate = 1;
  c.delay = kMaxLinkDelay;
  c.jitter = kMaxLinkJitter;
  c.capacity = kMinCapacity;
  c.queue_bytes = 0;  // no buffer
  c.queue_time = TimeDelta::Zero();
  c.mtu = 0;
  CHECK(ValidateLinkConfig(c).empty());

  // The exact Gilbert limit p = L / (L + 1): P(Good->Bad) = 1.
  c = LinkConfig{};
  c.burst_len = 3;
  c.loss = 0.75;
  CHECK(ValidateLinkConfig(c).empty());
  c.loss = 0;  // no loss at all with bursts configured: fine
  CHECK(ValidateLinkConfig(c).empty());
  // A queue without capacity is allowed (it never fills).
  c = LinkConfig{};
  c.queue_time = TimeDelta::Millis(100);
  CHECK(ValidateLinkConfig(c).empty());
  // A trace step at time 0.
  c.capacity_trace = {{Timestamp::Zero(), kMinCapacity}};
  CHECK(ValidateLinkConfig(c).empty());
}

TEST_CASE("SetConfig with an invalid config throws and changes nothing", "[link][config]") {
  LinkConfig good;
  good.delay = TimeDelta::Millis(10);
  Link link(good, Rng(3));
  LinkConfig bad = good;
  bad.duplicate = 7;
  CHECK_THROWS_AS(link.SetConfig(Timestamp::Millis(5), bad), std::invalid_argument);
  CHECK(link.config() == good);
  LinkResult r = link.Send(Timestamp::Millis(6), 100);
  CHECK(r.arrival == Timestamp::Millis(16));
}

TEST_CASE("jitter distribution names round-trip", "[link][config]") {
  for (auto d : {JitterDistribution::kExponential, JitterDistribution::kUniform}) {
    CHECK(ParseJitterDistribution(ToString(d)) == d);
  }
  CHECK_FALSE(ParseJitterDistribution("normal").has_value());
}
