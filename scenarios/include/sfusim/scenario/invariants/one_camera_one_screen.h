// OneCameraOneScreen ("one_camera_one_screen"): at most one camera and one screen producer per
// connection (PROTOCOL.md §1; the producer_limit_race mutant breaks it). Violation: a user with
// two or more producers of source camera (or of source screen). Each (user, source) counts once.
#pragma once

#include "sfusim/scenario/invariants/invariant_checker.h"
#include "sfusim/sfu/sfu_snapshot.h"

namespace sfusim::scenario {

class OneCameraOneScreen : public InvariantChecker {
 public:
  OneCameraOneScreen() : InvariantChecker("one_camera_one_screen") {}
  // Called with the SFU's state after every change (state_version grew).
  void Check(double at_s, const sfu::SfuSnapshot& snapshot);
};

}  // namespace sfusim::scenario
