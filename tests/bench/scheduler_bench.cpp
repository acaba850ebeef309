// BM_Scheduler*: sfusim's event loop on a self-rescheduling workload with a fixed number of pending
// events (each fired event posts its successor at now + a pseudo-random delay in [0, 10 ms)).
// BM_BaselinePriorityQueue*: the same workload on a std::priority_queue of std::function events,
// the textbook event loop, measured in the same binary as the yardstick.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "sfusim/sim/rng.h"
#include "sfusim/sim/scheduler.h"

namespace {

using sfusim::sim::Rng;
using sfusim::sim::Scheduler;
using sfusim::sim::TimeDelta;

constexpr std::size_t kDelayTableSize = 1 << 16;
constexpr int64_t kMaxDelayUs = 10'000;

std::vector<int64_t> MakeDelays() {
  Rng rng(42);
  std::vector<int64_t> d(kDelayTableSize);
  for (auto& v : d) v = static_cast<int64_t>(rng.UniformInt(kMaxDelayUs));
  return d;
}

struct SchedulerWorkload {
  Scheduler scheduler;
  std::vector<int64_t> delays = MakeDelays();
  std::size_t next = 0;
  void Post() {
    int64_t d = delays[next++ & (kDelayTableSize - 1)];
    scheduler.PostDelayed(TimeDelta::Micros(d), [this] { Post(); });
  }
};

void BM_Scheduler(benchmark::State& state) {
  SchedulerWorkload w;
  for (int64_t i = 0; i < state.range(0); ++i) w.Post();
  for (auto _ : state) w.scheduler.Step();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Scheduler)->Arg(1000)->Arg(100000);

// A cancellable-timer mix: every third event also arms and cancels a timer, as transports and
// request timeouts do.
void BM_SchedulerWithCancels(benchmark::State& state) {
  struct W {
    Scheduler scheduler;
    std::vector<int64_t> delays = MakeDelays();
    std::size_t next = 0;
    void Post() {
      int64_t d = delays[next++ & (kDelayTableSize - 1)];
      if (next % 3 == 0) {
        auto id = scheduler.PostDelayed(TimeDelta::Micros(d + kMaxDelayUs), [] {});
        scheduler.Cancel(id);
      }
      scheduler.PostDelayed(TimeDelta::Micros(d), [this] { Post(); });
    }
  } w;
  for (int64_t i = 0; i < state.range(0); ++i) w.Post();
  for (auto _ : state) w.scheduler.Step();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SchedulerWithCancels)->Arg(1000)->Arg(100000);

struct BaselineEvent {
  int64_t time_us;
  uint64_t seq;
  std::function<void()> fn;
};
struct BaselineLater {
  bool operator()(const BaselineEvent& a, const BaselineEvent& b) const {
    return a.time_us != b.time_us ? a.time_us > b.time_us : a.seq > b.seq;
  }
};

struct BaselineWorkload {
  std::priority_queue<BaselineEvent, std::vector<BaselineEvent>, BaselineLater> queue;
  int64_t now_us = 0;
  uint64_t seq = 0;
  std::vector<int64_t> delays = MakeDelays();
  std::size_t next = 0;
  void Post() {
    int64_t d = delays[next++ & (kDelayTableSize - 1)];
    queue.push(BaselineEvent{now_us + d, seq++, [this] { Post(); }});
  }
  void Step() {
    BaselineEvent ev = std::move(const_cast<BaselineEvent&>(queue.top()));
    queue.pop();
    now_us = ev.time_us;
    ev.fn();
  }
};

void BM_BaselinePriorityQueue(benchmark::State& state) {
  BaselineWorkload w;
  for (int64_t i = 0; i < state.range(0); ++i) w.Post();
  for (auto _ : state) w.Step();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselinePriorityQueue)->Arg(1000)->Arg(100000);

}  // namespace
