// RembEstimator (sfu/remb_estimator.h) driven by synthetic packet streams: a steady stream, loss,
// a capacity-limited link whose queue grows (abs-send-time delay trend), the 64 s abs-send-time
// wrap, the bounds and the hold rules.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/sfu/remb_estimator.h"

namespace sfusim::sfu {
namespace {

using protocol::AbsSendTime;

constexpr int64_t kSecond = 1'000'000;
constexpr std::size_t kPacketBytes = 1'000;

// A paced stream of `bps` in kPacketBytes packets; `deliver(send_us)` gives the arrival time or
// -1 for a lost packet. Calls Update() once a second and records the estimates.
struct Stream {
  int64_t bps = 1'000'000;
  int64_t start_us = 0;
  uint16_t seq = 1000;
  int64_t next_send_us = 0;
  std::vector<int64_t> estimates;
  std::vector<RembEstimator::Rule> rules;

  // Packets reach the estimator in arrival order (every `deliver` here is monotonic), and
  // Update() runs on whole seconds of arrival time, as the SFU's timer would.
  template <typename Deliver>
  void Run(RembEstimator& e, int64_t seconds, Deliver deliver) {
    const int64_t interval_us = static_cast<int64_t>(kPacketBytes) * 8 * kSecond / bps;
    if (next_send_us == 0) next_send_us = start_us;
    if (next_update_us == 0) next_update_us = ((next_send_us / kSecond) + 1) * kSecond;
    const int64_t end = next_send_us + seconds * kSecond;
    while (next_send_us < end) {
      const int64_t arrival = deliver(next_send_us);
      while (arrival >= next_update_us) UpdateAt(e, next_update_us);
      if (arrival >= 0) e.OnPacket(arrival, AbsSendTime::FromMicros(next_send_us), kPacketBytes, seq);
      ++seq;
      next_send_us += interval_us;
      if (arrival < 0 && next_send_us >= next_update_us) UpdateAt(e, next_update_us);
    }
  }
  void UpdateAt(RembEstimator& e, int64_t& at) {
    estimates.push_back(e.Update(at));
    rules.push_back(e.last_rule());
    at += kSecond;
  }
  int64_t next_update_us = 0;
};

TEST_CASE("steady stream: the estimate starts at the incoming rate and grows slowly, capped", "[sfu][remb]") {
  RembEstimator e;
  Stream s;
  s.bps = 1'000'000;
  s.start_us = 5 * kSecond;
  s.Run(e, 12, [](int64_t send) { return send + 20'000; });
  REQUIRE(s.estimates.size() >= 10);
  CHECK(s.rules[0] == RembEstimator::Rule::kStart);
  // The first full window: within 2 % of 1 Mbps.
  CHECK(s.estimates[1] >= 980'000);
  CHECK(s.estimates[1] <= 1'120'000);
  for (std::size_t i = 2; i < s.estimates.size(); ++i) {
    INFO("second " << i);
    CHECK(s.rules[i] == RembEstimator::Rule::kIncrease);
    CHECK(s.estimates[i] >= s.estimates[i - 1]);
    // At most 8 % a second, never above 1.5 x what arrives.
    CHECK(static_cast<double>(s.estimates[i]) <= static_cast<double>(s.estimates[i - 1]) * 1.08 + 1);
    CHECK(s.estimates[i] <= 1'520'000);  // 1.5 x ~1 Mbps (the window holds whole packets)
  }
  CHECK(s.estimates.back() > 1'300'000);  // it did grow
  CHECK(e.delay_state() == RembEstimator::DelayState::kNormal);
  CHECK(e.last_loss_fraction() == 0.0);
}

TEST_CASE("20 % loss: the estimate drops by half the loss every second", "[sfu][remb]") {
  RembEstimator e;
  Stream s;
  s.bps = 1'000'000;
  s.start_us = 1 * kSecond;
  int n = 0;
  s.Run(e, 8, [&](int64_t send) { return (n++ % 5 == 4) ? -1 : send + 20'000; });
  REQUIRE(s.estimates.size() >= 6);
  for (std::size_t i = 2; i < s.estimates.size(); ++i) {
    INFO("second " << i);
    CHECK(s.rules[i] == RembEstimator::Rule::kLossDecrease);
    CHECK(e.last_loss_fraction() == Approx(0.2).margin(0.01));
    // est *= 1 - 0.5 * 0.2
    CHECK(static_cast<double>(s.estimates[i]) == Approx(0.9 * static_cast<double>(s.estimates[i - 1])).epsilon(0.02));
  }
  CHECK(s.estimates.back() < 600'000);
}

TEST_CASE("a retransmission adds to the rate but not to the received count (loss stays visible)", "[sfu][remb]") {
  RembEstimator e;
  // 100 packets expected: 70 first transmissions, 30 arrive only as retransmissions.
  for (uint16_t q = 0; q < 100; ++q) {
    const int64_t t = q * 10'000;
    if (q % 10 >= 3 && q % 10 <= 5) {
      e.OnPacket(t + 1, std::nullopt, kPacketBytes, q, /*retransmission=*/true);
    } else {
      e.OnPacket(t, AbsSendTime::FromMicros(t), kPacketBytes, q);
    }
  }
  CHECK(e.IncomingBps(kSecond - 1) == 800'000);  // 100 x 1000 B in the 1 s window
  e.Update(kSecond - 1);
  CHECK(e.last_loss_fraction() == Approx(0.3));
  CHECK(e.last_rule() == RembEstimator::Rule::kStart);
  CHECK(e.estimate_bps() == 800'000);
}

TEST_CASE("capacity-limited link: a growing queue brings the estimate below capacity within seconds", "[sfu][remb]") {
  RembEstimator e;
  Stream s;
  s.bps = 1'500'000;  // the sender overshoots a 1 Mbps bottleneck
  s.start_us = 2 * kSecond;
  const int64_t capacity_bps = 1'000'000;
  const int64_t service_us = static_cast<int64_t>(kPacketBytes) * 8 * kSecond / capacity_bps;
  int64_t queue_free_at = 0;
  s.Run(e, 4, [&](int64_t send) {
    const int64_t start = std::max(send, queue_free_at);
    queue_free_at = start + service_us;
    return queue_free_at + 10'000;
  });
  REQUIRE(s.estimates.size() >= 3);
  CHECK(e.delay_state() == RembEstimator::DelayState::kOveruse);
  CHECK(e.delay_slope() > kRembOveruseSlope);
  // Within three seconds the estimate is under the capacity (0.85 x the ~1 Mbps that arrives).
  bool below = false;
  for (std::size_t i = 1; i < s.estimates.size() && i <= 3; ++i) below = below || s.estimates[i] < capacity_bps;
  CHECK(below);
  CHECK(s.rules.back() == RembEstimator::Rule::kOveruseDecrease);
  CHECK(s.estimates.back() < capacity_bps);
  CHECK(s.estimates.back() > capacity_bps / 2);
}

TEST_CASE("a draining queue holds the estimate (underuse)", "[sfu][remb]") {
  RembEstimator e;
  Stream s;
  s.bps = 800'000;
  s.start_us = 1 * kSecond;
  // Delay shrinking by 50 ms per second (a queue draining).
  s.Run(e, 4, [&](int64_t send) { return send + 400'000 - (send - s.start_us) / 20; });
  REQUIRE(s.estimates.size() >= 3);
  CHECK(e.delay_state() == RembEstimator::DelayState::kUnderuse);
  CHECK(s.rules.back() == RembEstimator::Rule::kHold);
  CHECK(s.estimates.back() == s.estimates[s.estimates.size() - 2]);
}

TEST_CASE("the 64 s abs-send-time wrap is not a delay jump", "[sfu][remb]") {
  RembEstimator e;
  Stream s;
  s.bps = 500'000;
  s.start_us = 60 * kSecond;  // crosses 64 s
  s.Run(e, 8, [](int64_t send) { return send + 30'000; });
  for (std::size_t i = 1; i < s.rules.size(); ++i) CHECK(s.rules[i] == RembEstimator::Rule::kIncrease);
  CHECK(e.delay_state() == RembEstimator::DelayState::kNormal);
  CHECK(e.delay_slope() == Approx(0.0).margin(1e-3));
}

TEST_CASE("bounds: the estimate stays in [min, max]; no packets -> hold", "[sfu][remb]") {
  SECTION("a trickle is lifted to min") {
    RembEstimator e({50'000, 1'000'000});
    for (uint16_t q = 0; q < 10; ++q) e.OnPacket(q * 100'000, std::nullopt, 100, q);
    CHECK(e.Update(kSecond) == 50'000);
    CHECK(e.has_estimate());
  }
  SECTION("a flood is cut to max") {
    RembEstimator e({50'000, 1'000'000});
    for (uint16_t q = 0; q < 1000; ++q) e.OnPacket(q * 1'000, std::nullopt, 1'200, q);
    CHECK(e.Update(kSecond) == 1'000'000);
  }
  SECTION("no estimate before a whole window of packets") {
    RembEstimator e;
    for (uint16_t q = 0; q < 30; ++q) e.OnPacket(q * 10'000, std::nullopt, 1'000, q);
    CHECK(e.Update(300'000) == 0);
    CHECK_FALSE(e.has_estimate());
    CHECK(e.last_rule() == RembEstimator::Rule::kNone);
  }
  SECTION("nothing arrived: no estimate, then hold") {
    RembEstimator e;
    CHECK(e.Update(kSecond) == 0);
    CHECK_FALSE(e.has_estimate());
    for (uint16_t q = 0; q < 100; ++q) e.OnPacket(kSecond + q * 10'000, std::nullopt, 1'000, q);
    const int64_t first = e.Update(2 * kSecond);
    CHECK(first > 0);
    CHECK(e.Update(10 * kSecond) == first);  // the window is empty: hold
    CHECK(e.last_rule() == RembEstimator::Rule::kHold);
  }
  SECTION("an inverted config is normalised") {
    RembEstimator e({-5, -10});
    CHECK(e.config().min_bps == 1);
    CHECK(e.config().max_bps == 1);
  }
}

TEST_CASE("reordered and duplicated packets do not disturb the estimate", "[sfu][remb]") {
  RembEstimator e;
  int64_t t = 0;
  for (int round = 0; round < 3; ++round) {
    for (uint16_t q = 0; q < 100; ++q) {
      const uint16_t seq = static_cast<uint16_t>(round * 100 + (q % 2 == 0 ? q + 1 : q - 1));  // swapped pairs
      t += 10'000;
      e.OnPacket(t, AbsSendTime::FromMicros(t - 5'000), 1'000, seq);
      if (q % 10 == 0) e.OnPacket(t, AbsSendTime::FromMicros(t - 5'000), 1'000, seq);  // duplicate
    }
    e.Update(t);
  }
  CHECK(e.last_loss_fraction() == 0.0);
  CHECK(e.delay_state() == RembEstimator::DelayState::kNormal);
  CHECK(e.estimate_bps() >= 800'000);
}

}  // namespace
}  // namespace sfusim::sfu
