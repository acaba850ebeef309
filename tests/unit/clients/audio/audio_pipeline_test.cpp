// The audio pipeline end to end with real Opus: AudioSender -> (network: delay, drops) ->
// AudioReceiver, on one sim::Scheduler. Shows FEC recovery, concealment of bursts, mouth-to-ear
// delay = network delay + jitter buffer delay, DTX and mute handling, and determinism.
#include <catch2/catch.hpp>
#include <functional>
#include <set>
#include <vector>

#include "sfusim/clients/audio/audio_receiver.h"
#include "sfusim/clients/audio/audio_sender.h"
#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/audio_level.h"
#include "sfusim/protocol/rtp/rtp_mid.h"
#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/scheduler.h"

using namespace sfusim::clients;
using namespace sfusim;
using sim::TimeDelta;
using sim::Timestamp;

namespace {

struct Loop {
  sim::Scheduler scheduler;
  std::unique_ptr<AudioSender> sender;
  std::unique_ptr<AudioReceiver> receiver;
  AudioStreamStats stats;
  std::vector<std::vector<uint8_t>> sent;
  TimeDelta delay = TimeDelta::Millis(30);
  std::function<bool(size_t index)> drop = [](size_t) { return false; };
  std::function<TimeDelta(size_t index)> delay_of;

  explicit Loop(uint64_t seed, AudioSenderConfig config = {}) {
    sim::Env env{&scheduler, sim::Rng::Stream(seed, "alice"), nullptr, nullptr};
    auto s = AudioSender::Create(env, config);
    REQUIRE(s);
    sender = std::move(s).value();
    AudioReceiverConfig rc;
    rc.ssrc = config.ssrc;
    rc.use_fec = config.opus.fec;
    auto r = AudioReceiver::Create(sim::Env{&scheduler, sim::Rng::Stream(seed, "bob"), nullptr, nullptr}, rc, &stats);
    REQUIRE(r);
    receiver = std::move(r).value();
    sender->SetSendCallback([this](std::vector<uint8_t> packet) {
      const size_t index = sent.size();
      sent.push_back(packet);
      if (drop(index)) return;
      const TimeDelta d = delay_of ? delay_of(index) : delay;
      scheduler.PostDelayed(d, [this, p = std::move(packet)] {
        if (receiver) receiver->OnRtp(p, scheduler.Now());
      });
    });
  }
};

AudioSenderConfig Config(uint32_t ssrc = 0x1234) {
  AudioSenderConfig c;
  c.ssrc = ssrc;
  c.source.min_talk_s = 2.5;  // long talk spurts: the drops below land in speech
  c.source.max_talk_s = 3.0;
  return c;
}

}  // namespace

TEST_CASE("sender writes the RTP header and all five extensions", "[audio_pipeline]") {
  Loop loop(1, Config());
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Millis(200));
  REQUIRE(loop.sent.size() == 10);
  std::set<uint16_t> tseqs;
  for (size_t i = 0; i < loop.sent.size(); ++i) {
    auto v = protocol::RtpPacketView::Parse(loop.sent[i]);
    REQUIRE(v);
    CHECK(v->payload_type() == protocol::kPayloadTypeOpus);
    CHECK(v->ssrc() == 0x1234);
    CHECK(v->marker() == (i == 0));
    auto first = protocol::RtpPacketView::Parse(loop.sent[0]);
    CHECK(static_cast<uint16_t>(v->sequence_number() - first->sequence_number()) == i);
    CHECK(v->timestamp() - first->timestamp() == 960 * i);
    CHECK(v->GetExtension<protocol::RtpMid>(protocol::kHeaderExtensionIdMid) == std::optional<std::string_view>("0"));
    const int64_t now_us = 20'000 * static_cast<int64_t>(i + 1);
    CHECK(v->GetExtension<protocol::AbsSendTime>(protocol::kHeaderExtensionIdAbsSendTime) ==
          protocol::AbsSendTime::FromMicros(now_us));
    auto act = v->GetExtension<protocol::AbsCaptureTime>(protocol::kHeaderExtensionIdAbsCaptureTime);
    REQUIRE(act);
    CHECK(protocol::AbsCaptureTime::ToMicros(act->absolute_capture_timestamp) == now_us);
    auto level = v->GetExtension<protocol::AudioLevel>(protocol::kHeaderExtensionIdAudioLevel);
    REQUIRE(level);
    CHECK(level->voice_activity);  // the source starts talking
    CHECK(level->level_dbov < 30);
    auto tseq = v->GetExtension<protocol::TransportSequenceNumber>(protocol::kHeaderExtensionIdTransportWideCc);
    REQUIRE(tseq);
    tseqs.insert(*tseq);
    CHECK(v->payload().size() > 10);
  }
  CHECK(tseqs.size() == 10);
  CHECK(loop.sender->counters().packets_sent == 10);
  CHECK(loop.sender->counters().talkspurts == 1);
}

TEST_CASE("delay measured = network delay + jitter buffer delay", "[audio_pipeline]") {
  Loop loop(2, Config());
  loop.delay = TimeDelta::Millis(45);
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Seconds(10));
  const auto& s = loop.stats;
  CHECK(s.frames_normal == (10'000 - 125) / 20 + 1);  // first slot at 20 + 45 + 60 ms
  CHECK(s.frames_concealed == 0);
  CHECK(s.frames_fec == 0);
  CHECK(s.packets_lost == 0);
  CHECK(s.packets_received == loop.sent.size() - 3);  // sent at 9960..10000 ms: in flight at the end
  REQUIRE(!s.delay_ms.empty());
  const double expected = 45.0 + double(JitterBuffer::kInitialTargetDelay.us()) / 1000;
  CHECK(*s.delay_percentile(0) == Approx(expected));
  CHECK(*s.delay_percentile(100) == Approx(expected));
  CHECK(loop.receiver->jitter_buffer().buffer_delay() == JitterBuffer::kInitialTargetDelay);
  CHECK(s.last_packet_time == Timestamp::Millis(9940 + 45));
  // The frame log starts at the first playout slot and has one byte per 20 ms.
  REQUIRE(s.first_slot_time);
  CHECK(*s.first_slot_time == Timestamp::Millis(20 + 45) + JitterBuffer::kInitialTargetDelay);
  CHECK(s.frame_log.size() == s.frames_total());
  // Per-second bins carry the bytes (about 32 kbit/s of payload + headers).
  REQUIRE(s.seconds.size() >= 9);
  CHECK(s.seconds[5].bytes_received > 3000);
  CHECK(s.seconds[5].bytes_received < 7000);
}

TEST_CASE("in-band FEC recovers a single lost packet", "[audio_pipeline]") {
  Loop loop(3, Config());
  loop.drop = [](size_t i) { return i == 25; };
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Seconds(2));
  CHECK(loop.stats.frames_fec == 1);
  CHECK(loop.stats.frames_concealed == 0);
  CHECK(loop.stats.packets_lost == 1);
  CHECK(loop.stats.concealed_ratio() == 0);
}

TEST_CASE("bursts are concealed and counted", "[audio_pipeline]") {
  Loop loop(4, Config());
  // Two bursts of 6 packets in speech.
  loop.drop = [](size_t i) { return (i >= 20 && i < 26) || (i >= 60 && i < 66); };
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Seconds(2));
  CHECK(loop.stats.packets_lost == 12);
  CHECK(loop.stats.frames_fec == 2);  // the last frame of each burst
  CHECK(loop.stats.frames_concealed == 10);
  CHECK(loop.stats.mean_concealed_burst() == Approx(5.0));
  CHECK(loop.stats.concealed_ratio() > 0.09);
  CHECK(loop.stats.concealed_ratio() < 0.12);
}

TEST_CASE("without FEC negotiated, a single loss is concealed", "[audio_pipeline]") {
  AudioSenderConfig c = Config();
  c.opus.fec = false;
  Loop loop(3, c);
  loop.drop = [](size_t i) { return i == 25; };
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Seconds(2));
  CHECK(loop.stats.frames_fec == 0);
  CHECK(loop.stats.frames_concealed == 1);
}

TEST_CASE("jitter: the buffer adapts and mouth-to-ear delay includes it", "[audio_pipeline]") {
  Loop loop(5, Config());
  sim::Rng net = sim::Rng::Stream(5, "net");
  loop.delay_of = [&net](size_t) { return TimeDelta::Millis(20 + static_cast<int64_t>(net.Uniform(0, 80))); };
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Seconds(20));
  const auto& s = loop.stats;
  INFO("target " << loop.receiver->jitter_buffer().target_delay().us() << " us, late " << s.packets_late
                 << ", concealed " << s.frames_concealed << ", p50 delay " << *s.delay_percentile(50));
  CHECK(loop.receiver->jitter_buffer().target_delay() >= TimeDelta::Millis(100));
  CHECK(*s.delay_percentile(50) >= 100);  // >= 20 ms network floor + ~80 ms buffer
  CHECK(*s.delay_percentile(99) <= 20 + 80 + 500);
  CHECK(s.packets_late < loop.sent.size() / 20);
  CHECK(s.concealed_ratio() < 0.05);
}

TEST_CASE("DTX: silence is not sent and played as no_data, not concealment", "[audio_pipeline]") {
  AudioSenderConfig c;
  c.ssrc = 77;
  c.opus.dtx = true;
  Loop loop(6, c);
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Seconds(30));
  const auto& sc = loop.sender->counters();
  INFO("frames " << sc.frames << " sent " << sc.packets_sent << " dtx " << sc.dtx_frames);
  CHECK(sc.dtx_frames > 100);
  CHECK(sc.packets_sent + sc.dtx_frames == sc.frames);
  const auto& s = loop.stats;
  INFO("normal " << s.frames_normal << " no_data " << s.frames_no_data << " concealed " << s.frames_concealed
                 << " lost " << s.packets_lost);
  CHECK(s.packets_lost == 0);
  CHECK(s.frames_no_data > 100);
  CHECK(s.concealed_ratio() < 0.01);
}

TEST_CASE("mute: VAD false at once, silence sent, nothing concealed", "[audio_pipeline]") {
  Loop loop(7, Config());
  std::vector<std::pair<int64_t, bool>> vad_events;
  loop.sender->SetVoiceActivityCallback(
      [&](bool speaking) { vad_events.emplace_back(loop.scheduler.Now().ms(), speaking); });
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Millis(500));
  REQUIRE(!vad_events.empty());
  CHECK(vad_events.back().second);
  loop.sender->SetMuted(true);
  REQUIRE(vad_events.back() == std::make_pair(int64_t{500}, false));
  const size_t sent_before = loop.sent.size();
  loop.scheduler.RunFor(TimeDelta::Seconds(3));
  CHECK(vad_events.back().second == false);  // nothing while muted
  CHECK(loop.sender->counters().muted_frames == 150);
  for (size_t i = sent_before; i < loop.sent.size(); ++i) {
    auto v = protocol::RtpPacketView::Parse(loop.sent[i]);
    auto level = v->GetExtension<protocol::AudioLevel>(protocol::kHeaderExtensionIdAudioLevel);
    REQUIRE(level);
    CHECK(!level->voice_activity);
    CHECK(level->level_dbov == protocol::AudioLevel::kMaxLevel);
  }
  CHECK(loop.stats.frames_concealed == 0);
  loop.sender->SetMuted(false);
  loop.scheduler.RunFor(TimeDelta::Seconds(3));
  CHECK(vad_events.back().first > 3500);  // speaking again after unmuting
}

TEST_CASE("same seed, same bytes; another seed, other bytes", "[audio_pipeline]") {
  auto run = [](uint64_t seed) {
    Loop loop(seed, Config());
    loop.sender->Start();
    loop.scheduler.RunFor(TimeDelta::Seconds(3));
    return std::make_pair(loop.sent, loop.stats.frame_log);
  };
  const auto a = run(11);
  const auto b = run(11);
  const auto c = run(12);
  CHECK(a.first == b.first);
  CHECK(a.second == b.second);
  CHECK(a.first != c.first);
}

TEST_CASE("stats survive receiver re-creation; timers are cancelled on destruction", "[audio_pipeline]") {
  Loop loop(8, Config());
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Seconds(1));
  const uint64_t normal_before = loop.stats.frames_normal;
  CHECK(normal_before > 40);
  auto r = AudioReceiver::Create(sim::Env{&loop.scheduler, sim::Rng(1), nullptr, nullptr}, AudioReceiverConfig{},
                                 &loop.stats);
  REQUIRE(r);
  loop.receiver = std::move(r).value();  // the old one is destroyed: its timer must not fire
  loop.scheduler.RunFor(TimeDelta::Seconds(1));
  CHECK(loop.stats.receivers == 2);
  CHECK(loop.stats.frames_normal > normal_before + 40);
  CHECK(loop.stats.frame_log.size() >= 95);
  loop.sender.reset();
  loop.receiver.reset();
  loop.scheduler.RunFor(TimeDelta::Seconds(1));
  CHECK(loop.scheduler.pending() == 0);
}

TEST_CASE("receiver counts invalid packets", "[audio_pipeline]") {
  sim::Scheduler scheduler;
  AudioStreamStats stats;
  AudioReceiverConfig rc;
  rc.ssrc = 5;
  auto r = AudioReceiver::Create(sim::Env{&scheduler, sim::Rng(1), nullptr, nullptr}, rc, &stats);
  REQUIRE(r);
  const std::vector<uint8_t> garbage = {0x00, 0x01};
  (*r)->OnRtp(garbage, scheduler.Now());
  protocol::RtpPacket p;
  p.set_payload_type(111);
  p.set_ssrc(6);  // wrong ssrc
  p.set_payload(std::vector<uint8_t>{0xF8});
  (*r)->OnRtp(p.Serialize().value(), scheduler.Now());
  p.set_ssrc(5);
  p.set_payload_type(100);  // wrong pt
  (*r)->OnRtp(p.Serialize().value(), scheduler.Now());
  CHECK(stats.packets_invalid == 3);
  CHECK(stats.packets_received == 0);
  CHECK(!(*r)->jitter_buffer().started());
  CHECK(AudioReceiver::Create(sim::Env{&scheduler, sim::Rng(1), nullptr, nullptr}, rc, nullptr).error().code ==
        "invalid_argument");
}

TEST_CASE("reconfiguration from the router's Opus settings", "[audio_pipeline]") {
  Loop loop(9, Config());
  REQUIRE(loop.sender->ApplyOpusSettings(protocol::OpusSettings{64'000, true, false}));
  CHECK(loop.sender->config().opus.bitrate_bps == 64'000);
  CHECK(loop.sender->config().opus.dtx);
  CHECK(!loop.sender->config().opus.fec);
  AudioSenderConfig c = loop.sender->config();
  c.ssrc = 0;
  CHECK(loop.sender->Reconfigure(c).error().code == "invalid_argument");
  c.ssrc = 99;
  c.extension_ids.abs_capture_time = 0;  // not negotiated: not written
  REQUIRE(loop.sender->Reconfigure(c));
  uint16_t shared_counter = 500;
  loop.sender->SetTransportSequenceAllocator([&shared_counter] { return shared_counter++; });
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Millis(100));
  REQUIRE(!loop.sent.empty());
  auto v = protocol::RtpPacketView::Parse(loop.sent.back());
  CHECK(v->ssrc() == 99);
  CHECK(v->GetExtension<protocol::TransportSequenceNumber>(protocol::kHeaderExtensionIdTransportWideCc) ==
        static_cast<uint16_t>(500 + loop.sent.size() - 1));
  CHECK(!v->FindExtension(protocol::kHeaderExtensionIdAbsCaptureTime));
  CHECK(AudioSender::Create(sim::Env{&loop.scheduler, sim::Rng(1), nullptr, nullptr}, AudioSenderConfig{0})
            .error()
            .code == "invalid_argument");
}

TEST_CASE("sender Stop/Start: the receiver plays on without loss or concealment", "[audio_pipeline]") {
  Loop loop(10, Config());
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Millis(1000));
  loop.sender->Stop();
  loop.scheduler.RunFor(TimeDelta::Micros(1'234'567));
  loop.sender->Start();
  loop.scheduler.RunFor(TimeDelta::Millis(1000));
  CHECK(loop.stats.packets_lost == 0);
  CHECK(loop.stats.packets_late == 0);
  CHECK(loop.stats.frames_normal >= loop.sent.size() - 5);  // 90 ms of packets not yet played
  // The pause: the buffer ran dry while "talking" (bounded concealment), then no_data.
  CHECK(loop.stats.frames_concealed <= static_cast<uint64_t>(JitterBuffer::kMaxEmptyConcealFrames));
  CHECK(loop.stats.frames_no_data > 40);
}
