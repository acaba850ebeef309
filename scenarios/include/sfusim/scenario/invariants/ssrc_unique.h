// SsrcUnique ("ssrc_unique"): SSRCs are unique per router (E2E_DESIGN.md: producers keep their
// SSRC, each consumer gets its own, never equal to any other in the router). Violation: two
// producers or consumers of one channel with the same SSRC, or an SSRC of 0. Each counts once.
#pragma once

#include "sfusim/scenario/invariants/invariant_checker.h"
#include "sfusim/sfu/sfu_snapshot.h"

namespace sfusim::scenario {

class SsrcUnique : public InvariantChecker {
 public:
  SsrcUnique() : InvariantChecker("ssrc_unique") {}
  // Called with the SFU's state after every change (state_version grew).
  void Check(double at_s, const sfu::SfuSnapshot& snapshot);
};

}  // namespace sfusim::scenario
