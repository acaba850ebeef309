// Benchmarks of the video send side (Google Benchmark, part of sfusim-bench): the synthetic
// source and PSNR run once per captured and once per decoded frame in scenarios, so they must be
// small next to the codec; BM_H264Encode640x360 gives the codec-time scale.
//
// BM_VideoSourceRender/<content>/<width>/<height>: one SyntheticVideoSource::Render (incl. the
//   frame stamp). items = frames.
// BM_FrameStampRead/<width>/<height>: read the stamp of one rendered frame. items = frames.
// BM_Psnr640x360: PsnrI420 of two 640x360 frames. items = frames.
// BM_H264Encode640x360/<content>: OpenH264 encode of one camera (0) or screen (1) frame at
//   640x360, 30 fps, 700 kbit/s (source rendering excluded: frames pre-rendered). items = frames.
// BM_VideoSender640x360: one VideoSender tick on the scheduler (render + encode + packetize +
//   RTP serialize), camera 640x360@30 700 kbit/s. items = frames.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "sfusim/clients/video/frame_stamp.h"
#include "sfusim/clients/video/h264_encoder.h"
#include "sfusim/clients/video/i420_frame.h"
#include "sfusim/clients/video/psnr.h"
#include "sfusim/clients/video/synthetic_video_source.h"
#include "sfusim/clients/video/video_sender.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/scheduler.h"

namespace {

using namespace sfusim::clients;

void BM_VideoSourceRender(benchmark::State& state) {
  const SyntheticVideoSource source(static_cast<VideoContent>(state.range(0)), 7);
  const int w = static_cast<int>(state.range(1)), h = static_cast<int>(state.range(2));
  I420Frame frame;
  uint32_t n = 0;
  for (auto _ : state) {
    source.Render(n++, w, h, &frame);
    benchmark::DoNotOptimize(frame.y.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VideoSourceRender)
    ->Args({0, 640, 360})
    ->Args({1, 640, 360})
    ->Args({0, 1280, 720})
    ->Args({1, 1280, 720});

void BM_FrameStampRead(benchmark::State& state) {
  const int w = static_cast<int>(state.range(0)), h = static_cast<int>(state.range(1));
  I420Frame frame;
  SyntheticVideoSource(VideoContent::kCamera, 7).Render(1234, w, h, &frame);
  for (auto _ : state) benchmark::DoNotOptimize(FrameStamp::Read(frame));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FrameStampRead)->Args({640, 360})->Args({1280, 720});

void BM_Psnr640x360(benchmark::State& state) {
  I420Frame a, b;
  const SyntheticVideoSource source(VideoContent::kCamera, 7);
  source.Render(10, 640, 360, &a);
  source.Render(11, 640, 360, &b);
  for (auto _ : state) benchmark::DoNotOptimize(PsnrI420(a, b));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Psnr640x360);

void BM_H264Encode640x360(benchmark::State& state) {
  constexpr int kFrames = 90;
  const auto content = static_cast<VideoContent>(state.range(0));
  const SyntheticVideoSource source(content, 7);
  std::vector<I420Frame> frames(kFrames);
  for (int i = 0; i < kFrames; ++i) source.Render(static_cast<uint32_t>(i), 640, 360, &frames[static_cast<size_t>(i)]);
  H264EncoderConfig config;
  config.content = content;
  auto encoder = H264Encoder::Create(config);
  if (!encoder) {
    state.SkipWithError(encoder.error().message.c_str());
    return;
  }
  uint32_t n = 0;
  size_t bytes = 0;
  for (auto _ : state) {
    auto e = (*encoder)->Encode(frames[n % kFrames], n, false);
    if (e) bytes += e->annex_b.size();
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["kbps"] = benchmark::Counter(static_cast<double>(bytes) * 8.0 * 30.0 / 1000.0 /
                                              static_cast<double>(std::max<uint32_t>(n, 1)));
}
BENCHMARK(BM_H264Encode640x360)->Arg(0)->Arg(1);

void BM_VideoSender640x360(benchmark::State& state) {
  sfusim::sim::Scheduler scheduler;
  VideoSenderConfig config;
  config.rtp.ssrc = 1;
  config.source_seed = 7;
  auto sender = VideoSender::Create(sfusim::sim::Env{&scheduler, sfusim::sim::Rng(1), nullptr, nullptr}, config);
  if (!sender) {
    state.SkipWithError(sender.error().message.c_str());
    return;
  }
  size_t packets = 0;
  (*sender)->SetSendCallback([&packets](std::vector<uint8_t>) {
    ++packets;
    return true;
  });
  (*sender)->Start();
  for (auto _ : state) scheduler.Step();
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(packets);
}
BENCHMARK(BM_VideoSender640x360);

}  // namespace
