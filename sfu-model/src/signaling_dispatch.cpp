// SfuServer::Impl's signaling side: accepting connections, decoding and dispatching their
// messages, authentication, rate limiting, auth/idle/slow-client timeouts, sending replies and
// broadcasts, and the deferred close (reaper) of connections.
#include <utility>
#include <variant>

#include "sfu_server_impl.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"
#include "sfusim/sfu/auth_token.h"

namespace sfusim::sfu {

namespace err = protocol::signaling_error;
using protocol::MediaAction;

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

void SfuServer::Impl::OnAccept(std::unique_ptr<sim::MessageStream> stream) {
  if (conns_.size() >= kMaxConnections) {
    ++counters_.connections_refused;
    stream->Close();
    return;
  }
  ++counters_.connections_accepted;
  auto conn = std::make_unique<ConnState>();
  conn->key = ++next_conn_key_;
  if (config_.mutants.rate_limiter_no_reset) {
    conn->limiter = protocol::RateLimiter(protocol::kRateLimitMaxEvents, kRateLimiterNeverResetsWindowUs);
  }
  conn->sig = std::make_unique<SignalingConnection>(env_, conn->key, std::move(stream), this);
  ConnState& c = *conn;
  conns_[c.key] = std::move(conn);
  Trace("accept " + c.sig->peer());
  c.sig->Start();
}

void SfuServer::Impl::OnMessage(SignalingConnection& sig, std::string_view text) {
  ConnState* c = Conn(sig.key());
  if (c == nullptr || c->closing) return;
  ++counters_.messages_received;
  protocol::DecodeDiagnostics diag;
  auto decoded = protocol::DecodeClientMessage(text, &diag);
  if (!decoded.ok() && config_.mutants.unbounded_preferred_codecs && c->authenticated &&
      diag.action == MediaAction::kCreateNativeSenderSession && decoded.error().code == err::kTooManyItems &&
      diag.pointer == "/preferred_codecs") {
    // Mutant: no bound on the list, the request is served. (sfusim's decoder stops at the bound
    // and keeps no list, so the session is created with none given: H.264; what a client sees is
    // the defect's effect: no error, a native session.)
    protocol::MediaSignalRequest unbounded;
    unbounded.request_id = diag.request_id;
    unbounded.body = protocol::CreateNativeSenderSessionRequest{};
    HandleMediaSignal(*c, unbounded);
    return;
  }
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

void SfuServer::Impl::OnTimeout(SignalingConnection& sig, std::string_view code) {
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

void SfuServer::Impl::OnStreamClosed(SignalingConnection& sig, std::string_view reason) {
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

void SfuServer::Impl::OnSlowClient(SignalingConnection& sig) {
  ConnState* c = Conn(sig.key());
  if (c == nullptr || c->closing) return;
  ++counters_.slow_client_disconnects;
  ConnectionEvent(*c, "slow_client_disconnected");
  DeferClose(*c);
}

void SfuServer::Impl::ConnectionEvent(const ConnState& c, std::string_view what) {
  Trace("connection " + Subject(c) + " " + std::string(what));
  if (observer_) observer_->OnConnectionEvent(Subject(c), what);
}

void SfuServer::Impl::SendMsg(ConnState& c, const protocol::ServerMessage& m) {
  if (c.closing) return;
  if (c.sig->Send(protocol::EncodeServerMessage(m))) ++counters_.messages_sent;
}

void SfuServer::Impl::SendError(ConnState& c, std::string_view code, std::string message,
                                std::optional<std::string> request_id) {
  ++counters_.error_responses;
  SendMsg(c, protocol::SignalingErrorNotice{std::string(code), std::move(message), std::move(request_id)});
}

bool SfuServer::Impl::FaultFires(double probability) {
  if (probability <= 0 || env_.Now() >= config_.fault_points.until) return false;
  return fault_rng_.Bernoulli(probability);
}

void SfuServer::Impl::Respond(ConnState& c, const std::optional<std::string>& request_id,
                              protocol::MediaSignalOutcome outcome) {
  if (FaultFires(config_.fault_points.lost_response_probability)) {
    // Fault point: the state change is done, its response is lost; the client must time out.
    Trace("fault_point lost_response " + Subject(c) + " " + request_id.value_or("-"));
    return;
  }
  SendMsg(c, protocol::MakeMediaSignalResult(request_id, std::move(outcome)));
}

void SfuServer::Impl::RespondError(ConnState& c, const std::optional<std::string>& request_id,
                                   std::optional<MediaAction> action, std::string_view code, std::string message) {
  ++counters_.error_responses;
  SendMsg(c, protocol::MakeMediaSignalError(request_id, action, code, std::move(message)));
}

void SfuServer::Impl::RespondRateLimited(ConnState& c, const std::optional<std::string>& request_id,
                                         std::optional<MediaAction> action) {
  ++counters_.rate_limited;
  RespondError(c, request_id, action, err::kRateLimited, "over 80 media_signal events in 5 s");
}

void SfuServer::Impl::Broadcast(const std::string& channel, const protocol::ServerMessage& m, uint64_t except_key) {
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

void SfuServer::Impl::DeferClose(ConnState& c) {
  if (c.closing) return;
  c.closing = true;
  c.sig->Close();
  closing_.insert(c.key);
  if (!reaper_timer_.valid()) {
    reaper_timer_ = env_.scheduler->Post([this] { Reap(); });
  }
}

void SfuServer::Impl::Reap() {
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

void SfuServer::Impl::HandleAuthenticate(ConnState& c, const protocol::Authenticate& m) {
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

void SfuServer::Impl::HandleMediaSignal(ConnState& c, protocol::MediaSignalRequest& req) {
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
  if (!c.channel.empty() && env_.Now() < config_.fault_points.until &&
      config_.fault_points.SlowWorker(routers_.at(c.channel)->worker)) {
    // Fault point: the worker is slow; the request is handled after its latency, in order.
    const uint64_t op = ++next_deferred_;
    DeferredRequest& d = deferred_requests_[op];
    d.conn_key = c.key;
    d.request = req;
    d.event = env_.scheduler->PostDelayed(config_.fault_points.slow_worker_latency,
                                          [this, op] { CompleteDeferredRequest(op); });
    Trace("fault_point slow_worker " + Subject(c) + " " + req.request_id.value_or("-"));
    return;
  }
  DispatchMediaSignal(c, req);
}

void SfuServer::Impl::CompleteDeferredRequest(uint64_t op) {
  auto it = deferred_requests_.find(op);
  if (it == deferred_requests_.end()) return;
  DeferredRequest d = std::move(it->second);
  deferred_requests_.erase(it);
  ConnState* c = Conn(d.conn_key);
  if (c == nullptr || c->closing) return;  // nobody left to answer
  DispatchMediaSignal(*c, d.request);
}

void SfuServer::Impl::DispatchMediaSignal(ConnState& c, protocol::MediaSignalRequest& req) {
  const MediaAction action = req.action();
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

}  // namespace sfusim::sfu
