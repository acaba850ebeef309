// CapacitySchedule: a link's rate as a piecewise-constant function of time (an initial rate, then
// the steps of a capacity trace), and the time a packet takes to cross it.
//
// Contract:
// - Time inside is integer picoseconds (kPsPerUs per microsecond) so that serialization times do
//   not round: 1200 bytes at 1 Gbit/s take 9.6 us, and rounding each packet to whole microseconds
//   would lose 4 % of the capacity. The only rounding is up to the next picosecond per segment.
// - TransmitEnd integrates: bits are sent at each segment's rate for the part of the transmission
//   that falls in that segment. An infinite-rate segment sends the rest at once.
// - Inputs must stay within kMaxLinkTime and rates >= kMinCapacity (ValidateLinkConfig ensures it);
//   then start + transmission never overflows int64 picoseconds (1 MiB at 1 kbit/s is ~8400 s).
// - Calls are O(1) amortized when start times are non-decreasing (a cursor walks the steps), and
//   still correct when they are not.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sfusim/sim/data_rate.h"
#include "sfusim/sim/link_config.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::sim {

class CapacitySchedule {
 public:
  static constexpr int64_t kPsPerUs = 1'000'000;

  // Infinite everywhere.
  CapacitySchedule();
  // `initial` before the first step (nullopt = infinite), then each step's rate. Steps must be
  // strictly increasing in time.
  CapacitySchedule(std::optional<DataRate> initial, const std::vector<CapacityStep>& steps);

  // Rate in force at `t`; nullopt = infinite.
  std::optional<DataRate> RateAt(Timestamp t) const;
  bool AlwaysInfinite() const { return segments_.size() == 1 && segments_[0].bps == 0; }

  // When the last bit of `bytes` has been sent, starting at `start_ps`.
  int64_t TransmitEnd(int64_t start_ps, uint64_t bytes);

 private:
  struct Segment {
    int64_t start_ps;
    int64_t bps;  // 0 = infinite
  };
  std::size_t SegmentIndexAt(int64_t t_ps) const;

  std::vector<Segment> segments_;  // segments_[0].start_ps is INT64_MIN; strictly increasing
  std::size_t cursor_ = 0;
};

}  // namespace sfusim::sim
