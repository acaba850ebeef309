// DegradationLadderConfig: the tunables of the native sender's degradation ladder
// (PROTOCOL.md §3: lower fps first, then the resolution tier, then the target bitrate).
//
// Contract: the ladder steps down one rung after pressure has lasted `sustain` without a break,
// and climbs back one rung after pressure has been absent for `hold`. The defaults make the
// ladder act well before the fallback's queue rule (FallbackThresholds::queue_pressure_for, 3 s),
// so sustained CPU pressure degrades the share instead of ending it. Rungs, top to bottom:
//   fps:     the start fps, then every entry of kLadderFpsSteps below it, down to `min_fps`;
//   tier:    the start tier, then every lower protocol::kResolutionTiers entry (down to 720p);
//   bitrate: `bitrate_steps` rungs, each multiplying the bitrate by `bitrate_step_factor`,
//            never below `min_bitrate_bps`.
// DegradationLadder::Create rejects values outside the bounds below ("invalid_argument").
#pragma once

#include <array>
#include <cstdint>

#include "sfusim/sim/time_delta.h"

namespace sfusim::clients {

// The fps rungs a ladder may use (highest first); the start fps is always the top rung.
inline constexpr std::array<int, 4> kLadderFpsSteps = {30, 20, 15, 10};
inline constexpr int kDefaultLadderMinFps = 10;
inline constexpr int kDefaultLadderBitrateSteps = 3;
inline constexpr double kDefaultLadderBitrateStepFactor = 0.7;
inline constexpr int64_t kDefaultLadderMinBitrateBps = 300'000;
inline constexpr sim::TimeDelta kDefaultLadderSustain = sim::TimeDelta::Millis(400);
inline constexpr sim::TimeDelta kDefaultLadderHold = sim::TimeDelta::Seconds(2);

// Bounds checked by DegradationLadder::Create.
inline constexpr int kMaxLadderBitrateSteps = 16;
inline constexpr int kMinLadderFps = 1;
inline constexpr int kMaxLadderFps = 60;  // = kVideoMaxFps (video/video_constants.h)

struct DegradationLadderConfig {
  int min_fps = kDefaultLadderMinFps;
  int bitrate_steps = kDefaultLadderBitrateSteps;
  double bitrate_step_factor = kDefaultLadderBitrateStepFactor;  // in (0, 1)
  int64_t min_bitrate_bps = kDefaultLadderMinBitrateBps;
  sim::TimeDelta sustain = kDefaultLadderSustain;  // pressure this long -> one rung down
  sim::TimeDelta hold = kDefaultLadderHold;        // no pressure this long -> one rung up
  // The ladder_wrong_order mutant (client_mutants.h): bitrate rungs first, then tier, then fps.
  bool wrong_order = false;
};

}  // namespace sfusim::clients
