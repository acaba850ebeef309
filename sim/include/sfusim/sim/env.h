// Env: what a component needs from its world, passed as the first constructor parameter
// (DESIGN.md "Injection"): the event loop (and through it the one clock), its own RNG substream,
// the network of the host it lives on, and the run's trace. Nothing reaches for a global.
//
// The same Env shape serves the simulated and the real-network backends: only the Net
// implementation and the driver of the Scheduler differ.
#pragma once

#include <string_view>

#include "sfusim/sim/net.h"
#include "sfusim/sim/rng.h"
#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/trace.h"

namespace sfusim::sim {

struct Env {
  Scheduler* scheduler = nullptr;
  Rng rng{0};
  Net* net = nullptr;      // may be null for components that need no network
  Trace* trace = nullptr;  // may be null (then nothing is recorded)

  Timestamp Now() const { return scheduler->Now(); }
  // The same world with the child RNG substream `name` (for sub-components).
  Env Sub(std::string_view name) const { return Env{scheduler, rng.Fork(name), net, trace}; }
};

}  // namespace sfusim::sim
