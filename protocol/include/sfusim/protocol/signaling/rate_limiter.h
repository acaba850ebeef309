// RateLimiter: at most N events in any window of W microseconds, per connection (PROTOCOL.md §1:
// 80 media-signal events per 5 s; an event over the limit is answered with "rate_limited", the
// connection stays up).
//
// Window semantics: sliding. An event at time t is allowed when fewer than N earlier *allowed*
// events happened in (t - W, t], i.e. an allowed event stops counting exactly W after it happened.
// So with N = 80, W = 5 s: 80 events at t = 0 are allowed, the 81st at t = 0 and any event before
// t = 5 s are refused, and one event at t = 5 s is allowed again. A sliding window has no burst of
// 2N across a fixed window's boundary. Refused events do not count (a client hammering the server
// is not locked out beyond W after its last allowed event).
//
// Time is the caller's: int64 microseconds on any monotonic clock (simulated or real), any value
// of the int64 range. A time earlier than the last allowed event is treated as that event's time,
// so a clock step back never frees capacity. Memory is N timestamps; no allocation after construction. Not thread-safe (one per
// connection, driven by that connection's event loop).
#pragma once

#include <cstdint>
#include <cstddef>
#include <vector>

#include "sfusim/protocol/limits.h"

namespace sfusim::protocol {

class RateLimiter {
 public:
  // max_events >= 1 and window_us >= 1 (smaller values are raised to 1).
  explicit RateLimiter(int max_events = kRateLimitMaxEvents, std::int64_t window_us = kRateLimitWindowUs);

  // Counts the event and returns true when it is within the limit; returns false (not counted)
  // when it is over.
  bool Allow(std::int64_t now_us);

  // Would Allow(now_us) succeed? Does not count anything.
  bool WouldAllow(std::int64_t now_us) const;

  // Allowed events still inside the window at now_us.
  int CountInWindow(std::int64_t now_us) const;

  // The earliest time at which an event will be allowed (now_us when it already is).
  std::int64_t NextAllowedUs(std::int64_t now_us) const;

  int max_events() const { return static_cast<int>(times_.size()); }
  std::int64_t window_us() const { return window_us_; }

 private:
  std::int64_t Clamp(std::int64_t now_us) const { return now_us < last_us_ ? last_us_ : now_us; }

  // A ring of the last max_events allowed event times; oldest at head_ once full.
  std::vector<std::int64_t> times_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::int64_t window_us_;
  std::int64_t last_us_ = INT64_MIN;
};

}  // namespace sfusim::protocol
