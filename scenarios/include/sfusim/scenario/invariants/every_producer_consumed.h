// EveryProducerConsumed ("every_producer_consumed"): a settled member of a voice channel receives
// every other member's producers (PROTOCOL.md §1: creating the recv transport delivers every
// existing producer, "never silently skipped"; new ones are announced with new_producer; §4: the
// client consumes each). A stream nobody subscribed to is invisible to the per-stream SLOs, so this
// is checked on the SFU's state at the end of the run.
//
// Check is given the final snapshot, the usernames of the settled receivers (the runner's choice:
// in voice, active, media complete, undisturbed for kConsumeSettleS) and when each producer was
// first seen. Violation: a settled receiver in a channel without a consumer of a producer of that
// channel that is not its own and has existed for kConsumeSettleS or more.
#pragma once

#include <map>
#include <set>
#include <string>

#include "sfusim/scenario/invariants/invariant_checker.h"
#include "sfusim/sfu/sfu_snapshot.h"

namespace sfusim::scenario {

// A receiver consumes a new producer within a few round trips; this is ample.
inline constexpr double kConsumeSettleS = 3.0;

class EveryProducerConsumed : public InvariantChecker {
 public:
  EveryProducerConsumed() : InvariantChecker("every_producer_consumed") {}
  void Check(double end_s, const sfu::SfuSnapshot& snapshot, const std::set<std::string>& settled_usernames,
             const std::map<std::string, double>& producer_since_s);
  uint64_t pairs_checked() const { return pairs_checked_; }

 private:
  uint64_t pairs_checked_ = 0;
};

}  // namespace sfusim::scenario
