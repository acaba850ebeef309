#include "sfusim/scenario/link_settings.h"

#include <cmath>
#include <cstdlib>

namespace sfusim::scenario {
namespace {

// Saturates far outside every valid range (and maps NaN to 0) before converting, so that the
// double -> int64 conversion is always defined; ValidateLinkConfig then rejects the value.
int64_t SaturatingRound(double v) {
  constexpr double kLimit = 4e18;
  if (std::isnan(v)) return 0;
  if (v >= kLimit) return static_cast<int64_t>(kLimit);
  if (v <= -kLimit) return -static_cast<int64_t>(kLimit);
  return static_cast<int64_t>(std::llround(v));
}

// Values are kept below ~4e15 of their unit (us, bits/s) so that later sums cannot overflow either.
int64_t ClampedRound(double v) {
  constexpr double kLimit = 4e15;
  if (v > kLimit) v = kLimit;
  if (v < -kLimit) v = -kLimit;
  return SaturatingRound(v);
}

sim::TimeDelta MillisToDelta(double ms) { return sim::TimeDelta::Micros(ClampedRound(ms * 1000)); }
sim::Timestamp SecondsToTimestamp(double s) { return sim::Timestamp::Micros(ClampedRound(s * 1e6)); }
sim::DataRate KbpsToRate(double kbps) { return sim::DataRate::BitsPerSec(ClampedRound(kbps * 1000)); }

}  // namespace

bool LinkSettings::Empty() const { return *this == LinkSettings{}; }

sim::LinkConfig ApplyLinkSettings(sim::LinkConfig base, const LinkSettings& s) {
  if (s.delay_ms) base.delay = MillisToDelta(*s.delay_ms);
  if (s.jitter_ms) base.jitter = MillisToDelta(*s.jitter_ms);
  if (s.reorder) base.reorder = *s.reorder;
  if (s.loss) base.loss = *s.loss;
  if (s.burst_len) base.burst_len = *s.burst_len;
  if (s.duplicate) base.duplicate = *s.duplicate;
  if (s.capacity_kbps) base.capacity = KbpsToRate(*s.capacity_kbps);
  if (s.queue_ms) base.queue_time = MillisToDelta(*s.queue_ms);
  if (s.queue_bytes) base.queue_bytes = *s.queue_bytes;
  if (s.mtu) base.mtu = *s.mtu;
  if (s.capacity_trace) {
    base.capacity_trace.clear();
    base.capacity_trace.reserve(s.capacity_trace->size());
    for (const CapacityPoint& p : *s.capacity_trace) {
      base.capacity_trace.push_back({SecondsToTimestamp(p.at_s), KbpsToRate(p.kbps)});
    }
  }
  if (s.up) base.up = *s.up;
  if (s.jitter_distribution) base.jitter_distribution = *s.jitter_distribution;
  return base;
}

std::string LinkName::ToString() const {
  return direction == Direction::kUp ? participant + "->sfu" : "sfu->" + participant;
}

std::optional<LinkName> ParseLinkName(std::string_view name) {
  constexpr std::string_view kUpSuffix = "->sfu";
  constexpr std::string_view kDownPrefix = "sfu->";
  if (name.size() > kUpSuffix.size() && name.substr(name.size() - kUpSuffix.size()) == kUpSuffix) {
    return LinkName{std::string(name.substr(0, name.size() - kUpSuffix.size())), LinkName::Direction::kUp};
  }
  if (name.size() > kDownPrefix.size() && name.substr(0, kDownPrefix.size()) == kDownPrefix) {
    return LinkName{std::string(name.substr(kDownPrefix.size())), LinkName::Direction::kDown};
  }
  return std::nullopt;
}

std::string LinkFieldForConfigField(std::string_view f) {
  if (f == "delay") return "delay_ms";
  if (f == "jitter") return "jitter_ms";
  if (f == "capacity") return "capacity_kbps";
  if (f == "queue_time") return "queue_ms";
  constexpr std::string_view kTrace = "capacity_trace[";
  if (f.substr(0, kTrace.size()) == kTrace) {
    std::string_view rest = f.substr(kTrace.size());
    std::size_t close = rest.find(']');
    if (close != std::string_view::npos) {
      std::string out = "capacity_trace/" + std::string(rest.substr(0, close));
      std::string_view member = rest.substr(close + 1);
      if (member == ".at") return out + "/0";
      if (member == ".rate") return out + "/1";
      return out;
    }
  }
  return std::string(f);
}

}  // namespace sfusim::scenario
