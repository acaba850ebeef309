// FallbackThresholds: when a native sender gives up and the client falls back to the browser
// screen share (PROTOCOL.md §3). Named defaults, configurable per scenario.
//
// The rules, exactly (FailureClassifier implements them; the runner's checker recomputes the
// first two from the sender's `encode_error` / `transport_error` events and their times):
// - encode failures: at the time t of an encode failure, the failures with time in
//   (t - window, t] (this one included) number more than `encode_failures` -> fallback at t;
// - send errors: the same with `send_errors` (one send error = one packet whose send failed);
// - queue pressure: at each capture tick t, drops / captured over (t - window, t] (this tick
//   included, a dropped frame counts as captured too) is above `queue_drop_fraction` at every
//   tick since some tick t0 with t - t0 >= queue_pressure_for -> fallback at t.
#pragma once

#include "sfusim/sim/time_delta.h"

namespace sfusim::clients {

inline constexpr int kDefaultFallbackEncodeFailures = 5;
inline constexpr int kDefaultFallbackSendErrors = 20;
inline constexpr sim::TimeDelta kDefaultFallbackWindow = sim::TimeDelta::Seconds(2);
inline constexpr double kDefaultFallbackQueueDropFraction = 0.5;
inline constexpr sim::TimeDelta kDefaultFallbackQueuePressureFor = sim::TimeDelta::Seconds(3);

struct FallbackThresholds {
  int encode_failures = kDefaultFallbackEncodeFailures;  // more than this many in `window` -> fatal
  int send_errors = kDefaultFallbackSendErrors;          // more than this many in `window` -> fatal
  sim::TimeDelta window = kDefaultFallbackWindow;        // rolling
  double queue_drop_fraction = kDefaultFallbackQueueDropFraction;  // drops / captured over `window` above this ...
  sim::TimeDelta queue_pressure_for = kDefaultFallbackQueuePressureFor;  // ... for this long -> fallback
};

}  // namespace sfusim::clients
