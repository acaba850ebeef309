// NativeSender: the desktop client's native screen-share sender (PROTOCOL.md §3, VIDEO_DESIGN.md
// V3). Created by the client after create_native_sender_session succeeded.
//
// Pipeline, all in simulated time on env.scheduler:
//   capture timer at the current fps (frame k of a run at start + k/fps) -> bounded frame queue
//   (config.frame_queue_capacity; full: the oldest queued frame is dropped before encode,
//   counted) -> ONE encoder, busy for EncodeTimeModel's time (x slow_encode_factor while a
//   `slow_encode` fault is active) -> the picture is rendered (SyntheticVideoSource kScreen,
//   config.source_seed, at the tier's resolution) and really encoded (H264Encoder, screen
//   content, behind a FaultyVideoEncoder) when the modelled time has passed -> VideoRtpSender
//   (pt/ssrc from the config) -> one plain datagram socket from env.net to config.rtp_target (no
//   SRTP, RTP and RTCP muxed; comedia: the SFU latches our address from our first packet).
// RTCP out: SR + SDES (cname "native-<ssrc hex>") right after Start and every kNativeRtcpInterval.
// RTCP in (same socket, only from rtp_target): PLI/FIR about our SSRC -> next frame is an IDR;
// NACK -> retransmission with the same seq; RR/SR block about our SSRC -> RTT (A - LSR - DLSR)
// and loss into a BandwidthController (PROTOCOL.md §5: x0.8 / x1.2, clamped to
// [kNativeMinTargetBitrateBps, config.bitrate_bps]); REMB about our SSRC caps it. The encoder
// gets min(controller target, SetTargetBitrate's cap), then the ladder's bitrate rungs.
// Anything else (other senders' datagrams, bad bytes) is counted and ignored.
//
// Failures (FailureClassifier, thresholds in config.thresholds): every encode failure emits
// `encode_error`, every failed packet send `transport_error`; crossing a threshold (or
// OnProducerFailed / OnTransportClosed, or the socket failing to open) -> fallback: the timers
// are cancelled, the socket closed, state kFallenBack, `fallback_triggered` with the reason, and
// nothing more is sent. The degradation ladder (fps, tier, bitrate) acts on pressure: a frame
// dropped before encode, or an encode (modelled time) longer than the frame interval.
//
// Lifecycle: Start/Stop/Dispose are idempotent and race-free. Start in kIdle/kStopped/kFallenBack
// runs (a new run: the next frame is an IDR, the ladder starts again from config's tier/fps, the
// failure windows are emptied; there is no sticky "native attempted" flag). Stop of a running
// sender emits sender_stopped(reason); an in-flight modelled encode is discarded. Dispose stops
// (reason "disposed") and makes every later call a no-op. The destructor cancels every timer and
// closes the socket (emitting nothing). Deterministic: env.scheduler time, env.rng only (the RTP
// sequence start comes from env.rng.Fork("rtp")).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/clients/bandwidth/bandwidth_controller.h"
#include "sfusim/clients/native/degradation_ladder.h"
#include "sfusim/clients/native/encode_time_model.h"
#include "sfusim/clients/native/failure_classifier.h"
#include "sfusim/clients/native/native_fault.h"
#include "sfusim/clients/native/native_sender_config.h"
#include "sfusim/clients/native/native_sender_listener.h"
#include "sfusim/clients/native/native_sender_status.h"
#include "sfusim/clients/video/i420_frame.h"
#include "sfusim/protocol/rtcp/report_block.h"
#include "sfusim/protocol/result.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/net.h"

namespace sfusim::clients {

class VideoEncoder;
class VideoRtpSender;
class SyntheticVideoSource;
class FaultyVideoEncoder;

inline constexpr sim::TimeDelta kNativeRtcpInterval = sim::TimeDelta::Seconds(1);
// Bandwidth target bounds (PROTOCOL.md §5 clamps to [min, max]; these are the native sender's).
// The bandwidth controller's floor (a REMB of 0 or heavy loss never stalls the share below it).
inline constexpr int64_t kNativeMinTargetBitrateBps = 150'000;

class NativeSender {
 public:
  // Creates the real OpenH264 encoder (screen content) at config's tier. Errors: "invalid_argument"
  // (config, see native_sender_config.h), the encoder's errors.
  static protocol::Result<std::unique_ptr<NativeSender>> Create(sim::Env env, NativeSenderConfig config,
                                                                NativeSenderListener* listener);
  // The same with a given encoder (tests: a fake one). `encoder` must not be null.
  static protocol::Result<std::unique_ptr<NativeSender>> CreateWithEncoder(sim::Env env, NativeSenderConfig config,
                                                                           NativeSenderListener* listener,
                                                                           std::unique_ptr<VideoEncoder> encoder);
  ~NativeSender();
  NativeSender(const NativeSender&) = delete;
  NativeSender& operator=(const NativeSender&) = delete;

  void Start();
  void Stop(std::string_view reason);
  void Dispose();

  // Scenario hooks: the fault is active until `until` (a later call replaces the time; a time in
  // the past clears it). Kept across Stop/Start.
  void SetFault(NativeFault fault, sim::Timestamp until);
  bool fault_active(NativeFault fault) const;
  // A cap from outside (the client); the sender's own controller (RR/REMB) still applies below it.
  void SetTargetBitrate(int64_t bps);
  void RequestKeyFrame();  // as a PLI would

  // Fatal failures the client sees on signaling (PROTOCOL.md §3): fall back at once when running.
  void OnProducerFailed(std::string_view detail);
  void OnTransportClosed(std::string_view detail);
  void SetProducerConnected(bool connected);

  NativeSenderStatus status() const;
  const NativeSenderCounters& counters() const { return counters_; }
  const NativeSenderConfig& config() const { return config_; }
  NativeSenderState state() const { return state_; }
  std::string cname() const;
  std::optional<sim::TimeDelta> rtt() const { return rtt_; }  // from the last RR about our SSRC
  double last_fraction_lost() const { return last_fraction_lost_; }
  std::optional<int64_t> remb_bps() const { return remb_cap_bps_; }  // the last REMB about our SSRC
  const BandwidthController& bandwidth() const { return bandwidth_; }
  std::optional<sim::SocketAddress> local_address() const;  // of the RTP socket while open

 private:
  struct QueuedFrame {
    uint32_t frame_number = 0;
    sim::Timestamp capture_time;
  };
  struct PendingEvent {
    std::string_view name;  // one of the kNativeEvent* constants
    std::string reason;
  };
  class SocketReceiver;

  NativeSender(sim::Env env, NativeSenderConfig config, NativeSenderListener* listener,
               std::unique_ptr<FaultyVideoEncoder> encoder, DegradationLadder ladder, int start_tier_index);

  static sim::TimeDelta FrameInterval(int fps);
  sim::TimeDelta ModelledEncodeTime(int tier_index) const;
  void ScheduleCapture();
  void OnCaptureTick();
  void MaybeStartEncode();
  void OnEncodeDone();
  void ScheduleRtcp();
  void SendRtcp();
  void OnDatagram(const sim::SocketAddress& from, std::span<const uint8_t> data);
  void OnReportBlock(const protocol::rtcp::ReportBlock& block);
  // One datagram to rtp_target; false (and a transport_error, and maybe a fallback) on failure.
  bool SendDatagram(std::span<const uint8_t> bytes, std::string_view what);
  bool SendRtpPacket(std::span<const uint8_t> packet);
  void ApplyEncoderRates();
  // restart_pipeline_on_tier_change: a new VideoRtpSender from its own RNG substream.
  void RebuildPacketizer();
  std::unique_ptr<VideoRtpSender> MakeRtpSender(sim::Env env);
  int64_t EffectiveBitrate() const;
  void TriggerFallback(const FallbackReason& reason);
  void TearDown();  // timers, in-flight encode, queue, socket
  void Queue(std::string_view name, std::string reason);
  // Emits the queued events in order; false when a listener destroyed this sender meanwhile
  // (the caller then returns at once). Called only at the end of top-level entry points.
  bool Flush();

  sim::Env env_;
  NativeSenderConfig config_;
  NativeSenderListener* listener_;
  std::unique_ptr<FaultyVideoEncoder> encoder_;
  std::unique_ptr<SyntheticVideoSource> source_;
  std::unique_ptr<VideoRtpSender> rtp_;
  std::unique_ptr<SocketReceiver> receiver_;
  std::unique_ptr<sim::DatagramSocket> socket_;  // after receiver_: destroyed first
  EncodeTimeModel encode_time_;
  FailureClassifier classifier_;
  DegradationLadder ladder_;
  int start_tier_index_ = 0;

  NativeSenderState state_ = NativeSenderState::kIdle;
  NativeSenderCounters counters_;
  std::string last_fallback_reason_;
  bool producer_connected_ = false;
  bool key_frame_pending_ = true;
  bool encoding_ = false;
  std::deque<QueuedFrame> queue_;
  QueuedFrame in_flight_;
  int in_flight_tier_index_ = 0;
  uint64_t pipeline_generation_ = 0;  // RebuildPacketizer calls (names the RNG substream)
  sim::TimeDelta last_encode_time_;  // modelled duration of the last encode started
  I420Frame picture_;
  sim::Timestamp fps_epoch_;         // the capture grid: frame k at fps_epoch_ + k / fps
  int64_t fps_epoch_index_ = 0;
  uint32_t next_frame_number_ = 0;   // over the sender's life (the source's frame numbers)
  int encoder_width_ = 0, encoder_height_ = 0;
  int64_t applied_bitrate_bps_ = -1;
  int applied_fps_ = -1;
  std::array<sim::Timestamp, kNativeFaultCount> fault_until_{};
  int64_t target_bitrate_bps_ = 0;   // the outside cap: config.bitrate_bps, then SetTargetBitrate
  BandwidthController bandwidth_;
  std::optional<int64_t> remb_cap_bps_;
  std::optional<sim::TimeDelta> rtt_;
  double last_fraction_lost_ = 0;
  sim::EventId capture_timer_;
  sim::EventId encode_timer_;
  sim::EventId rtcp_timer_;
  std::deque<PendingEvent> pending_events_;
  // Lifetime guard: scheduled callbacks hold a weak_ptr to it, never a raw this; Flush() checks it.
  std::shared_ptr<NativeSender*> self_;
};

}  // namespace sfusim::clients
