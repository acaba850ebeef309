// DegradationLadderOrder ("degradation_ladder_order"): the native sender's degradation ladder
// steps in PROTOCOL.md §3's order: under pressure it lowers fps first, then the resolution tier,
// then the target bitrate, and it climbs back in the reverse order (the last dimension lowered is
// the first restored).
//
// Fed the degradation_changed events of each participant (their reason, "level <n> (down|up):
// <fps|tier|bitrate> ..."). Per participant and sender session (OnSenderStarted starts a new one,
// the ladder restarts at level 0), the checker keeps the stack of dimensions lowered so far.
// Violations: a step down in a dimension that comes before one already lowered (bitrate, then
// fps); a step up in another dimension than the last one lowered (or with nothing lowered); a
// reason that cannot be read. A dimension may be lowered several times in a row (30 -> 20 -> 15
// fps), and a ladder may skip a dimension it has no rung for (a share that starts at 720p).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/scenario/invariants/invariant_checker.h"

namespace sfusim::scenario {

class DegradationLadderOrder : public InvariantChecker {
 public:
  DegradationLadderOrder() : InvariantChecker("degradation_ladder_order") {}

  void OnSenderStarted(const std::string& participant);
  void OnDegradationChanged(double at_s, const std::string& participant, std::string_view reason);

  uint64_t steps() const { return steps_; }

 private:
  std::map<std::string, std::vector<int>> lowered_;  // per participant: ranks lowered, in order
  uint64_t steps_ = 0;
};

}  // namespace sfusim::scenario
