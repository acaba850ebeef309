// SfuServer: see sfu_server.h. The implementation keeps every piece of state in ordered maps
// (sfu_state.h) and changes it only from event-loop callbacks; teardown of a connection is
// deferred to its own event so that no callback ever destroys what its caller is iterating.
#include "sfusim/sfu/sfu_server.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <variant>

#include "sfu_state.h"
#include "sfusim/protocol/rtcp/compound_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/rtp_parameters/can_consume.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"
#include "sfusim/protocol/srtp/sha256.h"
#include "sfusim/protocol/srtp/srtp_key_derivation.h"
#include "sfusim/sfu/auth_token.h"

namespace sfusim::sfu {

namespace err = protocol::signaling_error;
using protocol::MediaAction;

namespace {

constexpr protocol::SrtpProfile kSrtpProfile = protocol::SrtpProfile::kAeadAes128Gcm;
constexpr std::string_view kFingerprintAlgorithm = "sha-256";
constexpr uint32_t kIceCandidatePriority = 1076302079;  // a host candidate's priority, as mediasoup's
constexpr std::string_view kResetReasonCodecChanged = "codec_changed";

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

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

bool IsRtcp(std::span<const uint8_t> data) { return data.size() >= 2 && data[1] >= 192 && data[1] <= 223; }

uint64_t NtpNow(sim::Timestamp now) {
  const int64_t us = now.us() < 0 ? 0 : now.us();
  const uint64_t seconds = static_cast<uint64_t>(us / 1'000'000) + kNtpUnixEpochOffsetSeconds;
  const uint64_t frac = (static_cast<uint64_t>(us % 1'000'000) << 32) / 1'000'000;
  return (seconds << 32) | frac;
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

class SfuServer::Impl final : public SfuServerImplBase,
                              public SignalingConnection::Delegate,
                              public sim::StreamAcceptor,
                              public RtpForwarder::Sink {
 public:
  Impl(sim::Env env, SfuConfig config) : env_(env), config_(std::move(config)) {
    config_.workers = std::clamp(config_.workers, 1, kMaxWorkers);
    workers_alive_.assign(static_cast<std::size_t>(config_.workers), true);
    restart_timers_.resize(static_cast<std::size_t>(config_.workers));
    if (env_.trace) trace_subject_ = env_.trace->Intern("sfu");
  }

  ~Impl() override {
    Cancel(health_timer_);
    Cancel(rtcp_timer_);
    Cancel(reaper_timer_);
    for (auto& t : restart_timers_) Cancel(t);
    for (auto& [id, op] : pending_produces_) Cancel(op.event);
    if (listening_ && env_.net) env_.net->StopListening(config_.signaling_port);
    routers_.clear();  // closes every media socket
    conns_.clear();    // closes every stream, without callbacks
  }

  bool Start(std::string* error) {
    if (listening_) return true;
    if (env_.net == nullptr || env_.scheduler == nullptr) {
      if (error) *error = "sfu: no network or scheduler in env";
      return false;
    }
    if (!env_.net->Listen(config_.signaling_port, this, error)) return false;
    listening_ = true;
    if (!config_.mutants.no_worker_health) ArmHealth();
    ArmRtcp();
    Trace("started");
    return true;
  }

  void SetObserver(SfuObserver* o) { observer_ = o; }

  void SetChannelCodec(const std::string& channel, const protocol::OpusSettings& opus) {
    config_.channels[channel] = opus;
    Trace("set_channel_codec " + channel);
  }

  bool CrashWorker(int worker) {
    if (worker < 0 || worker >= config_.workers || !workers_alive_[static_cast<std::size_t>(worker)]) return false;
    workers_alive_[static_cast<std::size_t>(worker)] = false;
    ++counters_.worker_crashes;
    Trace("worker crashed " + std::to_string(worker));
    for (auto& [channel, router] : routers_) {
      if (router->worker == worker && router->alive) {
        KillRouterMedia(*router);
        router->alive = false;
      }
    }
    if (observer_) observer_->OnWorkerEvent(worker, "crashed");
    Changed();
    return true;
  }

  uint64_t state_version() const { return state_version_; }
  const SfuCounters& counters() const { return counters_; }

  SfuSnapshot Snapshot() const {
    SfuSnapshot s;
    for (const auto& [key, c] : conns_) {
      if (!c->authenticated) continue;
      s.usernames[c->user_id] = c->username;
      if (!c->channel.empty()) s.connection_channel[c->user_id] = c->channel;
    }
    for (const auto& [channel, keys] : members_) {
      auto& set = s.channel_members[channel];
      for (uint64_t k : keys) set.insert(conns_.at(k)->user_id);
    }
    for (const auto& [channel, r] : routers_) {
      s.routers[channel] = SfuSnapshot::Router{channel, r->worker, r->generation, r->opus, r->alive};
      for (const auto& [id, p] : r->producers) {
        s.producers[id] = SfuSnapshot::Producer{id, p.user_id, p.channel, p.kind, p.source, p.ssrc, r->worker, p.native};
      }
      for (const auto& [id, c] : r->consumers) {
        s.consumers[id] =
            SfuSnapshot::Consumer{id, c.user_id, c.producer_id, c.channel, c.ssrc, c.paused, c.closed_producer};
      }
    }
    for (int i = 0; i < config_.workers; ++i) s.workers.push_back({i, workers_alive_[static_cast<std::size_t>(i)]});
    return s;
  }

  // --- sim::StreamAcceptor ---------------------------------------------------------------------
  void OnAccept(std::unique_ptr<sim::MessageStream> stream) override {
    if (conns_.size() >= kMaxConnections) {
      ++counters_.connections_refused;
      stream->Close();
      return;
    }
    ++counters_.connections_accepted;
    auto conn = std::make_unique<ConnState>();
    conn->key = ++next_conn_key_;
    conn->sig = std::make_unique<SignalingConnection>(env_, conn->key, std::move(stream), this);
    ConnState& c = *conn;
    conns_[c.key] = std::move(conn);
    Trace("accept " + c.sig->peer());
    c.sig->Start();
  }

  // --- SignalingConnection::Delegate -----------------------------------------------------------
  void OnMessage(SignalingConnection& sig, std::string_view text) override {
    ConnState* c = Conn(sig.key());
    if (c == nullptr || c->closing) return;
    ++counters_.messages_received;
    protocol::DecodeDiagnostics diag;
    auto decoded = protocol::DecodeClientMessage(text, &diag);
    if (!decoded.ok()) {
      ++counters_.decode_errors;
      if (diag.media_signal && c->authenticated && !c->limiter.Allow(env_.Now().us())) {
        RespondRateLimited(*c, diag.request_id, diag.action);
        return;
      }
      ++counters_.error_responses;
      SendMsg(*c, protocol::MakeDecodeErrorReply(decoded.error(), diag));
      return;
    }
    protocol::ClientMessage& msg = decoded.value();
    if (!c->authenticated && !std::holds_alternative<protocol::Authenticate>(msg)) {
      SendError(*c, err::kNotAuthenticated, "authenticate first", std::nullopt);
      return;
    }
    std::visit(Overloaded{
                   [&](protocol::Authenticate& m) { HandleAuthenticate(*c, m); },
                   [&](protocol::Ping&) { SendMsg(*c, protocol::Pong{}); },
                   [&](protocol::JoinVoice& m) { HandleJoin(*c, m.channel_id); },
                   [&](protocol::LeaveVoice& m) { HandleLeave(*c, m.channel_id); },
                   [&](protocol::VoiceActivity& m) { HandleVoiceActivity(*c, m); },
                   [&](protocol::MediaSignalRequest& m) { HandleMediaSignal(*c, m); },
               },
               msg);
  }

  void OnTimeout(SignalingConnection& sig, std::string_view code) override {
    ConnState* c = Conn(sig.key());
    if (c == nullptr || c->closing) return;
    if (code == err::kAuthTimeout) {
      ++counters_.auth_timeouts;
      SendError(*c, err::kAuthTimeout, "no authenticate within 15 s", std::nullopt);
    } else {
      ++counters_.idle_timeouts;
      SendError(*c, err::kIdleTimeout, "nothing received for 45 s", std::nullopt);
    }
    ConnectionEvent(*c, code);
    DeferClose(*c);
  }

  void OnStreamClosed(SignalingConnection& sig, std::string_view reason) override {
    ConnState* c = Conn(sig.key());
    if (c == nullptr || c->closing) return;
    Trace("stream closed " + Subject(*c) + ": " + std::string(reason));
    if (reason.find("overflow") != std::string_view::npos) {
      // The network's send buffer towards this client overflowed: a slow client, like a full queue.
      ++counters_.slow_client_disconnects;
      ConnectionEvent(*c, "slow_client_disconnected");
    }
    DeferClose(*c);
  }

  void OnSlowClient(SignalingConnection& sig) override {
    ConnState* c = Conn(sig.key());
    if (c == nullptr || c->closing) return;
    ++counters_.slow_client_disconnects;
    ConnectionEvent(*c, "slow_client_disconnected");
    DeferClose(*c);
  }

  // --- media: SfuServerImplBase ----------------------------------------------------------------
  void OnTransportDatagram(TransportState& t, const sim::SocketAddress& from, std::span<const uint8_t> data) override {
    auto rit = routers_.find(t.channel);
    if (rit == routers_.end() || !rit->second->alive) return;
    RouterState& router = *rit->second;
    if (data.size() < 2 || data.size() > protocol::kMaxSrtpPacketBytes) return;
    const bool rtcp = IsRtcp(data);
    std::vector<uint8_t> buf(data.begin(), data.end());
    if (!t.plain) {
      if (!t.connected || !t.srtp_in) return;
      const auto st = rtcp ? t.srtp_in->UnprotectRtcp(buf) : t.srtp_in->UnprotectRtp(buf);
      if (!st.ok()) {
        ++counters_.srtp_failures;
        return;
      }
    }
    // ICE-lite latching: answer where the last authenticated packet came from.
    if (!t.remote || *t.remote != from) {
      t.remote = from;
      Trace("latch " + t.id + " " + from.ToString());
    }
    if (rtcp) {
      HandleRtcp(router, t, buf);
    } else {
      HandleRtp(router, t, buf);
    }
  }

  // --- RtpForwarder::Sink ----------------------------------------------------------------------
  void OnRtpOut(const RtpForwarder::Sent& sent, std::span<const uint8_t> packet) override {
    RouterState* router = forwarding_router_;
    if (router == nullptr) return;
    auto kit = router->consumer_by_key.find(sent.consumer_key);
    if (kit == router->consumer_by_key.end()) return;
    ConsumerState& consumer = router->consumers.at(kit->second);
    ++consumer.packets;
    consumer.octets += packet.size();
    if (sent.retransmission) {
      ++counters_.rtp_retransmitted;
    } else {
      ++counters_.rtp_forwarded;
    }
    auto tit = router->transports.find(consumer.transport_id);
    if (tit != router->transports.end()) {
      TransportState& t = *tit->second;
      if (t.connected && t.srtp_out && t.remote && t.socket) {
        out_buf_.assign(packet.begin(), packet.end());
        if (t.srtp_out->ProtectRtp(out_buf_).ok()) t.socket->SendTo(*t.remote, out_buf_);
      }
    }
    if (observer_) {
      ConsumerRtpEvent ev;
      ev.consumer_id = consumer.id;
      ev.producer_id = consumer.producer_id;
      ev.paused = consumer.paused;
      ev.retransmission = sent.retransmission;
      ev.input_seq = sent.input_seq;
      ev.output_seq = sent.output_seq;
      ev.output_ssrc = sent.output_ssrc;
      ev.at = env_.Now();
      observer_->OnConsumerRtp(ev);
    }
  }

 private:
  struct PendingProduce {
    uint64_t conn_key = 0;
    std::optional<std::string> request_id;
    protocol::MediaProduceRequest request;
    sim::EventId event;
  };

  // --- helpers ---------------------------------------------------------------------------------
  void Cancel(sim::EventId& id) {
    if (env_.scheduler) env_.scheduler->Cancel(id);
    id = {};
  }

  void Trace(std::string_view text) {
    if (env_.trace) env_.trace->RecordText(env_.Now(), sim::TraceKind::kEvent, trace_subject_, text);
  }

  void Changed() {
    ++state_version_;
    if (observer_) observer_->OnStateChanged();
  }

  ConnState* Conn(uint64_t key) {
    auto it = conns_.find(key);
    return it == conns_.end() ? nullptr : it->second.get();
  }

  std::string Subject(const ConnState& c) const { return c.authenticated ? c.user_id : c.sig->peer(); }

  void ConnectionEvent(const ConnState& c, std::string_view what) {
    Trace("connection " + Subject(c) + " " + std::string(what));
    if (observer_) observer_->OnConnectionEvent(Subject(c), what);
  }

  void SendMsg(ConnState& c, const protocol::ServerMessage& m) {
    if (c.closing) return;
    if (c.sig->Send(protocol::EncodeServerMessage(m))) ++counters_.messages_sent;
  }

  void SendError(ConnState& c, std::string_view code, std::string message, std::optional<std::string> request_id) {
    ++counters_.error_responses;
    SendMsg(c, protocol::SignalingErrorNotice{std::string(code), std::move(message), std::move(request_id)});
  }

  void Respond(ConnState& c, const std::optional<std::string>& request_id, protocol::MediaSignalOutcome outcome) {
    SendMsg(c, protocol::MakeMediaSignalResult(request_id, std::move(outcome)));
  }

  void RespondError(ConnState& c, const std::optional<std::string>& request_id, std::optional<MediaAction> action,
                    std::string_view code, std::string message) {
    ++counters_.error_responses;
    SendMsg(c, protocol::MakeMediaSignalError(request_id, action, code, std::move(message)));
  }

  void RespondRateLimited(ConnState& c, const std::optional<std::string>& request_id,
                          std::optional<MediaAction> action) {
    ++counters_.rate_limited;
    RespondError(c, request_id, action, err::kRateLimited, "over 80 media_signal events in 5 s");
  }

  void Broadcast(const std::string& channel, const protocol::ServerMessage& m, uint64_t except_key) {
    auto it = members_.find(channel);
    if (it == members_.end()) return;
    const std::string text = protocol::EncodeServerMessage(m);
    for (uint64_t k : it->second) {
      if (k == except_key) continue;
      ConnState* c = Conn(k);
      if (c == nullptr || c->closing) continue;
      if (c->sig->Send(text)) ++counters_.messages_sent;
    }
  }

  void DeferClose(ConnState& c) {
    if (c.closing) return;
    c.closing = true;
    c.sig->Close();
    closing_.insert(c.key);
    if (!reaper_timer_.valid()) {
      reaper_timer_ = env_.scheduler->Post([this] { Reap(); });
    }
  }

  void Reap() {
    reaper_timer_ = {};
    const std::set<uint64_t> keys = std::move(closing_);
    closing_.clear();
    for (uint64_t k : keys) {
      ConnState* c = Conn(k);
      if (c == nullptr) continue;
      if (!c->channel.empty()) LeaveChannel(*c, /*notify_self=*/false);
      ++counters_.connections_closed;
      ConnectionEvent(*c, "closed");
      const bool visible = c->authenticated;
      conns_.erase(k);
      if (visible) Changed();
    }
  }

  uint32_t AllocateSsrc(RouterState& r) {
    for (;;) {
      const auto ssrc = static_cast<uint32_t>(env_.rng.NextU64());
      if (ssrc != 0 && !r.ssrcs.count(ssrc)) {
        r.ssrcs.insert(ssrc);
        return ssrc;
      }
    }
  }

  protocol::OpusSettings ChannelSettings(const std::string& channel) const {
    auto it = config_.channels.find(channel);
    return it == config_.channels.end() ? protocol::OpusSettings{} : it->second;
  }

  void BuildCaps(RouterState& r, const protocol::OpusSettings& opus) {
    auto caps = protocol::BuildRouterRtpCapabilities(opus);
    if (caps.ok()) {
      r.opus = opus;
      r.caps = std::move(caps.value());
    } else {
      // Settings outside the protocol's range (a scenario typo): the router falls back to defaults.
      r.opus = protocol::OpusSettings{};
      r.caps = protocol::BuildRouterRtpCapabilities(r.opus).value();
    }
  }

  // --- membership -------------------------------------------------------------------------------
  RouterState& EnsureRouter(const std::string& channel, uint64_t joiner) {
    auto it = routers_.find(channel);
    const protocol::OpusSettings settings = ChannelSettings(channel);
    if (it == routers_.end()) {
      auto r = std::make_unique<RouterState>();
      r->channel = channel;
      r->worker = channel.empty() ? 0 : static_cast<unsigned char>(channel[0]) % config_.workers;
      r->generation = 1;
      BuildCaps(*r, settings);
      r->alive = workers_alive_[static_cast<std::size_t>(r->worker)];
      Trace("router created " + channel + " worker " + std::to_string(r->worker));
      return *(routers_[channel] = std::move(r));
    }
    RouterState& r = *it->second;
    if (!config_.mutants.router_cache && r.alive && !(r.opus == settings)) {
      // A codec change takes effect at this join: a new router; members already there redo
      // their media setup as after a worker restart.
      KillRouterMedia(r);
      ++r.generation;
      BuildCaps(r, settings);
      Trace("router rebuilt " + channel + " generation " + std::to_string(r.generation));
      auto mit = members_.find(channel);
      if (mit != members_.end()) {
        for (uint64_t k : mit->second) {
          ConnState* c = Conn(k);
          if (c == nullptr || k == joiner) continue;
          ++counters_.router_resets;
          SendMsg(*c, protocol::MediaRouterReset{channel, std::string(kResetReasonCodecChanged), r.generation});
        }
      }
    }
    return r;
  }

  void HandleJoin(ConnState& c, const std::string& channel) {
    if (c.channel == channel) {
      SendMsg(c, protocol::VoiceJoined{channel, c.user_id});
      SendPresence(c);
      return;
    }
    if (!c.channel.empty()) LeaveChannel(c, /*notify_self=*/true);
    EnsureRouter(channel, c.key);
    members_[channel].insert(c.key);
    c.channel = channel;
    c.speaking = false;
    Trace("join " + c.user_id + " " + channel);
    SendMsg(c, protocol::VoiceJoined{channel, c.user_id});
    SendPresence(c);
    Broadcast(channel, protocol::VoiceUserJoined{channel, c.user_id, c.username}, c.key);
    Changed();
  }

  void SendPresence(ConnState& c) {
    protocol::ChannelPresence presence;
    presence.channel_id = c.channel;
    for (uint64_t k : members_[c.channel]) {
      const ConnState* m = Conn(k);
      if (m == nullptr || presence.members.size() >= protocol::kMaxPresenceMembers) continue;
      presence.members.push_back({m->user_id, m->username, m->speaking});
    }
    protocol::VoicePresenceSnapshot snap;
    snap.channels.push_back(std::move(presence));
    SendMsg(c, snap);
  }

  void HandleLeave(ConnState& c, const std::string& channel) {
    if (c.channel.empty() || c.channel != channel) {
      SendError(c, err::kNotInChannel, "/channel_id: not the channel this connection is in", std::nullopt);
      return;
    }
    LeaveChannel(c, /*notify_self=*/true);
  }

  void LeaveChannel(ConnState& c, bool notify_self) {
    const std::string channel = c.channel;
    CloseConnMedia(c, /*notify=*/true);
    auto it = members_.find(channel);
    if (it != members_.end()) {
      it->second.erase(c.key);
      if (it->second.empty()) members_.erase(it);
    }
    c.channel.clear();
    c.speaking = false;
    Trace("leave " + c.user_id + " " + channel);
    if (notify_self) SendMsg(c, protocol::VoiceLeft{channel});
    Broadcast(channel, protocol::VoiceUserLeft{channel, c.user_id, c.username}, c.key);
    Changed();
  }

  void HandleVoiceActivity(ConnState& c, const protocol::VoiceActivity& m) {
    if (c.channel.empty() || c.channel != m.channel_id) {
      SendError(c, err::kNotInChannel, "/channel_id: not the channel this connection is in", std::nullopt);
      return;
    }
    c.speaking = m.speaking;
    Broadcast(c.channel, protocol::VoiceUserSpeaking{c.channel, c.username, m.speaking}, c.key);
  }

  void HandleAuthenticate(ConnState& c, const protocol::Authenticate& m) {
    if (c.authenticated) {
      SendError(c, err::kAlreadyAuthenticated, "already authenticated", std::nullopt);
      return;
    }
    if (m.token != MakeAuthToken(config_.auth_secret, m.username)) {
      ++counters_.auth_failures;
      SendError(c, err::kAuthFailed, "/token: not valid for this username", std::nullopt);
      ConnectionEvent(c, "auth_failed");
      DeferClose(c);
      return;
    }
    c.authenticated = true;
    c.user_id = "u-" + std::to_string(++next_user_);
    c.username = m.username;
    c.sig->MarkAuthenticated();
    ++counters_.authenticated;
    SendMsg(c, protocol::Authenticated{c.user_id, c.username});
    ConnectionEvent(c, "authenticated");
    Changed();
  }

  // --- media signaling --------------------------------------------------------------------------
  void HandleMediaSignal(ConnState& c, protocol::MediaSignalRequest& req) {
    const MediaAction action = req.action();
    if (!c.limiter.Allow(env_.Now().us())) {
      RespondRateLimited(c, req.request_id, action);
      return;
    }
    if (action == MediaAction::kClientDiagnostic) {
      Trace("client_diagnostic " + c.user_id);
      Respond(c, req.request_id, protocol::ClientDiagnosticResult{});
      return;
    }
    if (c.channel.empty()) {
      RespondError(c, req.request_id, action, err::kNotInChannel, "join a voice channel first");
      return;
    }
    RouterState& router = *routers_.at(c.channel);
    if (!router.alive) {
      RespondError(c, req.request_id, action, err::kMediaUnavailable, "the channel's media worker is restarting");
      return;
    }
    std::visit(Overloaded{
                   [&](protocol::GetRouterRtpCapabilitiesRequest&) {
                     Respond(c, req.request_id, protocol::RouterRtpCapabilitiesResult{router.caps});
                   },
                   [&](protocol::CreateWebRtcTransportRequest& m) { CreateWebRtcTransport(c, router, req, m); },
                   [&](protocol::ConnectWebRtcTransportRequest& m) { ConnectTransport(c, router, req, m); },
                   [&](protocol::MediaProduceRequest& m) { Produce(c, router, req, m); },
                   [&](protocol::MediaConsumeRequest& m) { Consume(c, router, req, m); },
                   [&](protocol::MediaResumeConsumerRequest& m) { ResumeConsumer(c, router, req, m); },
                   [&](protocol::MediaCloseProducerRequest& m) { CloseProducerRequest(c, router, req, m); },
                   [&](protocol::CreateNativeSenderSessionRequest& m) { CreateNativeSession(c, router, req, m); },
                   [&](protocol::ClientDiagnosticRequest&) {},
               },
               req.body);
  }

  TransportState* OpenTransport(ConnState& c, RouterState& router, protocol::TransportDirection dir, bool plain) {
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

  void CloseTransport(RouterState& router, const std::string& id) {
    auto it = router.transports.find(id);
    if (it == router.transports.end()) return;
    router.ssrcs.erase(it->second->rtcp_ssrc);
    router.transports.erase(it);
  }

  std::vector<protocol::NewProducer> ChannelProducers(const RouterState& router, uint64_t except_conn) const {
    std::vector<const ProducerState*> list;
    for (const auto& [id, p] : router.producers) {
      if (p.conn_key != except_conn) list.push_back(&p);
    }
    std::sort(list.begin(), list.end(), [](const ProducerState* a, const ProducerState* b) { return IdLess(a->id, b->id); });
    std::vector<protocol::NewProducer> out;
    for (const ProducerState* p : list) {
      if (out.size() >= protocol::kMaxAnnouncedProducers) break;
      out.push_back({p->id, p->username, p->kind, p->source, protocol::RoutingMode::kSfu});
    }
    return out;
  }

  void CreateWebRtcTransport(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
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

  void ConnectTransport(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
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
    auto in = protocol::SrtpSession::Create({kSrtpProfile, protocol::SrtpDirection::kInbound, keys->inbound});
    auto out = protocol::SrtpSession::Create({kSrtpProfile, protocol::SrtpDirection::kOutbound, keys->outbound});
    if (!in.ok() || !out.ok()) {
      RespondError(c, req.request_id, req.action(), err::kInternalError, "internal error");
      return;
    }
    t.srtp_in.emplace(std::move(in.value()));
    t.srtp_out.emplace(std::move(out.value()));
    t.connected = true;
    Trace("transport connected " + t.id);
    Respond(c, req.request_id, protocol::ConnectWebRtcTransportResult{});
  }

  // Counts the connection's producers of a source.
  int CountSource(const ConnState& c, const RouterState& router, protocol::MediaSource source) const {
    int n = 0;
    for (const auto& id : c.producers) {
      auto it = router.producers.find(id);
      if (it != router.producers.end() && it->second.source == source) ++n;
    }
    return n;
  }

  bool OverSourceLimit(const ConnState& c, const RouterState& router, protocol::MediaSource source) const {
    if (source == protocol::MediaSource::kCamera)
      return CountSource(c, router, source) >= protocol::kMaxCameraProducersPerConnection;
    if (source == protocol::MediaSource::kScreen)
      return CountSource(c, router, source) >= protocol::kMaxScreenProducersPerConnection;
    return false;
  }

  // Checks a produce request; an error response was sent when it returns false.
  bool ValidateProduce(ConnState& c, RouterState& router, const std::optional<std::string>& request_id,
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

  void Produce(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
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

  void CompletePendingProduce(uint64_t op) {
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

  ProducerState& AddProducer(ConnState& c, RouterState& router, const std::string& transport_id,
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
    p.forwarder = std::make_unique<RtpForwarder>(clock, kRetransmissionBufferPackets);
    router.producer_by_ssrc[ssrc] = id;
    router.ssrcs.insert(ssrc);
    router.transports.at(transport_id)->producers.insert(id);
    c.producers.insert(id);
    ++counters_.producers_created;
    Trace("producer " + id + " " + c.user_id + " " + std::string(protocol::ToString(source)));
    return p;
  }

  void CreateProducer(ConnState& c, RouterState& router, const std::optional<std::string>& request_id,
                      const protocol::MediaProduceRequest& m) {
    const uint32_t ssrc = *m.rtp_parameters.encodings[0].ssrc;
    ProducerState& p = AddProducer(c, router, m.transport_id, m.kind, m.source, ssrc, m.rtp_parameters, false);
    const std::string id = p.id;
    Respond(c, request_id, protocol::MediaProduceResult{id});
    Broadcast(router.channel, protocol::NewProducer{id, c.username, m.kind, m.source, protocol::RoutingMode::kSfu},
              c.key);
    Changed();
  }

  void Consume(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
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
      RespondError(c, req.request_id, req.action(), err::kCannotConsume, "/rtp_capabilities: cannot receive this producer");
      return;
    }
    const std::string id = "c-" + std::to_string(++next_consumer_);
    ConsumerState& consumer = router.consumers[id];
    consumer.id = id;
    consumer.key = ++next_consumer_key_;
    consumer.conn_key = c.key;
    consumer.user_id = c.user_id;
    consumer.producer_id = producer.id;
    consumer.channel = router.channel;
    consumer.transport_id = c.recv_transport;
    consumer.kind = producer.kind;
    consumer.ssrc = ssrc;
    consumer.clock_rate = producer.forwarder->clock_rate_hz();
    consumer.paused = true;
    const auto initial_seq = static_cast<uint16_t>(env_.rng.UniformInt(1 << 15));
    const auto initial_ts = static_cast<uint32_t>(env_.rng.NextU64());
    producer.forwarder->AddConsumer(consumer.key, ssrc, initial_seq, initial_ts);
    producer.consumers.insert(id);
    router.consumer_by_key[consumer.key] = id;
    router.consumer_by_ssrc[ssrc] = id;
    router.transports.at(c.recv_transport)->consumers.insert(id);
    c.consumers.insert(id);
    ++counters_.consumers_created;
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

  void ResumeConsumer(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
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
      if (was_paused && pit->second.kind == protocol::MediaKind::kVideo) RequestKeyFrame(router, pit->second);
    }
    Respond(c, req.request_id, protocol::MediaResumeConsumerResult{});
    if (was_paused) Changed();
  }

  void CloseProducerRequest(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                            const protocol::MediaCloseProducerRequest& m) {
    auto it = router.producers.find(m.producer_id);
    if (it == router.producers.end() || it->second.conn_key != c.key) {
      RespondError(c, req.request_id, req.action(), err::kProducerNotFound, "/producer_id: no such producer of yours");
      return;
    }
    Respond(c, req.request_id, protocol::MediaCloseProducerResult{});
    CloseProducer(router, m.producer_id, /*notify=*/true);
    Changed();
  }

  void CloseConsumer(RouterState& router, const std::string& id) {
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

  void CloseProducer(RouterState& router, const std::string& id, bool notify) {
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
  void CloseConnMedia(ConnState& c, bool notify) {
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

  // A router lost (worker crash) or replaced (codec change): everything in it vanishes at once,
  // without producer_closed (the clients learn it from media_router_reset).
  void KillRouterMedia(RouterState& router) {
    router.transports.clear();
    router.producers.clear();
    router.consumers.clear();
    router.consumer_by_key.clear();
    router.producer_by_ssrc.clear();
    router.consumer_by_ssrc.clear();
    router.ssrcs.clear();
    auto mit = members_.find(router.channel);
    if (mit == members_.end()) return;
    for (uint64_t k : mit->second) {
      ConnState* c = Conn(k);
      if (c == nullptr) continue;
      c->producers.clear();
      c->consumers.clear();
      c->send_transport.clear();
      c->recv_transport.clear();
      c->native_transport.clear();
    }
  }

  // --- native sender (PROTOCOL.md §3) -----------------------------------------------------------
  uint32_t NativeSsrc(const ConnState& c, const RouterState& router) const {
    // From the whole id (a hash of every byte), never 0, unique in the router.
    const auto digest = protocol::Sha256::Hash(AsBytes("native/" + c.user_id));
    uint32_t ssrc = protocol::ReadBe32(digest.data());
    while (ssrc == 0 || router.ssrcs.count(ssrc)) ++ssrc;
    return ssrc;
  }

  void CreateNativeSession(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
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

  // --- media plane ------------------------------------------------------------------------------
  void HandleRtp(RouterState& router, TransportState& t, const std::vector<uint8_t>& buf) {
    auto view = protocol::RtpPacketView::Parse(buf);
    if (!view.ok()) {
      ++counters_.rtp_dropped;
      return;
    }
    auto pit = router.producer_by_ssrc.find(view->ssrc());
    if (pit == router.producer_by_ssrc.end()) {
      ++counters_.rtp_dropped;
      return;
    }
    ProducerState& p = router.producers.at(pit->second);
    if (p.transport_id != t.id) {
      ++counters_.rtp_dropped;
      return;
    }
    ++counters_.rtp_received;
    ++p.packets;
    p.octets += view->payload().size();
    forwarding_router_ = &router;
    p.forwarder->Forward(*view, env_.Now().us(), *this);
    forwarding_router_ = nullptr;
  }

  void HandleRtcp(RouterState& router, TransportState& t, const std::vector<uint8_t>& buf) {
    ++counters_.rtcp_received;
    auto compound = protocol::rtcp::CompoundPacket::Parse(buf);
    if (!compound.ok()) return;
    for (const auto& packet : compound->packets) {
      if (const auto* nack = std::get_if<protocol::rtcp::Nack>(&packet)) {
        ++counters_.nacks_received;
        ConsumerState* consumer = ConsumerOn(router, t, nack->media_ssrc);
        if (consumer == nullptr) continue;
        auto pit = router.producers.find(consumer->producer_id);
        if (pit == router.producers.end()) continue;
        const auto seqs = nack->SequenceNumbers();
        forwarding_router_ = &router;
        const uint64_t key = consumer->key;
        RtpForwarder& fwd = *pit->second.forwarder;
        for (std::size_t i = 0; i < seqs.size() && i < kMaxNackedPerPacket; ++i) fwd.Retransmit(key, seqs[i], *this);
        forwarding_router_ = nullptr;
      } else if (const auto* pli = std::get_if<protocol::rtcp::Pli>(&packet)) {
        KeyFrameRequestFrom(router, t, pli->media_ssrc);
      } else if (const auto* fir = std::get_if<protocol::rtcp::Fir>(&packet)) {
        for (const auto& e : fir->entries) KeyFrameRequestFrom(router, t, e.ssrc);
      }
    }
  }

  ConsumerState* ConsumerOn(RouterState& router, const TransportState& t, uint32_t ssrc) {
    auto it = router.consumer_by_ssrc.find(ssrc);
    if (it == router.consumer_by_ssrc.end()) return nullptr;
    ConsumerState& c = router.consumers.at(it->second);
    return c.transport_id == t.id ? &c : nullptr;
  }

  void KeyFrameRequestFrom(RouterState& router, const TransportState& t, uint32_t consumer_ssrc) {
    ConsumerState* consumer = ConsumerOn(router, t, consumer_ssrc);
    if (consumer == nullptr) return;
    auto pit = router.producers.find(consumer->producer_id);
    if (pit != router.producers.end()) RequestKeyFrame(router, pit->second);
  }

  void RequestKeyFrame(RouterState& router, ProducerState& p) {
    if (p.kind != protocol::MediaKind::kVideo) return;
    const sim::Timestamp now = env_.Now();
    if (p.last_key_frame_request && now - *p.last_key_frame_request < kKeyFrameRequestMinInterval) {
      ++counters_.key_frame_requests_throttled;
      return;
    }
    p.last_key_frame_request = now;
    auto tit = router.transports.find(p.transport_id);
    if (tit == router.transports.end()) return;
    TransportState& t = *tit->second;
    protocol::rtcp::Pli pli;
    pli.sender_ssrc = t.rtcp_ssrc;
    pli.media_ssrc = p.ssrc;
    auto bytes = pli.Serialize();
    if (!bytes.ok()) return;
    ++counters_.key_frame_requests_forwarded;
    Trace("pli " + p.id);
    SendRtcp(t, std::move(bytes.value()));
  }

  void SendRtcp(TransportState& t, std::vector<uint8_t> bytes) {
    if (!t.remote || !t.socket) return;
    if (!t.plain) {
      if (!t.connected || !t.srtp_out || !t.srtp_out->ProtectRtcp(bytes).ok()) return;
    }
    ++counters_.rtcp_sent;
    t.socket->SendTo(*t.remote, bytes);
  }

  void ArmRtcp() {
    rtcp_timer_ = env_.scheduler->PostDelayed(kRtcpReportInterval, [this] {
      rtcp_timer_ = {};
      SendReports();
      ArmRtcp();
    });
  }

  // SR for each consumer that has sent, on its transport; RR for the producers of a send transport.
  void SendReports() {
    const sim::Timestamp now = env_.Now();
    for (auto& [channel, router] : routers_) {
      if (!router->alive) continue;
      for (auto& [tid, t] : router->transports) {
        if (!t->remote) continue;
        protocol::rtcp::CompoundPacket compound;
        for (const auto& cid : t->consumers) {
          const ConsumerState& consumer = router->consumers.at(cid);
          if (consumer.packets == 0) continue;
          auto pit = router->producers.find(consumer.producer_id);
          if (pit == router->producers.end()) continue;
          const RtpRewriter* rw = pit->second.forwarder->rewriter(consumer.key);
          if (rw == nullptr || !rw->has_output()) continue;
          protocol::rtcp::SenderReport sr;
          sr.sender_ssrc = consumer.ssrc;
          sr.ntp_timestamp = NtpNow(now);
          const int64_t elapsed = now.us() - rw->last_output_time_us();
          sr.rtp_timestamp =
              rw->last_output_timestamp() + static_cast<uint32_t>(elapsed * consumer.clock_rate / 1'000'000);
          sr.packet_count = static_cast<uint32_t>(consumer.packets);
          sr.octet_count = static_cast<uint32_t>(consumer.octets);
          compound.packets.push_back(std::move(sr));
        }
        if (!t->producers.empty()) {
          protocol::rtcp::ReceiverReport rr;
          rr.sender_ssrc = t->rtcp_ssrc;
          for (const auto& pid : t->producers) {
            const ProducerState& p = router->producers.at(pid);
            if (p.forwarder->highest_input_seq() < 0) continue;
            if (rr.report_blocks.size() >= protocol::rtcp::ReceiverReport::kMaxReportBlocks) break;
            protocol::rtcp::ReportBlock block;
            block.source_ssrc = p.ssrc;
            block.extended_highest_sequence = static_cast<uint32_t>(p.forwarder->highest_input_seq());
            // RFC 3550 A.3: expected minus received (duplicates can make it negative), 24-bit clamped.
            const int64_t expected = p.forwarder->highest_input_seq() - p.forwarder->first_input_seq() + 1;
            const int64_t lost = expected - static_cast<int64_t>(p.forwarder->input_packets());
            block.cumulative_lost = static_cast<int32_t>(
                std::clamp<int64_t>(lost, protocol::rtcp::ReportBlock::kMinCumulativeLost,
                                    protocol::rtcp::ReportBlock::kMaxCumulativeLost));
            rr.report_blocks.push_back(block);
          }
          compound.packets.push_back(std::move(rr));
        }
        if (compound.packets.empty()) continue;
        auto bytes = compound.Serialize();
        if (bytes.ok()) SendRtcp(*t, std::move(bytes.value()));
      }
    }
  }

  // --- workers ----------------------------------------------------------------------------------
  void ArmHealth() {
    health_timer_ = env_.scheduler->PostDelayed(kWorkerHealthCheckInterval, [this] {
      health_timer_ = {};
      CheckWorkers();
      ArmHealth();
    });
  }

  void CheckWorkers() {
    for (int w = 0; w < config_.workers; ++w) {
      const auto i = static_cast<std::size_t>(w);
      if (workers_alive_[i] || restart_timers_[i].valid()) continue;
      Trace("health: worker " + std::to_string(w) + " down, restarting");
      restart_timers_[i] = env_.scheduler->PostDelayed(kWorkerRestartDelay, [this, w] { RestartWorker(w); });
    }
  }

  void RestartWorker(int w) {
    const auto i = static_cast<std::size_t>(w);
    restart_timers_[i] = {};
    if (workers_alive_[i]) return;
    workers_alive_[i] = true;
    ++counters_.worker_restarts;
    Trace("worker restarted " + std::to_string(w));
    if (observer_) observer_->OnWorkerEvent(w, "restarted");
    for (auto& [channel, router] : routers_) {
      if (router->worker != w || router->alive) continue;
      ++router->generation;
      BuildCaps(*router, config_.mutants.router_cache ? router->opus : ChannelSettings(channel));
      router->alive = true;
      const protocol::MediaRouterReset reset{channel, std::string(protocol::kResetReasonWorkerCrashed),
                                             router->generation};
      auto mit = members_.find(channel);
      if (mit != members_.end()) {
        for (uint64_t k : mit->second) {
          ConnState* c = Conn(k);
          if (c == nullptr) continue;
          ++counters_.router_resets;
          SendMsg(*c, reset);
        }
      }
    }
    Changed();
  }

  sim::Env env_;
  SfuConfig config_;
  SfuObserver* observer_ = nullptr;
  bool listening_ = false;
  uint32_t trace_subject_ = 0;
  uint64_t state_version_ = 0;
  SfuCounters counters_;

  std::map<uint64_t, std::unique_ptr<ConnState>> conns_;
  std::map<std::string, std::set<uint64_t>> members_;  // channel -> connection keys (never empty sets)
  std::map<std::string, std::unique_ptr<RouterState>> routers_;
  std::vector<bool> workers_alive_;
  std::vector<sim::EventId> restart_timers_;
  std::map<uint64_t, PendingProduce> pending_produces_;
  std::set<uint64_t> closing_;

  sim::EventId health_timer_;
  sim::EventId rtcp_timer_;
  sim::EventId reaper_timer_;
  RouterState* forwarding_router_ = nullptr;
  std::vector<uint8_t> out_buf_;

  uint64_t next_conn_key_ = 0;
  uint64_t next_user_ = 0;
  uint64_t next_transport_ = 0;
  uint64_t next_producer_ = 0;
  uint64_t next_consumer_ = 0;
  uint64_t next_consumer_key_ = 0;
  uint64_t next_pending_ = 0;
};

SfuServer::SfuServer(sim::Env env, SfuConfig config) : impl_(std::make_unique<Impl>(env, std::move(config))) {}
SfuServer::~SfuServer() = default;
bool SfuServer::Start(std::string* error) { return impl_->Start(error); }
void SfuServer::SetObserver(SfuObserver* observer) { impl_->SetObserver(observer); }
void SfuServer::SetChannelCodec(const std::string& channel, const protocol::OpusSettings& opus) {
  impl_->SetChannelCodec(channel, opus);
}
bool SfuServer::CrashWorker(int worker) { return impl_->CrashWorker(worker); }
uint64_t SfuServer::state_version() const { return impl_->state_version(); }
SfuSnapshot SfuServer::Snapshot() const { return impl_->Snapshot(); }
const SfuCounters& SfuServer::counters() const { return impl_->counters(); }

}  // namespace sfusim::sfu
