// DataRate: bits per second. Converts between a size and the time it takes on the wire.
#pragma once

#include <compare>
#include <cstdint>

#include "sfusim/sim/time_delta.h"

namespace sfusim::sim {

class DataRate {
 public:
  constexpr DataRate() = default;
  static constexpr DataRate BitsPerSec(int64_t bps) { return DataRate(bps); }
  static constexpr DataRate KilobitsPerSec(int64_t kbps) { return DataRate(kbps * 1000); }
  static constexpr DataRate Zero() { return DataRate(0); }

  constexpr int64_t bps() const { return bps_; }
  constexpr int64_t kbps() const { return bps_ / 1000; }
  constexpr bool IsZero() const { return bps_ == 0; }

  // Time to serialize `bytes` at this rate, rounded up to the next microsecond. Rate must be > 0.
  constexpr TimeDelta TransmissionTime(int64_t bytes) const {
    return TimeDelta::Micros((bytes * 8 * 1000000 + bps_ - 1) / bps_);
  }
  // Bytes sent at this rate during `d` (rounded down).
  constexpr int64_t BytesIn(TimeDelta d) const { return bps_ * d.us() / 8000000; }

  constexpr auto operator<=>(const DataRate&) const = default;

 private:
  constexpr explicit DataRate(int64_t bps) : bps_(bps) {}
  int64_t bps_ = 0;
};

}  // namespace sfusim::sim
