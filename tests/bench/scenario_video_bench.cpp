// BM_ScenarioVideo6: a 6-participant video call through the whole stack (scenario runner,
// reference SFU, web/desktop clients, real Opus and OpenH264, SRTP, the simulated network):
// 6 microphones, 2 cameras 640x360 at 30 fps (700 kbps), one native screen share 1280x720 at
// 30 fps (desktop client), 60 s simulated, 2 % loss on every link, every receiver decoding every
// video stream (and measuring PSNR against the regenerated source).
//
// How the codec share is measured: DIRECTLY. clients::CodecTime (opt-in, off outside this
// benchmark) wraps every codec library call the clients make (OpenH264 EncodeFrame and
// DecodeFrameNoDelay, opus_encode and opus_decode, plus encoder/decoder setup) and adds the thread CPU time
// (CLOCK_THREAD_CPUTIME_ID) spent inside each. The run itself is timed with the same clock, so
// both figures are CPU time of this (single-threaded) process: the other processes of a shared
// machine do not inflate them, unlike wall time. Enabling the accumulator changes nothing in the
// run (it only reads a clock). Cross-check, deterministic and immune to machine load: instruction
// counts of a shortened run,
//   SFUSIM_VIDEO6_SIM_S=4 valgrind --tool=callgrind --callgrind-out-file=cg.out
//     sfusim-bench --benchmark_filter=BM_ScenarioVideo6      (one command line)
//   callgrind_annotate --inclusive=yes cg.out
// comparing the inclusive counts of the library entry points (CWelsDecoder::DecodeFrameNoDelay,
// CWelsH264SVCEncoder::EncodeFrame, opus_encode, opus_decode, plus Initialize*/create) with the
// program total (the short run includes start-up, so it is not the 60 s figure).
//
// Counters:
//   sim_s_per_cpu_s      simulated seconds per CPU second of the run (the figure of record on a
//                        shared machine)
//   sim_s_per_wall_s     simulated seconds per wall-clock second (items_per_second says the same:
//                        one item = one simulated second); noisy when the machine is loaded
//   codec_share          CPU time inside codec calls / CPU time of the whole run
//   non_codec_over_codec (run CPU - codec CPU) / codec CPU (issue 5's target: at most 0.25)
//   h264_enc_s, h264_dec_s, opus_enc_s, opus_dec_s   CPU seconds inside each kind of call;
//   codec_setup_s        CPU seconds creating/initializing/reconfiguring/destroying encoders and
//                        decoders (counted in the codec time: it is library time too)
//   h264_encodes, h264_decodes, opus_encodes, opus_decodes   number of calls
//   video_frames_decoded frames the receivers decoded (VideoStreamStats); the benchmark fails
//                        (SkipWithError) when it is 0 or when no H.264 frame was encoded
//   peak_rss_mb          the process's peak resident set (getrusage ru_maxrss), issue 5's target
//                        at most 500 MB
// SFUSIM_VIDEO6_SIM_S=<seconds> shortens the simulated time (for profiling under callgrind); the
// default is 60.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sfusim/clients/video/codec_time.h"
#include "sfusim/scenario/scenario_runner.h"

namespace {

using sfusim::clients::CodecCall;
using sfusim::clients::CodecTime;
using sfusim::scenario::ClientKind;
using sfusim::scenario::Participant;
using sfusim::scenario::PublishKind;
using sfusim::scenario::RunOptions;
using sfusim::scenario::Scenario;
using sfusim::scenario::ScreenPath;
using Clock = std::chrono::steady_clock;

constexpr int kParticipants = 6;
constexpr double kDurationS = 60;
constexpr double kLoss = 0.02;
constexpr int kFps = 30;
constexpr int kCameraWidth = 640, kCameraHeight = 360, kCameraKbps = 700;
const std::string kScreenTier = "720p";  // 1280x720
constexpr double kNsPerS = 1e9;

// The simulated duration: kDurationS unless SFUSIM_VIDEO6_SIM_S names a positive number.
double DurationS() {
  const char* env = std::getenv("SFUSIM_VIDEO6_SIM_S");
  if (env == nullptr) return kDurationS;
  const double s = std::atof(env);
  return s > 0 ? s : kDurationS;
}

Scenario Video6(double duration_s) {
  Scenario s;
  s.name = "bench-video-6";
  s.duration_s = duration_s;
  s.sfu.channels.push_back({"lobby", {}});
  for (int i = 0; i < kParticipants; ++i) {
    Participant p;
    std::string id(1, 'p');  // built, then moved: GCC 12's false -Wrestrict on literal assignment
    id += std::to_string(i);
    p.id = std::move(id);
    p.channel = "lobby";
    p.join_at_s = 0.1 * i;
    p.publish = {PublishKind::kMicrophone};
    if (i < 2) {
      p.publish.push_back(PublishKind::kCamera);
      p.camera = {kCameraWidth, kCameraHeight, kFps, kCameraKbps};
    }
    if (i == 2) {
      p.client = ClientKind::kDesktop;
      p.publish.push_back(PublishKind::kScreen);
      p.screen = sfusim::scenario::ScreenSettings{ScreenPath::kNative, kScreenTier, kFps};
    }
    s.participants.push_back(p);
  }
  s.network.defaults.delay_ms = 10;
  s.network.defaults.jitter_ms = 1;
  s.network.defaults.loss = kLoss;
  s.network.defaults.capacity_kbps = 50000;
  s.network.defaults.queue_ms = 200;
  return s;
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void BM_ScenarioVideo6(benchmark::State& state) {
  const double duration_s = DurationS();
  const Scenario scenario = Video6(duration_s);
  double wall_s = 0;
  uint64_t run_cpu_ns = 0;
  double video_frames_decoded = 0;
  bool ok = true;
  CodecTime::Reset();
  CodecTime::Enable(true);
  for (auto _ : state) {
    RunOptions options;
    options.seed = 1;
    const auto start = Clock::now();
    const uint64_t cpu_start = CodecTime::ThreadCpuNs();
    sfusim::scenario::ScenarioRun run = sfusim::scenario::RunScenario(scenario, options);
    run_cpu_ns += CodecTime::ThreadCpuNs() - cpu_start;
    wall_s += std::chrono::duration<double>(Clock::now() - start).count();
    ok = ok && run.ok;
    for (const auto& [id, p] : run.result.metrics.participants) {
      for (const auto& [key, s] : p.streams) {
        if (s.video) video_frames_decoded += static_cast<double>(s.video->frames_decoded);
      }
    }
    benchmark::DoNotOptimize(run.result.trace_hash);
  }
  CodecTime::Enable(false);
  const sfusim::clients::CodecTimeTotals totals = CodecTime::Totals();
  auto cpu_s = [&](CodecCall c) { return static_cast<double>(totals.cpu_ns[static_cast<size_t>(c)]) / kNsPerS; };
  auto calls = [&](CodecCall c) { return static_cast<double>(totals.calls[static_cast<size_t>(c)]); };
  const double iterations = static_cast<double>(state.iterations());
  const double codec_s = static_cast<double>(totals.total_cpu_ns()) / kNsPerS;
  const double run_s = static_cast<double>(run_cpu_ns) / kNsPerS;
  if (!ok) {
    state.SkipWithError("the run could not be built");
  } else if (video_frames_decoded == 0 || calls(CodecCall::kH264Encode) == 0) {
    state.SkipWithError("no video frame was encoded or decoded: the measurement would be meaningless");
  }
  state.SetItemsProcessed(static_cast<int64_t>(duration_s * iterations));
  state.counters["sim_s_per_wall_s"] = wall_s > 0 ? duration_s * iterations / wall_s : 0.0;
  state.counters["sim_s_per_cpu_s"] = run_s > 0 ? duration_s * iterations / run_s : 0.0;
  state.counters["codec_share"] = run_s > 0 ? codec_s / run_s : 0.0;
  state.counters["non_codec_over_codec"] = codec_s > 0 ? (run_s - codec_s) / codec_s : 0.0;
  state.counters["h264_enc_s"] = cpu_s(CodecCall::kH264Encode) / iterations;
  state.counters["h264_dec_s"] = cpu_s(CodecCall::kH264Decode) / iterations;
  state.counters["opus_enc_s"] = cpu_s(CodecCall::kOpusEncode) / iterations;
  state.counters["opus_dec_s"] = cpu_s(CodecCall::kOpusDecode) / iterations;
  state.counters["codec_setup_s"] = cpu_s(CodecCall::kSetup) / iterations;
  state.counters["h264_encodes"] = calls(CodecCall::kH264Encode) / iterations;
  state.counters["h264_decodes"] = calls(CodecCall::kH264Decode) / iterations;
  state.counters["opus_encodes"] = calls(CodecCall::kOpusEncode) / iterations;
  state.counters["opus_decodes"] = calls(CodecCall::kOpusDecode) / iterations;
  state.counters["video_frames_decoded"] = video_frames_decoded / std::max(1.0, iterations);
  state.counters["peak_rss_mb"] = PeakRssMb();
}
BENCHMARK(BM_ScenarioVideo6)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace
