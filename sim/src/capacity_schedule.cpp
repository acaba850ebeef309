#include "sfusim/sim/capacity_schedule.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace sfusim::sim {
namespace {

// Work is measured in bit-picoseconds-per-second: a packet of B bytes is B * 8 * 1e12 units, and a
// rate of R bit/s sends R units per picosecond. 1 MiB is 8.4e18 units, inside int64.
constexpr int64_t kWorkPerBit = 1'000'000'000'000;
constexpr uint64_t kMaxTransmitBytes = 1 << 20;

[[noreturn]] void Fatal(const char* what, long long value) {
  std::fprintf(stderr, "sfusim: capacity schedule invariant broken: %s (%lld)\n", what, value);
  std::abort();
}

}  // namespace

CapacitySchedule::CapacitySchedule() : segments_{{std::numeric_limits<int64_t>::min(), 0}} {}

CapacitySchedule::CapacitySchedule(std::optional<DataRate> initial, const std::vector<CapacityStep>& steps) {
  segments_.reserve(steps.size() + 1);
  segments_.push_back({std::numeric_limits<int64_t>::min(), initial ? initial->bps() : 0});
  for (const CapacityStep& s : steps) {
    int64_t at_ps = s.at.us() * kPsPerUs;
    if (at_ps <= segments_.back().start_ps) Fatal("capacity steps not strictly increasing at us", s.at.us());
    if (s.rate.bps() <= 0) Fatal("capacity step rate not positive", s.rate.bps());
    segments_.push_back({at_ps, s.rate.bps()});
  }
}

std::size_t CapacitySchedule::SegmentIndexAt(int64_t t_ps) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), t_ps,
                             [](int64_t t, const Segment& s) { return t < s.start_ps; });
  return static_cast<std::size_t>(it - segments_.begin()) - 1;  // segments_[0] starts at INT64_MIN
}

std::optional<DataRate> CapacitySchedule::RateAt(Timestamp t) const {
  const Segment& s = segments_[SegmentIndexAt(t.us() * kPsPerUs)];
  if (s.bps == 0) return std::nullopt;
  return DataRate::BitsPerSec(s.bps);
}

int64_t CapacitySchedule::TransmitEnd(int64_t start_ps, uint64_t bytes) {
  if (bytes > kMaxTransmitBytes) Fatal("packet larger than 1 MiB", static_cast<long long>(bytes));
  std::size_t i = cursor_;
  const std::size_t n = segments_.size();
  while (i + 1 < n && segments_[i + 1].start_ps <= start_ps) ++i;
  while (segments_[i].start_ps > start_ps) --i;

  int64_t t = start_ps;
  int64_t work = static_cast<int64_t>(bytes) * 8 * kWorkPerBit;
  for (;;) {
    const Segment& s = segments_[i];
    if (s.bps == 0) break;  // infinite rate: the rest goes at once
    int64_t need = (work + s.bps - 1) / s.bps;
    if (i + 1 == n || need <= segments_[i + 1].start_ps - t) {
      t += need;
      break;
    }
    // The segment ends first. need > span implies bps * span < work: no overflow.
    int64_t span = segments_[i + 1].start_ps - t;
    work -= s.bps * span;
    t = segments_[i + 1].start_ps;
    ++i;
  }
  cursor_ = i;
  return t;
}

}  // namespace sfusim::sim
