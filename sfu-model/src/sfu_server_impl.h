// SfuServer::Impl: the reference SFU's implementation (see sfu_server.h for the contract). It keeps
// every piece of state in ordered maps (conn_state.h, router_state.h and the records a router
// holds) and changes it only from event-loop callbacks; teardown of a connection is deferred to
// its own event so that no callback ever destroys what its caller is iterating.
//
// One class, its member functions defined by concern in:
//   sfu_server.cpp             construction, Start, teardown; SfuServer's forwarding
//   snapshot.cpp               Snapshot(), Changed() (state_version, observer)
//   signaling_dispatch.cpp     connections, auth, timeouts, rate limit, message dispatch, replies
//   voice_membership.cpp       join/leave/switch, presence, speaking
//   media_signal_handlers.cpp  transports, produce, consume, resume, close, native sender session
//   media_plane.cpp            datagrams in/out, RTP forwarding, RTCP (NACK, PLI/FIR, SR/RR),
//                              feedback to producers (RR blocks, REMB, upstream NACK)
//   workers.cpp                routers, codec change, worker crash/health/restart, router resets
//   plain_consumer.cpp         OpenPlainConsumer (real-network interop extension)
// Internal header: included only by those files.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "conn_state.h"
#include "router_state.h"
#include "sfu_server_impl_base.h"
#include "sfusim/protocol/rtcp/compound_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/sfu/rtp_forwarder.h"
#include "sfusim/sfu/sfu_server.h"
#include "sfusim/sfu/signaling_connection.h"
#include "sfusim/sim/net.h"

namespace sfusim::sfu {

// Connection keys start at 1, so a broadcast "except" 0 reaches everyone (the voice_echo mutant).
inline constexpr uint64_t kNoConnection = 0;
// The rate_limiter_no_reset mutant's window: longer than any run, so the window never slides.
inline constexpr int64_t kRateLimiterNeverResetsWindowUs = int64_t{1} << 60;

class SfuServer::Impl final : public SfuServerImplBase,
                              public SignalingConnection::Delegate,
                              public sim::StreamAcceptor,
                              public RtpForwarder::Sink {
 public:
  Impl(sim::Env env, SfuConfig config);
  ~Impl() override;
  bool Start(std::string* error);
  void SetObserver(SfuObserver* o) { observer_ = o; }
  void SetChannelCodec(const std::string& channel, const protocol::OpusSettings& opus);
  bool CrashWorker(int worker);
  // plain_consumer.cpp
  std::optional<PlainConsumerInfo> OpenPlainConsumer(const std::string& user_id, const std::string& producer_id,
                                                     const sim::SocketAddress& target, std::string* error);
  uint64_t state_version() const { return state_version_; }
  const SfuCounters& counters() const { return counters_; }
  SfuSnapshot Snapshot() const;

  // --- sim::StreamAcceptor ---------------------------------------------------------------------
  void OnAccept(std::unique_ptr<sim::MessageStream> stream) override;

  // --- SignalingConnection::Delegate -----------------------------------------------------------
  void OnMessage(SignalingConnection& sig, std::string_view text) override;
  void OnTimeout(SignalingConnection& sig, std::string_view code) override;
  void OnStreamClosed(SignalingConnection& sig, std::string_view reason) override;
  void OnSlowClient(SignalingConnection& sig) override;

  // --- media: SfuServerImplBase ----------------------------------------------------------------
  void OnTransportDatagram(TransportState& t, const sim::SocketAddress& from, std::span<const uint8_t> data) override;

  // --- RtpForwarder::Sink ----------------------------------------------------------------------
  void OnRtpOut(const RtpForwarder::Sent& sent, std::span<const uint8_t> packet) override;

 private:
  struct PendingProduce {
    uint64_t conn_key = 0;
    std::optional<std::string> request_id;
    protocol::MediaProduceRequest request;
    sim::EventId event;
  };
  // A media_signal request waiting for a slow worker (SfuFaultPoints::slow_worker).
  struct DeferredRequest {
    uint64_t conn_key = 0;
    protocol::MediaSignalRequest request;
    sim::EventId event;
  };

  // --- small helpers used by every file ----------------------------------------------------
  void Cancel(sim::EventId& id) {
    if (env_.scheduler) env_.scheduler->Cancel(id);
    id = {};
  }
  void Trace(std::string_view text) {
    if (env_.trace) env_.trace->RecordText(env_.Now(), sim::TraceKind::kEvent, trace_subject_, text);
  }
  ConnState* Conn(uint64_t key) {
    auto it = conns_.find(key);
    return it == conns_.end() ? nullptr : it->second.get();
  }
  std::string Subject(const ConnState& c) const { return c.authenticated ? c.user_id : c.sig->peer(); }

  // --- snapshot.cpp: observer notification --------------------------------------------------
  void Changed();

  // --- signaling_dispatch.cpp: replies, broadcasts, connection close, auth, dispatch ---------
  void ConnectionEvent(const ConnState& c, std::string_view what);
  void SendMsg(ConnState& c, const protocol::ServerMessage& m);
  void SendError(ConnState& c, std::string_view code, std::string message, std::optional<std::string> request_id);
  void Respond(ConnState& c, const std::optional<std::string>& request_id, protocol::MediaSignalOutcome outcome);
  void RespondError(ConnState& c, const std::optional<std::string>& request_id,
                    std::optional<protocol::MediaAction> action, std::string_view code, std::string message);
  void RespondRateLimited(ConnState& c, const std::optional<std::string>& request_id,
                          std::optional<protocol::MediaAction> action);
  void Broadcast(const std::string& channel, const protocol::ServerMessage& m, uint64_t except_key);
  void DeferClose(ConnState& c);
  void Reap();
  void HandleAuthenticate(ConnState& c, const protocol::Authenticate& m);
  void HandleMediaSignal(ConnState& c, protocol::MediaSignalRequest& req);
  // The part of HandleMediaSignal that runs on the channel's worker (at once, or after a slow
  // worker's latency: then the connection, its channel and the router are as they are by then).
  void DispatchMediaSignal(ConnState& c, protocol::MediaSignalRequest& req);
  void CompleteDeferredRequest(uint64_t op);
  // A fault point of config_.fault_points fires (drawn from fault_rng_; never after `until`).
  bool FaultFires(double probability);

  // --- voice_membership.cpp ----------------------------------------------------------------
  void HandleJoin(ConnState& c, const std::string& channel);
  void SendPresence(ConnState& c);
  void HandleLeave(ConnState& c, const std::string& channel);
  void LeaveChannel(ConnState& c, bool notify_self);
  void HandleVoiceActivity(ConnState& c, const protocol::VoiceActivity& m);

  // --- media_signal_handlers.cpp: transports, produce, consume, native sender -------------
  uint32_t AllocateSsrc(RouterState& r);
  TransportState* OpenTransport(ConnState& c, RouterState& router, protocol::TransportDirection dir, bool plain);
  void CloseTransport(RouterState& router, const std::string& id);
  std::vector<protocol::NewProducer> ChannelProducers(const RouterState& router, uint64_t except_conn) const;
  void CreateWebRtcTransport(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                             const protocol::CreateWebRtcTransportRequest& m);
  void ConnectTransport(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                        const protocol::ConnectWebRtcTransportRequest& m);
  int CountSource(const ConnState& c, const RouterState& router, protocol::MediaSource source) const;
  bool OverSourceLimit(const ConnState& c, const RouterState& router, protocol::MediaSource source) const;
  bool ValidateProduce(ConnState& c, RouterState& router, const std::optional<std::string>& request_id,
                       const protocol::MediaProduceRequest& m);
  void Produce(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
               const protocol::MediaProduceRequest& m);
  void CompletePendingProduce(uint64_t op);
  ProducerState& AddProducer(ConnState& c, RouterState& router, const std::string& transport_id,
                             protocol::MediaKind kind, protocol::MediaSource source, uint32_t ssrc,
                             protocol::RtpParameters rtp, bool native);
  void CreateProducer(ConnState& c, RouterState& router, const std::optional<std::string>& request_id,
                      const protocol::MediaProduceRequest& m);
  // Registers a consumer of `producer` for connection c on transport t (router maps, transport,
  // connection, the forwarder's route with a random initial seq/timestamp); `paused` as it starts.
  ConsumerState& AddConsumer(ConnState& c, RouterState& router, ProducerState& producer, TransportState& t,
                             uint32_t ssrc, bool paused);
  void Consume(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
               const protocol::MediaConsumeRequest& m);
  void ResumeConsumer(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                      const protocol::MediaResumeConsumerRequest& m);
  void CloseProducerRequest(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                            const protocol::MediaCloseProducerRequest& m);
  void CloseConsumer(RouterState& router, const std::string& id);
  void CloseProducer(RouterState& router, const std::string& id, bool notify);
  void CloseConnMedia(ConnState& c, bool notify);
  uint32_t NativeSsrc(const ConnState& c, const RouterState& router) const;
  void CreateNativeSession(ConnState& c, RouterState& router, const protocol::MediaSignalRequest& req,
                           const protocol::CreateNativeSenderSessionRequest& m);

  // --- media_plane.cpp: RTP/RTCP in and out, key-frame requests, SR/RR ---------------------
  void HandleRtp(RouterState& router, TransportState& t, const std::vector<uint8_t>& buf);
  void HandleRtcp(RouterState& router, TransportState& t, const std::vector<uint8_t>& buf);
  ConsumerState* ConsumerOn(RouterState& router, const TransportState& t, uint32_t ssrc);
  void KeyFrameRequestFrom(RouterState& router, const TransportState& t, uint32_t consumer_ssrc);
  void RequestKeyFrame(RouterState& router, ProducerState& p);
  void SendRtcp(TransportState& t, std::vector<uint8_t> bytes);
  void ArmRtcp();
  void SendReports();
  // Upstream feedback to video producers: NACK for missing input (a timer that runs only while
  // something is missing), SR bookkeeping for LSR/DLSR, REMB and RR blocks in SendReports().
  static uint8_t AbsSendTimeId(const protocol::RtpParameters& rtp);
  void OnProducerRtp(RouterState& router, ProducerState& p, const protocol::RtpPacketView& view);
  void HandleSenderReport(RouterState& router, const TransportState& t, const protocol::rtcp::SenderReport& sr);
  void ArmNack();
  void ProcessNacks();
  void AppendProducerFeedback(RouterState& router, ProducerState& p, int64_t now_us,
                              protocol::rtcp::ReceiverReport& rr, protocol::rtcp::CompoundPacket& compound,
                              uint32_t sender_ssrc);

  // --- workers.cpp: routers, codec changes, worker health and restart -----------------------
  protocol::OpusSettings ChannelSettings(const std::string& channel) const;
  void BuildCaps(RouterState& r, const protocol::OpusSettings& opus);
  RouterState& EnsureRouter(const std::string& channel, uint64_t joiner);
  void KillRouterMedia(RouterState& router);
  void ArmHealth();
  void CheckWorkers();
  void RestartWorker(int w);

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
  sim::Rng fault_rng_{0};  // env_.rng.Fork("fault_points"): fault points never shift env_.rng
  std::map<uint64_t, DeferredRequest> deferred_requests_;
  uint64_t next_deferred_ = 0;
  std::set<uint64_t> closing_;

  sim::EventId health_timer_;
  sim::EventId rtcp_timer_;
  sim::EventId nack_timer_;
  std::vector<uint16_t> nack_scratch_;
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

}  // namespace sfusim::sfu
