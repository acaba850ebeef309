// NackGenerator (sfu/nack_generator.h): gaps become NACKs after the reorder wait, retries are
// spaced by the retry interval and bounded, reordering is never NACKed, recoveries teach the RTT,
// large jumps and the history bound stop tracking, and sequence numbers wrap.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "sfusim/sfu/nack_generator.h"

namespace sfusim::sfu {
namespace {

using Arrival = NackGenerator::Arrival;

std::vector<uint16_t> Due(NackGenerator& g, int64_t now_us) {
  std::vector<uint16_t> out;
  g.Collect(now_us, out);
  return out;
}

TEST_CASE("a gap is NACKed after the reorder wait, then retried and given up", "[sfu][nack]") {
  NackGenerator g;
  CHECK(g.OnPacket(100, 0) == Arrival::kInOrder);
  CHECK(g.OnPacket(101, 1'000) == Arrival::kInOrder);
  CHECK(g.OnPacket(104, 2'000) == Arrival::kInOrder);  // 102, 103 missing
  CHECK(g.missing() == 2);
  CHECK(Due(g, 2'000 + kNackReorderWaitUs - 1).empty());
  CHECK(g.NextDueUs() == 2'000 + kNackReorderWaitUs);
  const int64_t t1 = 2'000 + kNackReorderWaitUs;
  CHECK(Due(g, t1) == std::vector<uint16_t>{102, 103});
  CHECK(Due(g, t1 + 1).empty());  // not again before the retry interval
  const int64_t retry = g.retry_interval_us();
  CHECK(retry == kNackDefaultRttUs + kNackDefaultRttUs / 4);
  CHECK(g.NextDueUs() == t1 + retry);
  int64_t t = t1;
  for (int i = 1; i < kNackMaxRetries; ++i) {
    t += retry;
    INFO("retry " << i);
    CHECK(Due(g, t) == std::vector<uint16_t>{102, 103});
  }
  CHECK(g.counters().nacked == 2u * kNackMaxRetries);
  t += retry;
  CHECK(Due(g, t).empty());  // retries exhausted: given up
  CHECK(g.missing() == 0);
  CHECK(g.counters().given_up == 2);
  CHECK_FALSE(g.NextDueUs().has_value());
  CHECK(g.OnPacket(102, t + 1) == Arrival::kOld);  // no longer tracked
}

TEST_CASE("reordering inside the wait is never NACKed", "[sfu][nack]") {
  NackGenerator g;
  g.OnPacket(10, 0);
  g.OnPacket(12, 1'000);
  CHECK(g.OnPacket(11, 3'000) == Arrival::kReordered);
  CHECK(g.missing() == 0);
  CHECK(Due(g, 100'000).empty());
  CHECK(g.counters().reordered == 1);
  CHECK(g.counters().nacked == 0);
  CHECK(g.OnPacket(11, 4'000) == Arrival::kOld);  // a duplicate
}

TEST_CASE("a packet after its first NACK is recovered and teaches the RTT", "[sfu][nack]") {
  NackGenerator g;
  g.OnPacket(1, 0);
  g.OnPacket(3, 0);
  REQUIRE(Due(g, 20'000) == std::vector<uint16_t>{2});
  CHECK(g.OnPacket(2, 50'000) == Arrival::kRecovered);  // 30 ms after the NACK
  CHECK(g.rtt_us() == 30'000);
  CHECK(g.retry_interval_us() == 37'500);
  CHECK(g.counters().recovered == 1);
  // A second sample moves the EWMA by 1/8.
  g.OnPacket(5, 60'000);
  REQUIRE(Due(g, 80'000) == std::vector<uint16_t>{4});
  CHECK(g.OnPacket(4, 118'000) == Arrival::kRecovered);  // 38 ms
  CHECK(g.rtt_us() == 31'000);
  // The retry interval never goes below its floor.
  g.SetRtt(1'000);
  CHECK(g.retry_interval_us() == kNackMinRetryIntervalUs);
}

TEST_CASE("a jump beyond kNackMaxGap tracks nothing; the history bound gives old numbers up", "[sfu][nack]") {
  NackGenerator g;
  g.OnPacket(0, 0);
  g.OnPacket(static_cast<uint16_t>(kNackMaxGap + 2), 0);  // gap of kNackMaxGap + 1
  CHECK(g.missing() == 0);
  g.OnPacket(static_cast<uint16_t>(kNackMaxGap + 4), 0);  // one missing
  CHECK(g.missing() == 1);
  // Walk forward kNackHistory packets one by one: the old missing number falls out.
  uint16_t s = static_cast<uint16_t>(kNackMaxGap + 4);
  for (std::size_t i = 0; i < kNackHistory; ++i) g.OnPacket(++s, 0);
  CHECK(g.missing() == 0);
  CHECK(g.counters().given_up == 1);
}

TEST_CASE("sequence numbers wrap: 65534, 65535, 1 misses 0", "[sfu][nack]") {
  NackGenerator g;
  g.OnPacket(65534, 0);
  g.OnPacket(65535, 0);
  g.OnPacket(1, 0);
  CHECK(Due(g, kNackReorderWaitUs) == std::vector<uint16_t>{0});
}

TEST_CASE("one Collect returns at most kNackMaxPerCollect numbers, oldest first", "[sfu][nack]") {
  NackGenerator g;
  g.OnPacket(0, 0);
  g.OnPacket(static_cast<uint16_t>(kNackMaxGap + 1), 0);  // kNackMaxGap missing
  REQUIRE(g.missing() == static_cast<std::size_t>(kNackMaxGap));
  const auto first = Due(g, kNackReorderWaitUs);
  REQUIRE(first.size() == kNackMaxPerCollect);
  CHECK(first.front() == 1);
  const auto second = Due(g, kNackReorderWaitUs);
  REQUIRE(!second.empty());
  CHECK(second.front() == kNackMaxPerCollect + 1);
}

}  // namespace
}  // namespace sfusim::sfu
