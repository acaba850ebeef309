#include "sfusim/clients/native/degradation_ladder.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace sfusim::clients {

std::string_view LadderDimensionName(LadderDimension d) {
  switch (d) {
    case LadderDimension::kFps: return "fps";
    case LadderDimension::kTier: return "tier";
    case LadderDimension::kBitrate: return "bitrate";
  }
  return "unknown";
}

protocol::Result<DegradationLadder> DegradationLadder::Create(const DegradationLadderConfig& config, int start_fps,
                                                              int start_tier_index) {
  auto bad = [](std::string what) { return protocol::MakeError("invalid_argument", "ladder: " + what); };
  if (start_fps < kMinLadderFps || start_fps > kMaxLadderFps) return bad("start fps out of range");
  if (start_tier_index < 0 || start_tier_index >= static_cast<int>(protocol::kResolutionTiers.size())) {
    return bad("start tier out of range");
  }
  if (config.min_fps < kMinLadderFps || config.min_fps > kMaxLadderFps) return bad("min_fps out of range");
  if (config.bitrate_steps < 0 || config.bitrate_steps > kMaxLadderBitrateSteps) return bad("bitrate_steps out of range");
  if (!(config.bitrate_step_factor > 0.0 && config.bitrate_step_factor < 1.0)) return bad("bitrate_step_factor out of (0, 1)");
  if (config.min_bitrate_bps < 0) return bad("min_bitrate_bps < 0");
  if (config.sustain <= sim::TimeDelta::Zero() || config.hold <= sim::TimeDelta::Zero()) return bad("sustain/hold <= 0");

  std::vector<DegradationRung> rungs;
  DegradationRung r{start_fps, start_tier_index, 0, std::nullopt};
  rungs.push_back(r);
  auto fps_rungs = [&] {
    for (const int fps : kLadderFpsSteps) {
      if (fps < r.fps && fps >= config.min_fps) {
        r.fps = fps;
        r.changed = LadderDimension::kFps;
        rungs.push_back(r);
      }
    }
  };
  auto tier_rungs = [&] {
    for (int t = start_tier_index + 1; t < static_cast<int>(protocol::kResolutionTiers.size()); ++t) {
      r.tier_index = t;
      r.changed = LadderDimension::kTier;
      rungs.push_back(r);
    }
  };
  auto bitrate_rungs = [&] {
    for (int b = 1; b <= config.bitrate_steps; ++b) {
      r.bitrate_step = b;
      r.changed = LadderDimension::kBitrate;
      rungs.push_back(r);
    }
  };
  if (config.wrong_order) {
    bitrate_rungs();
    tier_rungs();
    fps_rungs();
  } else {
    fps_rungs();
    tier_rungs();
    bitrate_rungs();
  }
  return DegradationLadder(config, std::move(rungs));
}

DegradationChange DegradationLadder::Change(int from, int to) const {
  const DegradationRung& a = rungs_[static_cast<size_t>(from)];
  const DegradationRung& b = rungs_[static_cast<size_t>(to)];
  DegradationChange c;
  c.old_level = from;
  c.new_level = to;
  c.down = to > from;
  // The rung that differs is the lower one of the two; it names what changed.
  c.what = *rungs_[static_cast<size_t>(std::max(from, to))].changed;
  c.reason = "level " + std::to_string(to) + (c.down ? " (down): " : " (up): ");
  c.reason += LadderDimensionName(c.what);
  c.reason += ' ';
  switch (c.what) {
    case LadderDimension::kFps:
      c.reason += std::to_string(a.fps) + "->" + std::to_string(b.fps);
      break;
    case LadderDimension::kTier:
      c.reason += protocol::kResolutionTiers[static_cast<size_t>(a.tier_index)].name;
      c.reason += "->";
      c.reason += protocol::kResolutionTiers[static_cast<size_t>(b.tier_index)].name;
      break;
    case LadderDimension::kBitrate:
      c.reason += "step " + std::to_string(a.bitrate_step) + "->" + std::to_string(b.bitrate_step);
      break;
  }
  return c;
}

std::optional<DegradationChange> DegradationLadder::Update(sim::Timestamp now, bool pressure, bool climb_allowed) {
  if (pressure) {
    calm_since_.reset();
    if (!pressure_since_) {
      pressure_since_ = now;
      return std::nullopt;
    }
    if (now - *pressure_since_ < config_.sustain || level_ >= max_level()) return std::nullopt;
    pressure_since_ = now;
    const int from = level_;
    ++level_;
    return Change(from, level_);
  }
  pressure_since_.reset();
  if (!calm_since_) {
    calm_since_ = now;
    return std::nullopt;
  }
  if (now - *calm_since_ < config_.hold || level_ == 0 || !climb_allowed) return std::nullopt;
  calm_since_ = now;
  const int from = level_;
  --level_;
  return Change(from, level_);
}

void DegradationLadder::Reset() {
  level_ = 0;
  pressure_since_.reset();
  calm_since_.reset();
}

double DegradationLadder::bitrate_scale() const {
  return std::pow(config_.bitrate_step_factor, rung().bitrate_step);
}

int64_t DegradationLadder::ApplyBitrate(int64_t target_bps) const {
  if (rung().bitrate_step == 0) return target_bps;
  const auto scaled = static_cast<int64_t>(static_cast<double>(target_bps) * bitrate_scale());
  return std::min(target_bps, std::max(scaled, config_.min_bitrate_bps));
}

}  // namespace sfusim::clients
