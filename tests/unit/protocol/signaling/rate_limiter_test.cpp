// RateLimiter: 80 events per sliding 5 s window; both edges of the window.
#include <catch2/catch.hpp>

#include <cstdint>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/signaling/rate_limiter.h"

using sfusim::protocol::RateLimiter;
using sfusim::protocol::kRateLimitMaxEvents;
using sfusim::protocol::kRateLimitWindowUs;

TEST_CASE("defaults are PROTOCOL.md's 80 events per 5 s", "[signaling][rate]") {
  RateLimiter limiter;
  CHECK(limiter.max_events() == 80);
  CHECK(limiter.window_us() == 5'000'000);
}

TEST_CASE("a burst: 80 allowed, the 81st refused", "[signaling][rate]") {
  RateLimiter limiter;
  for (int i = 0; i < kRateLimitMaxEvents; ++i) REQUIRE(limiter.Allow(1'000'000));
  CHECK(limiter.CountInWindow(1'000'000) == 80);
  CHECK_FALSE(limiter.Allow(1'000'000));
  CHECK(limiter.CountInWindow(1'000'000) == 80);  // refused events do not count
}

TEST_CASE("the far edge: an event expires exactly one window after it happened", "[signaling][rate]") {
  const std::int64_t t0 = 1'000'000;
  RateLimiter limiter;
  for (int i = 0; i < kRateLimitMaxEvents; ++i) REQUIRE(limiter.Allow(t0));
  CHECK_FALSE(limiter.WouldAllow(t0 + kRateLimitWindowUs - 1));
  CHECK_FALSE(limiter.Allow(t0 + kRateLimitWindowUs - 1));
  CHECK(limiter.NextAllowedUs(t0 + 1) == t0 + kRateLimitWindowUs);
  CHECK(limiter.CountInWindow(t0 + kRateLimitWindowUs - 1) == 80);
  CHECK(limiter.CountInWindow(t0 + kRateLimitWindowUs) == 0);
  CHECK(limiter.Allow(t0 + kRateLimitWindowUs));
}

TEST_CASE("sliding, not fixed: no double burst across a boundary", "[signaling][rate]") {
  // Events spread over the window: 40 at t=0, 40 at t=4.9 s. A fixed 5 s window starting at 0
  // would allow 80 more at t=5 s; the sliding window allows only the 40 that expired.
  RateLimiter limiter;
  for (int i = 0; i < 40; ++i) REQUIRE(limiter.Allow(0));
  for (int i = 0; i < 40; ++i) REQUIRE(limiter.Allow(4'900'000));
  CHECK_FALSE(limiter.Allow(4'999'999));
  int allowed_at_5s = 0;
  while (limiter.Allow(5'000'000)) ++allowed_at_5s;
  CHECK(allowed_at_5s == 40);
  CHECK(limiter.NextAllowedUs(5'000'000) == 9'900'000);
  CHECK_FALSE(limiter.Allow(9'899'999));
  CHECK(limiter.Allow(9'900'000));
}

TEST_CASE("steady rate at the limit is never refused", "[signaling][rate]") {
  RateLimiter limiter;
  const std::int64_t spacing = kRateLimitWindowUs / kRateLimitMaxEvents;  // 62.5 ms
  for (int i = 0; i < 1000; ++i) REQUIRE(limiter.Allow(i * spacing));
}

TEST_CASE("one event over a steady limit-rate stream is refused", "[signaling][rate]") {
  RateLimiter limiter;
  const std::int64_t spacing = kRateLimitWindowUs / kRateLimitMaxEvents;
  for (int i = 0; i < 200; ++i) REQUIRE(limiter.Allow(i * spacing));
  CHECK_FALSE(limiter.Allow(199 * spacing + 1));
}

TEST_CASE("time going backwards never frees capacity", "[signaling][rate]") {
  RateLimiter limiter;
  for (int i = 0; i < kRateLimitMaxEvents; ++i) REQUIRE(limiter.Allow(10'000'000));
  CHECK_FALSE(limiter.Allow(0));
  CHECK_FALSE(limiter.Allow(-100'000'000));
  CHECK(limiter.Allow(15'000'000));
}

TEST_CASE("extreme times do not overflow", "[signaling][rate]") {
  RateLimiter limiter(2, kRateLimitWindowUs);
  CHECK(limiter.Allow(INT64_MIN));
  CHECK(limiter.Allow(INT64_MIN));
  CHECK_FALSE(limiter.Allow(INT64_MIN + 1));
  CHECK(limiter.Allow(INT64_MAX));
  CHECK(limiter.Allow(INT64_MAX));
  CHECK_FALSE(limiter.Allow(INT64_MAX));
  CHECK(limiter.NextAllowedUs(INT64_MAX) == INT64_MAX);
  CHECK(limiter.CountInWindow(INT64_MAX) == 2);
}

TEST_CASE("custom limits and degenerate arguments", "[signaling][rate]") {
  RateLimiter one(1, 10);
  CHECK(one.Allow(0));
  CHECK_FALSE(one.Allow(9));
  CHECK(one.Allow(10));
  RateLimiter clamped(0, 0);  // raised to 1 event per 1 us
  CHECK(clamped.max_events() == 1);
  CHECK(clamped.Allow(5));
  CHECK_FALSE(clamped.Allow(5));
  CHECK(clamped.Allow(6));
}
