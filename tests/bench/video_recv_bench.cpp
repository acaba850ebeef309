// Benchmarks of the video receive side (Google Benchmark, part of sfusim-bench).
//
// BM_VideoReceive640x360: RTP packets of a 640x360 / 700 kbit/s / 30 fps camera stream (encoded
//   once, outside the timing) into a VideoReceiver: buffer + NACK tracking + depacketize + OpenH264
//   decode + FrameStamp read + reference render + PSNR + stats. items = frames decoded.
// BM_VideoReceive640x360NoPsnr: the same with measure_psnr off (what the PSNR costs).
// BM_H264Decode640x360: OpenH264 decode alone of the same access units. items = frames.
// BM_NackTrackerPacket: NackTracker::OnPacket + GetNacks with 3 % loss. items = packets.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sfusim/clients/video/h264_decoder.h"
#include "sfusim/clients/video/h264_encoder.h"
#include "sfusim/clients/video/nack_tracker.h"
#include "sfusim/clients/video/synthetic_video_source.h"
#include "sfusim/clients/video/video_receiver.h"
#include "sfusim/clients/video/video_rtp_sender.h"
#include "sfusim/clients/video/video_stream_stats.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/scheduler.h"

namespace {

using namespace sfusim::clients;
using sfusim::sim::TimeDelta;
using sfusim::sim::Timestamp;

constexpr int kBenchFrames = 60;  // 2 s of 30 fps, one key frame then P frames
constexpr uint32_t kBenchSsrc = 0x5151;
constexpr uint64_t kBenchSeed = 9;

struct EncodedStream {
  std::vector<std::vector<uint8_t>> packets;
  std::vector<int> frame_of_packet;  // capture frame index per packet
  std::vector<std::vector<uint8_t>> access_units;
};

const EncodedStream& Stream() {
  static const EncodedStream stream = [] {
    EncodedStream s;
    sfusim::sim::Scheduler scheduler;
    sfusim::sim::Env env{&scheduler, sfusim::sim::Rng(3), nullptr, nullptr};
    H264EncoderConfig ec;
    auto encoder = H264Encoder::Create(ec);
    if (!encoder.ok()) return s;
    VideoRtpSenderConfig sc;
    sc.ssrc = kBenchSsrc;
    int current = 0;
    VideoRtpSender sender(env, sc, [&](std::vector<uint8_t> p) {
      s.packets.push_back(std::move(p));
      s.frame_of_packet.push_back(current);
      return true;
    });
    SyntheticVideoSource source(VideoContent::kCamera, kBenchSeed);
    I420Frame frame;
    for (int k = 0; k < kBenchFrames; ++k) {
      current = k;
      source.Render(static_cast<uint32_t>(k), ec.width, ec.height, &frame);
      auto e = (*encoder)->Encode(frame, static_cast<uint32_t>(k), false);
      if (!e.ok()) continue;
      s.access_units.push_back(e->annex_b);
      sender.SendFrame(*e, Timestamp::Micros(static_cast<int64_t>(k) * 1'000'000 / ec.fps));
    }
    return s;
  }();
  return stream;
}

void RunReceive(benchmark::State& state, bool psnr) {
  const EncodedStream& s = Stream();
  uint64_t frames = 0;
  for (auto _ : state) {
    sfusim::sim::Scheduler scheduler;
    sfusim::sim::Env env{&scheduler, sfusim::sim::Rng(4), nullptr, nullptr};
    VideoStreamStats stats;
    VideoReceiverConfig rc;
    rc.ssrc = kBenchSsrc;
    rc.source_seed = kBenchSeed;
    rc.measure_psnr = psnr;
    auto rx = VideoReceiver::Create(env, rc, &stats);
    if (!rx.ok()) {
      state.SkipWithError("VideoReceiver::Create failed");
      return;
    }
    for (size_t i = 0; i < s.packets.size(); ++i) {
      const auto at = Timestamp::Micros(static_cast<int64_t>(s.frame_of_packet[i]) * 1'000'000 / 30 + 20'000);
      scheduler.RunUntil(at);
      (*rx)->OnRtp(std::span<const uint8_t>(s.packets[i]), at);
    }
    frames += stats.frames_decoded;
    benchmark::DoNotOptimize(stats.psnr_db.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(frames));
}

void BM_VideoReceive640x360(benchmark::State& state) { RunReceive(state, true); }
void BM_VideoReceive640x360NoPsnr(benchmark::State& state) { RunReceive(state, false); }

void BM_H264Decode640x360(benchmark::State& state) {
  const EncodedStream& s = Stream();
  uint64_t frames = 0;
  for (auto _ : state) {
    auto decoder = H264Decoder::Create();
    if (!decoder.ok()) {
      state.SkipWithError("H264Decoder::Create failed");
      return;
    }
    for (const auto& au : s.access_units) {
      auto r = (*decoder)->Decode(au);
      if (r.ok() && r->has_value()) ++frames;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(frames));
}

void BM_NackTrackerPacket(benchmark::State& state) {
  NackTracker tracker;
  uint16_t seq = 0;
  int64_t now_us = 0;
  uint64_t packets = 0;
  for (auto _ : state) {
    seq = static_cast<uint16_t>(seq + ((packets % 33) == 0 ? 2 : 1));  // about 3 % loss
    now_us += 400;
    tracker.OnPacket(seq, Timestamp::Micros(now_us));
    benchmark::DoNotOptimize(tracker.GetNacks(Timestamp::Micros(now_us)));
    ++packets;
  }
  state.SetItemsProcessed(static_cast<int64_t>(packets));
}

}  // namespace

BENCHMARK(BM_VideoReceive640x360)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_VideoReceive640x360NoPsnr)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_H264Decode640x360)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_NackTrackerPacket);
