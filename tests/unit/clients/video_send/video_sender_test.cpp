#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <vector>

#include "sfusim/clients/video/frame_stamp.h"
#include "sfusim/clients/video/video_sender.h"
#include "sfusim/protocol/h264/h264_depacketizer.h"
#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/scheduler.h"
#include "test_h264_decode.h"

using namespace sfusim::clients;
namespace protocol = sfusim::protocol;
namespace sim = sfusim::sim;

namespace {

// Records what the sender asks of its encoder; emits a tiny valid access unit per frame.
struct EncoderLog {
  std::vector<uint32_t> frames;
  std::vector<bool> forced;
  std::vector<int64_t> rates;
  std::vector<std::pair<int, int>> sizes;  // picture sizes seen
  std::vector<std::pair<int, int>> resolutions;
  bool fail_next = false;
  bool skip_next = false;
};

class FakeEncoder final : public VideoEncoder {
 public:
  explicit FakeEncoder(std::shared_ptr<EncoderLog> log) : log_(std::move(log)) {}
  protocol::Result<EncodedVideoFrame> Encode(const I420Frame& frame, uint32_t n, bool force) override {
    log_->frames.push_back(n);
    log_->forced.push_back(force);
    log_->sizes.emplace_back(frame.width, frame.height);
    if (log_->fail_next) {
      log_->fail_next = false;
      return protocol::MakeError("h264_encode_failed", "fake");
    }
    EncodedVideoFrame e;
    e.frame_number = n;
    e.width = frame.width;
    e.height = frame.height;
    if (log_->skip_next) {
      log_->skip_next = false;
      return e;
    }
    e.key_frame = force;
    e.annex_b = {0, 0, 0, 1, static_cast<uint8_t>(force ? 0x65 : 0x41), 0x88, static_cast<uint8_t>(n)};
    return e;
  }
  protocol::Status SetRates(int64_t bps, int) override {
    log_->rates.push_back(bps);
    return protocol::Ok{};
  }
  protocol::Status SetResolution(int w, int h) override {
    log_->resolutions.emplace_back(w, h);
    return protocol::Ok{};
  }

 private:
  std::shared_ptr<EncoderLog> log_;
};

VideoSenderConfig Config(int fps = 30) {
  VideoSenderConfig c;
  c.width = 320;
  c.height = 180;
  c.fps = fps;
  c.bitrate_bps = 300'000;
  c.rtp.ssrc = 42;
  c.source_seed = 9;
  return c;
}

struct Fixture {
  sim::Scheduler scheduler;
  std::shared_ptr<EncoderLog> log = std::make_shared<EncoderLog>();
  std::vector<std::vector<uint8_t>> packets;
  std::vector<int64_t> packet_times;
  sim::Env env() { return sim::Env{&scheduler, sim::Rng(1), nullptr, nullptr}; }
  std::unique_ptr<VideoSender> Make(VideoSenderConfig c = Config()) {
    auto s = VideoSender::Create(env(), c, std::make_unique<FakeEncoder>(log));
    REQUIRE(s.ok());
    auto sender = std::move(s).value();
    sender->SetSendCallback([this](std::vector<uint8_t> p) {
      packets.push_back(std::move(p));
      packet_times.push_back(scheduler.Now().us());
      return true;
    });
    return sender;
  }
};

}  // namespace

TEST_CASE("video sender: frame k at start + k/fps exactly, no drift", "[video_send][sender]") {
  Fixture f;
  auto sender = f.Make(Config(30));
  f.scheduler.RunUntil(sim::Timestamp::Micros(1'234));
  sender->Start();
  sender->Start();  // idempotent: no second timer
  f.scheduler.RunUntil(sim::Timestamp::Micros(1'234) + sim::TimeDelta::Seconds(10));
  REQUIRE(f.log->frames.size() == 301);  // frames 0..300, the last exactly at +10 s
  REQUIRE(f.packet_times.size() == 301);
  for (size_t k = 0; k < f.packet_times.size(); ++k) {
    CHECK(f.packet_times[k] == 1'234 + static_cast<int64_t>(k) * 1'000'000 / 30);
    CHECK(f.log->frames[k] == k);
  }
  // abs-capture-time carries the tick time.
  const auto v = protocol::RtpPacketView::Parse(f.packets[7]);
  REQUIRE(v.ok());
  const auto act = v->GetExtension<protocol::AbsCaptureTime>(protocol::kHeaderExtensionIdAbsCaptureTime);
  REQUIRE(act.has_value());
  CHECK(protocol::AbsCaptureTime::ToMicros(act->absolute_capture_timestamp) == 1'234 + 7 * 1'000'000 / 30);
  CHECK(sender->counters().frames_captured == 301);
  CHECK(sender->counters().frames_encoded == 301);
  CHECK(sender->counters().packets_sent == 301);
}

TEST_CASE("video sender: Stop cancels, Start resumes with continuing frame numbers", "[video_send][sender]") {
  Fixture f;
  auto sender = f.Make(Config(10));
  sender->Start();
  f.scheduler.RunUntil(sim::Timestamp::Millis(250));  // frames at 0, 100, 200
  CHECK(f.log->frames.size() == 3);
  sender->Stop();
  sender->Stop();
  CHECK_FALSE(sender->running());
  f.scheduler.RunUntil(sim::Timestamp::Seconds(2));
  CHECK(f.log->frames.size() == 3);
  CHECK(f.scheduler.pending() == 0);
  sender->Start();
  f.scheduler.RunUntil(sim::Timestamp::Millis(2'150));
  REQUIRE(f.log->frames.size() == 5);
  CHECK(f.log->frames[3] == 3);
  CHECK(f.packet_times[3] == 2'000'000);
  CHECK(f.packet_times[4] == 2'100'000);
}

TEST_CASE("video sender: destruction cancels the timer", "[video_send][sender]") {
  Fixture f;
  {
    auto sender = f.Make(Config(30));
    sender->Start();
    f.scheduler.RunUntil(sim::Timestamp::Millis(40));
  }
  CHECK(f.scheduler.pending() == 0);
  f.scheduler.RunUntil(sim::Timestamp::Seconds(1));  // nothing fires into a dead object
  CHECK(f.log->frames.size() == 2);
}

TEST_CASE("video sender: key frame first and after RequestKeyFrame", "[video_send][sender]") {
  Fixture f;
  auto sender = f.Make(Config(10));
  sender->Start();
  f.scheduler.RunUntil(sim::Timestamp::Millis(350));  // frames 0..3
  sender->RequestKeyFrame();
  sender->RequestKeyFrame();  // two requests before the next frame: one IDR
  f.scheduler.RunUntil(sim::Timestamp::Millis(650));  // frames 4..6
  const std::vector<bool> expect = {true, false, false, false, true, false, false};
  CHECK(f.log->forced == expect);
  CHECK(sender->counters().key_frames == 2);
  CHECK(sender->counters().key_frame_requests == 2);
}

TEST_CASE("video sender: encode errors and skipped frames", "[video_send][sender]") {
  Fixture f;
  auto sender = f.Make(Config(10));
  sender->Start();
  f.scheduler.RunUntil(sim::Timestamp::Millis(50));  // frame 0
  f.log->fail_next = true;
  f.scheduler.RunUntil(sim::Timestamp::Millis(150));  // frame 1 fails
  f.scheduler.RunUntil(sim::Timestamp::Millis(250));  // frame 2: key frame owed after the error
  f.log->skip_next = true;
  f.scheduler.RunUntil(sim::Timestamp::Millis(350));  // frame 3 skipped
  f.scheduler.RunUntil(sim::Timestamp::Millis(450));  // frame 4
  CHECK(f.log->forced == std::vector<bool>{true, false, true, false, false});
  const auto& c = sender->counters();
  CHECK(c.encode_errors == 1);
  CHECK(c.frames_skipped == 1);
  CHECK(c.frames_encoded == 3);
  CHECK(f.packets.size() == 3);
}

TEST_CASE("video sender: SetTargetBitrate applies at the next frame, once", "[video_send][sender]") {
  Fixture f;
  auto sender = f.Make(Config(10));
  sender->Start();
  f.scheduler.RunUntil(sim::Timestamp::Millis(50));
  CHECK(f.log->rates.empty());
  sender->SetTargetBitrate(150'000);
  CHECK(sender->target_bitrate_bps() == 150'000);
  CHECK(f.log->rates.empty());  // not before the next frame
  f.scheduler.RunUntil(sim::Timestamp::Millis(350));
  CHECK(f.log->rates == std::vector<int64_t>{150'000});
  sender->SetTargetBitrate(1);  // clamped
  CHECK(sender->target_bitrate_bps() == kVideoMinBitrateBps);
  sender->SetTargetBitrate(150'000);  // back to the applied value before a frame: no call
  f.scheduler.RunUntil(sim::Timestamp::Millis(550));
  CHECK(f.log->rates == std::vector<int64_t>{150'000});
}

TEST_CASE("video sender: SetResolution changes the rendered size at the next frame", "[video_send][sender]") {
  Fixture f;
  auto sender = f.Make(Config(10));
  sender->Start();
  f.scheduler.RunUntil(sim::Timestamp::Millis(50));
  REQUIRE(sender->SetResolution(640, 360).ok());
  CHECK(sender->SetResolution(641, 360).error().code == "invalid_argument");
  f.scheduler.RunUntil(sim::Timestamp::Millis(150));
  REQUIRE(f.log->sizes.size() == 2);
  CHECK(f.log->sizes[0] == std::pair<int, int>(320, 180));
  CHECK(f.log->sizes[1] == std::pair<int, int>(640, 360));
  CHECK(f.log->resolutions == std::vector<std::pair<int, int>>{{640, 360}});
}

TEST_CASE("video sender: NACK is served from the RTP history", "[video_send][sender]") {
  Fixture f;
  auto sender = f.Make(Config(10));
  sender->Start();
  f.scheduler.RunUntil(sim::Timestamp::Millis(250));
  REQUIRE(f.packets.size() == 3);
  const auto v = protocol::RtpPacketView::Parse(f.packets[1]);
  REQUIRE(v.ok());
  const uint16_t seq = v->sequence_number();
  sender->OnNack(std::span<const uint16_t>(&seq, 1));
  REQUIRE(f.packets.size() == 4);
  CHECK(protocol::RtpPacketView::Parse(f.packets[3])->sequence_number() == seq);
  CHECK(sender->counters().retransmissions == 1);
}

TEST_CASE("video sender: Create validates", "[video_send][sender]") {
  sim::Scheduler s;
  const sim::Env env{&s, sim::Rng(1), nullptr, nullptr};
  auto c = Config();
  c.rtp.ssrc = 0;
  CHECK(VideoSender::Create(env, c).error().code == "invalid_argument");
  c = Config();
  c.width = 7;
  CHECK(VideoSender::Create(env, c).error().code == "invalid_argument");
  c = Config();
  c.fps = 0;
  CHECK(VideoSender::Create(env, c).error().code == "invalid_argument");
  c = Config();
  c.rtp.payload_type = 200;
  CHECK(VideoSender::Create(env, c).error().code == "invalid_argument");
  CHECK(VideoSender::Create(sim::Env{}, Config()).error().code == "invalid_argument");
  CHECK(VideoSender::Create(env, Config(), nullptr).error().code == "invalid_argument");
}

TEST_CASE("video sender: real OpenH264 pipeline end to end (depacketize, decode, stamp)", "[video_send][sender]") {
  sim::Scheduler scheduler;
  auto c = Config(30);
  c.content = VideoContent::kScreen;
  auto created = VideoSender::Create(sim::Env{&scheduler, sim::Rng(3), nullptr, nullptr}, c);
  REQUIRE(created.ok());
  auto sender = std::move(created).value();
  protocol::H264Depacketizer depacketizer;
  test::TestH264Decoder decoder;
  REQUIRE(decoder.ok());
  std::vector<uint32_t> stamps;
  sender->SetSendCallback([&](std::vector<uint8_t> p) {
    auto v = protocol::RtpPacketView::Parse(p);
    REQUIRE(v.ok());
    REQUIRE(depacketizer.Insert(v->sequence_number(), v->timestamp(), v->marker(), v->payload()).ok());
    for (auto& fr : depacketizer.TakeFrames()) {
      auto d = decoder.Decode(fr.annex_b);
      REQUIRE(d.has_value());
      auto s = FrameStamp::Read(*d);
      REQUIRE(s.has_value());
      stamps.push_back(*s);
    }
    return true;
  });
  sender->Start();
  scheduler.RunUntil(sim::Timestamp::Millis(990));  // 30 frames
  sender->RequestKeyFrame();
  scheduler.RunUntil(sim::Timestamp::Millis(1'990));
  REQUIRE(stamps.size() == 60);
  for (uint32_t i = 0; i < 60; ++i) CHECK(stamps[i] == i);
  CHECK(sender->counters().key_frames == 2);
  CHECK(sender->counters().frames_encoded == 60);
}
