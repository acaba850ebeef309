// Commands of the stateful model: the media_signal actions (PROTOCOL.md §1 "media_signal
// actions"): get capabilities, create and connect transports, produce (microphone, camera, screen;
// on a wrong transport, with kind and source mismatched, with an SSRC in use, and two requests in
// flight for the one-camera/one-screen limit), consume, resume, close producer, and sending RTP on
// a producer (the only command that makes media flow; the "media off" command set leaves it out).
//
// Every request first counts against the sender's rate window; then the server's checks run in the
// order the reference SFU documents (channel, transport, kind/source, limits, codec, SSRC), and the
// model predicts the first that fails.
#pragma once

#include <string>
#include <vector>

#include "command_base.h"
#include "scenario_writer.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/protocol/signaling/signaling_codec.h"

namespace sfusim::sfu::test::model {

inline constexpr const char* kBogusTransport = "t-999";
inline constexpr const char* kBogusProducer = "p-999";
inline constexpr const char* kBogusConsumer = "c-999";

// What a client offers in media_consume, and what its produce requests are built from: the
// router's capabilities with the default channel settings (every channel of the model has them).
inline const protocol::RtpCapabilities& DefaultCaps() {
  static const protocol::RtpCapabilities caps = protocol::BuildRouterRtpCapabilities(protocol::OpusSettings{}).value();
  return caps;
}

// The id order of the SFU's announcements: "p-2" < "p-10".
inline bool IdLess(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// The checks every media_signal request passes first: the rate window, then the channel. Returns
// the error outcome, or "" when the action's own checks come next.
inline std::string Gate(Model& m, Expect& e, int i) {
  if (!e.Event(m, i)) return std::string(err::kRateLimited);
  if (m.C(i).channel.empty()) return std::string(err::kNotInChannel);
  return "";
}

inline std::string EncodeRequest(const std::string& rid, protocol::MediaSignalBody body) {
  return protocol::EncodeClientMessage(protocol::MediaSignalRequest{rid, std::move(body)});
}

// The answer to client i's get_router_rtp_capabilities past the gate: its channel's router's
// capabilities, reduced to the Opus settings they carry (expect.h's Line).
inline std::string CapsOk(const Model& m, int i) {
  return std::string(kOk) + " opus " + OpusLine(m.router_opus.at(m.C(i).channel));
}

struct GetCaps : ModelCommand {
  int i = GenClient();
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  void Step(Model& m, Expect& e) const override {
    const std::string rid = e.NewRid(m);
    const std::string gate = Gate(m, e, i);
    e.Response(i, rid, gate.empty() ? CapsOk(m, i) : gate);
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect& e, Sut& sut) const override {
    sut.Request(i, e.rids[0], protocol::GetRouterRtpCapabilitiesRequest{});
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    w.SendRaw(m0, i, EncodeRequest("q", protocol::GetRouterRtpCapabilitiesRequest{}));
  }
  void show(std::ostream& os) const override { os << "GetCapabilities(c" << i << ")"; }
};

struct CreateTransport : ModelCommand {
  int i = GenClient();
  bool send = *rc::gen::arbitrary<bool>();
  CreateTransport() = default;
  CreateTransport(int client, bool send_direction) : i(client), send(send_direction) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  void Step(Model& m, Expect& e) const override {
    const std::string rid = e.NewRid(m);
    std::string outcome = Gate(m, e, i);
    MTransport& t = send ? m.C(i).send : m.C(i).recv;
    if (outcome.empty() && !t.id.empty()) outcome = err::kTransportExists;
    if (outcome.empty()) {
      t = MTransport{"t-" + std::to_string(++m.next_transport), false};
      outcome = std::string(kOk) + " " + t.id;
      if (!send) {  // the channel's producers of others, in creation order
        std::vector<std::string> ids;
        for (const auto& [id, p] : m.producers)
          if (p.channel == m.C(i).channel && p.owner != i) ids.push_back(id);
        std::sort(ids.begin(), ids.end(), IdLess);
        outcome += " " + IdList(ids);
      }
    }
    e.Response(i, rid, outcome);
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect& e, Sut& sut) const override {
    const auto dir = send ? protocol::TransportDirection::kSend : protocol::TransportDirection::kRecv;
    sut.Request(i, e.rids[0], protocol::CreateWebRtcTransportRequest{dir});
    sut.Step();
    // Keep a client-side transport for a created one, so it can be connected and carry media.
    TestClient& c = sut.C(i);
    if (auto r = c.Result<protocol::WebRtcTransportResult>(e.rids[0]); r && !r->ice_candidates.empty()) {
      const auto ip = sim::SocketAddress::Parse(r->ice_candidates[0].ip + ":1");
      RC_ASSERT(ip.has_value());
      c.transports[r->transport_id] = std::make_unique<ClientTransport>(
          c.host(), r->transport_id, sim::SocketAddress{ip->ip, r->ice_candidates[0].port},
          r->dtls_parameters.fingerprints.at(0).value);
    }
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    const auto dir = send ? protocol::TransportDirection::kSend : protocol::TransportDirection::kRecv;
    w.SendRaw(m0, i, EncodeRequest("q", protocol::CreateWebRtcTransportRequest{dir}));
  }
  void show(std::ostream& os) const override { os << "CreateTransport(c" << i << ", " << (send ? "send" : "recv") << ")"; }
};

struct ConnectTransport : ModelCommand {
  int i = GenClient();
  int which = *rc::gen::weightedElement<int>({{4, 0}, {4, 1}, {1, 2}});  // send, recv, unknown id
  ConnectTransport() = default;
  ConnectTransport(int client, int transport) : i(client), which(transport) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  std::string Tid(const Model& m) const {
    const std::string& id = which == 0 ? m.C(i).send.id : which == 1 ? m.C(i).recv.id : "";
    return id.empty() ? kBogusTransport : id;
  }
  void Step(Model& m, Expect& e) const override {
    const std::string rid = e.NewRid(m);
    std::string outcome = Gate(m, e, i);
    MTransport* t = which == 0 ? &m.C(i).send : which == 1 ? &m.C(i).recv : nullptr;
    if (outcome.empty() && (t == nullptr || t->id.empty())) outcome = err::kTransportNotFound;
    if (outcome.empty() && t->connected) outcome = err::kInvalidValue;
    if (outcome.empty()) {
      t->connected = true;
      outcome = kOk;
    }
    e.Response(i, rid, outcome);
    m.now_ms += kStepMs;
  }
  static protocol::ConnectWebRtcTransportRequest Body(const std::string& tid, const std::string& fingerprint) {
    protocol::ConnectWebRtcTransportRequest r;
    r.transport_id = tid;
    r.dtls_parameters.role = protocol::DtlsSetupRole::kClient;
    r.dtls_parameters.fingerprints.push_back({"sha-256", fingerprint});
    return r;
  }
  void Act(const Model& m0, const Expect& e, Sut& sut) const override {
    TestClient& c = sut.C(i);
    const std::string tid = Tid(m0);
    auto it = c.transports.find(tid);
    sut.Request(i, e.rids[0], Body(tid, it != c.transports.end() ? it->second->fingerprint() : "client-fp/none"));
    sut.Step();
    if (it != c.transports.end() && c.Result<protocol::ConnectWebRtcTransportResult>(e.rids[0])) {
      it->second->DeriveKeys();
      it->second->SendReceiverReport();  // the SFU learns the client's address from it
    }
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    w.SendRaw(m0, i, EncodeRequest("q", Body(Tid(m0), "client-fp/none")));
  }
  void show(std::ostream& os) const override {
    os << "ConnectTransport(c" << i << ", " << (which == 0 ? "send" : which == 1 ? "recv" : "unknown id") << ")";
  }
};

struct Produce : ModelCommand {
  int i = GenClient();
  MediaSource source = *rc::gen::element(MediaSource::kMicrophone, MediaSource::kCamera, MediaSource::kScreen);
  int transport = *rc::gen::weightedElement<int>({{8, 0}, {1, 1}, {1, 2}});  // own send, own recv, unknown
  bool mismatch = *rc::gen::weightedElement<bool>({{9, false}, {1, true}});   // kind does not fit source
  bool ssrc_in_use = *rc::gen::weightedElement<bool>({{9, false}, {1, true}});
  bool twice = *rc::gen::weightedElement<bool>({{3, false}, {1, true}});  // a second request in flight
  Produce() = default;
  Produce(int client, MediaSource s, bool in_flight_twice)
      : i(client), source(s), transport(0), mismatch(false), ssrc_in_use(false), twice(in_flight_twice) {}

  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  std::string Tid(const Model& m) const {
    const std::string& id = transport == 0 ? m.C(i).send.id : transport == 1 ? m.C(i).recv.id : "";
    return id.empty() ? kBogusTransport : id;
  }
  // The SSRC of request k: a fresh one, or one a producer of the channel already uses.
  uint32_t Ssrc(const Model& m, int k) const {
    if (ssrc_in_use) {
      for (const auto& [id, p] : m.producers)
        if (p.channel == m.C(i).channel) return p.ssrc;
    }
    return m.next_ssrc + static_cast<uint32_t>(k);
  }
  MediaKind Kind() const {
    const MediaKind natural = source == MediaSource::kMicrophone ? MediaKind::kAudio : MediaKind::kVideo;
    return mismatch ? (natural == MediaKind::kAudio ? MediaKind::kVideo : MediaKind::kAudio) : natural;
  }
  protocol::MediaProduceRequest Body(const Model& m, int k) const {
    const uint32_t ssrc = Ssrc(m, k);
    auto r = source == MediaSource::kMicrophone ? World::AudioProduce(Tid(m), DefaultCaps(), ssrc)
                                                : World::VideoProduce(Tid(m), DefaultCaps(), ssrc, source);
    r.kind = Kind();
    return r;
  }
  void Step(Model& m, Expect& e) const override {
    const Model m0 = m;
    const int n = twice ? 2 : 1;
    for (int k = 0; k < n; ++k) {
      const std::string rid = e.NewRid(m);
      const uint32_t ssrc = Ssrc(m0, k);
      // A kind that does not fit the source is refused by the decoder, before any state is read.
      std::string outcome = mismatch ? (e.Event(m, i) ? std::string(err::kKindSourceMismatch) : std::string(err::kRateLimited))
                                     : Gate(m, e, i);
      const bool own_send = transport == 0 && !m.C(i).send.id.empty();
      if (outcome.empty() && !own_send) outcome = err::kTransportNotFound;
      if (outcome.empty() && source != MediaSource::kMicrophone && m.CountSource(i, source) >= 1)
        outcome = err::kProducerLimit;
      if (outcome.empty() && m.CountProducers(i) >= static_cast<int>(kMaxProducersPerConnection))
        outcome = err::kProducerLimit;
      if (outcome.empty()) {
        for (const auto& [id, p] : m.producers)
          if (p.channel == m.C(i).channel && p.ssrc == ssrc) outcome = err::kInvalidValue;
      }
      if (outcome.empty()) {
        const std::string id = "p-" + std::to_string(++m.next_producer);
        m.producers[id] = MProducer{id, i, m.C(i).channel, source, ssrc};
        e.ToChannel(m, m.C(i).channel, i, "new_producer " + id + " " + Sut::Name(i) + " " + SourceName(source));
        outcome = std::string(kOk) + " " + id;
      }
      e.Response(i, rid, outcome);
    }
    m.next_ssrc += static_cast<uint32_t>(n);
    m.now_ms += kStepMs;
  }
  void Act(const Model& m0, const Expect& e, Sut& sut) const override {
    for (std::size_t k = 0; k < e.rids.size(); ++k) sut.Request(i, e.rids[k], Body(m0, static_cast<int>(k)));
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    // A camera or screen the model expects to start becomes camera_on / screen_on.
    Model m = m0;
    Expect e;
    Step(m, e);
    if (source != MediaSource::kMicrophone && m.CountSource(i, source) > m0.CountSource(i, source)) {
      w.Add(m0, {{"action", source == MediaSource::kCamera ? "camera_on" : "screen_on"},
                 {"participant", ScenarioWriter::Name(i)}});
      return;
    }
    for (int k = 0; k < (twice ? 2 : 1); ++k) w.SendRaw(m0, i, EncodeRequest("q", Body(m0, k)));
  }
  void show(std::ostream& os) const override {
    os << "Produce(c" << i << ", " << SourceName(source);
    if (transport == 1) os << ", on the recv transport";
    if (transport == 2) os << ", on an unknown transport";
    if (mismatch) os << ", wrong kind";
    if (ssrc_in_use) os << ", SSRC in use";
    if (twice) os << ", twice in flight";
    os << ")";
  }
};

struct Consume : ModelCommand {
  int i;
  std::string producer;
  explicit Consume(const Model& m) : i(GenClient()) {
    // Mostly a producer of the client's channel (the others are errors).
    std::vector<std::string> here, all;
    for (const auto& [id, p] : m.producers) (p.channel == m.C(i).channel ? here : all).push_back(id);
    producer = !here.empty() && *rc::gen::weightedElement<bool>({{3, true}, {1, false}}) ? *rc::gen::elementOf(here)
                                                                                         : GenTarget(all, kBogusProducer);
  }
  Consume(int client, std::string producer_id) : i(client), producer(std::move(producer_id)) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  void Step(Model& m, Expect& e) const override {
    const std::string rid = e.NewRid(m);
    std::string outcome = Gate(m, e, i);
    const auto p = m.producers.find(producer);
    if (outcome.empty() && (p == m.producers.end() || p->second.channel != m.C(i).channel))
      outcome = err::kProducerNotFound;
    if (outcome.empty() && m.C(i).recv.id.empty()) outcome = err::kTransportNotFound;
    if (outcome.empty()) {
      const std::string id = "c-" + std::to_string(++m.next_consumer);
      m.consumers[id] = MConsumer{id, i, producer, true};
      outcome = std::string(kOk) + " " + id + " " + producer;
    }
    e.Response(i, rid, outcome);
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect& e, Sut& sut) const override {
    sut.Request(i, e.rids[0], protocol::MediaConsumeRequest{producer, DefaultCaps()});
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    w.SendRaw(m0, i, EncodeRequest("q", protocol::MediaConsumeRequest{producer, DefaultCaps()}));
  }
  void show(std::ostream& os) const override { os << "Consume(c" << i << ", " << producer << ")"; }
};

struct Resume : ModelCommand {
  int i;
  std::string consumer;
  explicit Resume(const Model& m) : i(GenClient()) {
    // Mostly one of the client's own consumers (the others are errors).
    std::vector<std::string> mine, all;
    for (const auto& [id, c] : m.consumers) (c.owner == i ? mine : all).push_back(id);
    consumer = !mine.empty() && *rc::gen::weightedElement<bool>({{3, true}, {1, false}}) ? *rc::gen::elementOf(mine)
                                                                                        : GenTarget(all, kBogusConsumer);
  }
  Resume(int client, std::string consumer_id) : i(client), consumer(std::move(consumer_id)) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  void Step(Model& m, Expect& e) const override {
    const std::string rid = e.NewRid(m);
    std::string outcome = Gate(m, e, i);
    const auto c = m.consumers.find(consumer);
    if (outcome.empty() && (c == m.consumers.end() || c->second.owner != i)) outcome = err::kConsumerNotFound;
    if (outcome.empty()) {
      const bool was_paused = c->second.paused;
      c->second.paused = false;
      if (was_paused) e.KeyFrame(m, c->second.producer_id);  // a resumed video consumer needs one
      outcome = kOk;
    }
    e.Response(i, rid, outcome);
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect& e, Sut& sut) const override {
    sut.Request(i, e.rids[0], protocol::MediaResumeConsumerRequest{consumer});
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    w.SendRaw(m0, i, EncodeRequest("q", protocol::MediaResumeConsumerRequest{consumer}));
  }
  void show(std::ostream& os) const override { os << "Resume(c" << i << ", " << consumer << ")"; }
};

struct CloseProducer : ModelCommand {
  int i;
  std::string producer;
  explicit CloseProducer(const Model& m) : i(GenClient()) {
    // Mostly one of the client's own producers (the others are errors).
    std::vector<std::string> mine, all;
    for (const auto& [id, p] : m.producers) (p.owner == i ? mine : all).push_back(id);
    producer = !mine.empty() && *rc::gen::weightedElement<bool>({{3, true}, {1, false}}) ? *rc::gen::elementOf(mine)
                                                                                        : GenTarget(all, kBogusProducer);
  }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  void Step(Model& m, Expect& e) const override {
    const std::string rid = e.NewRid(m);
    std::string outcome = Gate(m, e, i);
    const auto p = m.producers.find(producer);
    if (outcome.empty() && (p == m.producers.end() || p->second.owner != i)) outcome = err::kProducerNotFound;
    if (outcome.empty()) {
      e.ToChannel(m, m.C(i).channel, i, "producer_closed " + producer);
      m.CloseProducer(producer);
      outcome = kOk;
    }
    e.Response(i, rid, outcome);
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect& e, Sut& sut) const override {
    sut.Request(i, e.rids[0], protocol::MediaCloseProducerRequest{producer});
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    const auto p = m0.producers.find(producer);
    if (p != m0.producers.end() && p->second.owner == i && p->second.source != MediaSource::kMicrophone) {
      w.Add(m0, {{"action", p->second.source == MediaSource::kCamera ? "camera_off" : "screen_off"},
                 {"participant", ScenarioWriter::Name(i)}});
      return;
    }
    w.SendRaw(m0, i, EncodeRequest("q", protocol::MediaCloseProducerRequest{producer}));
  }
  void show(std::ostream& os) const override { os << "CloseProducer(c" << i << ", " << producer << ")"; }
};

// A consumer asks for a key frame (RTCP PLI on its recv transport); the SFU passes it on to the
// producer, throttled.
struct RequestKeyFrame : ModelCommand {
  std::string consumer;
  explicit RequestKeyFrame(const Model& m) {
    std::vector<std::string> ids;
    for (const auto& [id, c] : m.consumers)
      if (m.C(c.owner).recv.connected) ids.push_back(id);
    RC_PRE(!ids.empty());
    consumer = *rc::gen::elementOf(ids);
  }
  void checkPreconditions(const Model& m) const override {
    const auto c = m.consumers.find(consumer);
    RC_PRE(c != m.consumers.end() && m.C(c->second.owner).recv.connected);
  }
  void Step(Model& m, Expect& e) const override {
    e.KeyFrame(m, m.consumers.at(consumer).producer_id);
    m.now_ms += kStepMs;
  }
  void Act(const Model& m0, const Expect&, Sut& sut) const override {
    const MConsumer& c = m0.consumers.at(consumer);
    const auto snap = sut.w.sfu->Snapshot();
    const auto it = snap.consumers.find(consumer);
    RC_ASSERT(it != snap.consumers.end());
    protocol::rtcp::CompoundPacket compound;
    protocol::rtcp::Pli pli;
    pli.sender_ssrc = 0x5EED;
    pli.media_ssrc = it->second.ssrc;
    compound.packets.push_back(pli);
    sut.C(c.owner).transports.at(m0.C(c.owner).recv.id)->SendRtcp(compound);
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model&) const override {
    w.Note("Key frame requests are implicit (the web clients' receivers send PLI on a loss).");
  }
  void show(std::ostream& os) const override { os << "RequestKeyFrame(" << consumer << ")"; }
};

// The producer's owner sends RTP on it; each running consumer of it forwards, a paused one must not
// (CheckConsumerRtp), whatever the owner's transport state.
struct SendMedia : ModelCommand {
  std::string producer;
  explicit SendMedia(const Model& m) {
    std::vector<std::string> ids;
    for (const auto& [id, p] : m.producers)
      if (m.C(p.owner).send.connected) ids.push_back(id);
    RC_PRE(!ids.empty());
    producer = *rc::gen::elementOf(ids);
  }
  void checkPreconditions(const Model& m) const override {
    const auto p = m.producers.find(producer);
    RC_PRE(p != m.producers.end() && m.C(p->second.owner).send.connected);
  }
  static constexpr int kPackets = 3;
  void Step(Model& m, Expect&) const override { m.now_ms += kStepMs; }
  void Act(const Model& m0, const Expect&, Sut& sut) const override {
    const MProducer& p = m0.producers.at(producer);
    TestClient& c = sut.C(p.owner);
    ClientTransport& t = *c.transports.at(m0.C(p.owner).send.id);
    const bool audio = p.source == MediaSource::kMicrophone;
    const auto req = audio ? World::AudioProduce("", DefaultCaps(), p.ssrc)
                           : World::VideoProduce("", DefaultCaps(), p.ssrc, p.source);
    uint16_t& seq = sut.next_seq[p.ssrc];
    for (int k = 0; k < kPackets; ++k, ++seq)
      t.SendRtp(p.ssrc, seq, static_cast<uint32_t>(seq) * 960u, req.rtp_parameters.codecs.at(0).payload_type);
    sut.Step();
    // Every running consumer of it whose receiver connected its transport got the packets.
    for (const auto& [id, mc] : m0.consumers) {
      if (mc.producer_id != producer || mc.paused || !m0.C(mc.owner).recv.connected) continue;
      int n = 0;
      for (const auto& ev : sut.observer.rtp) n += ev.consumer_id == id;
      if (n == 0) RC_FAIL("running consumer " + id + " forwarded nothing of " + producer);
    }
  }
  void Export(ScenarioWriter& w, const Model&) const override {
    w.Note("RTP on a producer is implicit (the web clients send media all the time).");
  }
  void show(std::ostream& os) const override { os << "SendMedia(" << producer << ")"; }
};

}  // namespace sfusim::sfu::test::model
