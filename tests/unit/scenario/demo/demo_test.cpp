#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "sfusim/scenario/demo.h"

using sfusim::scenario::DemoOptions;
using sfusim::scenario::RunDemo;

namespace {
std::string Run(uint64_t seed, std::string trace_file = "") {
  DemoOptions o;
  o.seed = seed;
  o.trace_file = std::move(trace_file);
  std::ostringstream out, err;
  REQUIRE(RunDemo(o, out, err) == 0);
  CHECK(err.str().empty());
  return out.str();
}
std::string HashLine(const std::string& s) { return s.substr(s.find("trace_hash")); }
}  // namespace

TEST_CASE("the demo is deterministic: same seed, same output and trace hash", "[demo]") {
  std::string a = Run(7), b = Run(7);
  CHECK(a == b);
  CHECK(HashLine(Run(7)) != HashLine(Run(8)));
}

TEST_CASE("the demo's faults show up where they should", "[demo]") {
  std::string s = Run(1);
  INFO(s);
  // alice->sfu is partitioned for 2 s: 100 packets of 20 ms dropped as link_down.
  CHECK_THAT(s, Catch::Contains("link alice->sfu: sent 1500, delivered") && Catch::Contains("link_down 100"));
  // bob's downlink is below the forwarded rate: its queue overflows.
  CHECK_THAT(s, Catch::Contains("queue_full"));
  // The SFU host was down for 1 s, and bob's signaling was cut once and reconnected.
  CHECK_THAT(s, Catch::Contains("bob: sent 1500") && Catch::Contains("disconnects"));
}

TEST_CASE("the demo rejects an unwritable trace path", "[demo]") {
  DemoOptions o;
  o.trace_file = "/nonexistent-dir/trace.jsonl";
  std::ostringstream out, err;
  CHECK(RunDemo(o, out, err) == 2);
  CHECK_THAT(err.str(), Catch::Contains("--trace") && Catch::Contains("/nonexistent-dir/trace.jsonl"));
}
