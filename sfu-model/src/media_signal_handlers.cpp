// SfuServer::Impl's media_signal actions (PROTOCOL.md §2-3): WebRTC transports (create, connect
// with SRTP keys), produce (with its limits), consume, resume, close producer, the native sender
// session, and the teardown of a connection's producers, consumers and transports.
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <utility>

#include "sfu_server_impl.h"
#include "sfusim/protocol/rtp/byte_io.h"
#include "sfusim/protocol/rtp_parameters/can_consume.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"
#include "sfusim/protocol/srtp/sha256.h"
#include "sfusim/protocol/srtp/srtp_key_derivation.h"

namespace sfusim::sfu {

namespace err = protocol::signaling_error;
using protocol::MediaAction;

namespace {

constexpr protocol::SrtpProfile kSrtpProfile = protocol::SrtpProfile::kAeadAes128Gcm;
constexpr std::string_view kFingerprintAlgorithm = "sha-256";
constexpr uint32_t kIceCandidatePriority = 1076302079;  // a host candidate's priority, as mediasoup's

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// "AB:CD:..." of SHA-256(text): deterministic stand-in for a certificate fingerprint.
std::string FingerprintOf(std::string_view text) {
  const auto digest = protocol::Sha256::Hash(AsBytes(text));
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < digest.size(); ++i) {
    if (i) out.push_back(':');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0F]);
  }
  return out;
}

// Ids "p-2" < "p-10": by length, then text, so announcements follow creation order.
bool IdLess(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

uint32_t SfuServer::Impl::AllocateSsrc(RouterState& r) {
  for (;;) {
    const auto ssrc = static_cast<uint32_t>(env_.rng.NextU64());
    if (ssrc != 0 && !r.ssrcs.count(ssrc)) {
      r.ssrcs.insert(ssrc);
      return ssrc;
    }
  }
}

TransportState* SfuServer::Impl::OpenTransport(ConnState& c, RouterState& router, protocol::TransportDirection dir,
                                               bool plain) {
  auto t = std::make_unique<TransportState>();
  t->server = this;
  t->id = "t-" + std::to_string(++next_transport_);
  t->conn_key = c.key;
  t->channel = router.channel;
  t->direction = dir;
  t->plain = plain;
  std::string error;
  t->socket = env_.net->OpenDatagram(0, t.get(), &error);
  if (!t->socket) {
    Trace("open datagram failed: " + error);
    return nullptr;
  }
  t->local_fingerprint = FingerprintOf("sfusim-sfu/" + t->id);
  t->rtcp_ssrc = AllocateSsrc(router);
  ++counters_.transports_created;
  TransportState* raw = t.get();
  router.transports[raw->id] = std::move(t);
  Trace("transport " + raw->id + " " + c.user_id + " port " + std::to_string(raw->socket->local_address().port));
  return raw;
}

void SfuServer::Impl::CloseTransport(RouterState& router, const std::string& id) {
  auto it = router.transports.find(id);
  if (it == router.transports.end()) return;
  router.ssrcs.erase(it->second->rtcp_ssrc);
  router.transports.erase(it);
}

std::vector<protocol::NewProducer> SfuServer::Impl::ChannelProducers(const RouterState& router,
                                                                     uint64_t except_conn) const {
  std::vector<const ProducerState*> list;
  for (const auto& [id, p] : router.producers) {
    if (p.conn_key == except_conn) continue;
    if (config_.mutants.producer_owner_lookup_skip) {
      // Mutant: the owner is looked up among the channel's members from the second one on (an
      // off-by-one), and a producer whose owner is "not found" is silently skipped.
      auto mit = members_.find(router.channel);
      bool found = false;
      if (mit != members_.end() && !mit->second.empty()) {
        for (auto k = std::next(mit->second.begin()); k != mit->second.end(); ++k) found |= *k == p.conn_key;
      }
      if (!found) continue;
    }
    list.push_back(&p);
  }
  std::sort(list.begin(), list.end(), [](const ProducerState* a, const ProducerState* b) { return IdLess(a->id, b->id); });
  std::vector<protocol::NewProducer> out;
  for (const ProducerState* p : list) {
    if (out.size() >= protocol::kMaxAnnouncedProducers) break;
    out.push_back({p->id, p->username, p->kind, p->source, protocol::RoutingMode::kSfu});
  }
  return out;
}

void SfuServer::Impl::CreateWebRtcTransport(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                                            const protocol::CreateWebRtcTransportRequest& m) {
  const bool send = m.direction == protocol::TransportDirection::kSend;
  std::string& slot = send ? c.send_transport : c.recv_transport;
  if (!slot.empty() && router.transports.count(slot)) {
    if (!config_.mutants.transport_replace) {
      RespondError(c, req.request_id, req.action(), err::kTransportExists,
                   "/direction: this connection already has a transport for that direction");
      return;
    }
    // Mutant: the old transport goes silently; media routed over it is lost.
    Trace("transport replaced " + slot);
    CloseTransport(router, slot);
  }
  TransportState* t = OpenTransport(c, router, m.direction, false);
  if (t == nullptr) {
    RespondError(c, req.request_id, req.action(), err::kInternalError, "internal error");
    return;
  }
  slot = t->id;
  protocol::WebRtcTransportResult result;
  result.transport_id = t->id;
  result.direction = m.direction;
  result.ice_parameters.username_fragment = "sfu" + t->id;
  result.ice_parameters.password = FingerprintOf("ice/" + t->id).substr(0, 32);
  result.ice_parameters.ice_lite = true;
  const sim::SocketAddress local = t->socket->local_address();
  protocol::IceCandidate cand;
  cand.foundation = "udpcandidate";
  cand.priority = kIceCandidatePriority;
  cand.ip = sim::SocketAddress{env_.net->host_ip(), 0}.IpString();
  cand.port = local.port;
  result.ice_candidates.push_back(cand);
  result.dtls_parameters.role = protocol::DtlsSetupRole::kAuto;
  result.dtls_parameters.fingerprints.push_back({std::string(kFingerprintAlgorithm), t->local_fingerprint});
  if (!send) result.producers = ChannelProducers(router, c.key);
  Respond(c, req.request_id, std::move(result));
}

void SfuServer::Impl::ConnectTransport(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                                       const protocol::ConnectWebRtcTransportRequest& m) {
  auto it = router.transports.find(m.transport_id);
  if (it == router.transports.end() || it->second->conn_key != c.key || it->second->plain) {
    RespondError(c, req.request_id, req.action(), err::kTransportNotFound, "/transport_id: no such transport of yours");
    return;
  }
  TransportState& t = *it->second;
  if (t.connected) {
    RespondError(c, req.request_id, req.action(), err::kInvalidValue, "/transport_id: already connected");
    return;
  }
  if (m.dtls_parameters.fingerprints.empty()) {
    RespondError(c, req.request_id, req.action(), err::kMissingField, "/dtls_parameters/fingerprints: none given");
    return;
  }
  auto keys = protocol::DeriveSrtpKeys(kSrtpProfile, t.local_fingerprint, m.dtls_parameters.fingerprints[0].value,
                                       protocol::DtlsRole::kServer);
  if (!keys.ok()) {
    RespondError(c, req.request_id, req.action(), err::kInvalidValue,
                 "/dtls_parameters/fingerprints/0/value: not usable");
    return;
  }
  // The sessions themselves are made on first use (TransportState::SrtpIn/SrtpOut); the keys have the
  // profile's sizes, so only a libsrtp that cannot start at all could refuse them then.
  static_assert(kSrtpProfile == protocol::SrtpProfile::kAeadAes128Gcm);  // TransportState's profile
  t.srtp_keys = std::move(keys.value());
  t.connected = true;
  Trace("transport connected " + t.id);
  Respond(c, req.request_id, protocol::ConnectWebRtcTransportResult{});
}

// Counts the connection's producers of a source.
int SfuServer::Impl::CountSource(const ConnState& c, const RouterState& router, protocol::MediaSource source) const {
  int n = 0;
  for (const auto& id : c.producers) {
    auto it = router.producers.find(id);
    if (it != router.producers.end() && it->second.source == source) ++n;
  }
  return n;
}

bool SfuServer::Impl::OverSourceLimit(const ConnState& c, const RouterState& router,
                                      protocol::MediaSource source) const {
  if (source == protocol::MediaSource::kCamera)
    return CountSource(c, router, source) >= protocol::kMaxCameraProducersPerConnection;
  if (source == protocol::MediaSource::kScreen)
    return CountSource(c, router, source) >= protocol::kMaxScreenProducersPerConnection;
  return false;
}

// Checks a produce request; an error response was sent when it returns false.
bool SfuServer::Impl::ValidateProduce(ConnState& c, RouterState& router, const std::optional<std::string>& request_id,
                                      const protocol::MediaProduceRequest& m) {
  const auto action = MediaAction::kMediaProduce;
  auto it = router.transports.find(m.transport_id);
  if (it == router.transports.end() || it->second->conn_key != c.key ||
      it->second->direction != protocol::TransportDirection::kSend || it->second->plain) {
    RespondError(c, request_id, action, err::kTransportNotFound, "/transport_id: no such send transport of yours");
    return false;
  }
  if (protocol::KindOfSource(m.source) != m.kind) {
    RespondError(c, request_id, action, err::kKindSourceMismatch, "/source: does not match kind");
    return false;
  }
  if (OverSourceLimit(c, router, m.source)) {
    RespondError(c, request_id, action, err::kProducerLimit, "/source: at most one camera and one screen producer");
    return false;
  }
  if (c.producers.size() >= kMaxProducersPerConnection) {
    RespondError(c, request_id, action, err::kProducerLimit, "too many producers on this connection");
    return false;
  }
  if (m.rtp_parameters.codecs.empty()) {
    RespondError(c, request_id, action, err::kUnsupportedCodec, "/rtp_parameters/codecs: empty");
    return false;
  }
  bool supported = false;
  for (const auto& cap : router.caps.codecs) {
    if (cap.kind == m.kind && protocol::CodecMatchesCapability(m.rtp_parameters.codecs[0], cap)) supported = true;
  }
  if (!supported) {
    RespondError(c, request_id, action, err::kUnsupportedCodec, "/rtp_parameters/codecs/0: not offered by the router");
    return false;
  }
  if (m.rtp_parameters.encodings.empty() || !m.rtp_parameters.encodings[0].ssrc ||
      *m.rtp_parameters.encodings[0].ssrc == 0) {
    RespondError(c, request_id, action, err::kInvalidValue, "/rtp_parameters/encodings/0/ssrc: required, non-zero");
    return false;
  }
  if (router.ssrcs.count(*m.rtp_parameters.encodings[0].ssrc)) {
    RespondError(c, request_id, action, err::kInvalidValue, "/rtp_parameters/encodings/0/ssrc: already in use");
    return false;
  }
  return true;
}

void SfuServer::Impl::Produce(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                              const protocol::MediaProduceRequest& m) {
  if (!ValidateProduce(c, router, req.request_id, m)) return;
  if (config_.mutants.producer_limit_race) {
    // Mutant: the limit was checked above, the producer is created after an asynchronous step
    // (the worker round trip); a second request handled meanwhile passes the same check.
    const uint64_t op = ++next_pending_;
    PendingProduce& p = pending_produces_[op];
    p.conn_key = c.key;
    p.request_id = req.request_id;
    p.request = m;
    p.event = env_.scheduler->PostDelayed(kWorkerRequestLatency, [this, op] { CompletePendingProduce(op); });
    return;
  }
  CreateProducer(c, router, req.request_id, m);
}

void SfuServer::Impl::CompletePendingProduce(uint64_t op) {
  auto it = pending_produces_.find(op);
  if (it == pending_produces_.end()) return;
  PendingProduce p = std::move(it->second);
  pending_produces_.erase(it);
  ConnState* c = Conn(p.conn_key);
  if (c == nullptr || c->closing) return;
  auto rit = routers_.find(c->channel);
  if (c->channel.empty() || rit == routers_.end() || !rit->second->alive ||
      !rit->second->transports.count(p.request.transport_id) ||
      rit->second->ssrcs.count(*p.request.rtp_parameters.encodings[0].ssrc)) {
    RespondError(*c, p.request_id, MediaAction::kMediaProduce, err::kMediaUnavailable, "the transport went away");
    return;
  }
  CreateProducer(*c, *rit->second, p.request_id, p.request);
}

ProducerState& SfuServer::Impl::AddProducer(ConnState& c, RouterState& router, const std::string& transport_id,
                                            protocol::MediaKind kind, protocol::MediaSource source, uint32_t ssrc,
                                            protocol::RtpParameters rtp, bool native) {
  const std::string id = "p-" + std::to_string(++next_producer_);
  ProducerState& p = router.producers[id];
  p.id = id;
  p.conn_key = c.key;
  p.user_id = c.user_id;
  p.username = c.username;
  p.channel = router.channel;
  p.transport_id = transport_id;
  p.kind = kind;
  p.source = source;
  p.ssrc = ssrc;
  p.native = native;
  const uint32_t clock = rtp.codecs.empty() ? protocol::kOpusClockRateHz : rtp.codecs[0].clock_rate;
  p.rtp_parameters = std::move(rtp);
  p.forwarder = std::make_unique<RtpForwarder>(clock, kRetransmissionBufferPackets, !config_.mutants.seq_not_rewritten);
  p.receive_stats.emplace(ssrc, clock);
  p.abs_send_time_id = AbsSendTimeId(p.rtp_parameters);
  router.producer_by_ssrc[ssrc] = id;
  router.ssrcs.insert(ssrc);
  router.transports.at(transport_id)->producers.insert(id);
  c.producers.insert(id);
  ++counters_.producers_created;
  Trace("producer " + id + " " + c.user_id + " " + std::string(protocol::ToString(source)));
  return p;
}

void SfuServer::Impl::CreateProducer(ConnState& c, RouterState& router, const std::optional<std::string>& request_id,
                                     const protocol::MediaProduceRequest& m) {
  const uint32_t ssrc = *m.rtp_parameters.encodings[0].ssrc;
  ProducerState& p = AddProducer(c, router, m.transport_id, m.kind, m.source, ssrc, m.rtp_parameters, false);
  const std::string id = p.id;
  Respond(c, request_id, protocol::MediaProduceResult{id});
  Broadcast(router.channel, protocol::NewProducer{id, c.username, m.kind, m.source, protocol::RoutingMode::kSfu},
            c.key);
  Changed();
}


ConsumerState& SfuServer::Impl::AddConsumer(ConnState& c, RouterState& router, ProducerState& producer,
                                            TransportState& t, uint32_t ssrc, bool paused) {
  const std::string id = "c-" + std::to_string(++next_consumer_);
  ConsumerState& consumer = router.consumers[id];
  consumer.id = id;
  consumer.key = ++next_consumer_key_;
  consumer.conn_key = c.key;
  consumer.user_id = c.user_id;
  consumer.producer_id = producer.id;
  consumer.channel = router.channel;
  consumer.transport_id = t.id;
  consumer.kind = producer.kind;
  consumer.ssrc = ssrc;
  consumer.clock_rate = producer.forwarder->clock_rate_hz();
  consumer.paused = paused;
  const auto initial_seq = static_cast<uint16_t>(env_.rng.UniformInt(1 << 15));
  const auto initial_ts = static_cast<uint32_t>(env_.rng.NextU64());
  producer.forwarder->AddConsumer(consumer.key, ssrc, initial_seq, initial_ts);
  if (!paused) producer.forwarder->SetPaused(consumer.key, false);
  producer.consumers.insert(id);
  router.consumer_by_key[consumer.key] = id;
  router.consumer_by_ssrc[ssrc] = id;
  t.consumers.insert(id);
  c.consumers.insert(id);
  ++counters_.consumers_created;
  return consumer;
}
void SfuServer::Impl::Consume(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                              const protocol::MediaConsumeRequest& m) {
  auto pit = router.producers.find(m.producer_id);
  if (pit == router.producers.end()) {
    RespondError(c, req.request_id, req.action(), err::kProducerNotFound, "/producer_id: no such producer in the channel");
    return;
  }
  if (c.recv_transport.empty() || !router.transports.count(c.recv_transport)) {
    RespondError(c, req.request_id, req.action(), err::kTransportNotFound, "create a recv transport first");
    return;
  }
  if (c.consumers.size() >= kMaxConsumersPerConnection) {
    RespondError(c, req.request_id, req.action(), err::kTooManyItems, "too many consumers on this connection");
    return;
  }
  ProducerState& producer = pit->second;
  const uint32_t ssrc = AllocateSsrc(router);
  auto params = protocol::GetConsumerRtpParameters(producer.rtp_parameters, m.rtp_capabilities, ssrc);
  if (!params.ok()) {
    router.ssrcs.erase(ssrc);
    if (config_.mutants.error_text_leak) {
      // Mutant: the library's error goes to the client as it is, named by the function that failed.
      RespondError(c, req.request_id, req.action(), err::kCannotConsume,
                   "protocol::GetConsumerRtpParameters() failed: " + params.error().code + ": " +
                       params.error().message);
      return;
    }
    RespondError(c, req.request_id, req.action(), err::kCannotConsume, "/rtp_capabilities: cannot receive this producer");
    return;
  }
  ConsumerState& consumer =
      AddConsumer(c, router, producer, *router.transports.at(c.recv_transport), ssrc, /*paused=*/true);
  const std::string& id = consumer.id;
  if (config_.mutants.paused_forwarding) producer.forwarder->SetPaused(consumer.key, false);
  Trace("consumer " + id + " " + c.user_id + " of " + producer.id);
  protocol::MediaConsumeResult result;
  result.consumer_id = id;
  result.producer_id = producer.id;
  result.kind = producer.kind;
  result.rtp_parameters = std::move(params.value());
  result.paused = true;
  Respond(c, req.request_id, std::move(result));
  Changed();
}

void SfuServer::Impl::ResumeConsumer(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                                     const protocol::MediaResumeConsumerRequest& m) {
  auto it = router.consumers.find(m.consumer_id);
  if (it == router.consumers.end() || it->second.conn_key != c.key) {
    RespondError(c, req.request_id, req.action(), err::kConsumerNotFound, "/consumer_id: no such consumer of yours");
    return;
  }
  ConsumerState& consumer = it->second;
  const bool was_paused = consumer.paused;
  consumer.paused = false;
  auto pit = router.producers.find(consumer.producer_id);
  if (pit != router.producers.end()) {
    pit->second.forwarder->SetPaused(consumer.key, false);
    if (was_paused && pit->second.kind == protocol::MediaKind::kVideo && !config_.mutants.no_keyframe_on_resume) {
      RequestKeyFrame(router, pit->second);
    }
  }
  Respond(c, req.request_id, protocol::MediaResumeConsumerResult{});
  if (was_paused) Changed();
}

void SfuServer::Impl::CloseProducerRequest(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                                           const protocol::MediaCloseProducerRequest& m) {
  auto it = router.producers.find(m.producer_id);
  if (it == router.producers.end() || it->second.conn_key != c.key) {
    RespondError(c, req.request_id, req.action(), err::kProducerNotFound, "/producer_id: no such producer of yours");
    return;
  }
  // The native session is its plain transport and its producer: closing the producer ends the
  // session, so the user can start native screen share again later (PROTOCOL.md §3).
  const bool ends_native_session = it->second.native && it->second.transport_id == c.native_transport;
  const std::string transport_id = it->second.transport_id;
  Respond(c, req.request_id, protocol::MediaCloseProducerResult{});
  CloseProducer(router, m.producer_id, /*notify=*/true);
  if (ends_native_session) {
    CloseTransport(router, transport_id);
    c.native_transport.clear();
  }
  Changed();
}

void SfuServer::Impl::CloseConsumer(RouterState& router, const std::string& id) {
  auto it = router.consumers.find(id);
  if (it == router.consumers.end()) return;
  ConsumerState& consumer = it->second;
  auto pit = router.producers.find(consumer.producer_id);
  if (pit != router.producers.end()) {
    pit->second.forwarder->RemoveConsumer(consumer.key);
    pit->second.consumers.erase(id);
  }
  if (ConnState* c = Conn(consumer.conn_key)) c->consumers.erase(id);
  auto tit = router.transports.find(consumer.transport_id);
  if (tit != router.transports.end()) tit->second->consumers.erase(id);
  router.consumer_by_key.erase(consumer.key);
  router.consumer_by_ssrc.erase(consumer.ssrc);
  router.ssrcs.erase(consumer.ssrc);
  router.consumers.erase(it);
  ++counters_.consumers_closed;
}

void SfuServer::Impl::CloseProducer(RouterState& router, const std::string& id, bool notify) {
  auto it = router.producers.find(id);
  if (it == router.producers.end()) return;
  ProducerState& p = it->second;
  const std::set<std::string> consumers = p.consumers;
  for (const auto& cid : consumers) {
    if (config_.mutants.consumer_leak) {
      // Mutant: the consumer stays in the map, pointing at a producer that is gone.
      auto cit = router.consumers.find(cid);
      if (cit != router.consumers.end()) cit->second.closed_producer = true;
    } else {
      CloseConsumer(router, cid);
    }
  }
  const protocol::ProducerClosed closed{id, p.source, protocol::RoutingMode::kSfu};
  const uint64_t owner = p.conn_key;
  if (ConnState* c = Conn(owner)) c->producers.erase(id);
  auto tit = router.transports.find(p.transport_id);
  if (tit != router.transports.end()) tit->second->producers.erase(id);
  router.producer_by_ssrc.erase(p.ssrc);
  router.ssrcs.erase(p.ssrc);
  router.producers.erase(it);
  ++counters_.producers_closed;
  Trace("producer closed " + id);
  if (notify) Broadcast(router.channel, closed, owner);
}

// Closes every producer, consumer and transport of a connection in its channel's router.
void SfuServer::Impl::CloseConnMedia(ConnState& c, bool notify) {
  auto rit = routers_.find(c.channel);
  if (rit != routers_.end()) {
    RouterState& router = *rit->second;
    for (const auto& id : std::set<std::string>(c.producers)) CloseProducer(router, id, notify);
    for (const auto& id : std::set<std::string>(c.consumers)) CloseConsumer(router, id);
    std::vector<std::string> transports;
    for (const auto& [id, t] : router.transports) {
      if (t->conn_key == c.key) transports.push_back(id);
    }
    for (const auto& id : transports) CloseTransport(router, id);
  }
  c.producers.clear();
  c.consumers.clear();
  c.send_transport.clear();
  c.recv_transport.clear();
  c.native_transport.clear();
}

// --- native sender (PROTOCOL.md §3) ---------------------------------------------------------
uint32_t SfuServer::Impl::NativeSsrc(const ConnState& c, const RouterState& router) const {
  if (config_.mutants.ssrc_prefix) {
    // Mutant: the first 4 bytes of the id (zero-padded), as they are, not made unique.
    uint32_t prefix = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      prefix = (prefix << 8) | (i < c.user_id.size() ? static_cast<uint8_t>(c.user_id[i]) : 0u);
    }
    return prefix;
  }
  // From the whole id (a hash of every byte), never 0, unique in the router.
  const auto digest = protocol::Sha256::Hash(AsBytes("native/" + c.user_id));
  uint32_t ssrc = protocol::ReadBe32(digest.data());
  while (ssrc == 0 || router.ssrcs.count(ssrc)) ++ssrc;
  return ssrc;
}

void SfuServer::Impl::CreateNativeSession(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                                          const protocol::CreateNativeSenderSessionRequest& m) {
  const auto action = req.action();
  if (!c.native_transport.empty() && router.transports.count(c.native_transport)) {
    RespondError(c, req.request_id, action, err::kTransportExists, "a native sender session exists");
    return;
  }
  if (OverSourceLimit(c, router, protocol::MediaSource::kScreen)) {
    RespondError(c, req.request_id, action, err::kProducerLimit, "at most one screen producer");
    return;
  }
  // The first preferred codec the router offers; H.264 when none is given or known.
  const protocol::RtpCodecCapability* chosen = nullptr;
  for (const auto& name : m.preferred_codecs) {
    for (const auto& cap : router.caps.codecs) {
      if (cap.kind == protocol::MediaKind::kVideo && EqualsIgnoreCase(cap.mime_type, name)) {
        chosen = &cap;
        break;
      }
    }
    if (chosen) break;
  }
  if (chosen == nullptr) {
    for (const auto& cap : router.caps.codecs) {
      if (EqualsIgnoreCase(cap.mime_type, "video/H264")) chosen = &cap;
    }
  }
  if (chosen == nullptr || !chosen->preferred_payload_type) {
    RespondError(c, req.request_id, action, err::kUnsupportedCodec, "/preferred_codecs: none offered by the router");
    return;
  }
  TransportState* t = OpenTransport(c, router, protocol::TransportDirection::kSend, /*plain=*/true);
  if (t == nullptr) {
    RespondError(c, req.request_id, action, err::kInternalError, "internal error");
    return;
  }
  c.native_transport = t->id;
  const uint32_t ssrc = NativeSsrc(c, router);
  char hex[16];
  std::snprintf(hex, sizeof hex, "%x", ssrc);
  protocol::RtpCodecParameters codec;
  codec.mime_type = chosen->mime_type;
  codec.payload_type = *chosen->preferred_payload_type;
  codec.clock_rate = chosen->clock_rate;
  codec.parameters = chosen->parameters;
  codec.rtcp_feedback = chosen->rtcp_feedback;
  protocol::RtpParameters rtp;
  rtp.codecs.push_back(codec);
  protocol::RtpEncodingParameters enc;
  enc.ssrc = ssrc;
  rtp.encodings.push_back(enc);
  rtp.rtcp.cname = std::string(protocol::kNativeSenderCnamePrefix) + hex;
  rtp.rtcp.reduced_size = true;
  for (const auto& ext : router.caps.header_extensions) {
    if (ext.kind == protocol::MediaKind::kVideo) rtp.header_extensions.push_back({ext.uri, ext.preferred_id, false});
  }
  ProducerState& p = AddProducer(c, router, t->id, protocol::MediaKind::kVideo, protocol::MediaSource::kScreen, ssrc,
                                 rtp, /*native=*/true);
  protocol::NativeSenderSessionResult result;
  result.transport_id = t->id;
  result.producer_id = p.id;
  result.rtp_target.ip = sim::SocketAddress{env_.net->host_ip(), 0}.IpString();
  result.rtp_target.port = t->socket->local_address().port;
  result.payload_type = codec.payload_type;
  result.ssrc = ssrc;
  result.codec = codec;
  const std::string id = p.id;
  Respond(c, req.request_id, std::move(result));
  Broadcast(router.channel,
            protocol::NewProducer{id, c.username, protocol::MediaKind::kVideo, protocol::MediaSource::kScreen,
                                  protocol::RoutingMode::kSfu},
            c.key);
  Changed();
}

}  // namespace sfusim::sfu
