// FailureWindow: a rolling-window event counter (the fallback rules of FallbackThresholds).
//
// Contract: Add(t) records one event at t; Count(t) is the number of recorded events with time in
// (t - window, t] (an event exactly `window` old has left). Times given to Add/Count must not
// decrease (simulated time only moves forward); an earlier time is treated as the latest one seen.
// Bounded: at most `max_events` times are kept (the oldest are forgotten beyond that, so a count
// saturates at max_events); callers keep their thresholds below it (kMaxFailureWindowEvents).
#pragma once

#include <cstddef>
#include <deque>

#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

inline constexpr std::size_t kMaxFailureWindowEvents = 16'384;

class FailureWindow {
 public:
  explicit FailureWindow(sim::TimeDelta window, std::size_t max_events = kMaxFailureWindowEvents);

  // Records an event at `now`; returns Count(now) afterwards.
  std::size_t Add(sim::Timestamp now);
  std::size_t Count(sim::Timestamp now);
  void Clear();

  sim::TimeDelta window() const { return window_; }
  std::size_t max_events() const { return max_events_; }

 private:
  void Evict(sim::Timestamp now);

  sim::TimeDelta window_;
  std::size_t max_events_;
  sim::Timestamp latest_;
  std::deque<sim::Timestamp> times_;
};

}  // namespace sfusim::clients
