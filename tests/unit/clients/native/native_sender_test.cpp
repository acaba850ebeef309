// NativeSender end to end on a SimNetwork: frames reach the SFU's plain transport as decodable
// RTP, RTCP in (PLI/FIR/NACK/RR/REMB) acts, fallback fires exactly at the thresholds, the ladder
// steps fps -> tier -> bitrate and climbs back, and the lifecycle is idempotent.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "native_test_world.h"

using namespace sfusim;
using namespace sfusim::clients;
using namespace sfusim::clients::testing;

namespace {

sim::Timestamp Ms(int64_t ms) { return sim::Timestamp::Millis(ms); }

size_t RtpAfter(const FakeSfuSocket& s, sim::Timestamp t) {
  return static_cast<size_t>(std::count_if(s.rtp.begin(), s.rtp.end(), [&](const RtpArrival& a) { return a.at > t; }));
}

std::string DimensionOf(const std::string& reason) {
  // "level 3 (down): fps 20->15" -> "fps"
  const auto colon = reason.find(": ");
  const auto space = reason.find(' ', colon + 2);
  return reason.substr(colon + 2, space - colon - 2);
}

bool IsDown(const std::string& reason) { return reason.find("(down)") != std::string::npos; }

}  // namespace

TEST_CASE("NativeSender sends decodable RTP with the configured ssrc/pt, and SR+SDES with its cname") {
  NativeWorld w;
  auto sender = w.MakeSender(w.Config());
  REQUIRE(sender);
  CHECK(sender->status().state == NativeSenderState::kIdle);
  sender->Start();
  CHECK(sender->status().state == NativeSenderState::kRunning);
  CHECK(sender->status().transport_connected);
  w.RunUntilMs(2000);

  REQUIRE(w.listener.Count("sender_started") == 1);
  REQUIRE_FALSE(w.sfu_socket.rtp.empty());
  for (const auto& a : w.sfu_socket.rtp) {
    CHECK(a.ssrc == kTestSsrc);
    CHECK(a.pt == kTestPt);
  }
  const auto frames = w.sfu_socket.Frames();
  // 30 fps for 2 s: frames captured at 0, 33, ... 1966 ms; all but possibly the last arrived.
  CHECK(frames.size() >= 58);
  REQUIRE_FALSE(frames.empty());
  CHECK(frames.front().key_frame);
  CHECK(std::count_if(frames.begin(), frames.end(), [](const auto& f) { return f.key_frame; }) == 1);
  const auto& c = sender->counters();
  CHECK(c.frames_captured >= 60);
  CHECK(c.frames_encoded >= 59);
  CHECK(c.frames_dropped_before_encode == 0);
  CHECK(c.packets_dropped_during_send == 0);
  CHECK(c.key_frames == 1);
  CHECK(c.packets_sent == w.sfu_socket.rtp.size());

  // SR right at start and every second, each with the SDES cname native-<ssrc hex>.
  REQUIRE(w.sfu_socket.rtcp.size() >= 2);
  const auto& first = w.sfu_socket.rtcp.front();
  REQUIRE(first.packets.size() == 2);
  const auto* sr = std::get_if<protocol::rtcp::SenderReport>(&first.packets[0]);
  REQUIRE(sr);
  CHECK(sr->sender_ssrc == kTestSsrc);
  const auto* sdes = std::get_if<protocol::rtcp::Sdes>(&first.packets[1]);
  REQUIRE(sdes);
  REQUIRE(sdes->Cname(kTestSsrc));
  CHECK(*sdes->Cname(kTestSsrc) == "native-1234abcd");
  CHECK(sender->cname() == "native-1234abcd");
  const auto* later = std::get_if<protocol::rtcp::SenderReport>(&w.sfu_socket.rtcp[1].packets[0]);
  REQUIRE(later);
  CHECK(later->packet_count > 0);
  // The comedia latch: the SFU saw our socket's address.
  REQUIRE(w.sfu_socket.latched);
  CHECK(*w.sfu_socket.latched == *sender->local_address());
}

TEST_CASE("NativeSender: PLI and FIR make the next frame an IDR") {
  NativeWorld w;
  auto sender = w.MakeSender(w.Config());
  REQUIRE(sender);
  sender->Start();
  w.RunUntilMs(1000);
  const size_t before = w.log->force_key.size();
  CHECK(std::count(w.log->force_key.begin(), w.log->force_key.end(), true) == 1);  // the first frame only

  protocol::rtcp::CompoundPacket pli;
  pli.packets.push_back(protocol::rtcp::Pli{1, kTestSsrc});
  w.sfu_socket.SendRtcp(pli);
  w.RunUntilMs(1100);
  REQUIRE(w.log->force_key.size() > before + 1);
  CHECK(w.log->force_key[before] == false);  // encoded before the PLI arrived (10 ms link)
  // The first Encode after the PLI arrived (at 1010 ms) is forced, the one after that is not.
  size_t forced = 0;
  for (size_t i = before; i < w.log->force_key.size(); ++i) forced += w.log->force_key[i] ? 1 : 0;
  CHECK(forced == 1);
  CHECK(sender->counters().key_frame_requests == 1);
  CHECK(sender->counters().key_frames == 2);

  protocol::rtcp::CompoundPacket fir;
  protocol::rtcp::Fir f;
  f.sender_ssrc = 1;
  f.entries.push_back({kTestSsrc, 1});
  fir.packets.push_back(f);
  w.sfu_socket.SendRtcp(fir);
  // A PLI about another SSRC is not ours.
  protocol::rtcp::CompoundPacket other;
  other.packets.push_back(protocol::rtcp::Pli{1, kTestSsrc + 1});
  w.sfu_socket.SendRtcp(other);
  w.RunUntilMs(1300);
  CHECK(sender->counters().key_frame_requests == 2);
  CHECK(sender->counters().key_frames == 3);
  const auto frames = w.sfu_socket.Frames();
  CHECK(std::count_if(frames.begin(), frames.end(), [](const auto& fr) { return fr.key_frame; }) == 3);
}

TEST_CASE("NativeSender: NACK retransmits with the same sequence number") {
  NativeWorld w;
  auto sender = w.MakeSender(w.Config());
  REQUIRE(sender);
  sender->Start();
  w.RunUntilMs(500);
  REQUIRE(w.sfu_socket.rtp.size() > 5);
  const uint16_t seq = w.sfu_socket.rtp[3].seq;
  const auto payload = w.sfu_socket.rtp[3].payload;
  protocol::rtcp::CompoundPacket nack;
  nack.packets.push_back(protocol::rtcp::Nack::FromSequenceNumbers(1, kTestSsrc, std::vector<uint16_t>{seq}));
  w.sfu_socket.SendRtcp(nack);
  const sim::Timestamp sent_at = w.Now();
  w.RunUntilMs(600);
  size_t copies = 0;
  for (const auto& a : w.sfu_socket.rtp) {
    if (a.seq == seq && a.at > sent_at) {
      ++copies;
      CHECK(a.payload == payload);
    }
  }
  CHECK(copies == 1);
  CHECK(sender->counters().nacks_received == 1);
  CHECK(sender->counters().retransmissions == 1);
}

TEST_CASE("NativeSender: RR gives the RTT, REMB caps the bitrate") {
  NativeWorld w;
  auto sender = w.MakeSender(w.Config());
  REQUIRE(sender);
  sender->Start();
  w.RunUntilMs(1500);
  REQUIRE_FALSE(w.sfu_socket.rtcp.empty());
  const auto* sr = std::get_if<protocol::rtcp::SenderReport>(&w.sfu_socket.rtcp.back().packets[0]);
  REQUIRE(sr);
  // The SR of t=1 s arrived at 1.010 s; the RR leaves at 1.5 s: DLSR = 490 ms, RTT = 20 ms.
  protocol::rtcp::ReceiverReport rr;
  rr.sender_ssrc = 1;
  protocol::rtcp::ReportBlock b;
  b.source_ssrc = kTestSsrc;
  b.fraction_lost = 64;  // 25 %
  b.last_sr = static_cast<uint32_t>(sr->ntp_timestamp >> 16);
  b.delay_since_last_sr = static_cast<uint32_t>(490 * 65536 / 1000);
  rr.report_blocks.push_back(b);
  protocol::rtcp::CompoundPacket c;
  c.packets.push_back(rr);
  w.sfu_socket.SendRtcp(c);
  w.RunUntilMs(1600);
  REQUIRE(sender->rtt());
  CHECK(sender->rtt()->ms() >= 19);
  CHECK(sender->rtt()->ms() <= 21);
  CHECK(sender->last_fraction_lost() == Approx(0.25));
  // PROTOCOL.md §5: loss > 5 % -> x0.8.
  CHECK(sender->status().bitrate_bps == 2'000'000);
  CHECK(w.log->last_bitrate == 2'000'000);
  protocol::rtcp::Remb remb;
  remb.sender_ssrc = 1;
  remb.bitrate_bps = 400'000;
  remb.ssrcs = {kTestSsrc};
  protocol::rtcp::CompoundPacket c2;
  c2.packets.push_back(remb);
  w.sfu_socket.SendRtcp(c2);
  w.RunUntilMs(1650);
  REQUIRE(sender->remb_bps());
  CHECK(sender->status().bitrate_bps <= static_cast<int64_t>(protocol::rtcp::Remb::Quantize(400'000)));
  CHECK(sender->status().bitrate_bps >= kNativeMinTargetBitrateBps);
  CHECK(w.log->last_bitrate == sender->status().bitrate_bps);
  // Garbage and strangers are counted and ignored.
  const std::vector<uint8_t> junk = {0x80, 200, 0, 50};
  w.sfu_socket.socket->SendTo(*sender->local_address(), junk);
  w.RunUntilMs(1700);
  CHECK(sender->counters().rtcp_errors == 1);
  CHECK(sender->status().state == NativeSenderState::kRunning);
}

TEST_CASE("NativeSender: encode_error longer than the threshold falls back exactly once") {
  NativeWorld w;
  RecordingListener& l = w.listener;
  auto sender = w.MakeSender(w.Config());
  REQUIRE(sender);
  sender->Start();
  w.RunUntilMs(1000);
  sender->SetFault(NativeFault::kEncodeError, Ms(4000));
  w.RunUntilMs(6000);

  REQUIRE(l.Count("fallback_triggered") == 1);
  CHECK(l.Count("encode_error") == 6);  // the sixth in 2 s crosses "more than 5"
  const auto fb = l.Named("fallback_triggered").front();
  CHECK(fb.reason == "encode_failures: 6 in 2 s > 5");
  // The fallback fires at the sixth failure, in the same instant.
  CHECK(fb.at == l.Named("encode_error").back().at);
  // Every failure lies within the window before the fallback.
  CHECK(fb.at - l.Named("encode_error").front().at < sim::TimeDelta::Seconds(2));
  CHECK(l.Count("sender_stopped") == 0);
  const auto st = sender->status();
  CHECK(st.state == NativeSenderState::kFallenBack);
  CHECK(st.last_fallback_reason == fb.reason);
  CHECK_FALSE(st.transport_connected);
  CHECK(sender->counters().encode_failures == 6);
  CHECK(sender->counters().fallbacks == 1);
  // Nothing is sent after the fallback (allow the 10 ms link for what was already in flight).
  CHECK(RtpAfter(w.sfu_socket, fb.at + sim::TimeDelta::Millis(10)) == 0);
  const size_t rtcp_count = w.sfu_socket.rtcp.size();
  w.RunUntilMs(9000);
  CHECK(w.sfu_socket.rtcp.size() == rtcp_count);
  CHECK(w.scheduler.pending() == 0);  // every timer of the sender is gone
  // Stop after a fallback: nothing to stop, no event.
  sender->Stop("user");
  CHECK(l.Count("sender_stopped") == 0);
}

TEST_CASE("NativeSender: an encode_error burst below the threshold does not fall back") {
  NativeWorld w;
  auto sender = w.MakeSender(w.Config());
  REQUIRE(sender);
  sender->Start();
  w.RunUntilMs(1000);
  // 100 ms of failures at 30 fps: 3 or 4 failed encodes.
  sender->SetFault(NativeFault::kEncodeError, Ms(1100));
  w.RunUntilMs(3000);
  const int errors = w.listener.Count("encode_error");
  CHECK(errors >= 3);
  CHECK(errors <= 5);
  CHECK(w.listener.Count("fallback_triggered") == 0);
  CHECK(sender->status().state == NativeSenderState::kRunning);
  // The first good frame after the burst is an IDR.
  CHECK(sender->counters().key_frames == 2);
  // Two more bursts of 4, far apart: each window holds at most 5.
  sender->SetFault(NativeFault::kEncodeError, Ms(3100));
  w.RunUntilMs(6000);
  sender->SetFault(NativeFault::kEncodeError, Ms(6100));
  w.RunUntilMs(9000);
  CHECK(w.listener.Count("fallback_triggered") == 0);
  CHECK(RtpAfter(w.sfu_socket, Ms(8000)) > 0);
}

TEST_CASE("NativeSender: send_error falls back above the threshold, not below") {
  SECTION("sustained") {
    NativeWorld w;
    auto sender = w.MakeSender(w.Config());
    REQUIRE(sender);
    sender->Start();
    w.RunUntilMs(1000);
    const size_t arrived = w.sfu_socket.rtp.size();
    sender->SetFault(NativeFault::kSendError, Ms(5000));
    w.RunUntilMs(6000);
    REQUIRE(w.listener.Count("fallback_triggered") == 1);
    CHECK(w.listener.Count("transport_error") == 21);
    CHECK(w.listener.Named("fallback_triggered")[0].reason == "send_errors: 21 in 2 s > 20");
    CHECK(w.listener.Named("fallback_triggered")[0].at == w.listener.Named("transport_error").back().at);
    CHECK(sender->status().state == NativeSenderState::kFallenBack);
    CHECK(w.sfu_socket.rtp.size() == arrived);  // nothing got through
    CHECK(sender->counters().packets_dropped_during_send >= 20);
  }
  SECTION("a short burst") {
    NativeWorld w;
    w.log->bytes_per_frame = 300;  // one packet per frame
    auto sender = w.MakeSender(w.Config());
    REQUIRE(sender);
    sender->Start();
    w.RunUntilMs(1000);
    sender->SetFault(NativeFault::kSendError, Ms(1300));
    w.RunUntilMs(4000);
    const int errors = w.listener.Count("transport_error");
    CHECK(errors >= 8);
    CHECK(errors <= 20);
    CHECK(w.listener.Count("fallback_triggered") == 0);
    CHECK(sender->status().state == NativeSenderState::kRunning);
    CHECK(RtpAfter(w.sfu_socket, Ms(3000)) > 0);
    CHECK(sender->counters().packets_dropped_during_send == static_cast<uint64_t>(errors));
  }
}

TEST_CASE("NativeSender: slow_encode walks the ladder fps -> tier -> bitrate and climbs back") {
  NativeWorld w;
  NativeSenderConfig cfg = w.Config();
  cfg.tier = "1080p";
  auto sender = w.MakeSender(cfg);
  REQUIRE(sender);
  sender->Start();
  w.RunUntilMs(1000);
  CHECK(sender->status().degradation_level == 0);
  sender->SetFault(NativeFault::kSlowEncode, Ms(11'000));
  w.RunUntilMs(11'000);
  const auto downs = w.listener.Named("degradation_changed");
  std::vector<std::string> dims;
  for (const auto& e : downs) {
    CHECK(IsDown(e.reason));
    dims.push_back(DimensionOf(e.reason));
  }
  const std::vector<std::string> expected = {"fps", "fps", "fps", "tier", "bitrate", "bitrate", "bitrate"};
  CHECK(dims == expected);
  CHECK(w.listener.Count("fallback_triggered") == 0);
  auto st = sender->status();
  CHECK(st.state == NativeSenderState::kRunning);
  CHECK(st.degradation_level == 7);
  CHECK(st.fps == 10);
  CHECK(st.tier == "720p");
  CHECK(st.bitrate_bps < cfg.bitrate_bps);
  CHECK(w.log->last_fps == 10);
  CHECK(w.log->widths.back() == 1280);
  CHECK(sender->counters().frames_dropped_before_encode > 0);

  // The fault ends: one rung up per hold time, in the reverse order, back to the start.
  w.RunUntilMs(40'000);
  const auto all = w.listener.Named("degradation_changed");
  REQUIRE(all.size() == 14);
  std::vector<std::string> ups;
  for (size_t i = 7; i < all.size(); ++i) {
    CHECK_FALSE(IsDown(all[i].reason));
    ups.push_back(DimensionOf(all[i].reason));
  }
  const std::vector<std::string> expected_up = {"bitrate", "bitrate", "bitrate", "tier", "fps", "fps", "fps"};
  CHECK(ups == expected_up);
  st = sender->status();
  CHECK(st.degradation_level == 0);
  CHECK(st.fps == 30);
  CHECK(st.tier == "1080p");
  CHECK(st.bitrate_bps == cfg.bitrate_bps);
  CHECK(sender->counters().degradation_changes == 14);
  CHECK(w.listener.Count("fallback_triggered") == 0);
}

TEST_CASE("NativeSender: queue drops above the fraction for long enough fall back") {
  NativeWorld w;
  NativeSenderConfig cfg = w.Config();
  cfg.ladder.sustain = sim::TimeDelta::Seconds(30);  // a ladder too slow to help
  auto sender = w.MakeSender(cfg);
  REQUIRE(sender);
  sender->Start();
  w.RunUntilMs(1000);
  sender->SetFault(NativeFault::kSlowEncode, Ms(20'000));
  w.RunUntilMs(10'000);
  REQUIRE(w.listener.Count("fallback_triggered") == 1);
  const auto fb = w.listener.Named("fallback_triggered")[0];
  CHECK(fb.reason.rfind("queue_drops: ", 0) == 0);
  CHECK(fb.reason.find("in 2 s > 0.5 for 3 s") != std::string::npos);
  CHECK(fb.at >= Ms(4000));
  // Above 0.5 only once the drops outweigh the pre-fault frames in the 2 s window (~2.35 s), then 3 s.
  CHECK(fb.at >= Ms(5000));
  CHECK(fb.at < Ms(6000));
  CHECK(sender->status().state == NativeSenderState::kFallenBack);
}

TEST_CASE("NativeSender lifecycle: idempotent Start/Stop/Dispose, discarded in-flight encode") {
  NativeWorld w;
  auto sender = w.MakeSender(w.Config());
  REQUIRE(sender);
  sender->Stop("nothing to stop");
  CHECK(w.listener.events.empty());
  sender->Start();
  sender->Start();
  CHECK(w.listener.Count("sender_started") == 1);
  // The first frame's encode is in flight (modelled 4.2 ms at 720p): Stop now discards it.
  w.RunUntilMs(2);
  sender->Stop("user");
  sender->Stop("again");
  CHECK(w.listener.Count("sender_stopped") == 1);
  CHECK(w.listener.Named("sender_stopped")[0].reason == "user");
  CHECK(sender->counters().encodes_discarded == 1);
  CHECK(sender->counters().frames_encoded == 0);
  CHECK(sender->status().state == NativeSenderState::kStopped);
  CHECK_FALSE(sender->status().transport_connected);
  w.RunUntilMs(1000);
  CHECK(w.sfu_socket.rtp.empty());
  CHECK(w.scheduler.pending() == 0);

  // Start again: a new run with an IDR first.
  sender->Start();
  w.RunUntilMs(1500);
  CHECK(w.listener.Count("sender_started") == 2);
  REQUIRE_FALSE(w.sfu_socket.Frames().empty());
  CHECK(w.sfu_socket.Frames().front().key_frame);
  sender->Dispose();
  CHECK(w.listener.Count("sender_stopped") == 2);
  CHECK(w.listener.events.back().reason == "disposed");
  const size_t n = w.listener.events.size();
  sender->Dispose();
  sender->Start();
  sender->Stop("x");
  sender->SetFault(NativeFault::kEncodeError, Ms(99'000));
  sender->OnTransportClosed("late");
  CHECK(w.listener.events.size() == n);
  CHECK(sender->status().state == NativeSenderState::kDisposed);
  w.RunUntilMs(3000);
  CHECK(w.scheduler.pending() == 0);
}

TEST_CASE("NativeSender: native can be retried after a fallback (no sticky flag)") {
  NativeWorld w;
  auto sender = w.MakeSender(w.Config());
  REQUIRE(sender);
  sender->Start();
  w.RunUntilMs(500);
  sender->OnProducerFailed("produce rejected");
  CHECK(sender->status().state == NativeSenderState::kFallenBack);
  CHECK(w.listener.Named("fallback_triggered").back().reason == "producer_failed: produce rejected");
  // The same sender starts again...
  sender->Start();
  CHECK(sender->status().state == NativeSenderState::kRunning);
  CHECK(sender->status().last_fallback_reason == "producer_failed: produce rejected");
  w.RunUntilMs(1000);
  sender->OnTransportClosed("plain transport closed");
  CHECK(w.listener.Named("fallback_triggered").back().reason == "transport_closed: plain transport closed");
  sender->Dispose();
  sender.reset();
  // ... and so does a new one.
  const size_t before = w.sfu_socket.rtp.size();
  auto second = w.MakeSender(w.Config());
  REQUIRE(second);
  second->Start();
  w.RunUntilMs(2000);
  CHECK(second->status().state == NativeSenderState::kRunning);
  CHECK(w.sfu_socket.rtp.size() > before);
  CHECK(w.listener.Count("sender_started") == 3);
}

TEST_CASE("NativeSender: a listener may destroy the sender from inside an event") {
  NativeWorld w;
  struct Destroyer : NativeSenderListener {
    std::unique_ptr<NativeSender>* owner = nullptr;
    int events = 0;
    void OnNativeSenderEvent(std::string_view name, std::string_view) override {
      ++events;
      if (name == "fallback_triggered") owner->reset();
    }
  } destroyer;
  std::unique_ptr<NativeSender> sender = w.MakeSender(w.Config(), &destroyer);
  REQUIRE(sender);
  destroyer.owner = &sender;
  sender->Start();
  w.RunUntilMs(500);
  sender->SetFault(NativeFault::kSendError, Ms(5000));
  w.RunUntilMs(3000);
  CHECK(sender == nullptr);
  CHECK(destroyer.events == 1 + 21 + 1);
  CHECK(w.scheduler.pending() == 0);
}

TEST_CASE("NativeSender: no network means an immediate fallback; bad configs are refused") {
  NativeWorld w;
  sim::Env env = w.desk->MakeEnv("native");
  env.net = nullptr;
  auto r = NativeSender::CreateWithEncoder(env, w.Config(), &w.listener, std::make_unique<FakeVideoEncoder>(w.log));
  REQUIRE(r.ok());
  auto sender = std::move(r).value();
  sender->Start();
  CHECK(sender->status().state == NativeSenderState::kFallenBack);
  CHECK(w.listener.Count("sender_started") == 0);
  REQUIRE(w.listener.Count("fallback_triggered") == 1);
  CHECK(w.listener.events.back().reason.rfind("transport_closed: socket open failed", 0) == 0);

  auto bad = [&](auto mutate) {
    NativeSenderConfig c = w.Config();
    mutate(c);
    auto res = NativeSender::CreateWithEncoder(w.desk->MakeEnv("n"), c, nullptr, std::make_unique<FakeVideoEncoder>(w.log));
    return res.ok() ? std::string("ok") : res.error().code;
  };
  CHECK(bad([](NativeSenderConfig& c) { c.ssrc = 0; }) == "invalid_argument");
  CHECK(bad([](NativeSenderConfig& c) { c.tier = "480p"; }) == "invalid_argument");
  CHECK(bad([](NativeSenderConfig& c) { c.fps = 0; }) == "invalid_argument");
  CHECK(bad([](NativeSenderConfig& c) { c.payload_type = 200; }) == "invalid_argument");
  CHECK(bad([](NativeSenderConfig& c) { c.frame_queue_capacity = 0; }) == "invalid_argument");
  CHECK(bad([](NativeSenderConfig& c) { c.thresholds.window = sim::TimeDelta::Zero(); }) == "invalid_argument");
  CHECK(bad([](NativeSenderConfig& c) { c.slow_encode_factor = 0.5; }) == "invalid_argument");
  CHECK(bad([](NativeSenderConfig&) {}) == "ok");
  auto null_encoder = NativeSender::CreateWithEncoder(w.desk->MakeEnv("n"), w.Config(), nullptr, nullptr);
  CHECK(null_encoder.error().code == "invalid_argument");
}

TEST_CASE("NativeSender: from every start tier, sustained slow_encode degrades in order and never falls back") {
  const std::string tier = GENERATE(as<std::string>{}, "2160p", "1440p", "1080p", "720p");
  const int fps = GENERATE(30, 15);
  INFO(tier << " at " << fps << " fps");
  NativeWorld w;
  w.log->bytes_per_frame = 1000;  // small frames: this test is about timing, not payload
  NativeSenderConfig cfg = w.Config();
  cfg.tier = tier;
  cfg.fps = fps;
  auto sender = w.MakeSender(cfg);
  REQUIRE(sender);
  sender->Start();
  w.RunUntilMs(1000);
  sender->SetFault(NativeFault::kSlowEncode, Ms(15'000));
  w.RunUntilMs(15'000);
  CHECK(w.listener.Count("fallback_triggered") == 0);
  std::vector<std::string> dims;
  for (const auto& e : w.listener.Named("degradation_changed")) {
    if (IsDown(e.reason)) dims.push_back(DimensionOf(e.reason));
  }
  // fps rungs, then tier rungs, then bitrate rungs: never back to an earlier dimension.
  const std::vector<std::string> order = {"fps", "tier", "bitrate"};
  size_t at = 0;
  for (const auto& d : dims) {
    while (at < order.size() && order[at] != d) ++at;
    CHECK(at < order.size());
  }
  const auto st = sender->status();
  CHECK(st.tier == "720p");
  CHECK(st.fps == kDefaultLadderMinFps);
  CHECK(st.degradation_level == static_cast<int>(dims.size()));
  CHECK(dims.back() == "bitrate");
  w.RunUntilMs(40'000);
  // 2160p at 30 fps is itself too much for one core (37.5 ms per frame): it settles at 20 fps.
  const int settled = tier == "2160p" && fps == 30 ? 1 : 0;
  CHECK(sender->status().degradation_level == settled);
  CHECK(w.listener.Count("fallback_triggered") == 0);
}

TEST_CASE("NativeSender: restart_pipeline_on_tier_change restarts the RTP sequence on a tier change, same SSRC") {
  for (const bool restart : {false, true}) {
    INFO("restart_pipeline_on_tier_change " << restart);
    NativeWorld w;
    NativeSenderConfig cfg = w.Config();
    cfg.tier = "1080p";
    cfg.restart_pipeline_on_tier_change = restart;
    auto sender = w.MakeSender(cfg);
    REQUIRE(sender);
    sender->Start();
    w.RunUntilMs(1000);
    sender->SetFault(NativeFault::kSlowEncode, Ms(11'000));
    w.RunUntilMs(11'000);
    REQUIRE(sender->status().tier == "720p");  // exactly one tier change so far
    // Each sequence break (the network here neither loses nor reorders) is one rebuilt packetizer.
    REQUIRE(w.sfu_socket.rtp.size() > 10);
    size_t breaks = 0;
    size_t first_after_break = 0;
    for (size_t i = 1; i < w.sfu_socket.rtp.size(); ++i) {
      CHECK(w.sfu_socket.rtp[i].ssrc == kTestSsrc);
      if (w.sfu_socket.rtp[i].seq != static_cast<uint16_t>(w.sfu_socket.rtp[i - 1].seq + 1)) {
        ++breaks;
        first_after_break = i;
      }
    }
    CHECK(breaks == (restart ? 1u : 0u));
    CHECK(sender->counters().pipeline_restarts == (restart ? 1u : 0u));
    if (restart) {
      // The break comes with the tier change: the first packet after it starts the rebuilt
      // encoder's first frame, a key frame: its first NAL unit (RFC 6184: single, or the first
      // inside a STAP-A or FU-A) is the SPS (7) or the IDR slice (5).
      const auto& p = w.sfu_socket.rtp[first_after_break].payload;
      REQUIRE(p.size() >= 4);
      uint8_t nal = p[0] & 0x1f;
      if (nal == 24) nal = p[3] & 0x1f;  // STAP-A: 2-byte size, then the first NAL header
      else if (nal == 28) nal = p[1] & 0x1f;  // FU-A: the FU header's type
      CHECK((nal == 5 || nal == 7));
    }
  }
}
