// ReconnectPolicy and ReconnectBackoff: exponential backoff for the client's reconnection
// (PROTOCOL.md §4: initial delay, multiplier, maximum delay, maximum attempts).
//
// Contract:
// - The delay before attempt n (1-based) is min(initial_delay * multiplier^(n-1), max_delay),
//   computed in floating point and rounded to the microsecond; deterministic.
// - jitter_fraction (0 by default, at most kMaxJitterFraction) spreads each delay uniformly over
//   [d * (1 - j), d] using the Rng the caller passes (the client's Env substream), so jittered
//   delays are deterministic per seed too and never exceed max_delay.
// - ReconnectBackoff::NextDelay() returns the next delay and counts an attempt, or nullopt once
//   max_attempts attempts were handed out (max_attempts <= 0 means "no attempt at all").
//   Reset() (after a successful reconnection) starts over from initial_delay.
#pragma once

#include <optional>

#include "sfusim/sim/rng.h"
#include "sfusim/sim/time_delta.h"

namespace sfusim::clients {

inline constexpr double kMaxJitterFraction = 1.0;

struct ReconnectPolicy {
  sim::TimeDelta initial_delay = sim::TimeDelta::Millis(500);
  double multiplier = 2.0;
  sim::TimeDelta max_delay = sim::TimeDelta::Seconds(8);
  int max_attempts = 10;
  double jitter_fraction = 0.0;  // 0: no jitter
};

// The un-jittered delay before attempt `attempt` (1-based; values < 1 are treated as 1).
sim::TimeDelta BackoffDelay(const ReconnectPolicy& policy, int attempt);

class ReconnectBackoff {
 public:
  // `rng` is used only when policy.jitter_fraction > 0; it must outlive the backoff (may be null
  // when there is no jitter).
  explicit ReconnectBackoff(ReconnectPolicy policy, sim::Rng* rng = nullptr);

  std::optional<sim::TimeDelta> NextDelay();
  void Reset() { attempts_ = 0; }

  int attempts() const { return attempts_; }
  bool exhausted() const { return attempts_ >= policy_.max_attempts; }
  const ReconnectPolicy& policy() const { return policy_; }

 private:
  ReconnectPolicy policy_;
  sim::Rng* rng_;
  int attempts_ = 0;
};

}  // namespace sfusim::clients
