// VideoReceiver under random loss and reordering (no retransmissions): it never decodes a broken
// picture. For a pre-encoded 320x180 stream with a key frame every 10 frames: no decode error
// reaches the stats (frames with missing references are skipped, not fed to the decoder), every
// decoded picture has its stamp and PSNR >= 30 dB against the source, decoded frame numbers only
// grow, no frame is counted twice, and without loss every frame is decoded.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "sfusim/clients/video/h264_encoder.h"
#include "sfusim/clients/video/synthetic_video_source.h"
#include "sfusim/clients/video/video_receiver.h"
#include "sfusim/clients/video/video_rtp_sender.h"
#include "sfusim/clients/video/video_stream_stats.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/scheduler.h"

using namespace sfusim::clients;
using sfusim::sim::TimeDelta;
using sfusim::sim::Timestamp;

namespace {

constexpr int kFrames = 30;
constexpr int kKeyEvery = 10;
constexpr uint32_t kSsrc = 0xabc;
constexpr uint64_t kSeed = 5;

struct Packet {
  std::vector<uint8_t> bytes;
  int frame = 0;
};

const std::vector<Packet>& Stream() {
  static const std::vector<Packet> packets = [] {
    std::vector<Packet> out;
    sfusim::sim::Scheduler scheduler;
    sfusim::sim::Env env{&scheduler, sfusim::sim::Rng(11), nullptr, nullptr};
    H264EncoderConfig ec;
    ec.width = 320;
    ec.height = 180;
    ec.bitrate_bps = 300'000;
    auto encoder = H264Encoder::Create(ec);
    if (!encoder.ok()) return out;
    VideoRtpSenderConfig sc;
    sc.ssrc = kSsrc;
    sc.max_payload_bytes = 400;  // several packets per frame
    int current = 0;
    VideoRtpSender sender(env, sc, [&](std::vector<uint8_t> p) {
      out.push_back(Packet{std::move(p), current});
      return true;
    });
    SyntheticVideoSource source(VideoContent::kCamera, kSeed);
    I420Frame frame;
    for (int k = 0; k < kFrames; ++k) {
      current = k;
      source.Render(static_cast<uint32_t>(k), ec.width, ec.height, &frame);
      auto e = (*encoder)->Encode(frame, static_cast<uint32_t>(k), k % kKeyEvery == 0);
      if (e.ok()) sender.SendFrame(*e, Timestamp::Micros(static_cast<int64_t>(k) * 33'333));
    }
    return out;
  }();
  return packets;
}

}  // namespace

TEST_CASE("VideoReceiver never decodes a broken picture under loss and reordering", "[video_receiver][property]") {
  REQUIRE(Stream().size() > static_cast<size_t>(kFrames));
  rc::prop("no decode error, good PSNR, growing frame numbers, no double count", [] {
    const std::vector<Packet>& stream = Stream();
    const int loss_pct = *rc::gen::inRange(0, 25);
    const int reorder_pct = *rc::gen::inRange(0, 30);
    const auto rolls = *rc::gen::container<std::vector<int>>(stream.size() * 3, rc::gen::inRange(0, 100));

    sfusim::sim::Scheduler scheduler;
    sfusim::sim::Env env{&scheduler, sfusim::sim::Rng(12), nullptr, nullptr};
    VideoStreamStats stats;
    VideoReceiverConfig config;
    config.ssrc = kSsrc;
    config.source_seed = kSeed;
    auto rx = VideoReceiver::Create(env, config, &stats);
    RC_ASSERT(rx.ok());
    VideoReceiver* receiver = rx->get();
    receiver->SetRtt(TimeDelta::Millis(40));
    std::optional<uint32_t> last_number;
    bool monotonic = true;
    int dropped = 0;
    for (size_t i = 0; i < stream.size(); ++i) {
      if (rolls[i * 3] < loss_pct) {
        ++dropped;
        continue;
      }
      TimeDelta delay = TimeDelta::Millis(20);
      // Reordering by less than one frame interval (33 ms): a first packet reordered by more than
      // that loses the first key frame (its successor frame completes first), then a PLI repairs it.
      if (rolls[i * 3 + 1] < reorder_pct) delay += TimeDelta::Millis(rolls[i * 3 + 2] % 30);
      const auto at = Timestamp::Micros(static_cast<int64_t>(stream[i].frame) * 33'333) + delay;
      const std::vector<uint8_t>* bytes = &stream[i].bytes;
      scheduler.PostAt(at, [receiver, bytes, &scheduler, &last_number, &monotonic] {
        receiver->OnRtp(std::span<const uint8_t>(*bytes), scheduler.Now());
        const auto n = receiver->last_frame_number();
        if (n && last_number && *n < *last_number) monotonic = false;
        if (n) last_number = n;
      });
    }
    scheduler.RunUntil(Timestamp::Seconds(3));
    RC_ASSERT(stats.decode_errors == 0u);
    RC_ASSERT(stats.stamp_unreadable == 0u);
    RC_ASSERT(stats.psnr_db.size() == stats.frames_decoded);
    for (float p : stats.psnr_db) RC_ASSERT(p >= 30.0f);
    RC_ASSERT(monotonic);
    RC_ASSERT(stats.frames_decoded + stats.frames_skipped + stats.frames_lost <= static_cast<uint64_t>(kFrames));
    if (dropped == 0) RC_ASSERT(stats.frames_decoded == static_cast<uint64_t>(kFrames));
    RC_ASSERT(stats.packets_received + stats.packets_lost <= stream.size());
  });
}
