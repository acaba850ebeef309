// Timestamp: a point on the simulation's single time axis, in microseconds since the start of the
// run (time 0). Only sim::Clock produces "now"; everything else receives Timestamps.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

#include "sfusim/sim/time_delta.h"

namespace sfusim::sim {

class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp Micros(int64_t us) { return Timestamp(us); }
  static constexpr Timestamp Millis(int64_t ms) { return Timestamp(ms * 1000); }
  static constexpr Timestamp Seconds(int64_t s) { return Timestamp(s * 1000000); }
  static constexpr Timestamp SecondsF(double s) { return Timestamp(0) + TimeDelta::SecondsF(s); }
  static constexpr Timestamp Zero() { return Timestamp(0); }
  static constexpr Timestamp PlusInfinity() { return Timestamp(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t us() const { return us_; }
  constexpr int64_t ms() const { return us_ / 1000; }
  constexpr double seconds() const { return static_cast<double>(us_) / 1e6; }
  constexpr bool IsPlusInfinity() const { return us_ == std::numeric_limits<int64_t>::max(); }

  constexpr Timestamp operator+(TimeDelta d) const { return Timestamp(us_ + d.us()); }
  constexpr Timestamp operator-(TimeDelta d) const { return Timestamp(us_ - d.us()); }
  constexpr TimeDelta operator-(Timestamp o) const { return TimeDelta::Micros(us_ - o.us_); }
  constexpr Timestamp& operator+=(TimeDelta d) { us_ += d.us(); return *this; }
  constexpr auto operator<=>(const Timestamp&) const = default;

 private:
  constexpr explicit Timestamp(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

}  // namespace sfusim::sim
