// NoStuckState ("no_stuck_state"): nothing is left half-way at the end of a run (DESIGN.md).
//
// For the web client: at the end, every client that the scenario has in voice is in phase
// "active", and every client it has out of voice is "left" or "idle" (never started), unless its
// last disturbance (its join, leave, switch, a fault touching it) was less than kSettleS before
// the end, when it may legitimately still be on its way. "failed" is always stuck. (The native
// sender's "running, stopped or fallen back" part needs the video issue.)
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
};

}  // namespace sfusim::scenario
