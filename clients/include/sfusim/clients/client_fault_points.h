// ClientFaultPoints: code-level faults of the reference web client (issue 7, "Swarm testing and
// fault points"). All off by default: a WebClientConfig{} behaves exactly as before.
//
// Contract:
// - Every decision is drawn from the client's own substream env.rng.Fork("fault_points"), never
//   from env.rng itself, so switching fault points on does not change any other draw.
// - Nothing fires at or after `until`.
// - notification_delay_probability / notification_delay_max: a new_producer or producer_closed
//   notification is handled after a delay drawn uniformly from (0, max] instead of at once, each
//   independently, so two notifications can be handled in the other order (a producer_closed
//   before the new_producer of the same producer, a consume of a producer that is already gone).
//   A delayed notification is dropped if the signaling session it came on is over by then (a
//   real client ties its handlers to the connection).
#pragma once

#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

struct ClientFaultPoints {
  double notification_delay_probability = 0;  // [0, 1]
  sim::TimeDelta notification_delay_max = sim::TimeDelta::Zero();
  sim::Timestamp until = sim::Timestamp::PlusInfinity();

  bool any() const { return notification_delay_probability > 0 && notification_delay_max > sim::TimeDelta::Zero(); }
};

}  // namespace sfusim::clients
