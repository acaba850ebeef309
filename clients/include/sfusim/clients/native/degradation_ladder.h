// DegradationLadder: the native sender's bounded degradation ladder (PROTOCOL.md §3), pure logic.
//
// Rungs (DegradationLadderConfig): level 0 is (start fps, start tier, full bitrate); going down,
// first every fps rung, then every lower resolution tier (protocol::kResolutionTiers, down to the
// last, 720p), then `bitrate_steps` bitrate rungs. max_level() = the number of rungs below 0.
// Update(now, pressure) takes one pressure sample (the sender gives one per capture tick):
// pressure sampled without a break for >= sustain (from its first sample) -> one rung down
// (and the sustain clock restarts); no pressure for >= hold -> one rung up (the hold clock
// restarts), unless `climb_allowed` is false (the caller knows the rung above would be under
// pressure at once; the calm clock keeps running). Returns the change, if any. Reset() goes back to level 0 with both clocks cleared.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/clients/native/degradation_ladder_config.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/result.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

enum class LadderDimension { kFps, kTier, kBitrate };
std::string_view LadderDimensionName(LadderDimension d);  // "fps", "tier", "bitrate"

struct DegradationRung {
  int fps = 0;
  int tier_index = 0;    // into protocol::kResolutionTiers
  int bitrate_step = 0;  // bitrate x bitrate_step_factor^bitrate_step
  std::optional<LadderDimension> changed;  // what this rung changed from the one above (none at 0)
};

struct DegradationChange {
  int old_level = 0;
  int new_level = 0;
  LadderDimension what = LadderDimension::kFps;
  bool down = true;
  std::string reason;  // e.g. "level 1 (down): fps 30->20", "level 4 (down): tier 1080p->720p",
                       // "level 5 (down): bitrate_step 0->1", "level 4 (up): bitrate_step 1->0"
};

class DegradationLadder {
 public:
  // "invalid_argument": start_fps outside [kMinLadderFps, kMaxLadderFps], start_tier_index outside
  // kResolutionTiers, min_fps outside [kMinLadderFps, kMaxLadderFps], bitrate_steps outside
  // [0, kMaxLadderBitrateSteps], factor outside (0, 1), min bitrate < 0, sustain/hold <= 0.
  static protocol::Result<DegradationLadder> Create(const DegradationLadderConfig& config, int start_fps,
                                                    int start_tier_index);

  std::optional<DegradationChange> Update(sim::Timestamp now, bool pressure, bool climb_allowed = true);
  void Reset();

  int level() const { return level_; }
  int max_level() const { return static_cast<int>(rungs_.size()) - 1; }
  const DegradationRung& rung() const { return rungs_[static_cast<size_t>(level_)]; }
  const std::vector<DegradationRung>& rungs() const { return rungs_; }
  int fps() const { return rung().fps; }
  int tier_index() const { return rung().tier_index; }
  const protocol::ResolutionTier& tier() const { return protocol::kResolutionTiers[static_cast<size_t>(tier_index())]; }
  double bitrate_scale() const;
  // The encoder bitrate for a target: target x scale, not below min_bitrate_bps (nor above target).
  int64_t ApplyBitrate(int64_t target_bps) const;
  const DegradationLadderConfig& config() const { return config_; }

 private:
  DegradationLadder(DegradationLadderConfig config, std::vector<DegradationRung> rungs)
      : config_(config), rungs_(std::move(rungs)) {}
  DegradationChange Change(int from, int to) const;

  DegradationLadderConfig config_;
  std::vector<DegradationRung> rungs_;
  int level_ = 0;
  std::optional<sim::Timestamp> pressure_since_;
  std::optional<sim::Timestamp> calm_since_;
};

}  // namespace sfusim::clients
