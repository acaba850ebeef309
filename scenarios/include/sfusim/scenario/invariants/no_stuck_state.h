// NoStuckState ("no_stuck_state"): nothing is left half-way at the end of a run (DESIGN.md).
//
// For the web client: at the end, every client that the scenario has in voice is in phase
// "active", and every client it has out of voice is "left" or "idle" (never started), unless its
// last disturbance (its join, leave, switch, a fault touching it) was less than kSettleS before
// the end, when it may legitimately still be on its way. "failed" is always stuck.
// For the native screen-share sender (OnSenderEnd): every sender that was started ends "running",
// "stopped", "fallen_back" (or "disposed"/"idle": cleanly gone), never "starting" or "stopping";
// and a participant whose share fell back and still wants to share has its browser screen
// producer up. Both unless its last disturbance (a screen action, an encoder fault's end, its
// join) was less than kSettleS before the end.
#pragma once

#include <string_view>

#include "sfusim/scenario/invariants/invariant_checker.h"

namespace sfusim::scenario {

inline constexpr double kSettleS = 10.0;

class NoStuckState : public InvariantChecker {
 public:
  NoStuckState() : InvariantChecker("no_stuck_state") {}
  void OnEnd(double end_s, std::string_view client, bool should_be_in_voice, double last_disturbance_s,
             std::string_view phase);
  // `state`: the native sender's final state ("" = none exists at the end). `fell_back`: a
  // fallback_triggered happened in the run and the share is still wanted; `browser_share_up`: the
  // SFU has the participant's (browser) screen producer.
  void OnSenderEnd(double end_s, std::string_view participant, bool started, std::string_view state,
                   bool fell_back_and_sharing, bool browser_share_up, double last_disturbance_s);
};

}  // namespace sfusim::scenario
