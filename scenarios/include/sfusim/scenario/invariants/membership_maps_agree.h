// MembershipMapsAgree ("membership_maps_agree"): the SFU's two membership maps (connection -> channel and
// channel -> users, PROTOCOL.md §2) always agree. Violation: a user whose connection_channel says c
// but who is not in channel_members[c], or a member of channel_members[c] whose connection_channel
// is absent or another channel. Each distinct disagreement counts once.
#pragma once

#include "sfusim/scenario/invariants/invariant_checker.h"
#include "sfusim/sfu/sfu_snapshot.h"

namespace sfusim::scenario {

class MembershipMapsAgree : public InvariantChecker {
 public:
  MembershipMapsAgree() : InvariantChecker("membership_maps_agree") {}
  // Called with the SFU's state after every change (state_version grew).
  void Check(double at_s, const sfu::SfuSnapshot& snapshot);
};

}  // namespace sfusim::scenario
