// The SFU's feedback to producers end to end in the SFU test world (VIDEO_DESIGN.md V4): RR
// report blocks with hand-computed jitter (48 and 90 kHz), loss, LSR/DLSR from the producer's SR;
// REMB (steady and capacity-limited uplinks, abs-send-time); upstream NACK over a lossy uplink
// with the retransmissions forwarded to a consumer; and all of it (plus PLI/FIR) reaching a
// native sender on a plain transport as plain RTCP.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "../sfu_test_world.h"
#include "sfusim/protocol/rtp/abs_send_time.h"

namespace sfusim::sfu::test {
namespace {

using sim::TimeDelta;

constexpr uint32_t kSsrc = 0xB0B0CAFE;

struct Publisher {
  explicit Publisher(MediaKind kind, sim::LinkConfig uplink = {}) {
    a = &w.Ready("alice", "lobby");
    b = &w.Ready("bob", "lobby");
    if (uplink.delay == TimeDelta::Zero()) uplink.delay = TimeDelta::Millis(5);
    auto caps = w.Caps(*a);
    send_tid = w.OpenTransport(*a, TransportDirection::kSend);
    const auto m = kind == MediaKind::kAudio ? World::AudioProduce(send_tid, caps, kSsrc)
                                             : World::VideoProduce(send_tid, caps, kSsrc, MediaSource::kCamera);
    payload_type = m.rtp_parameters.codecs.at(0).payload_type;
    const auto rid = a->Request(m);
    w.Run();
    auto r = a->Result<MediaProduceResult>(rid);
    if (r) pid = r->producer_id;
    recv_tid = w.OpenTransport(*b, TransportDirection::kRecv);
    w.net().SetLink("alice", "sfu", uplink);  // after setup: only media sees the uplink's faults
  }
  ClientTransport& send() { return *a->transports.at(send_tid); }
  ClientTransport& recv() { return *b->transports.at(recv_tid); }
  sim::Timestamp now() const { return w.scheduler.Now(); }
  // Runs to `offset` past the next whole second (the SFU's RTCP timer fires on whole seconds).
  void RunToPhase(TimeDelta offset) {
    const int64_t us = now().us();
    const int64_t target = (us / 1'000'000 + 1) * 1'000'000 + offset.us();
    w.Run(TimeDelta::Micros(target - us));
  }

  World w;
  TestClient* a = nullptr;
  TestClient* b = nullptr;
  std::string pid, send_tid, recv_tid;
  uint8_t payload_type = 0;
};

template <typename T>
std::vector<T> RtcpOf(const std::vector<rtcp::CompoundPacket>& in) {
  std::vector<T> out;
  for (const auto& c : in)
    for (const auto& p : c.packets)
      if (const T* t = std::get_if<T>(&p)) out.push_back(*t);
  return out;
}

std::optional<rtcp::ReportBlock> LastBlockFor(const std::vector<rtcp::CompoundPacket>& in, uint32_t ssrc) {
  std::optional<rtcp::ReportBlock> out;
  for (const auto& rr : RtcpOf<rtcp::ReceiverReport>(in))
    for (const auto& b : rr.report_blocks)
      if (b.source_ssrc == ssrc) out = b;
  return out;
}

RtpPacket MakePacket(uint8_t pt, uint16_t seq, uint32_t ts, std::size_t payload_bytes,
                     std::optional<sim::Timestamp> abs_send_time = std::nullopt) {
  RtpPacket p;
  p.set_payload_type(pt);
  p.set_sequence_number(seq);
  p.set_timestamp(ts);
  p.set_ssrc(kSsrc);
  if (abs_send_time) {
    (void)p.SetExtension<AbsSendTime>(static_cast<uint8_t>(kHeaderExtensionIdAbsSendTime),
                                      AbsSendTime::FromMicros(abs_send_time->us()));
  }
  std::vector<uint8_t> payload(payload_bytes, 0x42);
  payload[0] = static_cast<uint8_t>(seq);
  payload[1] = static_cast<uint8_t>(seq >> 8);
  p.set_payload(payload);
  return p;
}

TEST_CASE("RR to a producer: loss, extended highest seq, RFC 3550 jitter at its clock rate, LSR/DLSR",
          "[sfu][feedback][rr]") {
  const bool video = GENERATE(false, true);
  INFO((video ? "video 90 kHz" : "audio 48 kHz"));
  Publisher pub(video ? MediaKind::kVideo : MediaKind::kAudio);
  REQUIRE_FALSE(pub.pid.empty());
  const uint32_t ticks_per_ms = video ? 90 : 48;
  // Packet k is sent at t0 + 20k ms with timestamp k x 21 ms: the timestamps run 1 ms per packet
  // ahead of real time, so D = -ticks_per_ms x (packets since the previous one).
  pub.RunToPhase(TimeDelta::Millis(100));
  const uint16_t first_seq = 1000;
  const std::set<int> skipped = {10, 20};
  std::vector<int> sent;
  for (int k = 0; k < 42; ++k) {
    if (!skipped.count(k)) {
      pub.send().SendRtp(kSsrc, static_cast<uint16_t>(first_seq + k), static_cast<uint32_t>(k) * 21 * ticks_per_ms,
                         pub.payload_type);
      sent.push_back(k);
    }
    pub.w.Run(TimeDelta::Millis(20));
  }
  // Now at phase 940 ms; an SR from the producer arrives 5 ms later, 55 ms before the next RR.
  rtcp::CompoundPacket c;
  rtcp::SenderReport sr;
  sr.sender_ssrc = kSsrc;
  sr.ntp_timestamp = 0xAABBCCDD11223344ULL;
  sr.rtp_timestamp = 42 * 21 * ticks_per_ms;
  sr.packet_count = 40;
  c.packets.push_back(sr);
  pub.send().rtcp_in.clear();
  pub.send().SendRtcp(c);
  pub.w.Run(TimeDelta::Millis(100));  // past the RR at the whole second

  // Hand computation (RFC 3550 A.1/A.3/A.8 with MIN_SEQUENTIAL = 2): the first packet is on
  // probation, so the stream's base is packet 1; jitter updates from the second counted packet.
  int64_t j_q4 = 0;
  for (std::size_t i = 2; i < sent.size(); ++i) {
    const int64_t d = static_cast<int64_t>(ticks_per_ms) * (sent[i] - sent[i - 1]);
    j_q4 += d - ((j_q4 + 8) >> 4);
  }
  const uint32_t expected_jitter = static_cast<uint32_t>(j_q4 >> 4);
  // |D| = 1 ms for all but the two gaps: J climbs towards 1 ms (37 steps of 1/16).
  CHECK(expected_jitter > ticks_per_ms * 8 / 10);
  CHECK(expected_jitter < ticks_per_ms * 12 / 10);
  const int64_t expected_packets = 41;           // seqs 1001..1041
  const int64_t received = 39;
  auto block = LastBlockFor(pub.send().rtcp_in, kSsrc);
  REQUIRE(block);
  CHECK(block->extended_highest_sequence == first_seq + 41u);
  CHECK(block->cumulative_lost == expected_packets - received);
  CHECK(block->fraction_lost == (2 * 256) / 41);  // the whole stream fell in one interval
  CHECK(block->jitter == expected_jitter);
  CHECK(block->last_sr == 0xCCDD1122u);
  // SR arrival at phase 945 ms, RR at 1000 ms: 55 ms in 1/65536 s, rounded down.
  CHECK(block->delay_since_last_sr == (55'000u * 65536u) / 1'000'000u);
  CHECK(pub.w.sfu->counters().sender_reports_received == 1);
  CHECK(pub.w.sfu->counters().receiver_report_blocks_sent >= 1);
  // Never a REMB for audio; for video not yet either: the stream is shorter than the estimator's
  // rate window (the REMB tests below cover it).
  CHECK(RtcpOf<rtcp::Remb>(pub.send().rtcp_in).empty());
}

TEST_CASE("an SR from someone else's SSRC or on another transport is ignored", "[sfu][feedback][rr]") {
  Publisher pub(MediaKind::kVideo);
  for (uint16_t q = 0; q < 5; ++q) pub.send().SendRtp(kSsrc, q, 3000u * q, pub.payload_type);
  rtcp::CompoundPacket c;
  rtcp::SenderReport sr;
  sr.sender_ssrc = 0x12345;  // not a producer
  sr.ntp_timestamp = 0x1111222233334444ULL;
  c.packets.push_back(sr);
  pub.send().SendRtcp(c);
  rtcp::CompoundPacket c2;
  sr.sender_ssrc = kSsrc;  // the producer's SSRC, but on bob's recv transport
  c2.packets.push_back(sr);
  pub.recv().SendRtcp(c2);
  pub.w.Run(TimeDelta::Millis(1100));
  auto block = LastBlockFor(pub.send().rtcp_in, kSsrc);
  REQUIRE(block);
  CHECK(block->last_sr == 0);
  CHECK(block->delay_since_last_sr == 0);
  CHECK(pub.w.sfu->counters().sender_reports_received == 0);
}

// A producer that keeps what it sent and answers NACKs from the SFU.
struct RetransmittingSender {
  Publisher& pub;
  std::map<uint16_t, RtpPacket> history;
  std::size_t rtcp_seen = 0;
  std::set<uint16_t> nacked;
  int retransmitted = 0;

  void Send(const RtpPacket& p) {
    history[p.sequence_number()] = p;
    pub.send().SendRtpPacket(p);
  }
  void AnswerNacks() {
    auto& in = pub.send().rtcp_in;
    for (; rtcp_seen < in.size(); ++rtcp_seen) {
      for (const auto& packet : in[rtcp_seen].packets) {
        const auto* nack = std::get_if<rtcp::Nack>(&packet);
        if (nack == nullptr || nack->media_ssrc != kSsrc) continue;
        for (uint16_t s : nack->SequenceNumbers()) {
          nacked.insert(s);
          auto it = history.find(s);
          if (it == history.end()) continue;
          pub.send().SendRtpPacket(it->second);
          ++retransmitted;
        }
      }
    }
  }
};

TEST_CASE("upstream NACK: a video producer on a lossy uplink is asked for what was lost; the "
          "retransmissions reach the consumer",
          "[sfu][feedback][nack]") {
  sim::LinkConfig lossy;
  lossy.delay = TimeDelta::Millis(10);
  lossy.loss = 0.1;
  Publisher pub(MediaKind::kVideo, lossy);
  REQUIRE_FALSE(pub.pid.empty());
  RecordingObserver obs;
  pub.w.sfu->SetObserver(&obs);
  auto consumer = pub.w.Subscribe(*pub.b, pub.pid);
  REQUIRE(consumer);
  RetransmittingSender sender{pub};
  uint16_t seq = 5000;
  for (int frame = 0; frame < 90; ++frame) {  // 3 s of 30 fps, 3 packets a frame
    for (int i = 0; i < 3; ++i) sender.Send(MakePacket(pub.payload_type, seq++, 3000u * frame, 400));
    for (int step = 0; step < 3; ++step) {
      pub.w.Run(TimeDelta::Micros(11'111));
      sender.AnswerNacks();
    }
  }
  // Trailing packets so that losses at the end are detected too, then time for the retries.
  const uint16_t trailing = seq;
  for (int i = 0; i < 5; ++i) sender.Send(MakePacket(pub.payload_type, seq++, 3000u * 90, 400));
  for (int i = 0; i < 100; ++i) {
    pub.w.Run(TimeDelta::Millis(10));
    sender.AnswerNacks();
  }
  const auto& counters = pub.w.sfu->counters();
  INFO("nacks " << counters.upstream_nacks_sent << " nacked seqs " << counters.upstream_nacked_sequences
                << " recovered " << counters.upstream_recovered << " retransmitted " << sender.retransmitted);
  CHECK(counters.upstream_nacks_sent > 0);
  CHECK(counters.upstream_recovered > 10);  // ~10 % of 271 lost, nearly all recovered
  CHECK(sender.retransmitted >= static_cast<int>(counters.upstream_recovered));
  // Every NACKed number is one that was sent.
  for (uint16_t s : sender.nacked) CHECK(sender.history.count(s) == 1);
  // The consumer ends with every packet: its output seqs (payload carries the input seq) cover
  // the whole input range, each once.
  std::set<uint16_t> inputs_seen;
  for (const auto& p : pub.recv().rtp_in) inputs_seen.insert(static_cast<uint16_t>(p.payload[0] | (p.payload[1] << 8)));
  // (Packets lost before the first one that got through are unknown to the SFU: not NACKable.)
  REQUIRE_FALSE(inputs_seen.empty());
  const uint16_t first_through = *inputs_seen.begin();
  CHECK(first_through < 5010);
  for (const auto& [s, packet] : sender.history) {
    if (s >= trailing || s < first_through) continue;
    INFO("input seq " << s);
    CHECK(inputs_seen.count(s) == 1);
  }
  CHECK(pub.recv().rtp_in.size() >= sender.history.size() - 5);
  // The SFU did not have to retransmit on its own (the consumer never NACKed).
  CHECK(counters.rtp_retransmitted == 0);
  // The RR still shows the uplink's loss (retransmissions are not counted as received).
  auto block = LastBlockFor(pub.send().rtcp_in, kSsrc);
  REQUIRE(block);
  CHECK(block->cumulative_lost > 0);
  CHECK(static_cast<double>(block->cumulative_lost) >= 0.8 * static_cast<double>(counters.upstream_recovered));
}

TEST_CASE("audio producers are never NACKed", "[sfu][feedback][nack]") {
  Publisher pub(MediaKind::kAudio);
  for (uint16_t q = 0; q < 20; ++q) {
    if (q % 4 != 3) pub.send().SendRtp(kSsrc, q, 960u * q, pub.payload_type);
    pub.w.Run(TimeDelta::Millis(20));
  }
  pub.w.Run(TimeDelta::Millis(500));
  CHECK(RtcpOf<rtcp::Nack>(pub.send().rtcp_in).empty());
  CHECK(pub.w.sfu->counters().upstream_nacks_sent == 0);
}

// Paced video with abs-send-time at `bps` for `seconds`, in 1000-byte packets.
void SendPaced(Publisher& pub, uint16_t& seq, int64_t bps, int seconds) {
  const int64_t interval_us = int64_t{1'000} * 8 * 1'000'000 / bps;
  const int64_t end = pub.now().us() + seconds * 1'000'000LL;
  while (pub.now().us() < end) {
    pub.send().SendRtpPacket(MakePacket(pub.payload_type, seq, static_cast<uint32_t>(seq) * 900u, 1'000 - 12 - 8,
                                        pub.now()));
    ++seq;
    pub.w.Run(TimeDelta::Micros(interval_us));
  }
}

TEST_CASE("REMB on a clean uplink follows the incoming rate and grows slowly", "[sfu][feedback][remb]") {
  Publisher pub(MediaKind::kVideo);
  uint16_t seq = 1;
  SendPaced(pub, seq, 500'000, 6);
  const auto rembs = RtcpOf<rtcp::Remb>(pub.send().rtcp_in);
  REQUIRE(rembs.size() >= 5);
  for (const auto& r : rembs) CHECK(r.ssrcs == std::vector<uint32_t>{kSsrc});
  // After the first full second: between the incoming rate and 1.5 x it, non-decreasing.
  for (std::size_t i = 1; i < rembs.size(); ++i) {
    INFO("remb " << i << " = " << rembs[i].bitrate_bps);
    CHECK(rembs[i].bitrate_bps >= 450'000);
    CHECK(rembs[i].bitrate_bps <= 760'000);
    CHECK(rembs[i].bitrate_bps + 2'000 >= rembs[i - 1].bitrate_bps);
  }
  CHECK(rembs.back().bitrate_bps > rembs[1].bitrate_bps);
  CHECK(pub.w.sfu->counters().rembs_sent == rembs.size());
}

TEST_CASE("REMB on a capacity-limited uplink drops below the capacity within a few seconds",
          "[sfu][feedback][remb]") {
  sim::LinkConfig narrow;
  narrow.delay = TimeDelta::Millis(10);
  narrow.capacity = sim::DataRate::BitsPerSec(1'000'000);
  Publisher pub(MediaKind::kVideo, narrow);
  uint16_t seq = 1;
  SendPaced(pub, seq, 1'500'000, 5);
  const auto rembs = RtcpOf<rtcp::Remb>(pub.send().rtcp_in);
  REQUIRE(rembs.size() >= 3);
  INFO("last remb " << rembs.back().bitrate_bps);
  CHECK(rembs.back().bitrate_bps < 1'000'000);
  CHECK(rembs.back().bitrate_bps > 500'000);
}

TEST_CASE("a native sender on a plain transport gets NACK, RR with LSR/DLSR, REMB, PLI and FIR as plain RTCP",
          "[sfu][feedback][native]") {
  Publisher pub(MediaKind::kAudio);
  const auto rid = pub.a->Request(CreateNativeSenderSessionRequest{{"video/H264"}});
  pub.w.Run();
  auto session = pub.a->Result<NativeSenderSessionResult>(rid);
  REQUIRE(session);
  auto consumer = pub.w.Subscribe(*pub.b, session->producer_id);
  REQUIRE(consumer);
  const uint32_t consumer_ssrc = consumer->rtp_parameters.encodings.at(0).ssrc.value();
  ClientTransport plain(pub.a->host(), "native", sim::SocketAddress{sim::MakeIpv4(10, 0, 0, 1), session->rtp_target.port},
                        "");
  const uint32_t ssrc = session->ssrc;
  for (uint16_t q = 0; q < 30; ++q) {
    if (q != 7) plain.SendPlainRtp(ssrc, q, 3000u * q, kPayloadTypeH264);  // 7 is "lost"
    pub.w.Run(TimeDelta::Millis(33));
  }
  rtcp::CompoundPacket c;
  rtcp::SenderReport sr;
  sr.sender_ssrc = ssrc;
  sr.ntp_timestamp = 0x0000000512340000ULL;
  c.packets.push_back(sr);
  plain.SendRtcp(c);
  // bob asks for a key frame twice (PLI, then FIR past the throttle).
  rtcp::CompoundPacket pli;
  pli.packets.push_back(rtcp::Pli{0x1234, consumer_ssrc});
  pub.recv().SendRtcp(pli);
  pub.w.Run(TimeDelta::Millis(600));
  rtcp::CompoundPacket fir;
  rtcp::Fir f;
  f.sender_ssrc = 0x1234;
  f.entries.push_back({consumer_ssrc, 1});
  fir.packets.push_back(f);
  pub.recv().SendRtcp(fir);
  pub.w.Run(TimeDelta::Millis(1100));

  const auto nacks = RtcpOf<rtcp::Nack>(plain.rtcp_in);
  REQUIRE_FALSE(nacks.empty());
  CHECK(nacks[0].media_ssrc == ssrc);
  CHECK(nacks[0].SequenceNumbers() == std::vector<uint16_t>{7});
  const auto block = LastBlockFor(plain.rtcp_in, ssrc);
  REQUIRE(block);
  CHECK(block->last_sr == 0x00051234u);
  CHECK(block->delay_since_last_sr > 0);
  CHECK(block->extended_highest_sequence == 29);
  const auto rembs = RtcpOf<rtcp::Remb>(plain.rtcp_in);
  REQUIRE_FALSE(rembs.empty());
  CHECK(rembs.back().ssrcs == std::vector<uint32_t>{ssrc});
  const auto plis = RtcpOf<rtcp::Pli>(plain.rtcp_in);
  REQUIRE(plis.size() == 2);  // the FIR is forwarded as a PLI too
  CHECK(plis[0].media_ssrc == ssrc);
  CHECK(plain.srtp_failures == 0);
}

}  // namespace
}  // namespace sfusim::sfu::test
