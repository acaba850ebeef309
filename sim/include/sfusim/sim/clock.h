// Clock: the one owner of "now" (DESIGN.md rule 1). Owned by the Scheduler; only the driver of
// the event loop (simulated, or the real-network backend) advances it, and never backwards.
#pragma once

#include <cassert>

#include "sfusim/sim/timestamp.h"

namespace sfusim::sim {

class Clock {
 public:
  Timestamp Now() const { return now_; }

 private:
  friend class Scheduler;
  void AdvanceTo(Timestamp t) { now_ = t; }
  Timestamp now_ = Timestamp::Zero();
};

}  // namespace sfusim::sim
