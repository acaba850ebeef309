// LinkResult: what a Link did with one packet (the return value of Link::Send).
//
// Either dropped (drop != kNone, with the reason), or delivered at `arrival`, plus possibly a
// duplicate copy at `duplicate_arrival`. `departure` and `queue_delay` describe the bottleneck and
// are set for every packet that got past the queue (delivered, or lost at random after it); for
// packets dropped by MTU, link down or queue full they stay zero.
// Plain value, trivially copyable: returning it allocates nothing.
#pragma once

#include <optional>

#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"
#include "sfusim/sim/trace.h"

namespace sfusim::sim {

struct LinkResult {
  DropReason drop = DropReason::kNone;
  // When the (first) copy reaches the far end. Only meaningful when delivered().
  Timestamp arrival;
  // The second copy, when the link duplicated the packet. Only when delivered().
  std::optional<Timestamp> duplicate_arrival;
  // When the last bit left the bottleneck (rounded up to the microsecond); equals the send time on
  // an infinite-capacity link with nothing queued.
  Timestamp departure;
  // How long the packet waited before its transmission began (rounded up to the microsecond).
  TimeDelta queue_delay;

  bool delivered() const { return drop == DropReason::kNone; }
  bool dropped() const { return drop != DropReason::kNone; }
};

}  // namespace sfusim::sim
