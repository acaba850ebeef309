// NoConsumerOutlivesProducer ("no_consumer_outlives_producer"): a producer's close closes every
// consumer of it (PROTOCOL.md §2; the consumer_leak mutant breaks it). Violation: a consumer
// flagged closed_producer, or whose producer is gone, in any snapshot. Each consumer counts once.
#pragma once

#include "sfusim/scenario/invariants/invariant_checker.h"
#include "sfusim/sfu/sfu_snapshot.h"

namespace sfusim::scenario {

class NoConsumerOutlivesProducer : public InvariantChecker {
 public:
  NoConsumerOutlivesProducer() : InvariantChecker("no_consumer_outlives_producer") {}
  // Called with the SFU's state after every change (state_version grew).
  void Check(double at_s, const sfu::SfuSnapshot& snapshot);
};

}  // namespace sfusim::scenario
