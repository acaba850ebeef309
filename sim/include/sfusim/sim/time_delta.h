// TimeDelta: a signed span of simulated (or real) time with microsecond resolution.
// Unit types keep raw integers with implied units out of the code (libwebrtc style): construct with
// Micros/Millis/Seconds, read with us()/ms()/seconds(). Arithmetic is exact on integers.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace sfusim::sim {

class TimeDelta {
 public:
  constexpr TimeDelta() = default;
  static constexpr TimeDelta Micros(int64_t us) { return TimeDelta(us); }
  static constexpr TimeDelta Millis(int64_t ms) { return TimeDelta(ms * 1000); }
  static constexpr TimeDelta Seconds(int64_t s) { return TimeDelta(s * 1000000); }
  // Rounds to the nearest microsecond.
  static constexpr TimeDelta SecondsF(double s) { return TimeDelta(RoundToInt(s * 1e6)); }
  static constexpr TimeDelta MillisF(double ms) { return TimeDelta(RoundToInt(ms * 1e3)); }
  static constexpr TimeDelta Zero() { return TimeDelta(0); }
  static constexpr TimeDelta PlusInfinity() { return TimeDelta(std::numeric_limits<int64_t>::max()); }

  constexpr int64_t us() const { return us_; }
  constexpr int64_t ms() const { return us_ / 1000; }
  constexpr double ms_f() const { return static_cast<double>(us_) / 1e3; }
  constexpr double seconds() const { return static_cast<double>(us_) / 1e6; }
  constexpr bool IsZero() const { return us_ == 0; }
  constexpr bool IsPlusInfinity() const { return us_ == std::numeric_limits<int64_t>::max(); }

  constexpr TimeDelta operator+(TimeDelta o) const { return TimeDelta(us_ + o.us_); }
  constexpr TimeDelta operator-(TimeDelta o) const { return TimeDelta(us_ - o.us_); }
  constexpr TimeDelta operator-() const { return TimeDelta(-us_); }
  constexpr TimeDelta operator*(int64_t k) const { return TimeDelta(us_ * k); }
  constexpr TimeDelta operator/(int64_t k) const { return TimeDelta(us_ / k); }
  constexpr double operator/(TimeDelta o) const { return static_cast<double>(us_) / static_cast<double>(o.us_); }
  constexpr TimeDelta& operator+=(TimeDelta o) { us_ += o.us_; return *this; }
  constexpr TimeDelta& operator-=(TimeDelta o) { us_ -= o.us_; return *this; }
  constexpr auto operator<=>(const TimeDelta&) const = default;

 private:
  constexpr explicit TimeDelta(int64_t us) : us_(us) {}
  static constexpr int64_t RoundToInt(double v) { return static_cast<int64_t>(v < 0 ? v - 0.5 : v + 0.5); }
  int64_t us_ = 0;
};

}  // namespace sfusim::sim
