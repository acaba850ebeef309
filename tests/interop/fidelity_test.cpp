// Sim against real (issue 8): one scenario (fidelity-3party-clean.json: three people on a clean
// network, one with a camera, 20 s) run by the ScenarioRunner simulated and in real-network mode
// (RunOptions::real: every participant a real client on loopback sockets, real time). They must
// agree:
//   - the same invariant verdicts and the same SLO verdicts;
//   - per received stream, the delivered counts in the steady state (seconds kWarmupS to the end,
//     from the per-second series: video frames rendered, audio bytes delivered) within 1 %;
//   - per stream, the whole-run packet and frame counts within kWholeRunTolerance: the real run
//     loses its start-up time (codec set-up and the handshakes cost real CPU, which the simulator
//     charges nothing for; on a loaded 2-core machine that is a few hundred ms).
// It prints, always, every stream's counts and delays in both modes (the README quotes them).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>

#include "sfusim/scenario/scenario_loader.h"
#include "sfusim/scenario/scenario_runner.h"

using namespace sfusim;
using namespace sfusim::scenario;

namespace {

constexpr double kSteadyTolerance = 0.01;     // the bound
constexpr double kWholeRunTolerance = 0.05;   // whole-run counts include the start-up (see above)
constexpr std::size_t kWarmupS = 2;           // per-second bins before this are the start-up

double SumFrom(const StreamMetrics& s, const std::string& series, std::size_t from) {
  auto it = s.series.find(series);
  if (it == s.series.end()) return 0;
  double sum = 0;
  for (std::size_t i = from; i < it->second.values.size(); ++i) sum += it->second.values[i];
  return sum;
}

bool Within(double a, double b, double tolerance) { return std::fabs(a - b) <= tolerance * std::max(a, b); }

std::string Opt(const std::optional<double>& v) {
  char buf[32];
  if (!v) return "-";
  std::snprintf(buf, sizeof buf, "%.1f", *v);
  return buf;
}

TEST_CASE("fidelity: a clean 3-party scenario simulated and on real loopback delivers the same per stream") {
  const std::string path = std::string(SFUSIM_SOURCE_DIR) + "/tests/interop/fidelity-3party-clean.json";
  LoadResult loaded = LoadScenarioFile(path);
  for (const auto& p : loaded.problems) UNSCOPED_INFO(p.ToString());
  REQUIRE(loaded.ok());
  RunOptions options;
  options.seed = 1;
  options.scenario_path = path;
  const ScenarioRun sim = RunScenario(*loaded.scenario, options);
  options.real = true;
  const ScenarioRun real = RunScenario(*loaded.scenario, options);
  INFO(sim.error << real.error);
  REQUIRE(sim.ok);
  REQUIRE(real.ok);
  CHECK_FALSE(sim.result.real);
  CHECK(real.result.real);

  // The same verdicts.
  std::map<std::string, bool> sim_inv, real_inv, sim_slo, real_slo;
  for (const auto& v : sim.result.invariants) sim_inv[v.name] = v.passed;
  for (const auto& v : real.result.invariants) real_inv[v.name] = v.passed;
  for (const auto& v : sim.result.slo) sim_slo[v.metric + "/" + v.participant] = v.passed;
  for (const auto& v : real.result.slo) real_slo[v.metric + "/" + v.participant] = v.passed;
  CHECK(sim_inv == real_inv);
  CHECK(sim_slo == real_slo);
  CHECK(sim.result.passed == real.result.passed);

  std::cout << "fidelity-3party-clean, seed 1: receiver <- stream: sim | real\n";
  const auto& sp = sim.result.metrics.participants;
  const auto& rp = real.result.metrics.participants;
  REQUIRE(sp.size() == rp.size());
  int streams = 0;
  for (const auto& [receiver, sm] : sp) {
    REQUIRE(rp.count(receiver) == 1);
    const auto& rm = rp.at(receiver);
    for (const auto& [stream, s] : sm.streams) {
      INFO(receiver << " <- " << stream);
      REQUIRE(rm.streams.count(stream) == 1);
      const StreamMetrics& r = rm.streams.at(stream);
      ++streams;
      if (s.video) {
        REQUIRE(r.video);
        const double sf = SumFrom(s, "fps", kWarmupS), rf = SumFrom(r, "fps", kWarmupS);
        std::cout << "  " << receiver << " <- " << stream << ": packets " << s.packets_received << " | "
                  << r.packets_received << ", frames decoded " << s.video->frames_decoded << " | "
                  << r.video->frames_decoded << ", steady-state frames " << sf << " | " << rf << ", delay p50 ms "
                  << Opt(s.delay_ms_p50) << " | " << Opt(r.delay_ms_p50) << ", first frame s "
                  << Opt(s.video->first_frame_s) << " | " << Opt(r.video->first_frame_s) << "\n";
        CHECK(sf > 0);
        CHECK(Within(sf, rf, kSteadyTolerance));
        CHECK(Within(static_cast<double>(s.video->frames_decoded), static_cast<double>(r.video->frames_decoded),
                     kWholeRunTolerance));
        CHECK(r.video->decode_errors == s.video->decode_errors);
      } else {
        const double sb = SumFrom(s, "kbps", kWarmupS), rb = SumFrom(r, "kbps", kWarmupS);
        const uint64_t s_frames = s.frames_normal + s.frames_fec + s.frames_concealed;
        const uint64_t r_frames = r.frames_normal + r.frames_fec + r.frames_concealed;
        std::cout << "  " << receiver << " <- " << stream << ": packets " << s.packets_received << " | "
                  << r.packets_received << ", frames " << s_frames << " | " << r_frames << ", steady-state kbit "
                  << sb << " | " << rb << ", delay p50 ms " << Opt(s.delay_ms_p50) << " | " << Opt(r.delay_ms_p50)
                  << ", p95 " << Opt(s.delay_ms_p95) << " | " << Opt(r.delay_ms_p95) << "\n";
        CHECK(sb > 0);
        CHECK(Within(sb, rb, kSteadyTolerance));
        CHECK(Within(static_cast<double>(s_frames), static_cast<double>(r_frames), kWholeRunTolerance));
      }
      CHECK(Within(static_cast<double>(s.packets_received), static_cast<double>(r.packets_received),
                   kWholeRunTolerance));
    }
  }
  CHECK(streams == 8);  // 3 x 2 audio + 2 video (alice's camera to bob and carol)
  std::cout << std::flush;
}

}  // namespace
