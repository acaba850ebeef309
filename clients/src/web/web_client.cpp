// WebClient implementation. See web_client.h for the contract.
//
// Structure: one Impl owns the signaling stream, the two media transports (a datagram socket and
// two SRTP sessions each), the AudioSender and one AudioReceiver per consumed audio producer, the
// video publishers (camera, browser screen: VideoPublisher), the native screen share
// (NativeScreenShare, desktop only) and one VideoReceiver per consumed video producer.
// - Video producers follow "wants" (camera on, screen share on and its path): SyncVideo() compares
//   what is wanted with what exists whenever either changes, and issues the produce/close requests.
// - Native -> browser fallback: the native producer is closed and the browser screen producer
//   requested on the same signaling stream right after (the SFU handles them in order, so the one
//   screen producer limit holds); fallback_completed when that producer exists.
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
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "sfusim/clients/audio/audio_receiver.h"
#include "sfusim/clients/audio/audio_sender.h"
#include "sfusim/clients/connection_state_machine.h"
#include "sfusim/clients/device_capabilities.h"
#include "sfusim/clients/reconnect_policy.h"
#include "sfusim/clients/request_retry.h"
#include "sfusim/clients/request_tracker.h"
#include "sfusim/clients/rtcp_dispatcher.h"
#include "sfusim/clients/video/video_receiver.h"
#include "sfusim/clients/video_rtp_parameters.h"
#include "native_screen_share.h"
#include "video_publisher.h"
#include "sfusim/protocol/rtcp/nack.h"
#include "sfusim/protocol/rtcp/pli.h"
#include "sfusim/protocol/rtcp/receiver_report.h"
#include "sfusim/protocol/rtcp/rtcp_header.h"
#include "sfusim/protocol/rtcp/sender_report.h"
#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/receive_statistics.h"
#include "sfusim/protocol/rtp/rtp_mid.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"
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
uint64_t ToNtp(sim::Timestamp t) { return NtpFromTimestamp(t); }
// The lowest target a video sender is driven down to by the bandwidth controller.
constexpr int64_t kMinVideoBitrateBps = 100'000;
// A receiver's NACK/PLI go out with this as the media-source-independent sender SSRC when the
// client sends no audio (RFC 4585 allows any SSRC of ours; 1 is what the RRs use too).
constexpr uint32_t kReceiveOnlySsrc = 1;

std::string_view SourceName(protocol::MediaSource source) {
  return source == protocol::MediaSource::kScreen ? kVideoSourceScreen : kVideoSourceCamera;
}

}  // namespace

class WebClient::Impl : public sim::MessageStream::Listener {
 public:
  Impl(sim::Env env, WebClientConfig config)
      : env_(env),
        config_(std::move(config)),
        backoff_rng_(env.rng.Fork("reconnect")),
        ssrc_rng_(env.rng.Fork("ssrc")),
        backoff_(BackoffPolicy(config_), &backoff_rng_),
        alive_(std::make_shared<Impl*>(this)) {
    want_camera_ = config_.publish_camera;
    want_screen_ = config_.publish_screen;
    want_native_ = config_.publish_screen && config_.screen.native && config_.desktop;
    fault_rng_ = env.rng.Fork("fault_points");  // fault points never shift env.rng's draws
  }

  ~Impl() override {
    for (sim::EventId* t : {&reconnect_timer_, &heartbeat_timer_, &request_timer_, &rtcp_timer_, &health_timer_, &reap_timer_}) {
      env_.scheduler->Cancel(*t);
    }
    receivers_.clear();
    video_receivers_.clear();
    sender_.reset();
    if (native_) native_->Detach();
    native_.reset();
    for (auto& n : dead_natives_) n->Detach();
    dead_natives_.clear();
    camera_.reset();
    screen_.reset();
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

  // --- video (VIDEO_DESIGN.md V5) -------------------------------------------------------------------
  void SetCamera(bool on) {
    want_camera_ = on;
    SyncVideo();
    CheckMediaComplete();
  }

  void StartScreenShare(bool native) {
    const bool path_native = native && config_.desktop;
    if (want_screen_ && want_native_ == path_native) return;
    if (want_screen_) StopScreenShare();
    want_screen_ = true;
    // A retry of native after a fallback is allowed (no sticky flag; the mutant has one).
    want_native_ = path_native && !(config_.mutants.sticky_native_flag && native_attempted_);
    fallback_pending_ = false;
    SyncVideo();
  }

  void StopScreenShare() {
    want_screen_ = false;
    fallback_pending_ = false;
    SyncVideo();
    CheckMediaComplete();
  }

  void InjectEncoderFault(NativeFault fault, sim::Timestamp until) {
    const sim::Timestamp now = env_.Now();
    pending_faults_.erase(std::remove_if(pending_faults_.begin(), pending_faults_.end(),
                                         [&](const PendingFault& f) { return f.until <= now; }),
                          pending_faults_.end());
    if (until <= now) return;
    if (pending_faults_.size() < kMaxPendingFaults) pending_faults_.push_back({fault, until});
    if (native_) native_->SetFault(fault, until);
  }

  std::optional<NativeSenderStatus> NativeStatus() const {
    if (!native_) return std::nullopt;
    return native_->status();
  }

  // Video counters come from the publishers' own (they count what they encode and send).
  void RefreshVideoCounters() {
    uint64_t frames = retired_video_.frames, keys = retired_video_.key_frames,
             retrans = retired_video_.retransmissions;
    for (const VideoPublisher* p : {camera_.get(), screen_.get()}) {
      if (!p) continue;
      frames += p->stats().frames_encoded;
      keys += p->stats().key_frames;
      retrans += p->stats().retransmissions;
    }
    counters_.video_frames_sent = frames;
    counters_.video_key_frames_sent = keys;
    counters_.video_retransmissions = retrans;
  }

  bool MediaComplete() const {
    if (!media_loaded_) return false;
    if (config_.publish_microphone && !mic_producing_) return false;
    if (want_camera_ && camera_slot_.producer_id.empty()) return false;
    if (want_screen_ && native_producer_id_.empty() && screen_slot_.producer_id.empty()) return false;
    if (!recv_ || !recv_->connected) return false;
    if (!queued_.empty()) return false;
    for (const auto& [id, r] : remote_) {
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
  // The reconnect policy; the backoff_no_cap mutant lifts its maximum delay.
  static ReconnectPolicy BackoffPolicy(const WebClientConfig& config) {
    ReconnectPolicy p = config.reconnect;
    if (config.mutants.backoff_no_cap) p.max_delay = sim::TimeDelta::Seconds(kUncappedBackoffS);
    return p;
  }
  static constexpr int64_t kUncappedBackoffS = 24 * 3600;  // "no maximum" within any run
  bool native_attempted_ = false;  // the sticky_native_flag mutant's flag
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
  bool want_camera_ = false;
  bool want_screen_ = false;
  bool want_native_ = false;
  bool fallback_pending_ = false;  // fallback_triggered seen, the browser screen producer not yet
  std::map<std::string, VideoStreamStats> video_stats_;

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
    protocol::MediaSource source = protocol::MediaSource::kMicrophone;
    std::string consumer_id;
    uint32_t ssrc = 0;
    bool consuming = false;
    bool resumed = false;
    uint64_t packets = 0;
    // RFC 3550 reception statistics of the consumer's stream, for our RR report blocks.
    std::optional<protocol::ReceiveStatistics> reception;
  };

  // One video producer of ours on the send transport (camera or browser screen).
  struct ProducerSlot {
    protocol::MediaSource source = protocol::MediaSource::kCamera;
    std::string producer_id;
    bool pending = false;  // media_produce in flight
  };

  struct PendingFault {
    NativeFault fault;
    sim::Timestamp until;
  };
  static constexpr size_t kMaxPendingFaults = 64;

  struct Outstanding {
    uint64_t epoch = 0;
    ResponseHandler handler;
    protocol::MediaSignalBody body;  // kept for a repeat after a timeout (request_retry.h)
    int attempt = 1;                 // 1: the first send
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
    if (MaybeDelayNotification(message)) return;
    std::visit([this](const auto& m) { Handle(m); }, message);
  }

  // Fault point (client_fault_points.h): a new_producer / producer_closed handled later.
  bool MaybeDelayNotification(const protocol::ServerMessage& message) {
    const ClientFaultPoints& f = config_.fault_points;
    if (!f.any() || env_.Now() >= f.until) return false;
    if (!std::holds_alternative<protocol::NewProducer>(message) &&
        !std::holds_alternative<protocol::ProducerClosed>(message)) {
      return false;
    }
    if (delayed_.size() >= kMaxDelayedNotifications || !fault_rng_.Bernoulli(f.notification_delay_probability)) {
      return false;
    }
    const auto delay = sim::TimeDelta::Micros(
        1 + static_cast<int64_t>(fault_rng_.UniformInt(static_cast<uint64_t>(f.notification_delay_max.us()))));
    const uint64_t op = ++next_delayed_;
    delayed_[op] = DelayedNotification{session_, message};
    if (env_.trace) {
      env_.trace->RecordText(env_.Now(), sim::TraceKind::kEvent, env_.trace->Intern("client/" + config_.username),
                             "fault_point notification_delay " + std::to_string(delay.us()) + " us");
    }
    PostIn(delay, [op](Impl* self) { self->DeliverDelayed(op); });
    return true;
  }

  void DeliverDelayed(uint64_t op) {
    auto it = delayed_.find(op);
    if (it == delayed_.end()) return;
    DelayedNotification d = std::move(it->second);
    delayed_.erase(it);
    if (d.session != session_) return;  // the connection it came on is over
    std::visit([this](const auto& m) { Handle(m); }, d.message);
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
      self->dead_natives_.clear();
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

  void SendRequest(protocol::MediaSignalBody body, ResponseHandler handler, int attempt = 1) {
    const MediaAction action = protocol::ActionOf(body);
    auto id = tracker_.Issue(action, env_.Now(), media_epoch_);
    if (!id) return;
    ++counters_.requests_sent;
    outstanding_[*id] = Outstanding{media_epoch_, std::move(handler), body, attempt};
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

  // A request of the current media setup that timed out is repeated after a short backoff
  // (request_retry.h says why that is safe per action); one that timed out kMaxRequestAttempts
  // times makes the client start over on a fresh connection.
  void OnRequestTimer() {
    bool current_failed = false;
    for (const PendingRequest& r : tracker_.ExpireUntil(env_.Now())) {
      ++counters_.timeouts;
      if (observer_) observer_->OnRequestTimedOut(r.request_id);
      auto it = outstanding_.find(r.request_id);
      if (it == outstanding_.end()) continue;
      Outstanding o = std::move(it->second);
      outstanding_.erase(it);
      if (o.epoch != media_epoch_ || !media_active_) continue;
      const TimeoutPlan plan = PlanAfterTimeout(r.action, o.attempt);
      if (plan.repeat) {
        ScheduleRepeat(std::move(o), plan.delay);
      } else if (RepeatPolicyOf(r.action) != RepeatPolicy::kNeverRepeat) {
        current_failed = true;
      }
    }
    ScheduleRequestTimer();
    if (current_failed && stream_) DropSignaling("request timed out");
  }

  // The repeat goes out on the same connection and media setup only: a reconnection or a router
  // reset starts a new setup that sends its own requests.
  void ScheduleRepeat(Outstanding o, sim::TimeDelta delay) {
    const uint64_t session = session_;
    auto repeat = std::make_shared<Outstanding>(std::move(o));
    PostIn(delay, [repeat, session](Impl* self) { self->Repeat(std::move(*repeat), session); });
  }

  void Repeat(Outstanding o, uint64_t session) {
    if (session != session_ || o.epoch != media_epoch_ || !media_active_ || !stream_open()) return;
    // A consume for a producer that closed meanwhile would only leave a consumer nobody wants.
    if (const auto* c = std::get_if<protocol::MediaConsumeRequest>(&o.body); c && !remote_.count(c->producer_id)) {
      return;
    }
    ++counters_.request_retries;
    SendRequest(std::move(o.body), std::move(o.handler), o.attempt + 1);
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
    if (o.attempt > 1 && m.is_error()) {
      // A repeat after a timeout: the first copy may have taken effect (request_retry.h).
      const MediaAction action = protocol::ActionOf(o.body);
      switch (ClassifyRepeatError(action, std::get<protocol::MediaSignalError>(m.outcome).code)) {
        case RepeatAnswer::kAsAnswered:
          break;
        case RepeatAnswer::kAlreadyDone:
          if (auto ok = AssumedSuccess(action)) {
            protocol::MediaSignalResponse done = m;
            done.outcome = std::move(*ok);
            o.handler(this, done);
            return;
          }
          break;
        case RepeatAnswer::kExistsUnknownId:
          if (!NeedsCreatedId(o.body)) {  // the microphone producer
            OnMicrophoneProducing();
            return;
          }
          // What the lost answer carried cannot be asked for again: start over on a clean state.
          DropSignaling("request repeated after a lost response: " + std::string(protocol::ToString(action)) +
                        " exists");
          return;
      }
    }
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
    if (config_.publish_microphone || want_camera_ || want_screen_) RequestSendTransport();
    SendRequest(protocol::CreateWebRtcTransportRequest{TransportDirection::kRecv},
                [](Impl* self, const protocol::MediaSignalResponse& resp) { self->OnTransportCreated(resp); });
  }

  // The send transport is created at setup when something is published, or later when the camera
  // or a screen share is switched on.
  void RequestSendTransport() {
    if (send_ || send_requested_) return;
    send_requested_ = true;
    SendRequest(protocol::CreateWebRtcTransportRequest{TransportDirection::kSend},
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
      if (config_.publish_microphone) Produce();
      SyncVideo();
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
    OnMicrophoneProducing();  // the id itself is never needed (request_retry.h, NeedsCreatedId)
  }

  // The microphone producer exists on the SFU (its id may have been lost with its answer).
  void OnMicrophoneProducing() {
    mic_producing_ = true;
    if (sender_) sender_->Start();
    CheckMediaComplete();
  }

  void Consume(const protocol::NewProducer& p) {
    if (p.username == config_.username) return;
    if (p.kind == protocol::MediaKind::kVideo && p.source == protocol::MediaSource::kMicrophone) return;
    if (remote_.count(p.producer_id)) return;
    Remote& r = remote_[p.producer_id];
    r.producer_id = p.producer_id;
    r.username = p.username;
    r.kind = p.kind;
    r.source = p.source;
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
    if (rem.kind == protocol::MediaKind::kVideo) {
      if (!CreateVideoReceiver(rem, c->rtp_parameters)) {
        CloseRemote(producer_id);
        CheckMediaComplete();
        return;
      }
      SendRequest(protocol::MediaResumeConsumerRequest{c->consumer_id},
                  [producer_id](Impl* self, const protocol::MediaSignalResponse& resp) {
                    self->OnResumed(producer_id, resp);
                  });
      return;
    }
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
    if (rem.ssrc != 0) rem.reception.emplace(rem.ssrc, protocol::kOpusClockRateHz);
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
    video_receivers_.erase(producer_id);
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
    mic_producing_ = false;
    // Video: the SFU dropped (or will drop) every producer of the old media setup with it.
    for (ProducerSlot* slot : {&camera_slot_, &screen_slot_}) {
      if (VideoPublisher* pub = PublisherFor(slot->source).get()) pub->Stop();
      slot->producer_id.clear();
      slot->pending = false;
    }
    if (native_) {
      native_->Stop("media_teardown");
      native_->Detach();
      dead_natives_.push_back(std::move(native_));
      ScheduleReap();
    }
    native_producer_id_.clear();
    native_requested_ = false;
    send_requested_ = false;
    video_receivers_.clear();
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

  // --- video producers (VIDEO_DESIGN.md V5) ------------------------------------------------------------
  // Compares what is wanted with what exists and issues the requests that close the gap. Safe to
  // call at any time: without media (or before the send transport is up) it only asks for the
  // send transport; the next media setup calls it again.
  void SyncVideo() {
    if (!media_active_ || !media_loaded_ || !router_caps_) return;
    // Camera.
    if (want_camera_) {
      if (camera_slot_.producer_id.empty() && !camera_slot_.pending) EnsureVideoProducer(camera_slot_);
    } else {
      CloseVideoProducer(camera_slot_);
    }
    // Screen share: the native path (desktop) or the browser path.
    const bool native_path = want_screen_ && want_native_;
    const bool browser_path = want_screen_ && !want_native_;
    if (!native_path) StopNative(want_screen_ ? "fallback" : "user_stopped");
    if (browser_path) {
      if (screen_slot_.producer_id.empty() && !screen_slot_.pending) EnsureVideoProducer(screen_slot_);
    } else {
      CloseVideoProducer(screen_slot_);
    }
    if (native_path && !native_ && !native_requested_ && native_producer_id_.empty()) RequestNativeSession();
  }

  void EnsureVideoProducer(ProducerSlot& slot) {
    if (!send_ || !send_->connected) {
      RequestSendTransport();
      return;
    }
    VideoPublisher* pub = EnsurePublisher(slot.source);
    if (pub == nullptr) return;
    auto params = MakeVideoRtpParameters(*router_caps_, pub->ssrc(), config_.username,
                                         slot.source == protocol::MediaSource::kScreen ? kScreenMid : kCameraMid);
    if (!params.ok()) return;  // the router offers no H.264: nothing to publish, not a reason to drop
    protocol::MediaProduceRequest req;
    req.transport_id = send_->id;
    req.kind = protocol::MediaKind::kVideo;
    req.source = slot.source;
    req.routing_mode = protocol::RoutingMode::kSfu;
    req.rtp_parameters = std::move(params.value());
    slot.pending = true;
    const protocol::MediaSource source = slot.source;
    SendRequest(std::move(req), [source](Impl* self, const protocol::MediaSignalResponse& resp) {
      self->OnVideoProduced(source, resp);
    });
  }

  ProducerSlot& SlotFor(protocol::MediaSource source) {
    return source == protocol::MediaSource::kScreen ? screen_slot_ : camera_slot_;
  }
  std::unique_ptr<VideoPublisher>& PublisherFor(protocol::MediaSource source) {
    return source == protocol::MediaSource::kScreen ? screen_ : camera_;
  }

  // Publishers live as long as the client (their counters, SSRC and sequence numbers carry over
  // reconnects, like the microphone's); they are rebuilt only when the router's codec changes.
  VideoPublisher* EnsurePublisher(protocol::MediaSource source) {
    std::unique_ptr<VideoPublisher>& pub = PublisherFor(source);
    VideoPublisherConfig pc;
    const bool screen = source == protocol::MediaSource::kScreen;
    pc.screen = screen;
    if (screen) {
      const protocol::ResolutionTier tier = ScreenTierFor(config_.screen.tier);
      pc.width = tier.width;
      pc.height = tier.height;
      pc.fps = config_.screen.fps > 0 ? config_.screen.fps : kDefaultScreenFps;
      pc.max_bitrate_bps = config_.screen.bitrate_bps > 0 ? config_.screen.bitrate_bps : kDefaultScreenBitrateBps;
    } else {
      pc.width = config_.camera.width;
      pc.height = config_.camera.height;
      pc.fps = config_.camera.fps;
      pc.max_bitrate_bps = config_.camera.bitrate_bps;
    }
    pc.min_bitrate_bps = std::min(kMinVideoBitrateBps, pc.max_bitrate_bps);
    pc.ssrc = pub ? pub->ssrc() : NewSsrc();
    pc.payload_type = protocol::kPayloadTypeH264;
    if (auto params = MakeVideoRtpParameters(*router_caps_, pc.ssrc, config_.username, "")) {
      pc.payload_type = params->codecs.front().payload_type;
    }
    pc.mid = std::string(screen ? kScreenMid : kCameraMid);
    pc.mid_id = VideoExtensionIdFor(*router_caps_, protocol::RtpMid::kUri);
    pc.abs_send_time_id = VideoExtensionIdFor(*router_caps_, protocol::AbsSendTime::kUri);
    pc.transport_wide_cc_id = VideoExtensionIdFor(*router_caps_, protocol::TransportSequenceNumber::kUri);
    pc.abs_capture_time_id = VideoExtensionIdFor(*router_caps_, protocol::AbsCaptureTime::kUri);
    pc.seed = VideoSourceSeed(config_.username, screen ? kVideoSourceScreen : kVideoSourceCamera);
    if (pub && pub->config() == pc) return pub.get();
    if (pub) {
      RetireStats(*pub);
      pub.reset();
    }
    auto created = VideoPublisher::Create(env_.Sub(screen ? "screen_sender" : "camera_sender"), pc);
    if (!created.ok()) return nullptr;
    pub = std::move(created.value());
    pub->SetSendCallback([this, source](std::vector<uint8_t> packet) { return OnVideoPacket(source, std::move(packet)); });
    return pub.get();
  }

  void RetireStats(const VideoPublisher& pub) {
    retired_video_.frames += pub.stats().frames_encoded;
    retired_video_.key_frames += pub.stats().key_frames;
    retired_video_.retransmissions += pub.stats().retransmissions;
  }

  uint32_t NewSsrc() {
    uint32_t ssrc = 0;
    while (ssrc == 0 || ssrc == ssrc_ || (camera_ && camera_->ssrc() == ssrc) || (screen_ && screen_->ssrc() == ssrc)) {
      ssrc = static_cast<uint32_t>(ssrc_rng_.NextU64());
    }
    return ssrc;
  }

  void OnVideoProduced(protocol::MediaSource source, const protocol::MediaSignalResponse& r) {
    ProducerSlot& slot = SlotFor(source);
    slot.pending = false;
    if (r.is_error()) {
      const auto& e = std::get<protocol::MediaSignalError>(r.outcome);
      if (e.code == "media_unavailable") return;  // the router reset follows, and a new setup
      // Refused (a limit, bad parameters): give up on this source rather than loop; it is
      // retried at the next media setup.
      return;
    }
    const auto* p = std::get_if<protocol::MediaProduceResult>(&r.outcome);
    if (!p) return;
    slot.producer_id = p->producer_id;
    const bool wanted = source == protocol::MediaSource::kScreen ? (want_screen_ && !want_native_) : want_camera_;
    if (!wanted) {  // switched off while the request was in flight
      CloseVideoProducer(slot);
      return;
    }
    if (source == protocol::MediaSource::kScreen) {
      ++counters_.screen_produces;
    } else {
      ++counters_.camera_produces;
    }
    if (VideoPublisher* pub = PublisherFor(source).get()) pub->Start();
    if (source == protocol::MediaSource::kScreen && fallback_pending_) {
      fallback_pending_ = false;
      Emit(kEventFallbackCompleted, "browser screen producer " + slot.producer_id);
    }
    CheckMediaComplete();
  }

  void CloseVideoProducer(ProducerSlot& slot) {
    if (VideoPublisher* pub = PublisherFor(slot.source).get()) pub->Stop();
    if (slot.producer_id.empty()) return;
    const std::string id = std::move(slot.producer_id);
    slot.producer_id.clear();
    if (stream_open() && media_active_) {
      SendRequest(protocol::MediaCloseProducerRequest{id}, [](Impl*, const protocol::MediaSignalResponse&) {});
    }
  }

  bool OnVideoPacket(protocol::MediaSource source, std::vector<uint8_t> packet) {
    if (!send_ || !send_->connected || SlotFor(source).producer_id.empty() || !send_->outbound) return false;
    if (!send_->outbound->ProtectRtp(packet).ok()) {
      ++counters_.srtp_errors;
      return false;
    }
    if (!send_->socket || !send_->socket->SendTo(send_->remote, packet)) {
      ++counters_.send_failures;
      return false;
    }
    ++counters_.rtp_sent;
    ++counters_.video_rtp_sent;
    return true;
  }

  // --- native screen share (desktop, PROTOCOL.md §3) ------------------------------------------------------
  void RequestNativeSession() {
    native_requested_ = true;
    protocol::CreateNativeSenderSessionRequest req;
    req.preferred_codecs.emplace_back(kH264MimeType);
    SendRequest(std::move(req), [](Impl* self, const protocol::MediaSignalResponse& resp) { self->OnNativeSession(resp); });
  }

  void OnNativeSession(const protocol::MediaSignalResponse& r) {
    native_requested_ = false;
    if (!(want_screen_ && want_native_)) {
      // Stopped (or switched) while the session was being created: close its producer.
      if (const auto* s = std::get_if<protocol::NativeSenderSessionResult>(&r.outcome)) {
        SendRequest(protocol::MediaCloseProducerRequest{s->producer_id}, [](Impl*, const protocol::MediaSignalResponse&) {});
      }
      return;
    }
    if (r.is_error()) {
      const auto& e = std::get<protocol::MediaSignalError>(r.outcome);
      if (e.code == "media_unavailable") return;  // a router reset and a new setup follow
      // A negotiation failure is fatal for the native path (PROTOCOL.md §3): browser path.
      Emit(kEventFallbackTriggered, "negotiation_failed: " + e.code);
      StartFallback();
      return;
    }
    const auto* s = std::get_if<protocol::NativeSenderSessionResult>(&r.outcome);
    if (!s) return;
    ++counters_.native_sessions;
    native_producer_id_ = s->producer_id;
    auto target = sim::SocketAddress::Parse(s->rtp_target.ip + ":" + std::to_string(s->rtp_target.port));
    if (!target) {
      Emit(kEventFallbackTriggered, "transport_closed: unusable rtp_target");
      StartFallback();
      return;
    }
    NativeShareParams np;
    np.tier = std::string(ScreenTierFor(config_.screen.tier).name);
    np.fps = config_.screen.fps > 0 ? config_.screen.fps : kDefaultScreenFps;
    np.bitrate_bps = config_.screen.bitrate_bps > 0 ? config_.screen.bitrate_bps : kDefaultScreenBitrateBps;
    np.ssrc = s->ssrc;
    np.payload_type = s->payload_type;
    np.rtp_target = *target;
    np.thresholds = config_.thresholds;
    np.restart_pipeline_on_tier_change = config_.screen.restart_pipeline_on_tier_change;
    np.mutants = config_.mutants;
    native_attempted_ = true;
    np.seed = VideoSourceSeed(config_.username, kVideoSourceScreen);
    const uint64_t generation = ++native_generation_;
    auto created = NativeScreenShare::Create(
        env_.Sub("native_sender"), np, [this, generation](std::string_view name, std::string_view reason) {
          OnNativeEvent(generation, name, reason);
        });
    if (!created.ok()) {
      Emit(kEventFallbackTriggered, "native_sender_failed: " + created.error().code);
      StartFallback();
      return;
    }
    native_ = std::move(created.value());
    native_->SetProducerConnected(true);
    const sim::Timestamp now = env_.Now();
    for (const PendingFault& f : pending_faults_) {
      if (f.until > now) native_->SetFault(f.fault, f.until);
    }
    native_->Start();
    CheckMediaComplete();
  }

  // Runs inside the native sender's callbacks: only records and forwards; the switch to the
  // browser path happens from a fresh event, so the sender is never destroyed under itself.
  void OnNativeEvent(uint64_t generation, std::string_view name, std::string_view reason) {
    Emit(name, reason);
    if (name != kEventFallbackTriggered) return;
    PostIn(sim::TimeDelta::Zero(), [generation](Impl* self) {
      if (generation != self->native_generation_ || !self->native_) return;
      if (!(self->want_screen_ && self->want_native_)) return;
      self->StartFallback();
    });
  }

  // Native -> browser: close the native producer, produce the browser screen share.
  void StartFallback() {
    ++counters_.fallbacks;
    fallback_pending_ = true;
    want_native_ = false;  // for this share only: StartScreenShare(true) tries native again
    SyncVideo();           // stops the native sender, closes its producer, produces the browser one
  }

  void StopNative(std::string_view reason) {
    if (native_) {
      native_->Stop(reason);
      native_->Detach();
      dead_natives_.push_back(std::move(native_));
      ScheduleReap();
    }
    if (!native_producer_id_.empty()) {
      const std::string id = std::move(native_producer_id_);
      native_producer_id_.clear();
      if (stream_open() && media_active_) {
        SendRequest(protocol::MediaCloseProducerRequest{id}, [](Impl*, const protocol::MediaSignalResponse&) {});
      }
    }
  }

  // --- video consumers --------------------------------------------------------------------------------------
  bool CreateVideoReceiver(Remote& rem, const protocol::RtpParameters& consumer) {
    const VideoConsumerParams vp = VideoConsumerParamsFor(consumer);
    if (vp.ssrc == 0) return false;
    rem.ssrc = vp.ssrc;
    const std::string key = VideoStatsKey(rem.username, SourceName(rem.source));
    VideoReceiverConfig rc;
    rc.ssrc = vp.ssrc;
    rc.payload_type = vp.payload_type;
    rc.abs_capture_time_id = vp.abs_capture_time_id;
    rc.content = rem.source == protocol::MediaSource::kScreen ? VideoContent::kScreen : VideoContent::kCamera;
    rc.source_seed = VideoSourceSeed(rem.username, SourceName(rem.source));
    rc.nack_without_reorder_wait = config_.mutants.nack_for_reorder;
    auto receiver = VideoReceiver::Create(env_.Sub("video_receiver/" + key), rc, &video_stats_[key]);
    if (!receiver.ok()) return false;
    VideoReceiver* vr = receiver.value().get();
    vr->SetFeedbackSsrc(ssrc_ != 0 ? ssrc_ : kReceiveOnlySsrc);
    vr->SetRtcpCallback([this](std::vector<uint8_t> rtcp) { SendReceiverFeedback(std::move(rtcp)); });
    if (last_rtt_) vr->SetRtt(*last_rtt_);
    video_receivers_[rem.producer_id] = std::move(receiver.value());
    ssrc_to_producer_[vp.ssrc] = rem.producer_id;
    rem.reception.emplace(vp.ssrc, protocol::kVideoClockRateHz);
    return true;
  }

  // A VideoReceiver's NACK or PLI, SRTCP-protected on the recv transport.
  void SendReceiverFeedback(std::vector<uint8_t> rtcp) {
    if (!recv_ || !recv_->connected || !recv_->outbound || rtcp.size() < 2) return;
    const uint8_t pt = rtcp[1];
    const uint8_t fmt = rtcp[0] & 0x1F;
    if (!recv_->outbound->ProtectRtcp(rtcp).ok()) {
      ++counters_.srtp_errors;
      return;
    }
    if (!recv_->socket || !recv_->socket->SendTo(recv_->remote, rtcp)) {
      ++counters_.send_failures;
      return;
    }
    ++counters_.rtcp_sent;
    if (pt == protocol::rtcp::Nack::kPacketType && fmt == protocol::rtcp::Nack::kFmt) ++counters_.nacks_sent;
    if (pt == protocol::rtcp::Pli::kPacketType && fmt == protocol::rtcp::Pli::kFmt) ++counters_.plis_sent;
  }

  // RTCP the SFU sent on the send transport: feedback about our streams.
  void OnSendTransportRtcp(std::span<const uint8_t> bytes) {
    auto parsed = ParseRtcpFeedback(bytes);
    if (!parsed.ok()) {
      ++counters_.malformed_packets;
      return;
    }
    const RtcpFeedback& fb = parsed.value();
    const sim::Timestamp now = env_.Now();
    for (const auto& n : fb.nacks) {
      if (VideoPublisher* pub = PublisherBySsrc(n.media_ssrc)) {
        ++counters_.nacks_received;
        pub->OnNack(n.sequence_numbers);
      }
    }
    for (uint32_t ssrc : fb.key_frame_requests) {
      if (VideoPublisher* pub = PublisherBySsrc(ssrc)) {
        ++counters_.plis_received;
        pub->RequestKeyFrame();
      }
    }
    for (const auto& block : fb.report_blocks) {
      if (auto rtt = RttFromReportBlock(block, now)) {
        if (block.source_ssrc == ssrc_ || PublisherBySsrc(block.source_ssrc)) SetLastRtt(*rtt);
      }
      if (VideoPublisher* pub = PublisherBySsrc(block.source_ssrc)) pub->OnReportBlock(block, now);
    }
    for (const auto& remb : fb.rembs) {
      ++counters_.rembs_received;
      bool any = false;
      for (uint32_t ssrc : remb.ssrcs) {
        if (VideoPublisher* pub = PublisherBySsrc(ssrc)) {
          pub->OnRemb(remb.bitrate_bps);
          any = true;
        }
      }
      // A REMB naming none of our SSRCs (or none at all) is about the whole transport.
      if (!any) {
        for (VideoPublisher* pub : {camera_.get(), screen_.get()}) {
          if (pub) pub->OnRemb(remb.bitrate_bps);
        }
      }
    }
  }

  // RTCP the SFU sent on the recv transport: SRs about the consumers' streams (LSR for our RRs).
  void OnRecvTransportRtcp(std::span<const uint8_t> bytes) {
    auto parsed = ParseRtcpFeedback(bytes);
    if (!parsed.ok()) {
      ++counters_.malformed_packets;
      return;
    }
    for (const auto& sr : parsed->sender_reports) {
      auto it = ssrc_to_producer_.find(sr.ssrc);
      if (it == ssrc_to_producer_.end()) continue;
      auto rit = remote_.find(it->second);
      if (rit != remote_.end() && rit->second.reception) {
        rit->second.reception->OnSenderReport(sr.ntp_timestamp, env_.Now().us());
      }
    }
  }

  VideoPublisher* PublisherBySsrc(uint32_t ssrc) {
    if (ssrc == 0) return nullptr;
    if (camera_ && camera_->ssrc() == ssrc && !camera_slot_.producer_id.empty()) return camera_.get();
    if (screen_ && screen_->ssrc() == ssrc && !screen_slot_.producer_id.empty()) return screen_.get();
    return nullptr;
  }

  void SetLastRtt(sim::TimeDelta rtt) {
    last_rtt_ = rtt;
    for (auto& [id, vr] : video_receivers_) vr->SetRtt(rtt);
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
      const bool producing = mic_producing_ || !camera_slot_.producer_id.empty() || !screen_slot_.producer_id.empty();
      const bool expected = ep->direction == TransportDirection::kSend ? producing : expect_recv;
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

  // Send transport: an SR for every stream that has sent something (microphone, camera, screen),
  // else an RR. Recv transport: an RR with one report block per consumed stream (RFC 3550
  // reception statistics, LSR/DLSR from the SFU's SRs), at most 31.
  void SendRtcp(Endpoint& ep) {
    std::vector<uint8_t> bytes;
    const uint32_t ssrc = ssrc_ != 0 ? ssrc_ : kReceiveOnlySsrc;
    const sim::Timestamp now = env_.Now();
    bool any_sr = false;
    if (ep.direction == TransportDirection::kSend) {
      if (sender_ && sender_->counters().packets_sent > 0) {
        protocol::rtcp::SenderReport sr;
        sr.sender_ssrc = ssrc;
        sr.ntp_timestamp = ToNtp(now);
        sr.packet_count = static_cast<uint32_t>(sender_->counters().packets_sent);
        sr.octet_count = static_cast<uint32_t>(sender_->counters().payload_bytes_sent);
        if (sr.AppendTo(bytes).ok() == false) return;
        any_sr = true;
      }
      for (const VideoPublisher* pub : {camera_.get(), screen_.get()}) {
        if (pub && pub->AppendSenderReport(bytes, now)) any_sr = true;
      }
    }
    if (!any_sr) {
      protocol::rtcp::ReceiverReport rr;
      rr.sender_ssrc = ssrc;
      if (ep.direction == TransportDirection::kRecv) {
        for (auto& [id, r] : remote_) {
          if (!r.reception || !r.reception->valid()) continue;
          if (rr.report_blocks.size() >= protocol::rtcp::ReceiverReport::kMaxReportBlocks) break;
          rr.report_blocks.push_back(r.reception->GenerateReportBlock(now.us()));
        }
      }
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
    if (!send_ || !send_->connected || !mic_producing_ || !send_->outbound) return;
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
      if (ep.direction == TransportDirection::kSend) {
        OnSendTransportRtcp(bytes);
      } else {
        OnRecvTransportRtcp(bytes);
      }
      return;
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
    const std::string producer_id = it->second;
    auto rem_it = remote_.find(producer_id);
    if (rem_it == remote_.end()) {
      ++counters_.unknown_ssrc_packets;
      return;
    }
    Remote& rem = rem_it->second;
    if (rem.reception) rem.reception->OnRtpPacket(view->sequence_number(), view->timestamp(), env_.Now().us());
    if (rem.kind == protocol::MediaKind::kVideo) {
      auto vit = video_receivers_.find(producer_id);
      if (vit == video_receivers_.end()) {
        ++counters_.unknown_ssrc_packets;
        return;
      }
      ++counters_.video_rtp_received;
      vit->second->OnRtp(view.value(), env_.Now());
    } else {
      auto rit = receivers_.find(producer_id);
      if (rit == receivers_.end()) {
        ++counters_.unknown_ssrc_packets;
        return;
      }
      rit->second->OnRtp(view.value(), env_.Now());
    }
    // The receiver's callbacks may have changed remote_: look the entry up again.
    auto again = remote_.find(producer_id);
    if (again != remote_.end() && again->second.packets++ == 0) CheckMediaComplete();
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
  bool mic_producing_ = false;  // the microphone producer exists (its id may have been lost)
  std::unique_ptr<AudioSender> sender_;
  std::map<std::string, Remote> remote_;                              // by producer id
  std::map<std::string, std::unique_ptr<AudioReceiver>> receivers_;   // by producer id
  std::map<uint32_t, std::string> ssrc_to_producer_;
  std::vector<protocol::NewProducer> queued_;
  // Fault points (client_fault_points.h).
  struct DelayedNotification {
    uint64_t session = 0;
    protocol::ServerMessage message;
  };
  static constexpr std::size_t kMaxDelayedNotifications = 1024;
  sim::Rng fault_rng_{0};
  std::map<uint64_t, DelayedNotification> delayed_;
  uint64_t next_delayed_ = 0;
  std::vector<std::unique_ptr<Endpoint>> dead_endpoints_;  // after Endpoint's definition
  // Video.
  bool send_requested_ = false;                       // create_webrtc_transport(send) issued
  std::unique_ptr<VideoPublisher> camera_;
  std::unique_ptr<VideoPublisher> screen_;             // the browser screen share
  ProducerSlot camera_slot_{protocol::MediaSource::kCamera, {}, false};
  ProducerSlot screen_slot_{protocol::MediaSource::kScreen, {}, false};
  struct RetiredVideo {
    uint64_t frames = 0, key_frames = 0, retransmissions = 0;
  } retired_video_;
  std::unique_ptr<NativeScreenShare> native_;
  std::vector<std::unique_ptr<NativeScreenShare>> dead_natives_;
  std::string native_producer_id_;
  bool native_requested_ = false;                      // create_native_sender_session in flight
  uint64_t native_generation_ = 0;
  std::vector<PendingFault> pending_faults_;
  std::map<std::string, std::unique_ptr<VideoReceiver>> video_receivers_;  // by producer id
  std::optional<sim::TimeDelta> last_rtt_;
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
const ClientCounters& WebClient::counters() const {
  impl_->RefreshVideoCounters();
  return impl_->counters_;
}
void WebClient::InjectEncoderFault(NativeFault fault, sim::Timestamp until) { impl_->InjectEncoderFault(fault, until); }
const std::map<std::string, VideoStreamStats>& WebClient::video_stats() const { return impl_->video_stats_; }
std::optional<NativeSenderStatus> WebClient::native_status() const { return impl_->NativeStatus(); }
void WebClient::SetCamera(bool on) { impl_->SetCamera(on); }
void WebClient::StartScreenShare(bool native) { impl_->StartScreenShare(native); }
void WebClient::StopScreenShare() { impl_->StopScreenShare(); }
bool WebClient::camera_on() const { return impl_->want_camera_; }
bool WebClient::screen_sharing() const { return impl_->want_screen_; }
bool WebClient::screen_native() const { return impl_->want_screen_ && impl_->want_native_; }

}  // namespace sfusim::clients
