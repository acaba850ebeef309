// The media plane end to end over the simulated network: transports with SRTP, produce, consume
// (paused) + resume, forwarding with SSRC/seq rewriting, NACK, PLI throttling, RTCP reports,
// producer close, limits and the transport/producer/consumer mutants (PROTOCOL.md §1-2).
#include <catch2/catch.hpp>

#include "../sfu_test_world.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace sfusim::sfu::test {
namespace {

namespace err = protocol::signaling_error;
using sim::TimeDelta;

struct Call {
  explicit Call(SfuConfig config = {}) : w(std::move(config)) {
    w.sfu->SetObserver(&obs);
    a = &w.Ready("alice", "lobby");
    b = &w.Ready("bob", "lobby");
    pid = w.Publish(*a, kAliceSsrc, &send_tid);
    recv_tid = w.OpenTransport(*b, TransportDirection::kRecv);
  }
  ClientTransport& send() { return *a->transports.at(send_tid); }
  ClientTransport& recv() { return *b->transports.at(recv_tid); }
  static constexpr uint32_t kAliceSsrc = 0xA11CE;
  World w;
  RecordingObserver obs;
  TestClient* a = nullptr;
  TestClient* b = nullptr;
  std::string pid, send_tid, recv_tid;
};

std::vector<uint16_t> Seqs(const std::vector<ReceivedRtp>& rtp) {
  std::vector<uint16_t> out;
  for (const auto& p : rtp) out.push_back(p.seq);
  return out;
}

bool Consecutive(const std::vector<uint16_t>& seqs) {
  for (std::size_t i = 1; i < seqs.size(); ++i)
    if (static_cast<uint16_t>(seqs[i - 1] + 1) != seqs[i]) return false;
  return true;
}

TEST_CASE("produce, consume (paused), resume: RTP is forwarded with the consumer's SSRC", "[sfu][media]") {
  Call call;
  REQUIRE_FALSE(call.pid.empty());
  REQUIRE_FALSE(call.recv_tid.empty());
  CHECK(call.b->Count<NewProducer>() == 1);
  auto consumer = call.w.Subscribe(*call.b, call.pid, /*resume=*/false);
  REQUIRE(consumer);
  CHECK(consumer->paused);
  const uint32_t cssrc = consumer->rtp_parameters.encodings.at(0).ssrc.value();
  CHECK(cssrc != 0);
  CHECK(cssrc != Call::kAliceSsrc);
  CHECK(call.w.sfu->Snapshot().consumers.at(consumer->consumer_id).paused);
  for (uint16_t s = 0; s < 5; ++s) call.send().SendRtp(Call::kAliceSsrc, 100 + s, 960u * s);
  call.w.Run();
  CHECK(call.recv().rtp_in.empty());  // a paused consumer forwards nothing
  call.b->Request(MediaResumeConsumerRequest{consumer->consumer_id});
  call.w.Run();
  CHECK_FALSE(call.w.sfu->Snapshot().consumers.at(consumer->consumer_id).paused);
  for (uint16_t s = 5; s < 15; ++s) call.send().SendRtp(Call::kAliceSsrc, 100 + s, 960u * s);
  call.w.Run();
  REQUIRE(call.recv().rtp_in.size() == 10);
  for (const auto& p : call.recv().rtp_in) CHECK(p.ssrc == cssrc);
  CHECK(Consecutive(Seqs(call.recv().rtp_in)));
  CHECK(call.recv().rtp_in[0].payload[0] == 105);
  CHECK(call.recv().srtp_failures == 0);
  REQUIRE(call.obs.rtp.size() == 10);
  for (const auto& e : call.obs.rtp) {
    CHECK_FALSE(e.paused);
    CHECK_FALSE(e.retransmission);
    CHECK(e.output_ssrc == cssrc);
  }
  CHECK(call.obs.rtp[0].input_seq == 105);
  CHECK(call.w.sfu->counters().rtp_forwarded == 10);
}

TEST_CASE("output is continuous across a restarted input stream; input losses stay gaps", "[sfu][media]") {
  Call call;
  auto consumer = call.w.Subscribe(*call.b, call.pid);
  REQUIRE(consumer);
  for (uint16_t s = 0; s < 5; ++s) call.send().SendRtp(Call::kAliceSsrc, 100 + s, 960u * s);
  call.w.Run();
  // The sender restarts its sequence far away (a new encoder): output continues.
  for (uint16_t s = 0; s < 5; ++s) call.send().SendRtp(Call::kAliceSsrc, 40000 + s, 5000000u + 960u * s);
  call.w.Run();
  auto seqs = Seqs(call.recv().rtp_in);
  REQUIRE(seqs.size() == 10);
  CHECK(Consecutive(seqs));
  // A lost input packet (40006) is a gap of exactly one in the output.
  call.send().SendRtp(Call::kAliceSsrc, 40005, 0);
  call.send().SendRtp(Call::kAliceSsrc, 40007, 0);
  call.w.Run();
  seqs = Seqs(call.recv().rtp_in);
  REQUIRE(seqs.size() == 12);
  CHECK(static_cast<uint16_t>(seqs[10] + 2) == seqs[11]);
}

TEST_CASE("a NACK is answered from the retransmission buffer with the same output seq", "[sfu][media]") {
  Call call;
  auto consumer = call.w.Subscribe(*call.b, call.pid);
  REQUIRE(consumer);
  const uint32_t cssrc = consumer->rtp_parameters.encodings.at(0).ssrc.value();
  call.send().SendRtp(Call::kAliceSsrc, 7, 0);
  call.w.Run();
  REQUIRE(call.recv().rtp_in.size() == 1);
  // The third packet is lost on the way to bob.
  call.recv().drop_seqs.insert(static_cast<uint16_t>(call.recv().rtp_in[0].seq + 2));
  for (uint16_t s = 1; s < 6; ++s) call.send().SendRtp(Call::kAliceSsrc, 7 + s, 960u * s);
  call.w.Run();
  REQUIRE(call.recv().rtp_in.size() == 5);
  ReceivedRtp third = call.recv().rtp_in[1];
  third.seq = static_cast<uint16_t>(third.seq + 1);
  third.timestamp += 960;
  third.payload[0] = 9;
  rtcp::CompoundPacket c;
  c.packets.push_back(rtcp::ReceiverReport{0x5555, {}, {}});
  const std::vector<uint16_t> nacked{third.seq};
  c.packets.push_back(rtcp::Nack::FromSequenceNumbers(0x5555, cssrc, nacked));
  call.recv().SendRtcp(c);
  call.w.Run();
  REQUIRE(call.recv().rtp_in.size() == 6);
  const ReceivedRtp& rtx = call.recv().rtp_in.back();
  CHECK(rtx.seq == third.seq);
  CHECK(rtx.timestamp == third.timestamp);
  CHECK(rtx.payload == third.payload);
  REQUIRE(call.obs.rtp.size() == 7);
  CHECK(call.obs.rtp.back().retransmission);
  CHECK(call.obs.rtp.back().input_seq == 9);
  CHECK(call.w.sfu->counters().rtp_retransmitted == 1);
}

TEST_CASE("PLI from a video consumer reaches the producer, throttled", "[sfu][media]") {
  Call call;
  const auto rid = call.a->Request(World::VideoProduce(call.send_tid, call.a->caps, 0xCA3, MediaSource::kCamera));
  call.w.Run();
  auto produced = call.a->Result<MediaProduceResult>(rid);
  REQUIRE(produced);
  auto consumer = call.w.Subscribe(*call.b, produced->producer_id);  // resume asks for a key frame
  REQUIRE(consumer);
  const uint32_t cssrc = consumer->rtp_parameters.encodings.at(0).ssrc.value();
  auto plis_at_alice = [&] {
    int n = 0;
    for (const auto& c : call.send().rtcp_in)
      for (const auto& p : c.packets)
        if (const auto* pli = std::get_if<rtcp::Pli>(&p)) n += pli->media_ssrc == 0xCA3;
    return n;
  };
  CHECK(plis_at_alice() == 1);
  rtcp::CompoundPacket c;
  c.packets.push_back(rtcp::ReceiverReport{0x5555, {}, {}});
  c.packets.push_back(rtcp::Pli{0x5555, cssrc});
  call.recv().SendRtcp(c);
  call.w.Run();
  CHECK(plis_at_alice() == 1);  // within kKeyFrameRequestMinInterval of the last one
  CHECK(call.w.sfu->counters().key_frame_requests_throttled == 1);
  call.w.Run(kKeyFrameRequestMinInterval);
  call.recv().SendRtcp(c);
  call.w.Run();
  CHECK(plis_at_alice() == 2);
}

TEST_CASE("RTCP: SR per consumer to the receiver, RR to the producer side", "[sfu][media]") {
  Call call;
  auto consumer = call.w.Subscribe(*call.b, call.pid);
  REQUIRE(consumer);
  const uint32_t cssrc = consumer->rtp_parameters.encodings.at(0).ssrc.value();
  for (uint16_t s = 0; s < 4; ++s)
    if (s != 2) call.send().SendRtp(Call::kAliceSsrc, 50 + s, 960u * s);  // 52 lost
  call.w.Run(kRtcpReportInterval * 2);
  bool sr = false, rr = false;
  for (const auto& c : call.recv().rtcp_in)
    for (const auto& p : c.packets)
      if (const auto* s = std::get_if<rtcp::SenderReport>(&p)) sr |= s->sender_ssrc == cssrc && s->packet_count == 3;
  for (const auto& c : call.send().rtcp_in)
    for (const auto& p : c.packets)
      if (const auto* r = std::get_if<rtcp::ReceiverReport>(&p))
        for (const auto& b : r->report_blocks)
          rr |= b.source_ssrc == Call::kAliceSsrc && (b.extended_highest_sequence & 0xFFFF) == 53 && b.cumulative_lost == 1;
  CHECK(sr);
  CHECK(rr);
}

TEST_CASE("packets under the wrong SRTP keys are dropped and latch nothing", "[sfu][media]") {
  Call call;
  auto consumer = call.w.Subscribe(*call.b, call.pid);
  REQUIRE(consumer);
  call.send().DeriveKeys("a-different-fingerprint");
  for (uint16_t s = 0; s < 3; ++s) call.send().SendRtp(Call::kAliceSsrc, s, 0);
  call.w.Run();
  CHECK(call.recv().rtp_in.empty());
  CHECK(call.w.sfu->counters().srtp_failures == 3);
}

TEST_CASE("the recv transport result carries every producer already in the channel", "[sfu][media]") {
  World w;
  TestClient& a = w.Ready("alice", "lobby");
  TestClient& b = w.Ready("bob", "lobby");
  const auto pa = w.Publish(a, 0xA);
  const auto pb = w.Publish(b, 0xB);
  TestClient& c = w.Ready("carol", "lobby");
  w.Caps(c);
  const auto rid = c.Request(CreateWebRtcTransportRequest{TransportDirection::kRecv});
  w.Run();
  auto r = c.Result<WebRtcTransportResult>(rid);
  REQUIRE(r);
  REQUIRE(r->producers.size() == 2);
  CHECK(r->producers[0].producer_id == pa);
  CHECK(r->producers[0].username == "alice");
  CHECK(r->producers[1].producer_id == pb);
  REQUIRE(r->ice_candidates.size() == 1);
  CHECK(r->ice_candidates[0].ip == "10.0.0.1");
  CHECK(r->ice_candidates[0].port != 0);
}

TEST_CASE("media_close_producer closes its consumers and broadcasts producer_closed", "[sfu][media][mutant]") {
  const bool leak = GENERATE(false, true);
  SfuConfig config;
  config.mutants.consumer_leak = leak;
  Call call(config);
  auto consumer = call.w.Subscribe(*call.b, call.pid);
  REQUIRE(consumer);
  const auto rid = call.a->Request(MediaCloseProducerRequest{call.pid});
  call.w.Run();
  CHECK(call.a->Response(rid));
  CHECK(call.a->ErrorCode(rid) == "<ok>");
  REQUIRE(call.b->Count<ProducerClosed>() == 1);
  CHECK(call.b->All<ProducerClosed>()[0].producer_id == call.pid);
  CHECK(call.a->Count<ProducerClosed>() == 0);
  const auto s = call.w.sfu->Snapshot();
  CHECK(s.producers.empty());
  if (!leak) {
    CHECK(s.consumers.empty());
  } else {
    REQUIRE(s.consumers.size() == 1);  // the defect: a consumer outlives its producer
    CHECK(s.consumers.begin()->second.closed_producer);
  }
}

TEST_CASE("at most one camera per connection; the race mutant lets two concurrent requests pass", "[sfu][media][mutant]") {
  const bool race = GENERATE(false, true);
  SfuConfig config;
  config.mutants.producer_limit_race = race;
  Call call(config);
  // Two requests in flight at once.
  const auto r1 = call.a->Request(World::VideoProduce(call.send_tid, call.a->caps, 0xC1, MediaSource::kCamera));
  const auto r2 = call.a->Request(World::VideoProduce(call.send_tid, call.a->caps, 0xC2, MediaSource::kCamera));
  call.w.Run();
  CHECK(call.a->ErrorCode(r1) == "<ok>");
  int cameras = 0;
  for (const auto& [id, p] : call.w.sfu->Snapshot().producers) cameras += p.source == MediaSource::kCamera;
  if (!race) {
    CHECK(call.a->ErrorCode(r2) == err::kProducerLimit);
    CHECK(cameras == 1);
  } else {
    CHECK(call.a->ErrorCode(r2) == "<ok>");
    CHECK(cameras == 2);
  }
  // A later, sequential request is refused either way; a screen is still allowed.
  const auto r3 = call.a->Request(World::VideoProduce(call.send_tid, call.a->caps, 0xC3, MediaSource::kCamera));
  const auto r4 = call.a->Request(World::VideoProduce(call.send_tid, call.a->caps, 0x5C, MediaSource::kScreen));
  call.w.Run();
  CHECK(call.a->ErrorCode(r3) == err::kProducerLimit);
  CHECK(call.a->ErrorCode(r4) == "<ok>");
  // kind/source mismatch.
  auto bad = World::AudioProduce(call.send_tid, call.a->caps, 0xBAD);
  bad.source = MediaSource::kCamera;
  const auto r5 = call.a->Request(bad);
  call.w.Run();
  CHECK(call.a->ErrorCode(r5) != "<ok>");
}

TEST_CASE("a second transport for a direction is transport_exists; the mutant replaces it silently", "[sfu][media][mutant]") {
  const bool replace = GENERATE(false, true);
  SfuConfig config;
  config.mutants.transport_replace = replace;
  Call call(config);
  auto consumer = call.w.Subscribe(*call.b, call.pid);
  REQUIRE(consumer);
  const auto rid = call.b->Request(CreateWebRtcTransportRequest{TransportDirection::kRecv});
  call.w.Run();
  for (uint16_t s = 0; s < 4; ++s) call.send().SendRtp(Call::kAliceSsrc, s, 0);
  call.w.Run();
  if (!replace) {
    CHECK(call.b->ErrorCode(rid) == err::kTransportExists);
    CHECK(call.recv().rtp_in.size() == 4);
  } else {
    CHECK(call.b->ErrorCode(rid) == "<ok>");
    CHECK(call.recv().rtp_in.empty());  // media on the replaced transport is lost
  }
}

TEST_CASE("native sender session: plain transport + H.264 producer, comedia", "[sfu][media][native]") {
  Call call;
  const auto rid = call.a->Request(CreateNativeSenderSessionRequest{{"video/H264"}});
  call.w.Run();
  auto r = call.a->Result<NativeSenderSessionResult>(rid);
  REQUIRE(r);
  CHECK(r->payload_type == kPayloadTypeH264);
  CHECK(r->ssrc != 0);
  CHECK(r->codec.mime_type == "video/H264");
  CHECK(r->rtp_target.ip == "10.0.0.1");
  const auto s = call.w.sfu->Snapshot();
  REQUIRE(s.producers.count(r->producer_id) == 1);
  CHECK(s.producers.at(r->producer_id).native);
  CHECK(s.producers.at(r->producer_id).source == MediaSource::kScreen);
  CHECK(call.b->Count<NewProducer>() == 2);
  auto consumer = call.w.Subscribe(*call.b, r->producer_id);
  REQUIRE(consumer);
  ClientTransport plain(call.a->host(), "native", sim::SocketAddress{sim::MakeIpv4(10, 0, 0, 1), r->rtp_target.port}, "");
  for (uint16_t q = 0; q < 3; ++q) plain.SendPlainRtp(r->ssrc, q, 3000u * q, kPayloadTypeH264);
  call.w.Run();
  CHECK(call.recv().rtp_in.size() == 3);
  // A second session is refused; the SSRC is stable for the connection.
  const auto again = call.a->Request(CreateNativeSenderSessionRequest{});
  call.w.Run();
  CHECK(call.a->ErrorCode(again) == err::kTransportExists);
  // Closing the native producer ends the session: a retry of native gets a new one (no sticky state).
  const auto close = call.a->Request(MediaCloseProducerRequest{r->producer_id});
  call.w.Run();
  CHECK(call.a->ErrorCode(close) == "<ok>");
  CHECK(call.w.sfu->Snapshot().producers.count(r->producer_id) == 0);
  const auto retry = call.a->Request(CreateNativeSenderSessionRequest{{"video/H264"}});
  call.w.Run();
  auto r2 = call.a->Result<NativeSenderSessionResult>(retry);
  REQUIRE(r2);
  CHECK(r2->producer_id != r->producer_id);
  CHECK(r2->ssrc == r->ssrc);  // derived from the connection id, stable
  CHECK(call.w.sfu->Snapshot().producers.at(r2->producer_id).native);
}

TEST_CASE("a codec change takes effect at the next join; the router_cache mutant ignores it", "[sfu][media][mutant]") {
  const bool cache = GENERATE(false, true);
  SfuConfig config;
  config.mutants.router_cache = cache;
  World w(config);
  TestClient& a = w.Ready("alice", "lobby");
  protocol::OpusSettings opus;
  opus.bitrate_bps = 64000;
  opus.dtx = true;
  w.sfu->SetChannelCodec("lobby", opus);
  CHECK(w.sfu->Snapshot().routers.at("lobby").generation == 1);
  w.Ready("bob", "lobby");
  const auto router = w.sfu->Snapshot().routers.at("lobby");
  if (!cache) {
    CHECK(router.generation == 2);
    CHECK(router.opus == opus);
    REQUIRE(a.Count<MediaRouterReset>() == 1);
    CHECK(a.All<MediaRouterReset>()[0].generation == 2);
  } else {
    CHECK(router.generation == 1);
    CHECK(router.opus.bitrate_bps == protocol::kDefaultOpusBitrateBps);
    CHECK(a.Count<MediaRouterReset>() == 0);
  }
}

// Same seed, same run: the trace hash (every packet and SFU event) is identical.
uint64_t RunOnce(uint64_t seed) {
  SfuConfig config;
  World w(config, seed);
  TestClient& a = w.Ready("alice", "lobby");
  TestClient& b = w.Ready("bob", "lobby");
  std::string tid;
  const auto pid = w.Publish(a, 0xA, &tid);
  w.OpenTransport(b, TransportDirection::kRecv);
  auto consumer = w.Subscribe(b, pid);
  for (uint16_t s = 0; s < 20; ++s) a.transports.at(tid)->SendRtp(0xA, s, 960u * s);
  w.Run(TimeDelta::Seconds(3));
  w.sfu->CrashWorker(0);
  w.Run(TimeDelta::Seconds(2));
  return w.trace.trace_hash() ^ (consumer ? consumer->rtp_parameters.encodings.at(0).ssrc.value_or(0) : 0);
}

TEST_CASE("the SFU is deterministic: same seed, same trace hash; another seed, other SSRCs", "[sfu][media]") {
  CHECK(RunOnce(7) == RunOnce(7));
  CHECK(RunOnce(7) != RunOnce(8));
}

}  // namespace
}  // namespace sfusim::sfu::test
