// SfuFaultPoints: code-level faults of the reference SFU that network faults never reach (issue 7,
// "Swarm testing and fault points"). All off by default: an SfuConfig{} behaves exactly as before.
//
// Contract:
// - Every decision is drawn from the SFU's own substream env.rng.Fork("fault_points"), never from
//   env.rng itself, so switching fault points on does not change any other draw of the SFU.
// - Nothing fires at or after `until` (the runner leaves a quiet tail so recovery can be judged).
// - lost_response_probability: a successful media_signal response (sent after its state change:
//   the producer, consumer or transport exists) is dropped with this probability; the client
//   times out and recovers. Error responses are never dropped.
// - slow_worker / slow_worker_latency: every media_signal request for a router on worker
//   `slow_worker` (kAllWorkers: every worker) is handled after this latency instead of at once,
//   in arrival order (one latency for all, so the worker stays FIFO). When it is handled, the
//   connection, its channel and the router are looked up again (the client may have left, the
//   worker may have crashed meanwhile), exactly as a request that arrives at that time.
// - Each firing is a trace record ("fault_point <kind> ..."), so two runs can be compared.
#pragma once

#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::sfu {

struct SfuFaultPoints {
  static constexpr int kNoWorker = -1;
  static constexpr int kAllWorkers = -2;

  double lost_response_probability = 0;  // [0, 1]
  int slow_worker = kNoWorker;           // a worker index, kAllWorkers or kNoWorker
  sim::TimeDelta slow_worker_latency = sim::TimeDelta::Zero();
  sim::Timestamp until = sim::Timestamp::PlusInfinity();

  bool any() const {
    return lost_response_probability > 0 || (slow_worker != kNoWorker && slow_worker_latency > sim::TimeDelta::Zero());
  }
  bool SlowWorker(int worker) const {
    return slow_worker_latency > sim::TimeDelta::Zero() && (slow_worker == kAllWorkers || slow_worker == worker);
  }
};

}  // namespace sfusim::sfu
