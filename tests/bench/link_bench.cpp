// BM_Link*: Link::Send per packet (items = packets offered to the link).
//
// Workload: 1200-byte packets with Poisson arrivals (exponential gaps, mean 12 us, precomputed and
// rounded to whole microseconds) on a 1 Gbit/s bottleneck with a 100 ms drop-tail buffer: 0.8
// Gbit/s offered, 80 % load, so a queue forms and drains all the time (M/D/1: the waiting ring is
// exercised) but never overflows. On top: 20 ms delay, 5 ms exponential jitter, FIFO order.
//   BM_Link                 Bernoulli loss 2 %
//   BM_LinkBurstLoss        Gilbert loss 5 %, mean burst 3 packets, plus 1 % duplication
//   BM_LinkOverload         offered 2x capacity: the queue sits at its bound and drops ~half
//   BM_LinkCapacityTrace    BM_Link with a capacity trace stepping every 100 ms (1-2 Gbit/s)
// Target: >= 5M packets/s (Release).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "sfusim/sim/link.h"
#include "sfusim/sim/rng.h"

namespace {

using sfusim::sim::DataRate;
using sfusim::sim::Link;
using sfusim::sim::LinkConfig;
using sfusim::sim::Rng;
using sfusim::sim::TimeDelta;
using sfusim::sim::Timestamp;

constexpr std::size_t kGapTableSize = 1 << 16;
constexpr std::size_t kPacketBytes = 1200;

std::vector<int64_t> MakeGaps(double mean_us) {
  Rng rng(7);
  std::vector<int64_t> gaps(kGapTableSize);
  for (auto& g : gaps) g = static_cast<int64_t>(rng.Exponential(mean_us) + 0.5);
  return gaps;
}

LinkConfig BaseConfig() {
  LinkConfig c;
  c.delay = TimeDelta::Millis(20);
  c.jitter = TimeDelta::Millis(5);
  c.loss = 0.02;
  c.capacity = DataRate::BitsPerSec(1'000'000'000);
  c.queue_time = TimeDelta::Millis(100);
  return c;
}

void RunLink(benchmark::State& state, const LinkConfig& config, double mean_gap_us) {
  const std::vector<int64_t> gaps = MakeGaps(mean_gap_us);
  Link link(config, Rng::Stream(1, "link/bench"));
  int64_t now_us = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    now_us += gaps[i++ & (kGapTableSize - 1)];
    benchmark::DoNotOptimize(link.Send(Timestamp::Micros(now_us), kPacketBytes));
  }
  state.SetItemsProcessed(state.iterations());
  const auto& k = link.counters();
  double sent = static_cast<double>(k.packets_sent);
  state.counters["delivered"] = sent > 0 ? static_cast<double>(k.packets_delivered) / sent : 0;
  state.counters["max_queue_ms"] = k.max_queue_delay.ms_f();
}

void BM_Link(benchmark::State& state) { RunLink(state, BaseConfig(), 12.0); }
BENCHMARK(BM_Link);

void BM_LinkBurstLoss(benchmark::State& state) {
  LinkConfig c = BaseConfig();
  c.loss = 0.05;
  c.burst_len = 3;
  c.duplicate = 0.01;
  RunLink(state, c, 12.0);
}
BENCHMARK(BM_LinkBurstLoss);

void BM_LinkOverload(benchmark::State& state) {
  // 1200 bytes every 4.8 us on average: 2 Gbit/s offered on 1 Gbit/s.
  RunLink(state, BaseConfig(), 4.8);
}
BENCHMARK(BM_LinkOverload);

void BM_LinkCapacityTrace(benchmark::State& state) {
  LinkConfig c = BaseConfig();
  // 10 hours of steps, more than any benchmark run reaches (12 us per packet).
  for (int64_t s = 1; s <= 360'000; ++s) {
    c.capacity_trace.push_back(
        {Timestamp::Millis(100 * s), DataRate::BitsPerSec(s % 2 ? 1'000'000'000 : 2'000'000'000)});
  }
  RunLink(state, c, 12.0);
}
BENCHMARK(BM_LinkCapacityTrace);

}  // namespace
