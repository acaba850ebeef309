// ConsumerHasProducer ("consumer_has_producer"): every consumer's producer exists and is in the same
// channel as the consumer (PROTOCOL.md §1-2). Violation: a consumer whose producer_id names no
// producer, or a producer of another channel. Each consumer counts once.
#pragma once

#include "sfusim/scenario/invariants/invariant_checker.h"
#include "sfusim/sfu/sfu_snapshot.h"

namespace sfusim::scenario {

class ConsumerHasProducer : public InvariantChecker {
 public:
  ConsumerHasProducer() : InvariantChecker("consumer_has_producer") {}
  // Called with the SFU's state after every change (state_version grew).
  void Check(double at_s, const sfu::SfuSnapshot& snapshot);
};

}  // namespace sfusim::scenario
