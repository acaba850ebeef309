// RealTimeLoop: the driver of real-network mode. It owns one sim::Scheduler and one Boost.Asio
// io_context and runs both on the calling thread: the scheduler's clock follows the steady clock
// (microseconds since the loop was made), every event fires when its wall time has come, and
// socket completions run between events. The SFU and client code see the same Env as in
// simulation: only the Net (AsioNet) and this driver differ.
//
// Contract:
// - One thread: everything (timers, socket callbacks) runs inside Run*(); no other thread.
// - This is the only place besides the Asio sockets that reads a wall clock (DESIGN.md rule 1
//   exempts the real-network backend). Nothing here is deterministic, by nature.
// - SyncClock() advances the scheduler to the wall time now, firing every event due by then;
//   AsioNet calls it before each socket callback, so a component's env.Now() is current when it
//   handles a packet or a message.
// - Run calls are bounded: RunFor(d) returns after d of wall time, RunUntil(done, timeout) when
//   done() is true or the timeout passed (returns done()). Stop() makes the current Run* return
//   soon (callable from a callback, or from a signal handler through RequestStop()).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::sim {

class RealTimeLoop {
 public:
  RealTimeLoop();
  ~RealTimeLoop();
  RealTimeLoop(const RealTimeLoop&) = delete;
  RealTimeLoop& operator=(const RealTimeLoop&) = delete;

  Scheduler& scheduler() { return scheduler_; }
  // Wall time since the loop was made, on the scheduler's time axis.
  Timestamp WallNow() const;
  // Fires every scheduler event due by WallNow() and sets the scheduler's clock to it.
  void SyncClock();

  void RunFor(TimeDelta duration);
  bool RunUntil(const std::function<bool()>& done, TimeDelta timeout);
  void Stop() { stop_.store(true); }
  // Async-signal-safe: sets the flag the loop polls at least every kPollInterval.
  void RequestStop() { stop_.store(true); }
  bool stop_requested() const { return stop_.load(); }

  // The longest the loop blocks in the io_context before it looks at the stop flag again.
  static constexpr TimeDelta kPollInterval = TimeDelta::Millis(50);

  // For AsioNet: the io_context, type-erased so this header does not pull Boost in.
  class Io;
  Io& io() { return *io_; }

 private:
  // Runs until the wall deadline (or Stop()); `done` is checked after every step when given.
  bool RunLoop(Timestamp deadline, const std::function<bool()>* done);

  Scheduler scheduler_;
  std::unique_ptr<Io> io_;
  int64_t start_ns_ = 0;
  std::atomic<bool> stop_{false};
};

}  // namespace sfusim::sim
