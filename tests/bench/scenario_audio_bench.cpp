// BM_ScenarioAudio20: a 20-participant audio call (one channel, every client publishing its
// microphone and consuming the 19 others), 30 s simulated, through the whole stack (scenario
// runner, reference SFU, web clients with real Opus, SRTP, the simulated network).
//
// Counters:
//   sim_s_per_wall_s   simulated seconds per wall-clock second (items_per_second says the same:
//                      one item = one simulated second)
//   opus_share_est     an ESTIMATE of the share of wall time spent inside Opus: the run's encoded
//                      frames (RTP packets sent) and decoded frames (normal + FEC + concealed
//                      played frames) times the per-frame cost of OpusEncoder::Encode and
//                      OpusDecoder::Decode measured here on the same machine in isolation. The
//                      clients do not expose codec time yet; a direct measure needs a hook there.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "sfusim/clients/audio/opus_decoder.h"
#include "sfusim/clients/audio/opus_encoder.h"
#include "sfusim/scenario/scenario_runner.h"

namespace {

using sfusim::scenario::Participant;
using sfusim::scenario::RunOptions;
using sfusim::scenario::Scenario;

constexpr int kParticipants = 20;
constexpr double kDurationS = 30;
constexpr int kFrameSamples = 960;  // 20 ms at 48 kHz

Scenario Audio20() {
  Scenario s;
  s.name = "bench-audio-20";
  s.duration_s = kDurationS;
  s.sfu.channels.push_back({"lobby", {}});
  for (int i = 0; i < kParticipants; ++i) {
    Participant p;
    p.id = "p" + std::to_string(100 + i).substr(1);
    p.channel = "lobby";
    p.join_at_s = 0.1 * i;
    s.participants.push_back(p);
  }
  s.network.defaults.delay_ms = 10;
  s.network.defaults.jitter_ms = 1;
  s.network.defaults.capacity_kbps = 20000;
  s.network.defaults.queue_ms = 200;
  return s;
}

// Per-frame Opus cost (seconds) of encode and of decode, measured once.
struct OpusCost {
  double encode_s = 0;
  double decode_s = 0;
};

OpusCost MeasureOpus() {
  using Clock = std::chrono::steady_clock;
  auto enc = sfusim::clients::OpusEncoder::Create({});
  auto dec = sfusim::clients::OpusDecoder::Create();
  OpusCost cost;
  if (!enc.ok() || !dec.ok()) return cost;
  std::vector<int16_t> pcm(kFrameSamples);
  std::vector<int16_t> out(kFrameSamples * 6);
  std::vector<std::vector<uint8_t>> packets(500);
  for (int f = 0; f < 500; ++f) {
    for (int i = 0; i < kFrameSamples; ++i) {
      double t = (f * kFrameSamples + i) / 48000.0;
      pcm[i] = static_cast<int16_t>(6000 * std::sin(2 * M_PI * 220 * t) * (0.6 + 0.4 * std::sin(2 * M_PI * 3 * t)) +
                                    1500 * std::sin(2 * M_PI * 1330 * t));
    }
    auto start = Clock::now();
    (void)enc.value().Encode(pcm, &packets[f]);
    cost.encode_s += std::chrono::duration<double>(Clock::now() - start).count();
  }
  for (int f = 0; f < 500; ++f) {
    auto start = Clock::now();
    (void)dec.value().Decode(packets[f], out);
    cost.decode_s += std::chrono::duration<double>(Clock::now() - start).count();
  }
  cost.encode_s /= 500;
  cost.decode_s /= 500;
  return cost;
}

void BM_ScenarioAudio20(benchmark::State& state) {
  const Scenario scenario = Audio20();
  static const OpusCost cost = MeasureOpus();
  double frames_encoded = 0;
  double frames_decoded = 0;
  bool ok = true;
  for (auto _ : state) {
    RunOptions options;
    options.seed = 1;
    sfusim::scenario::ScenarioRun run = sfusim::scenario::RunScenario(scenario, options);
    ok = ok && run.ok;
    for (const auto& [id, p] : run.result.metrics.participants) {
      auto it = p.counters.find("rtp_sent");
      if (it != p.counters.end()) frames_encoded += it->second;
      for (const auto& [from, s] : p.streams) {
        frames_decoded += static_cast<double>(s.frames_normal + s.frames_fec + s.frames_concealed);
      }
    }
    benchmark::DoNotOptimize(run.result.trace_hash);
  }
  if (!ok) state.SkipWithError("the run could not be built");
  const double iterations = static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<int64_t>(kDurationS * iterations));
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(kDurationS * iterations, benchmark::Counter::kIsRate);
  // Opus seconds per iteration; divided by the iteration's wall time (kIsRate) this is the share.
  state.counters["opus_share_est"] = benchmark::Counter(
      frames_encoded * cost.encode_s + frames_decoded * cost.decode_s, benchmark::Counter::kIsRate);
  state.counters["opus_encode_us"] = cost.encode_s * 1e6;
  state.counters["opus_decode_us"] = cost.decode_s * 1e6;
}
BENCHMARK(BM_ScenarioAudio20)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace
