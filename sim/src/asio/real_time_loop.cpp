// RealTimeLoop: see real_time_loop.h. The real-network backend is the one place that reads the
// steady clock (DESIGN.md rule 1).
#include "sfusim/sim/real_time_loop.h"

#include <algorithm>
#include <chrono>

#include "real_time_loop_io.h"

namespace sfusim::sim {
namespace {

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RealTimeLoop::RealTimeLoop() : io_(std::make_unique<Io>()), start_ns_(SteadyNs()) {}

RealTimeLoop::~RealTimeLoop() = default;

Timestamp RealTimeLoop::WallNow() const { return Timestamp::Micros((SteadyNs() - start_ns_) / 1000); }

void RealTimeLoop::SyncClock() {
  const Timestamp now = WallNow();
  if (now > scheduler_.Now()) scheduler_.RunUntil(now);
}

void RealTimeLoop::RunFor(TimeDelta duration) { RunLoop(WallNow() + duration, nullptr); }

bool RealTimeLoop::RunUntil(const std::function<bool()>& done, TimeDelta timeout) {
  return RunLoop(WallNow() + timeout, &done);
}

bool RealTimeLoop::RunLoop(Timestamp deadline, const std::function<bool()>* done) {
  stop_.store(false);
  auto& ctx = io_->context();
  if (ctx.stopped()) ctx.restart();
  while (!stop_.load()) {
    SyncClock();
    if (done && (*done)()) return true;
    const Timestamp now = WallNow();
    if (now >= deadline) break;
    // Block in the io_context until the next timer is due, the deadline, or the poll interval.
    Timestamp wake = std::min(deadline, now + kPollInterval);
    wake = std::min(wake, scheduler_.NextEventTime());
    const auto wait = std::chrono::microseconds(std::max<int64_t>((wake - now).us(), 0));
    ctx.run_one_for(wait);
    // Drain what else is ready without blocking, so a burst of packets is handled together.
    ctx.poll();
  }
  SyncClock();
  return done ? (*done)() : false;
}

}  // namespace sfusim::sim
