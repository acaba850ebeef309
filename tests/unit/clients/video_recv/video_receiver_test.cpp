// VideoReceiver end to end with the real encoder and RTP sender on a sim::Scheduler: clean stream,
// NACK repair, unrepaired loss -> PLI -> IDR, reordering without NACK, PLI throttling, a receiver
// joining mid-stream, bad input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "sfusim/clients/video/frame_stamp.h"
#include "sfusim/clients/video/h264_decoder.h"
#include "sfusim/clients/video/psnr.h"
#include "sfusim/clients/video/video_constants.h"
#include "sfusim/protocol/rtp/rtp_packet.h"
#include "video_loop.h"

namespace c = sfusim::clients;
using sfusim::clients::testing::LoopConfig;
using sfusim::clients::testing::VideoLoop;
using sfusim::sim::TimeDelta;
using sfusim::sim::Timestamp;

namespace {
constexpr int kFrames = 90;  // 3 s at 30 fps
}

TEST_CASE("clean stream: every frame decoded, PSNR >= 35 dB, no freeze, 30 fps", "[video_receiver]") {
  VideoLoop loop;
  REQUIRE(loop.ok());
  loop.Run(kFrames);
  const auto& s = loop.stats();
  CHECK(s.frames_decoded == kFrames);
  CHECK(s.frames_received == kFrames);
  CHECK(s.frames_lost == 0);
  CHECK(s.frames_skipped == 0);
  CHECK(s.decode_errors == 0);
  CHECK(s.key_frames == 1);
  CHECK(s.packets_lost == 0);
  CHECK(s.nacks_sent == 0);
  CHECK(s.plis_sent == 0);
  CHECK(s.freeze_count == 0);
  CHECK(s.stamp_unreadable == 0);
  REQUIRE(s.psnr_db.size() == kFrames);
  const auto p50 = s.psnr_percentile(50);
  REQUIRE(p50);
  CHECK(*p50 >= 35.0);
  CHECK(s.received_fps() == Approx(30.0).margin(0.5));
  CHECK(s.last_width == 640);
  CHECK(s.last_height == 360);
  REQUIRE(s.delay_ms.size() == kFrames);
  // Decoded on arrival of the last packet: at least the one-way delay.
  CHECK(*s.delay_percentile(0) >= 20.0);
  CHECK(*s.delay_percentile(100) < 30.0);
  CHECK(loop.receiver().last_frame_number() == kFrames - 1);
  const auto kbps = s.kbps_series();
  REQUIRE(kbps.size() >= 3);
  CHECK(kbps[1] > 300.0);
  CHECK(kbps[1] < 1400.0);
  CHECK(s.fps_series()[1] == Approx(30.0).margin(1));
}

TEST_CASE("lost packets are repaired by NACK when the retransmission arrives in time", "[video_receiver]") {
  VideoLoop loop;
  REQUIRE(loop.ok());
  std::set<uint16_t> victims;
  uint16_t first = 0;
  bool have_first = false;
  int seen = 0;
  loop.drop = [&](uint16_t seq, int transmission) {
    if (!have_first) {
      first = seq;
      have_first = true;
    }
    const int index = static_cast<uint16_t>(seq - first);
    if (transmission == 0 && (index == 3 || index == 60 || index == 61 || index == 200)) {
      victims.insert(seq);
      ++seen;
      return true;
    }
    return false;
  };
  loop.Run(kFrames);
  const auto& s = loop.stats();
  REQUIRE(seen == 4);
  CHECK(s.frames_decoded == kFrames);
  CHECK(s.packets_lost == 0);
  CHECK(s.packets_retransmitted_received == 4);
  CHECK(s.plis_sent == 0);
  CHECK(s.freeze_count == 0);
  CHECK(s.nacks_sent == 4);  // one request each, all answered
  for (uint16_t v : victims) CHECK(std::count(loop.nacked.begin(), loop.nacked.end(), v) == 1);
  CHECK(*s.psnr_percentile(50) >= 35.0);
}

TEST_CASE("an unrepaired loss: PLI, decoding resumes at the next IDR, a freeze", "[video_receiver]") {
  VideoLoop loop;
  REQUIRE(loop.ok());
  uint16_t first = 0;
  bool have_first = false;
  std::optional<uint16_t> victim;
  loop.drop = [&](uint16_t seq, int) {
    if (!have_first) {
      first = seq;
      have_first = true;
    }
    // A packet well into the P frames, dropped on every transmission.
    if (static_cast<uint16_t>(seq - first) == 150) {
      victim = seq;
      return true;
    }
    return false;
  };
  loop.Run(kFrames);
  const auto& s = loop.stats();
  REQUIRE(victim);
  // Requested, retried boundedly, never received.
  const auto requests = std::count(loop.nacked.begin(), loop.nacked.end(), *victim);
  CHECK(requests >= 1);
  CHECK(requests <= c::kMaxNackRequests);
  CHECK(s.packets_lost == 1);
  // The frame holding it, and the next one too when the victim ended its frame (the next
  // frame's start is then uncertain: H264Depacketizer's rule).
  CHECK(s.frames_lost >= 1);
  CHECK(s.frames_lost <= 2);
  CHECK(s.plis_sent >= 1);
  REQUIRE(loop.pli_times.size() == s.plis_sent);
  CHECK(loop.key_frame_numbers.size() == 2);  // the first frame and the one the PLI asked for
  CHECK(s.key_frames == 2);
  REQUIRE(s.key_frame_after_pli_ms.size() == 1);
  // PLI one way + up to one frame interval + the IDR one way.
  CHECK(s.key_frame_after_pli_ms[0] >= 40.0);
  CHECK(s.key_frame_after_pli_ms[0] <= 40.0 + 34.0 + 20.0);
  CHECK(s.freeze_count == 1);
  CHECK(s.decode_errors == 0);  // P frames were not fed to the decoder
  CHECK(s.frames_skipped >= 1);
  CHECK(s.frames_decoded + s.frames_skipped + s.frames_lost == kFrames);
  CHECK_FALSE(loop.receiver().waiting_for_key_frame());
  CHECK(loop.receiver().last_frame_number() == kFrames - 1);
}

TEST_CASE("reordering alone causes no NACK", "[video_receiver]") {
  VideoLoop loop;
  REQUIRE(loop.ok());
  uint16_t first = 0;
  bool have_first = false;
  loop.extra_delay = [&](uint16_t seq, int) {
    if (!have_first) {
      first = seq;
      have_first = true;
    }
    // Every 7th packet overtaken by its successor (2 ms late, packets of a frame leave together).
    return static_cast<uint16_t>(seq - first) % 7 == 3 ? TimeDelta::Millis(2) : TimeDelta::Zero();
  };
  loop.Run(kFrames);
  const auto& s = loop.stats();
  CHECK(s.nacks_sent == 0);
  CHECK(s.nack_packets == 0);
  CHECK(loop.nacked.empty());
  CHECK(s.frames_decoded == kFrames);
  CHECK(s.plis_sent == 0);
  CHECK(loop.receiver().counters().packets_buffered > 0);  // reordering really happened
}

TEST_CASE("reordering at the very start does not lose the first key frame", "[video_receiver]") {
  VideoLoop loop;
  REQUIRE(loop.ok());
  uint16_t first = 0;
  bool have_first = false;
  loop.extra_delay = [&](uint16_t seq, int) {
    if (!have_first) {
      first = seq;
      have_first = true;
    }
    // The first two packets arrive after the rest of the key frame.
    return static_cast<uint16_t>(seq - first) < 2 ? TimeDelta::Millis(1) : TimeDelta::Zero();
  };
  loop.Run(30);
  CHECK(loop.stats().frames_decoded == 30);
  CHECK(loop.stats().packets_duplicate == 0);
  CHECK(loop.stats().plis_sent == 0);
  CHECK(loop.stats().nacks_sent == 0);
}

TEST_CASE("PLI is repeated, throttled, while no key frame arrives", "[video_receiver]") {
  VideoLoop loop;
  REQUIRE(loop.ok());
  uint16_t first = 0;
  bool have_first = false;
  loop.drop = [&](uint16_t seq, int) {
    if (!have_first) {
      first = seq;
      have_first = true;
    }
    return static_cast<uint16_t>(seq - first) == 40;
  };
  // The sender ignores PLIs for the first 2 s.
  loop.honour_pli = [](Timestamp now) { return now >= Timestamp::Seconds(2); };
  loop.Run(kFrames);
  const auto& s = loop.stats();
  REQUIRE(loop.pli_times.size() >= 3);
  for (size_t i = 1; i < loop.pli_times.size(); ++i) {
    CHECK(loop.pli_times[i] - loop.pli_times[i - 1] >= c::kPliThrottle);
  }
  CHECK(s.plis_sent == loop.pli_times.size());
  // One request (repeats do not restart the clock): answered after about 2 s minus the first PLI.
  REQUIRE(s.key_frame_after_pli_ms.size() == 1);
  CHECK(s.key_frame_after_pli_ms[0] > 500.0);
  CHECK(s.key_frames == 2);
  CHECK(loop.receiver().last_frame_number() == kFrames - 1);
}

TEST_CASE("a receiver joining mid-stream waits for a key frame and asks for it", "[video_receiver]") {
  VideoLoop loop;
  REQUIRE(loop.ok());
  // Nothing reaches the receiver during the first 0.5 s (it "joins" then).
  loop.drop = [&](uint16_t, int) { return loop.scheduler().Now() < Timestamp::Millis(500); };
  loop.Run(kFrames);
  const auto& s = loop.stats();
  CHECK(s.plis_sent >= 1);
  CHECK(s.frames_skipped >= 1);
  REQUIRE(s.key_frame_after_pli_ms.size() == 1);
  CHECK(s.key_frame_after_pli_ms[0] < 1000.0);
  CHECK(s.decode_errors == 0);
  CHECK(s.frames_decoded >= 70);
  CHECK(loop.receiver().last_frame_number() == kFrames - 1);
}

TEST_CASE("bad input is counted, not fatal", "[video_receiver]") {
  sfusim::sim::Scheduler scheduler;
  sfusim::sim::Env env{&scheduler, sfusim::sim::Rng(1), nullptr, nullptr};
  CHECK(c::VideoReceiver::Create(env, {}, nullptr).error().code == "invalid_argument");
  c::VideoStreamStats stats;
  c::VideoReceiverConfig config;
  config.ssrc = 5;
  auto rx = c::VideoReceiver::Create(env, config, &stats);
  REQUIRE(rx.ok());
  const uint8_t junk[] = {1, 2, 3};
  (*rx)->OnRtp(std::span<const uint8_t>(junk), scheduler.Now());
  CHECK(stats.packets_invalid == 1);
  sfusim::protocol::RtpPacket wrong_pt;
  wrong_pt.set_payload_type(0);
  wrong_pt.set_ssrc(5);
  wrong_pt.set_sequence_number(1);
  const auto bytes = wrong_pt.Serialize();
  REQUIRE(bytes.ok());
  (*rx)->OnRtp(std::span<const uint8_t>(*bytes), scheduler.Now());
  CHECK(stats.packets_invalid == 2);
  CHECK((*rx)->counters().invalid_payload_type == 1);
  // A malformed H.264 payload (FU-A without start) at the right pt/ssrc.
  sfusim::protocol::RtpPacket bad;
  bad.set_payload_type(sfusim::protocol::kPayloadTypeH264);
  bad.set_ssrc(5);
  bad.set_sequence_number(2);
  bad.set_marker(true);
  const uint8_t fu[] = {28, 0x05};
  bad.set_payload(fu);
  const auto bad_bytes = bad.Serialize();
  REQUIRE(bad_bytes.ok());
  (*rx)->OnRtp(std::span<const uint8_t>(*bad_bytes), scheduler.Now());
  scheduler.RunFor(TimeDelta::Seconds(1));
  CHECK(stats.frames_decoded == 0);
  CHECK(stats.stamp_unreadable == 0);
  // Destroying the receiver with timers pending is safe.
  rx = sfusim::protocol::Error{"gone", ""};
  scheduler.RunFor(TimeDelta::Seconds(1));
}

TEST_CASE("H264Decoder: errors have stable codes; a P frame without its reference fails", "[h264_decoder]") {
  auto decoder = c::H264Decoder::Create();
  REQUIRE(decoder.ok());
  CHECK((*decoder)->Decode({}).error().code == "invalid_argument");
  c::H264EncoderConfig ec;
  auto encoder = c::H264Encoder::Create(ec);
  REQUIRE(encoder.ok());
  c::SyntheticVideoSource source(c::VideoContent::kCamera, 3);
  c::I420Frame frame;
  std::vector<c::EncodedVideoFrame> encoded;
  for (uint32_t k = 0; k < 3; ++k) {
    source.Render(k, 640, 360, &frame);
    auto e = (*encoder)->Encode(frame, k, false);
    REQUIRE(e.ok());
    encoded.push_back(*e);
  }
  REQUIRE(encoded[0].key_frame);
  REQUIRE_FALSE(encoded[2].key_frame);
  // Frame 2 straight after frame 0: frame 1 (its reference) is missing.
  auto first = (*decoder)->Decode(encoded[0].annex_b);
  REQUIRE(first.ok());
  REQUIRE(first->has_value());
  CHECK((**first).width == 640);
  CHECK(c::FrameStamp::Read(**first) == 0u);
  auto skipped = (*decoder)->Decode(encoded[2].annex_b);
  REQUIRE_FALSE(skipped.ok());
  CHECK(skipped.error().code == "h264_decode_failed");
  // Garbage after a start code.
  const uint8_t garbage[] = {0, 0, 0, 1, 0x65, 0xff, 0xff, 0xff, 0xff, 0x00, 0x12};
  auto g = (*decoder)->Decode(garbage);
  CHECK_FALSE(g.ok());
}

TEST_CASE("H264Decoder: DecodeInto gives Decode's picture, reuses the buffer, leaves it on error", "[h264_decoder]") {
  auto a = c::H264Decoder::Create();
  auto b = c::H264Decoder::Create();
  auto v = c::H264Decoder::Create();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(v.ok());
  auto encoder = c::H264Encoder::Create(c::H264EncoderConfig{});
  REQUIRE(encoder.ok());
  c::SyntheticVideoSource source(c::VideoContent::kCamera, 5);
  c::I420Frame frame;
  c::I420Frame out;
  const uint8_t* luma = nullptr;
  std::vector<uint8_t> first_au;
  for (uint32_t k = 0; k < 4; ++k) {
    source.Render(k, 640, 360, &frame);
    auto e = (*encoder)->Encode(frame, k, false);
    REQUIRE(e.ok());
    if (k == 0) first_au = e->annex_b;
    auto whole = (*a)->Decode(e->annex_b);
    auto into = (*b)->DecodeInto(e->annex_b, &out);
    REQUIRE(whole.ok());
    REQUIRE(into.ok());
    REQUIRE(whole->has_value());
    REQUIRE(*into);
    CHECK(out == **whole);
    // The in-place view shows the same picture: same stamp, identical pixels (PSNR at the cap).
    auto view = (*v)->DecodeView(e->annex_b);
    REQUIRE(view.ok());
    REQUIRE(view->has_value());
    CHECK((*view)->width == out.width);
    CHECK((*view)->height == out.height);
    CHECK(c::FrameStamp::Read(**view) == c::FrameStamp::Read(out));
    CHECK(c::FrameStamp::Read(**view) == std::optional<uint32_t>(k));
    CHECK(c::PsnrY(**view, out) == c::kPsnrMaxDb);
    CHECK(c::PsnrY(**view, frame) == c::PsnrY(out, frame));
    if (k == 0) luma = out.y.data();
    CHECK(out.y.data() == luma);  // same size: the buffer is reused
  }
  const c::I420Frame before = out;
  CHECK((*b)->DecodeInto({}, &out).error().code == "invalid_argument");
  const std::vector<uint8_t> garbage(64, 0x5A);
  (void)(*b)->DecodeInto(garbage, &out);
  CHECK(out == before);
  CHECK((*b)->DecodeInto(first_au, nullptr).error().code == "invalid_argument");
}

TEST_CASE("the packet and frame ledgers close: packets held at Stop count as discarded", "[video_receiver]") {
  VideoLoop loop;
  REQUIRE(loop.ok());
  // From 900 ms on, the first packet sent is lost on every transmission: what comes after it is
  // held (waiting for the gap) when the receiver is stopped 50 ms after the last frame, well
  // within the packet buffer's wait.
  std::optional<uint16_t> victim;
  loop.drop = [&](uint16_t seq, int) {
    if (!victim && loop.scheduler().Now() >= Timestamp::Millis(900)) victim = seq;
    return victim && seq == *victim;
  };
  loop.Run(30, TimeDelta::Millis(50));
  const auto& s = loop.stats();
  REQUIRE(victim);
  CHECK(s.packets_discarded == 0);
  const uint64_t held = s.packets_received - s.packets_depacketized;
  CHECK(held > 0);
  loop.receiver().Stop();
  CHECK(s.packets_discarded == held);
  CHECK(s.packets_received == s.packets_depacketized + s.packets_discarded);
  loop.receiver().Stop();  // a second Stop counts nothing again
  CHECK(s.packets_discarded == held);
  CHECK(s.frames_no_output == 0);  // OpenH264 has no output delay here
  CHECK(s.frames_received == s.frames_decoded + s.frames_skipped + s.decode_errors + s.frames_no_output);
}
