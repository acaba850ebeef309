#include "sfusim/protocol/signaling/rate_limiter.h"

#include <algorithm>

namespace sfusim::protocol {
namespace {

// later - earlier for later >= earlier, exact over the whole int64 range (no signed overflow).
std::uint64_t Elapsed(std::int64_t later, std::int64_t earlier) {
  return static_cast<std::uint64_t>(later) - static_cast<std::uint64_t>(earlier);
}

}  // namespace

RateLimiter::RateLimiter(int max_events, std::int64_t window_us)
    : times_(static_cast<std::size_t>(std::max(max_events, 1)), 0), window_us_(std::max<std::int64_t>(window_us, 1)) {}

int RateLimiter::CountInWindow(std::int64_t now_us) const {
  const std::int64_t now = Clamp(now_us);
  int in_window = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    const std::int64_t t = times_[(head_ + i) % times_.size()];
    // t is inside (now - W, now] (stored times never exceed the clamped now).
    if (Elapsed(now, t) < static_cast<std::uint64_t>(window_us_)) ++in_window;
  }
  return in_window;
}

bool RateLimiter::WouldAllow(std::int64_t now_us) const {
  if (count_ < times_.size()) return true;
  // Full: the oldest of the last N allowed events decides.
  return Elapsed(Clamp(now_us), times_[head_]) >= static_cast<std::uint64_t>(window_us_);
}

std::int64_t RateLimiter::NextAllowedUs(std::int64_t now_us) const {
  const std::int64_t now = Clamp(now_us);
  if (WouldAllow(now)) return now;
  const std::int64_t oldest = times_[head_];
  // oldest + W, saturated at the top of the range.
  return oldest > INT64_MAX - window_us_ ? INT64_MAX : oldest + window_us_;
}

bool RateLimiter::Allow(std::int64_t now_us) {
  const std::int64_t now = Clamp(now_us);
  if (!WouldAllow(now)) return false;
  last_us_ = now;
  if (count_ < times_.size()) {
    times_[(head_ + count_) % times_.size()] = now;
    ++count_;
  } else {
    times_[head_] = now;  // replaces the oldest
    head_ = (head_ + 1) % times_.size();
  }
  return true;
}

}  // namespace sfusim::protocol
