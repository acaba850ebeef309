#include "sfusim/clients/reconnect_policy.h"

#include <algorithm>
#include <cmath>

namespace sfusim::clients {

sim::TimeDelta BackoffDelay(const ReconnectPolicy& policy, int attempt) {
  const int n = std::max(attempt, 1);
  const double max_us = static_cast<double>(policy.max_delay.us());
  double us = static_cast<double>(policy.initial_delay.us());
  // Multiply step by step and stop at the cap: no overflow however large n is.
  for (int i = 1; i < n && us < max_us; ++i) us *= std::max(policy.multiplier, 1.0);
  us = std::min(us, max_us);
  return sim::TimeDelta::Micros(static_cast<int64_t>(std::llround(std::max(us, 0.0))));
}

ReconnectBackoff::ReconnectBackoff(ReconnectPolicy policy, sim::Rng* rng) : policy_(policy), rng_(rng) {}

std::optional<sim::TimeDelta> ReconnectBackoff::NextDelay() {
  if (exhausted()) return std::nullopt;
  ++attempts_;
  sim::TimeDelta d = BackoffDelay(policy_, attempts_);
  const double j = std::clamp(policy_.jitter_fraction, 0.0, kMaxJitterFraction);
  if (j > 0 && rng_ != nullptr) {
    const double factor = 1.0 - j * rng_->NextDouble();
    d = sim::TimeDelta::Micros(static_cast<int64_t>(std::llround(static_cast<double>(d.us()) * factor)));
  }
  return d;
}

}  // namespace sfusim::clients
