// WebClient implementation. See web_client.h for the contract.
//
// Structure: one Impl owns the signaling stream, the two media transports (a datagram socket and
// two SRTP sessions each), the AudioSender and one AudioReceiver per consumed producer.
// - Sessions: every signaling connection gets a new session number and every media setup a new
//   epoch; requests remember the epoch they belong to, so a response or timeout that arrives after
//   a reconnect or a router reset is counted but never acted upon.
// - Callbacks that can outlive the Impl (scheduler events, Net::Connect) capture a weak_ptr to a
//   guard, never a raw `this`; every timer is cancelled in the destructor.
// - Streams and sockets are never destroyed inside their own callbacks: they are closed (which
//   stops every callback) and their destruction is posted to the scheduler.
#include "sfusim/clients/web_client.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "sfusim/clients/audio/audio_receiver.h"
#include "sfusim/clients/audio/audio_sender.h"
#include "sfusim/clients/connection_state_machine.h"
#include "sfusim/clients/device_capabilities.h"
#include "sfusim/clients/reconnect_policy.h"
#include "sfusim/clients/request_tracker.h"
#include "sfusim/protocol/rtcp/receiver_report.h"
#include "sfusim/protocol/rtcp/sender_report.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/protocol/srtp/srtp_key_derivation.h"
#include "sfusim/protocol/srtp/srtp_session.h"

namespace sfusim::clients {
namespace {

using protocol::MediaAction;
using protocol::TransportDirection;

// A transport that has received something and then nothing for this long is "disconnected"
// (consent-freshness style); TransportHealth turns it into failed 10 s later.
constexpr sim::TimeDelta kTransportInactivity = sim::TimeDelta::Seconds(5);
constexpr sim::TimeDelta kHealthCheckInterval = sim::TimeDelta::Millis(500);
// RFC 5761 §4: RTCP packet types 192..223 in the second byte.
constexpr uint8_t kRtcpPtMin = 192;
constexpr uint8_t kRtcpPtMax = 223;
// NTP epoch offset is irrelevant in a simulation with one clock: SR times are Q32.32 seconds
// since the start of the run.
uint64_t ToNtp(sim::Timestamp t) {
  const uint64_t us = static_cast<uint64_t>(std::max<int64_t>(t.us(), 0));
  return ((us / 1'000'000) << 32) | (((us % 1'000'000) << 32) / 1'000'000);
}

}  // namespace

class WebClient::Impl : public sim::MessageStream::Listener {
 public:
  Impl(sim::Env env, WebClientConfig config)
      : env_(env),
        config_(std::move(config)),
        backoff_rng_(env.rng.Fork("reconnect")),
        ssrc_rng_(env.rng.Fork("ssrc")),
        backoff_(config_.reconnect, &backoff_rng_),
        alive_(std::make_shared<Impl*>(this)) {}

  ~Impl() override {
    for (sim::EventId* t : {&reconnect_timer_, &heartbeat_timer_, &request_timer_, &rtcp_timer_, &health_timer_, &reap_timer_}) {
      env_.scheduler->Cancel(*t);
    }
    receivers_.clear();
    sender_.reset();
    for (auto* t : {&send_, &recv_}) {
      if (*t && (*t)->socket) (*t)->socket->Close();
    }
    if (stream_) stream_->Close();
  }

  // --- public API ---------------------------------------------------------------------------------
  void Start() {
    if (phase_ != ClientPhase::kIdle) return;
    want_join_ = !config_.channel.empty();
    desired_channel_ = config_.channel;
    SetConnectionState(ConnectionState::kConnecting);
    phase_ = ClientPhase::kConnecting;
    Connect();
  }

  void Join(const std::string& channel) {
    want_join_ = true;
    desired_channel_ = channel;
    if (phase_ == ClientPhase::kIdle) {
      Start();
      return;
    }
    if (authenticated_ && stream_open()) {
      SendJoin();
    }
  }

  void Leave() {
    want_join_ = false;
    const std::string ch = channel_.empty() ? desired_channel_ : channel_;
    TeardownMedia();
    restoring_ = false;
    if (authenticated_ && stream_open() && !ch.empty()) SendMessage(protocol::LeaveVoice{ch});
    channel_.clear();
    if (phase_ != ClientPhase::kFailed && phase_ != ClientPhase::kReconnecting && phase_ != ClientPhase::kIdle) {
      phase_ = ClientPhase::kLeft;
    }
  }

  void SwitchChannel(const std::string& channel) {
    if (channel == channel_ && want_join_) return;
    TeardownMedia();
    restoring_ = false;
    channel_.clear();
    Join(channel);
  }

  void SetMuted(bool muted) {
    muted_ = muted;
    if (sender_) sender_->SetMuted(muted);
    if (muted) ReportSpeaking(false);
  }

  void SendRaw(std::string text) { SendText(std::move(text)); }
  void SetObserver(ClientObserver* observer) { observer_ = observer; }

  bool MediaComplete() const {
    if (!media_loaded_) return false;
    if (config_.publish_microphone && producer_id_.empty()) return false;
    if (!recv_ || !recv_->connected) return false;
    if (!queued_.empty()) return false;
    for (const auto& [id, r] : remote_) {
      if (r.kind != protocol::MediaKind::kAudio) continue;
      if (!r.resumed || r.packets == 0) return false;
    }
    return true;
  }

  // --- state read by WebClient ----------------------------------------------------------------------
  sim::Env env_;
  WebClientConfig config_;
  ClientObserver* observer_ = nullptr;
  ClientPhase phase_ = ClientPhase::kIdle;
  ConnectionStateMachine csm_;
  sim::Rng backoff_rng_;
  sim::Rng ssrc_rng_;
  ReconnectBackoff backoff_;
  RequestTracker tracker_;
  TransportHealth health_;
  ClientCounters counters_;
  std::string channel_;
  std::string user_id_;
  bool muted_ = false;
  bool speaking_sent_ = false;
  std::map<std::string, AudioStreamStats> stats_;

 private:
  using Weak = std::weak_ptr<Impl*>;
  using ResponseHandler = std::function<void(Impl*, const protocol::MediaSignalResponse&)>;

  struct Endpoint : sim::DatagramSocket::Receiver {
    Impl* owner = nullptr;
    TransportDirection direction = TransportDirection::kSend;
    std::string id;
    std::unique_ptr<sim::DatagramSocket> socket;
    sim::SocketAddress remote;
    std::string local_fingerprint;
    std::string remote_fingerprint;
    std::optional<protocol::SrtpSession> outbound;
    std::optional<protocol::SrtpSession> inbound;
    bool connected = false;
    bool received_any = false;
    sim::Timestamp last_received;
    void OnDatagram(const sim::SocketAddress& from, std::span<const uint8_t> data) override {
      owner->OnDatagram(*this, from, data);
    }
  };

  struct Remote {
    std::string producer_id;
    std::string username;
    protocol::MediaKind kind = protocol::MediaKind::kAudio;
    std::string consumer_id;
    uint32_t ssrc = 0;
    bool consuming = false;
    bool resumed = false;
    uint64_t packets = 0;
  };

  struct Outstanding {
    uint64_t epoch = 0;
    ResponseHandler handler;
  };

  bool stream_open() const { return stream_ && stream_->is_open(); }

  template <typename F>
  sim::EventId PostIn(sim::TimeDelta delay, F f) {
    return env_.scheduler->PostDelayed(delay, [w = Weak(alive_), f]() mutable {
      if (auto p = w.lock()) f(*p);
    });
  }

  void SetConnectionState(ConnectionState to) {
    if (!csm_.Transition(to).ok()) ++counters_.invalid_transitions;
  }

  void Emit(std::string_view name, std::string_view reason) {
    if (observer_) observer_->OnClientEvent(name, reason);
  }

  // --- signaling connection -------------------------------------------------------------------------
  void Connect() {
    if (env_.net == nullptr) {
      ScheduleReconnect("no network");
      return;
    }
    ++counters_.connect_attempts;
    const uint64_t attempt = ++connect_seq_;
    env_.net->Connect(config_.sfu_address, [w = Weak(alive_), attempt](std::unique_ptr<sim::MessageStream> stream,
                                                                       std::string_view error) {
      auto p = w.lock();
      if (!p) {
        if (stream) stream->Close();
        return;
      }
      (*p)->OnConnected(attempt, std::move(stream), error);
    });
  }

  void OnConnected(uint64_t attempt, std::unique_ptr<sim::MessageStream> stream, std::string_view error) {
    if (attempt != connect_seq_ || stream_) {  // a stale attempt
      if (stream) stream->Close();
      return;
    }
    if (!stream) {
      ++counters_.connect_failures;
      ScheduleReconnect(error);
      return;
    }
    stream_ = std::move(stream);
    stream_->SetListener(this);
    ++session_;
    authenticated_ = false;
    if (phase_ != ClientPhase::kReconnecting) phase_ = ClientPhase::kAuthenticating;
    SendMessage(protocol::Authenticate{config_.token, config_.username});
    ScheduleHeartbeat();
  }

  void OnMessage(std::string_view text) override {
    ++counters_.messages_received;
    auto decoded = protocol::DecodeServerMessage(text);
    if (!decoded.ok()) {
      ++counters_.decode_errors;
      return;
    }
    const protocol::ServerMessage& message = decoded.value();
    if (observer_) observer_->OnServerMessage(message);
    std::visit([this](const auto& m) { Handle(m); }, message);
  }

  void OnClosed(std::string_view reason) override {
    ++counters_.signaling_drops;
    DropSignaling(reason);
  }

  // Loses the signaling connection (or gives it up) and starts reconnecting.
  void DropSignaling(std::string_view reason) {
    const bool was_connected = csm_.state() == ConnectionState::kConnected;
    DiscardStream();
    TeardownMedia();
    authenticated_ = false;
    channel_.clear();
    if (was_connected) {
      SetConnectionState(ConnectionState::kReconnecting);
      Emit(kEventSignalingDisconnected, reason);
    }
    if (phase_ == ClientPhase::kFailed) return;
    phase_ = ClientPhase::kReconnecting;
    if (was_connected) restoring_ = want_join_;  // media existed (or was being set up) before
    ScheduleReconnect(reason);
  }

  void ScheduleReconnect(std::string_view /*reason*/) {
    env_.scheduler->Cancel(reconnect_timer_);
    auto delay = backoff_.NextDelay();
    if (!delay) {
      SetConnectionState(ConnectionState::kFailed);
      phase_ = ClientPhase::kFailed;
      return;
    }
    if (phase_ != ClientPhase::kConnecting) phase_ = ClientPhase::kReconnecting;
    reconnect_timer_ = PostIn(*delay, [](Impl* self) { self->Connect(); });
  }

  void DiscardStream() {
    env_.scheduler->Cancel(heartbeat_timer_);
    if (!stream_) return;
    stream_->Close();
    // Not destroyed here: we may be inside one of its callbacks.
    dead_streams_.push_back(std::move(stream_));
    ScheduleReap();
  }

  // Closed streams and endpoints are destroyed from a fresh event (never inside their own
  // callbacks); the Impl keeps owning them until then, so nothing outlives it in the scheduler.
  void ScheduleReap() {
    if (env_.scheduler->IsPending(reap_timer_)) return;
    reap_timer_ = PostIn(sim::TimeDelta::Zero(), [](Impl* self) {
      self->dead_streams_.clear();
      self->dead_endpoints_.clear();
    });
  }

  // --- sending ----------------------------------------------------------------------------------------
  bool SendText(std::string text) {
    if (!stream_open()) return false;
    ++counters_.messages_sent;
    last_sent_ = env_.Now();
    return stream_->Send(std::move(text));
  }

  bool SendMessage(const protocol::ClientMessage& message) { return SendText(protocol::EncodeClientMessage(message)); }

  void SendRequest(protocol::MediaSignalBody body, ResponseHandler handler) {
    const MediaAction action = protocol::ActionOf(body);
    auto id = tracker_.Issue(action, env_.Now(), media_epoch_);
    if (!id) return;
    ++counters_.requests_sent;
    outstanding_[*id] = Outstanding{media_epoch_, std::move(handler)};
    if (observer_) observer_->OnRequestSent(*id, action);
    SendMessage(protocol::MediaSignalRequest{*id, std::move(body)});
    ScheduleRequestTimer();
  }

  void ScheduleRequestTimer() {
    auto next = tracker_.NextDeadline();
    if (!next) return;
    if (env_.scheduler->IsPending(request_timer_) && request_deadline_ <= *next) return;
    env_.scheduler->Cancel(request_timer_);
    request_deadline_ = *next;
    request_timer_ = env_.scheduler->PostAt(std::max(*next, env_.Now()), [w = Weak(alive_)] {
      if (auto p = w.lock()) (*p)->OnRequestTimer();
    });
  }

  void OnRequestTimer() {
    bool current_failed = false;
    for (const PendingRequest& r : tracker_.ExpireUntil(env_.Now())) {
      ++counters_.timeouts;
      if (observer_) observer_->OnRequestTimedOut(r.request_id);
      auto it = outstanding_.find(r.request_id);
      if (it != outstanding_.end()) {
        if (it->second.epoch == media_epoch_ && media_active_) current_failed = true;
        outstanding_.erase(it);
      }
    }
    ScheduleRequestTimer();
    // A setup step that never got an answer: start over on a fresh connection.
    if (current_failed && stream_) DropSignaling("request timed out");
  }

  void ScheduleHeartbeat() {
    env_.scheduler->Cancel(heartbeat_timer_);
    heartbeat_timer_ = PostIn(kHeartbeatInterval, [](Impl* self) { self->OnHeartbeat(); });
  }

  void OnHeartbeat() {
    if (!stream_open()) return;
    const sim::TimeDelta quiet = env_.Now() - last_sent_;
    if (quiet >= kHeartbeatInterval) {
      ++counters_.pings_sent;
      SendMessage(protocol::Ping{});
      heartbeat_timer_ = PostIn(kHeartbeatInterval, [](Impl* self) { self->OnHeartbeat(); });
    } else {
      heartbeat_timer_ = PostIn(kHeartbeatInterval - quiet, [](Impl* self) { self->OnHeartbeat(); });
    }
  }

  // During a reconnection the phase stays kReconnecting until voice_joined arrives.
  void SendJoin() {
    phase_ = phase_ == ClientPhase::kReconnecting ? ClientPhase::kReconnecting : ClientPhase::kJoining;
    SendMessage(protocol::JoinVoice{desired_channel_});
  }

  void ReportSpeaking(bool speaking) {
    if (speaking == speaking_sent_) return;
    speaking_sent_ = speaking;
    if (channel_.empty() || !stream_open()) return;
    ++counters_.voice_activity_sent;
    SendMessage(protocol::VoiceActivity{channel_, speaking});
  }

  // --- server messages --------------------------------------------------------------------------------
  void Handle(const protocol::Authenticated& m) {
    authenticated_ = true;
    if (user_id_.empty()) user_id_ = m.user_id;
    const bool reconnecting = csm_.state() == ConnectionState::kReconnecting;
    if (csm_.state() != ConnectionState::kConnected) SetConnectionState(ConnectionState::kConnected);
    backoff_.Reset();
    if (reconnecting) {
      ++counters_.reconnects;
      Emit(kEventSignalingReconnected, "");
    }
    if (want_join_) {
      SendJoin();
    } else {
      phase_ = ClientPhase::kLeft;
    }
  }

  void Handle(const protocol::VoiceJoined& m) {
    ++counters_.joins;
    channel_ = m.channel_id;
    user_id_ = m.user_id;
    speaking_sent_ = false;
    Emit(kEventVoiceJoined, m.channel_id);
    StartMediaSetup();
  }

  void Handle(const protocol::VoiceLeft& m) {
    Emit(kEventVoiceLeft, m.channel_id);
    // Our own leave, a switch away from m.channel_id, or the server removed us: that channel's
    // media is gone. A switch to another channel keeps waiting for its voice_joined.
    if (channel_ == m.channel_id) {
      TeardownMedia();
      channel_.clear();
    }
    if (!want_join_) phase_ = ClientPhase::kLeft;
  }

  void Handle(const protocol::VoiceUserJoined&) {}
  void Handle(const protocol::VoiceUserLeft&) {}
  void Handle(const protocol::VoiceUserSpeaking&) {}
  void Handle(const protocol::VoicePresenceSnapshot&) {}
  void Handle(const protocol::Pong&) {}
  void Handle(const protocol::SignalingErrorNotice&) { ++counters_.server_errors; }

  void Handle(const protocol::MediaSignalResponse& m) {
    if (!m.request_id) {
      ++counters_.unknown_responses;
      return;
    }
    const RequestCompletion c = tracker_.Complete(*m.request_id);
    if (c.match == RequestMatch::kUnknown) {
      ++counters_.unknown_responses;
      return;
    }
    if (c.match == RequestMatch::kAlreadyFinished) {
      ++counters_.late_responses;
      return;
    }
    ++counters_.responses;
    if (m.is_error()) ++counters_.error_responses;
    auto it = outstanding_.find(*m.request_id);
    if (it == outstanding_.end()) return;
    Outstanding o = std::move(it->second);
    outstanding_.erase(it);
    if (o.epoch != media_epoch_ || !media_active_) return;  // from a media setup that is over
    o.handler(this, m);
  }

  void Handle(const protocol::NewProducer& m) {
    if (m.username == config_.username) return;  // never consume ourselves
    if (!media_active_) return;                   // the next setup's recv transport lists it
    if (!media_loaded_ || !recv_ || !recv_->connected) {
      if (queued_.size() < kMaxQueuedAnnouncements) queued_.push_back(m);
      return;
    }
    Consume(m);
  }

  void Handle(const protocol::ProducerClosed& m) {
    queued_.erase(std::remove_if(queued_.begin(), queued_.end(),
                                 [&](const protocol::NewProducer& p) { return p.producer_id == m.producer_id; }),
                  queued_.end());
    CloseRemote(m.producer_id);
    CheckMediaComplete();
  }

  void Handle(const protocol::MediaRouterReset& m) {
    if (m.channel_id != channel_) return;
    if (m.generation != 0 && m.generation <= last_router_generation_) return;  // stale
    last_router_generation_ = m.generation;
    ++counters_.router_resets;
    Emit(kEventWorkerRestarted, m.reason);
    restoring_ = true;
    StartMediaSetup();
  }

  // --- media setup ------------------------------------------------------------------------------------
  void StartMediaSetup() {
    TeardownMedia();
    ++media_epoch_;
    media_active_ = true;
    ++counters_.media_setups;
    phase_ = ClientPhase::kSettingUpMedia;
    SendRequest(protocol::GetRouterRtpCapabilitiesRequest{}, [](Impl* self, const protocol::MediaSignalResponse& r) {
      self->OnCapabilities(r);
    });
  }

  // A setup step failed with an error response. media_unavailable: the router is gone, a
  // media_router_reset will follow. Anything else: start over on a fresh connection.
  void OnSetupError(const protocol::MediaSignalResponse& r) {
    const auto& e = std::get<protocol::MediaSignalError>(r.outcome);
    if (e.code == "media_unavailable") return;
    DropSignaling("media setup failed: " + e.code);
  }

  void OnCapabilities(const protocol::MediaSignalResponse& r) {
    if (r.is_error()) return OnSetupError(r);
    const auto* caps = std::get_if<protocol::RouterRtpCapabilitiesResult>(&r.outcome);
    if (!caps) return;
    router_caps_ = caps->rtp_capabilities;
    auto device = LoadDeviceCapabilities(*router_caps_);
    if (!device.ok()) {
      DropSignaling(device.error().code);
      return;
    }
    device_caps_ = std::move(device.value());
    media_loaded_ = true;
    if (config_.publish_microphone) {
      SendRequest(protocol::CreateWebRtcTransportRequest{TransportDirection::kSend},
                  [](Impl* self, const protocol::MediaSignalResponse& resp) { self->OnTransportCreated(resp); });
    }
    SendRequest(protocol::CreateWebRtcTransportRequest{TransportDirection::kRecv},
                [](Impl* self, const protocol::MediaSignalResponse& resp) { self->OnTransportCreated(resp); });
  }

  void OnTransportCreated(const protocol::MediaSignalResponse& r) {
    if (r.is_error()) return OnSetupError(r);
    const auto* t = std::get_if<protocol::WebRtcTransportResult>(&r.outcome);
    if (!t) return;
    std::unique_ptr<Endpoint>& slot = t->direction == TransportDirection::kSend ? send_ : recv_;
    if (slot) CloseEndpoint(slot);
    auto ep = std::make_unique<Endpoint>();
    ep->owner = this;
    ep->direction = t->direction;
    ep->id = t->transport_id;
    std::optional<sim::SocketAddress> remote;
    for (const auto& c : t->ice_candidates) {
      if (c.protocol != "udp") continue;
      remote = sim::SocketAddress::Parse(c.ip + ":" + std::to_string(c.port));
      if (remote) break;
    }
    if (!remote || t->dtls_parameters.fingerprints.empty() || env_.net == nullptr) {
      DropSignaling("unusable transport parameters");
      return;
    }
    ep->remote = *remote;
    ep->remote_fingerprint = t->dtls_parameters.fingerprints.front().value;
    ep->local_fingerprint = MakeDtlsFingerprint("client:" + config_.username + ":" + t->transport_id);
    auto keys = protocol::DeriveSrtpKeys(protocol::SrtpProfile::kAeadAes128Gcm, ep->local_fingerprint,
                                         ep->remote_fingerprint, protocol::DtlsRole::kClient);
    if (!keys.ok()) {
      DropSignaling(keys.error().code);
      return;
    }
    auto out = protocol::SrtpSession::Create(
        {protocol::SrtpProfile::kAeadAes128Gcm, protocol::SrtpDirection::kOutbound, keys->outbound});
    auto in = protocol::SrtpSession::Create(
        {protocol::SrtpProfile::kAeadAes128Gcm, protocol::SrtpDirection::kInbound, keys->inbound});
    if (!out.ok() || !in.ok()) {
      DropSignaling("srtp_init_failed");
      return;
    }
    ep->outbound.emplace(std::move(out.value()));
    ep->inbound.emplace(std::move(in.value()));
    ep->socket = env_.net->OpenDatagram(0, ep.get());
    if (!ep->socket) {
      DropSignaling("cannot open a datagram socket");
      return;
    }
    slot = std::move(ep);
    health_.SetState(t->direction, TransportState::kConnecting, env_.Now());
    if (t->direction == TransportDirection::kRecv) {
      for (const auto& p : t->producers) {
        if (p.username == config_.username) continue;
        if (queued_.size() < kMaxQueuedAnnouncements) queued_.push_back(p);
      }
    }
    protocol::ConnectWebRtcTransportRequest req;
    req.transport_id = t->transport_id;
    req.dtls_parameters.role = protocol::DtlsSetupRole::kClient;
    req.dtls_parameters.fingerprints.push_back({std::string(kFingerprintAlgorithm), slot->local_fingerprint});
    const TransportDirection dir = t->direction;
    SendRequest(std::move(req), [dir](Impl* self, const protocol::MediaSignalResponse& resp) {
      self->OnTransportConnected(dir, resp);
    });
  }

  void OnTransportConnected(TransportDirection dir, const protocol::MediaSignalResponse& r) {
    if (r.is_error()) return OnSetupError(r);
    Endpoint* ep = (dir == TransportDirection::kSend ? send_ : recv_).get();
    if (!ep) return;
    ep->connected = true;
    health_.SetState(dir, TransportState::kConnected, env_.Now());
    SendRtcp(*ep);  // lets the SFU latch our address at once
    EnsureMediaTimers();
    if (dir == TransportDirection::kSend) {
      Produce();
    } else {
      std::vector<protocol::NewProducer> queued = std::move(queued_);
      queued_.clear();
      for (const auto& p : queued) Consume(p);
      CheckMediaComplete();
    }
  }

  void Produce() {
    if (!send_ || !router_caps_) return;
    if (ssrc_ == 0) {
      while (ssrc_ == 0) ssrc_ = static_cast<uint32_t>(ssrc_rng_.NextU64());
    }
    auto params = MakeMicrophoneRtpParameters(*router_caps_, ssrc_, config_.username);
    if (!params.ok()) {
      DropSignaling(params.error().code);
      return;
    }
    AudioSenderConfig sc;
    sc.ssrc = ssrc_;
    sc.payload_type = params->codecs.front().payload_type;
    sc.mid = std::string(kMicrophoneMid);
    sc.extension_ids = AudioExtensionIdsFor(*router_caps_);
    const protocol::OpusSettings opus = OpusSettingsFromCodec(params->codecs.front().parameters);
    if (!sender_) {
      auto created = AudioSender::Create(env_.Sub("audio_sender"), sc);
      if (!created.ok()) {
        DropSignaling(created.error().code);
        return;
      }
      sender_ = std::move(created.value());
      sender_->SetSendCallback([this](std::vector<uint8_t> packet) { OnSenderPacket(std::move(packet)); });
      sender_->SetVoiceActivityCallback([this](bool speaking) { ReportSpeaking(speaking && !muted_); });
      sender_->SetMuted(muted_);
    } else {
      (void)sender_->Reconfigure(sc);
    }
    (void)sender_->ApplyOpusSettings(opus);
    protocol::MediaProduceRequest req;
    req.transport_id = send_->id;
    req.kind = protocol::MediaKind::kAudio;
    req.source = protocol::MediaSource::kMicrophone;
    req.routing_mode = protocol::RoutingMode::kSfu;
    req.rtp_parameters = std::move(params.value());
    SendRequest(std::move(req), [](Impl* self, const protocol::MediaSignalResponse& resp) { self->OnProduced(resp); });
  }

  void OnProduced(const protocol::MediaSignalResponse& r) {
    if (r.is_error()) return OnSetupError(r);
    const auto* p = std::get_if<protocol::MediaProduceResult>(&r.outcome);
    if (!p) return;
    producer_id_ = p->producer_id;
    if (sender_) sender_->Start();
    CheckMediaComplete();
  }

  void Consume(const protocol::NewProducer& p) {
    if (p.username == config_.username) return;
    if (p.kind != protocol::MediaKind::kAudio) return;  // this client renders audio only
    if (remote_.count(p.producer_id)) return;
    Remote& r = remote_[p.producer_id];
    r.producer_id = p.producer_id;
    r.username = p.username;
    r.kind = p.kind;
    r.consuming = true;
    protocol::MediaConsumeRequest req;
    req.producer_id = p.producer_id;
    req.rtp_capabilities = device_caps_;
    const std::string producer_id = p.producer_id;
    SendRequest(std::move(req), [producer_id](Impl* self, const protocol::MediaSignalResponse& resp) {
      self->OnConsumed(producer_id, resp);
    });
  }

  void OnConsumed(const std::string& producer_id, const protocol::MediaSignalResponse& r) {
    auto it = remote_.find(producer_id);
    if (it == remote_.end()) return;  // closed meanwhile
    const auto* c = std::get_if<protocol::MediaConsumeResult>(&r.outcome);
    if (r.is_error() || !c) {
      // The producer went away (or cannot be consumed): nothing to wait for.
      CloseRemote(producer_id);
      CheckMediaComplete();
      return;
    }
    Remote& rem = it->second;
    rem.consumer_id = c->consumer_id;
    AudioReceiverConfig rc = AudioReceiverConfigFor(c->rtp_parameters);
    rem.ssrc = rc.ssrc;
    AudioStreamStats* stats = &stats_[rem.username];
    auto receiver = AudioReceiver::Create(env_.Sub("audio_receiver/" + rem.username), rc, stats);
    if (!receiver.ok()) {
      CloseRemote(producer_id);
      CheckMediaComplete();
      return;
    }
    receivers_[producer_id] = std::move(receiver.value());
    if (rem.ssrc != 0) ssrc_to_producer_[rem.ssrc] = producer_id;
    SendRequest(protocol::MediaResumeConsumerRequest{c->consumer_id},
                [producer_id](Impl* self, const protocol::MediaSignalResponse& resp) {
                  self->OnResumed(producer_id, resp);
                });
  }

  void OnResumed(const std::string& producer_id, const protocol::MediaSignalResponse& r) {
    auto it = remote_.find(producer_id);
    if (it == remote_.end()) return;
    if (r.is_error()) {
      CloseRemote(producer_id);
    } else {
      it->second.resumed = true;
    }
    CheckMediaComplete();
  }

  void CloseRemote(const std::string& producer_id) {
    auto it = remote_.find(producer_id);
    if (it == remote_.end()) return;
    if (it->second.ssrc != 0) ssrc_to_producer_.erase(it->second.ssrc);
    receivers_.erase(producer_id);
    remote_.erase(it);
  }

  void CheckMediaComplete() {
    if (!media_active_ || !MediaComplete()) return;
    if (phase_ == ClientPhase::kSettingUpMedia) phase_ = ClientPhase::kActive;
    if (restoring_) {
      restoring_ = false;
      ++counters_.media_restored;
      Emit(kEventMediaRestored, channel_);
    }
  }

  void CloseEndpoint(std::unique_ptr<Endpoint>& ep) {
    if (!ep) return;
    if (ep->socket) ep->socket->Close();
    // The socket may be the one whose callback is running: destroy later (Close stopped callbacks).
    dead_endpoints_.push_back(std::move(ep));
    ScheduleReap();
  }

  void TeardownMedia() {
    media_active_ = false;
    media_loaded_ = false;
    if (sender_) sender_->Stop();
    producer_id_.clear();
    receivers_.clear();
    remote_.clear();
    ssrc_to_producer_.clear();
    queued_.clear();
    CloseEndpoint(send_);
    CloseEndpoint(recv_);
    health_.Reset();
    env_.scheduler->Cancel(rtcp_timer_);
    env_.scheduler->Cancel(health_timer_);
    outstanding_.clear();  // their responses are now stale (the tracker still counts them)
  }

  // --- media plane --------------------------------------------------------------------------------------
  void EnsureMediaTimers() {
    if (!env_.scheduler->IsPending(rtcp_timer_)) {
      rtcp_timer_ = PostIn(kRtcpInterval, [](Impl* self) { self->OnRtcpTimer(); });
    }
    if (!env_.scheduler->IsPending(health_timer_)) {
      health_timer_ = PostIn(kHealthCheckInterval, [](Impl* self) { self->OnHealthTimer(); });
    }
  }

  void OnRtcpTimer() {
    for (Endpoint* ep : {send_.get(), recv_.get()}) {
      if (ep && ep->connected) SendRtcp(*ep);
    }
    rtcp_timer_ = PostIn(kRtcpInterval, [](Impl* self) { self->OnRtcpTimer(); });
  }

  void OnHealthTimer() {
    const sim::Timestamp now = env_.Now();
    // The SFU sends RTCP on a send transport while we produce, and on a recv transport for each
    // consumer that has forwarded something (an SR) while its producer lives: only then is
    // silence a sign of trouble.
    bool expect_recv = false;
    for (const auto& [id, r] : remote_) expect_recv |= r.packets > 0;
    for (Endpoint* ep : {send_.get(), recv_.get()}) {
      if (!ep || !ep->connected || !ep->received_any) continue;
      const bool expected = ep->direction == TransportDirection::kSend ? !producer_id_.empty() : expect_recv;
      if (!expected) {
        health_.SetState(ep->direction, TransportState::kConnected, now);
        continue;
      }
      const bool quiet = now - ep->last_received >= kTransportInactivity;
      health_.SetState(ep->direction, quiet ? TransportState::kDisconnected : TransportState::kConnected, now);
    }
    if (health_.Overall(now) == TransportState::kFailed) {
      ++counters_.transport_failures;
      DropSignaling("media transport failed");
      return;
    }
    health_timer_ = PostIn(kHealthCheckInterval, [](Impl* self) { self->OnHealthTimer(); });
  }

  void SendRtcp(Endpoint& ep) {
    std::vector<uint8_t> bytes;
    const uint32_t ssrc = ssrc_ != 0 ? ssrc_ : 1;
    if (ep.direction == TransportDirection::kSend && sender_ && sender_->counters().packets_sent > 0) {
      protocol::rtcp::SenderReport sr;
      sr.sender_ssrc = ssrc;
      sr.ntp_timestamp = ToNtp(env_.Now());
      sr.packet_count = static_cast<uint32_t>(sender_->counters().packets_sent);
      sr.octet_count = static_cast<uint32_t>(sender_->counters().payload_bytes_sent);
      if (sr.AppendTo(bytes).ok() == false) return;
    } else {
      protocol::rtcp::ReceiverReport rr;
      rr.sender_ssrc = ssrc;
      if (rr.AppendTo(bytes).ok() == false) return;
    }
    if (!ep.outbound || !ep.outbound->ProtectRtcp(bytes).ok()) {
      ++counters_.srtp_errors;
      return;
    }
    if (!ep.socket || !ep.socket->SendTo(ep.remote, bytes)) {
      ++counters_.send_failures;
      return;
    }
    ++counters_.rtcp_sent;
  }

  void OnSenderPacket(std::vector<uint8_t> packet) {
    if (!send_ || !send_->connected || producer_id_.empty() || !send_->outbound) return;
    if (!send_->outbound->ProtectRtp(packet).ok()) {
      ++counters_.srtp_errors;
      return;
    }
    if (!send_->socket || !send_->socket->SendTo(send_->remote, packet)) {
      ++counters_.send_failures;
      return;
    }
    ++counters_.rtp_sent;
  }

  void OnDatagram(Endpoint& ep, const sim::SocketAddress& /*from*/, std::span<const uint8_t> data) {
    if (data.size() < 2 || !ep.inbound) {
      ++counters_.malformed_packets;
      return;
    }
    std::vector<uint8_t> bytes(data.begin(), data.end());
    const uint8_t pt = bytes[1];
    if (pt >= kRtcpPtMin && pt <= kRtcpPtMax) {
      if (!ep.inbound->UnprotectRtcp(bytes).ok()) {
        ++counters_.srtp_errors;
        return;
      }
      ++counters_.rtcp_received;
      MarkReceived(ep);
      return;  // feedback is not acted upon by this client (audio only, no NACK/PLI)
    }
    if (!ep.inbound->UnprotectRtp(bytes).ok()) {
      ++counters_.srtp_errors;
      return;
    }
    MarkReceived(ep);
    auto view = protocol::RtpPacketView::Parse(bytes);
    if (!view.ok()) {
      ++counters_.malformed_packets;
      return;
    }
    ++counters_.rtp_received;
    auto it = ssrc_to_producer_.find(view->ssrc());
    if (it == ssrc_to_producer_.end()) {
      ++counters_.unknown_ssrc_packets;
      return;
    }
    auto rit = receivers_.find(it->second);
    if (rit == receivers_.end()) {
      ++counters_.unknown_ssrc_packets;
      return;
    }
    rit->second->OnRtp(view.value(), env_.Now());
    Remote& rem = remote_[it->second];
    if (rem.packets++ == 0) CheckMediaComplete();
  }

  void MarkReceived(Endpoint& ep) {
    ep.received_any = true;
    ep.last_received = env_.Now();
  }

  // --- members --------------------------------------------------------------------------------------
  std::shared_ptr<Impl*> alive_;
  std::unique_ptr<sim::MessageStream> stream_;
  uint64_t connect_seq_ = 0;
  uint64_t session_ = 0;
  bool authenticated_ = false;
  bool want_join_ = false;
  std::string desired_channel_;
  bool restoring_ = false;
  uint64_t last_router_generation_ = 0;
  sim::Timestamp last_sent_;

  sim::EventId reconnect_timer_;
  sim::EventId heartbeat_timer_;
  sim::EventId request_timer_;
  sim::Timestamp request_deadline_;
  sim::EventId rtcp_timer_;
  sim::EventId health_timer_;
  sim::EventId reap_timer_;
  std::vector<std::unique_ptr<sim::MessageStream>> dead_streams_;

  std::map<std::string, Outstanding> outstanding_;
  uint64_t media_epoch_ = 0;
  bool media_active_ = false;
  bool media_loaded_ = false;
  std::optional<protocol::RtpCapabilities> router_caps_;
  protocol::RtpCapabilities device_caps_;
  std::unique_ptr<Endpoint> send_;
  std::unique_ptr<Endpoint> recv_;
  uint32_t ssrc_ = 0;
  std::string producer_id_;
  std::unique_ptr<AudioSender> sender_;
  std::map<std::string, Remote> remote_;                              // by producer id
  std::map<std::string, std::unique_ptr<AudioReceiver>> receivers_;   // by producer id
  std::map<uint32_t, std::string> ssrc_to_producer_;
  std::vector<protocol::NewProducer> queued_;
  std::vector<std::unique_ptr<Endpoint>> dead_endpoints_;  // after Endpoint's definition
};

WebClient::WebClient(sim::Env env, WebClientConfig config)
    : impl_(std::make_unique<Impl>(env, std::move(config))) {}
WebClient::~WebClient() = default;

void WebClient::Start() { impl_->Start(); }
void WebClient::Join(const std::string& channel) { impl_->Join(channel); }
void WebClient::Leave() { impl_->Leave(); }
void WebClient::SwitchChannel(const std::string& channel) { impl_->SwitchChannel(channel); }
void WebClient::SetMuted(bool muted) { impl_->SetMuted(muted); }
void WebClient::SendRaw(std::string text) { impl_->SendRaw(std::move(text)); }
void WebClient::SetObserver(ClientObserver* observer) { impl_->SetObserver(observer); }

ClientPhase WebClient::phase() const { return impl_->phase_; }
const std::string& WebClient::channel() const { return impl_->channel_; }
const std::string& WebClient::user_id() const { return impl_->user_id_; }
const std::string& WebClient::username() const { return impl_->config_.username; }
ConnectionState WebClient::connection_state() const { return impl_->csm_.state(); }
TransportState WebClient::transport_state() const { return impl_->health_.Overall(impl_->env_.Now()); }
bool WebClient::muted() const { return impl_->muted_; }
bool WebClient::speaking() const { return impl_->speaking_sent_; }
bool WebClient::media_complete() const { return impl_->MediaComplete(); }
const std::map<std::string, AudioStreamStats>& WebClient::audio_stats() const { return impl_->stats_; }
const ClientCounters& WebClient::counters() const { return impl_->counters_; }

}  // namespace sfusim::clients
