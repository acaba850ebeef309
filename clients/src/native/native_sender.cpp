#include "sfusim/clients/native/native_sender.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <variant>

#include "sfusim/clients/native/faulty_video_encoder.h"
#include "sfusim/clients/video/h264_encoder.h"
#include "sfusim/clients/video/i420_frame.h"
#include "sfusim/clients/video/synthetic_video_source.h"
#include "sfusim/clients/video/video_encoder.h"
#include "sfusim/clients/video/video_rtp_sender.h"
#include "sfusim/protocol/rtcp/rtcp_compound_view.h"
#include "sfusim/protocol/rtcp/rtcp_packet.h"
#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp/rtp_header_extension.h"

namespace sfusim::clients {

namespace {

// RFC 5761 §4: RTCP packet types 192..223 in the second byte (rtcp-mux).
constexpr uint8_t kRtcpPtMin = 192;
constexpr uint8_t kRtcpPtMax = 223;
constexpr int64_t kMicrosPerSecond = 1'000'000;

// The sender behind a callback's weak guard, or null. The strong reference is dropped at once, so
// a listener that destroys the sender during the call really destroys it (Flush() notices).
NativeSender* Lock(const std::weak_ptr<NativeSender*>& weak) {
  auto strong = weak.lock();
  return strong ? *strong : nullptr;
}

BandwidthControllerConfig BandwidthConfigFor(const NativeSenderConfig& c) {
  BandwidthControllerConfig b;
  b.initial_bps = c.bitrate_bps;
  b.min_bps = std::min(kNativeMinTargetBitrateBps, c.bitrate_bps);
  b.max_bps = c.bitrate_bps;
  return b;
}

std::optional<int> TierIndexFor(std::string_view name) {
  for (size_t i = 0; i < protocol::kResolutionTiers.size(); ++i) {
    if (protocol::kResolutionTiers[i].name == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

protocol::Status ValidateConfig(const NativeSenderConfig& c) {
  auto bad = [](std::string what) { return protocol::MakeError("invalid_argument", "native sender config: " + what); };
  if (c.ssrc == 0) return bad("ssrc 0");
  if (c.payload_type > protocol::kMaxRtpPayloadType) return bad("payload_type > 127");
  if (!TierIndexFor(c.tier)) return bad("unknown tier '" + c.tier + "'");
  if (c.fps < kMinLadderFps || c.fps > kMaxLadderFps) return bad("fps out of range");
  if (c.bitrate_bps < kMinNativeBitrateBps || c.bitrate_bps > kMaxNativeBitrateBps) return bad("bitrate_bps out of range");
  if (c.frame_queue_capacity < 1 || c.frame_queue_capacity > kMaxNativeFrameQueueCapacity) {
    return bad("frame_queue_capacity out of range");
  }
  if (!(c.slow_encode_factor >= 1.0 && c.slow_encode_factor <= kMaxSlowEncodeFactor)) {
    return bad("slow_encode_factor out of range");
  }
  if (c.abs_send_time_id > protocol::RtpHeaderExtension::kOneByteMaxId ||
      c.abs_capture_time_id > protocol::RtpHeaderExtension::kOneByteMaxId) {
    return bad("header extension id out of range");
  }
  auto t = FailureClassifier::ValidateThresholds(c.thresholds);
  if (!t.ok()) return t.error();
  return protocol::Ok{};
}

}  // namespace

class NativeSender::SocketReceiver final : public sim::DatagramSocket::Receiver {
 public:
  explicit SocketReceiver(NativeSender* owner) : owner_(owner) {}
  void OnDatagram(const sim::SocketAddress& from, std::span<const uint8_t> data) override {
    owner_->OnDatagram(from, data);
  }

 private:
  NativeSender* owner_;  // owns this receiver and the socket it is registered with
};

protocol::Result<std::unique_ptr<NativeSender>> NativeSender::Create(sim::Env env, NativeSenderConfig config,
                                                                     NativeSenderListener* listener) {
  auto valid = ValidateConfig(config);
  if (!valid.ok()) return valid.error();
  const protocol::ResolutionTier& tier = protocol::kResolutionTiers[static_cast<size_t>(*TierIndexFor(config.tier))];
  H264EncoderConfig ec;
  ec.width = tier.width;
  ec.height = tier.height;
  ec.fps = config.fps;
  ec.bitrate_bps = config.bitrate_bps;
  ec.content = VideoContent::kScreen;
  auto encoder = H264Encoder::Create(ec);
  if (!encoder.ok()) return encoder.error();
  std::unique_ptr<VideoEncoder> e = std::move(encoder).value();
  return CreateWithEncoder(env, std::move(config), listener, std::move(e));
}

protocol::Result<std::unique_ptr<NativeSender>> NativeSender::CreateWithEncoder(sim::Env env, NativeSenderConfig config,
                                                                                NativeSenderListener* listener,
                                                                                std::unique_ptr<VideoEncoder> encoder) {
  if (!encoder) return protocol::MakeError("invalid_argument", "native sender: null encoder");
  auto valid = ValidateConfig(config);
  if (!valid.ok()) return valid.error();
  const int tier_index = *TierIndexFor(config.tier);
  auto ladder = DegradationLadder::Create(config.ladder, config.fps, tier_index);
  if (!ladder.ok()) return ladder.error();
  auto faulty = std::make_unique<FaultyVideoEncoder>(std::move(encoder));
  return std::unique_ptr<NativeSender>(new NativeSender(env, std::move(config), listener, std::move(faulty),
                                                        std::move(ladder).value(), tier_index));
}

NativeSender::NativeSender(sim::Env env, NativeSenderConfig config, NativeSenderListener* listener,
                           std::unique_ptr<FaultyVideoEncoder> encoder, DegradationLadder ladder, int start_tier_index)
    : env_(env),
      config_(std::move(config)),
      listener_(listener),
      encoder_(std::move(encoder)),
      source_(std::make_unique<SyntheticVideoSource>(VideoContent::kScreen, config_.source_seed)),
      receiver_(std::make_unique<SocketReceiver>(this)),
      classifier_(config_.thresholds),
      ladder_(std::move(ladder)),
      start_tier_index_(start_tier_index),
      target_bitrate_bps_(config_.bitrate_bps),
      bandwidth_(BandwidthConfigFor(config_)),
      self_(std::make_shared<NativeSender*>(this)) {
  const auto& tier = protocol::kResolutionTiers[static_cast<size_t>(start_tier_index_)];
  encoder_width_ = tier.width;
  encoder_height_ = tier.height;
  rtp_ = MakeRtpSender(env_);
}

std::unique_ptr<VideoRtpSender> NativeSender::MakeRtpSender(sim::Env env) {
  VideoRtpSenderConfig rc;
  rc.ssrc = config_.ssrc;
  rc.payload_type = config_.payload_type;
  rc.extension_ids.mid = 0;
  rc.extension_ids.abs_send_time = config_.abs_send_time_id;
  rc.extension_ids.transport_wide_cc = 0;
  rc.extension_ids.abs_capture_time = config_.abs_capture_time_id;
  std::weak_ptr<NativeSender*> weak = self_;
  return std::make_unique<VideoRtpSender>(env, rc, [weak](std::vector<uint8_t> packet) {
    NativeSender* s = Lock(weak);
    return s != nullptr && s->SendRtpPacket(packet);
  });
}

void NativeSender::RebuildPacketizer() {
  // Its own substream per rebuild: the same Env would give the same "random" initial sequence.
  ++pipeline_generation_;
  rtp_ = MakeRtpSender(env_.Sub("pipeline-" + std::to_string(pipeline_generation_)));
  ++counters_.pipeline_restarts;
}

NativeSender::~NativeSender() {
  // Emits nothing: a destroyed sender has no listener to talk to.
  env_.scheduler->Cancel(capture_timer_);
  env_.scheduler->Cancel(encode_timer_);
  env_.scheduler->Cancel(rtcp_timer_);
  if (socket_) socket_->Close();
}

// ---------------------------------------------------------------------------------------------
// Lifecycle
// ---------------------------------------------------------------------------------------------

void NativeSender::Start() {
  if (state_ != NativeSenderState::kIdle && state_ != NativeSenderState::kStopped &&
      state_ != NativeSenderState::kFallenBack) {
    return;  // running, disposed, or inside a transition
  }
  state_ = NativeSenderState::kStarting;
  // A new run: nothing of the previous run's failures, ladder or queue carries over.
  classifier_.Reset();
  ladder_.Reset();
  queue_.clear();
  encoding_ = false;
  key_frame_pending_ = true;
  last_encode_time_ = sim::TimeDelta::Zero();
  bandwidth_ = BandwidthController(BandwidthConfigFor(config_));  // a fresh estimate per run
  remb_cap_bps_.reset();
  std::string error;
  if (env_.net != nullptr) socket_ = env_.net->OpenDatagram(0, receiver_.get(), &error);
  if (!socket_) {
    state_ = NativeSenderState::kRunning;  // so that TriggerFallback applies
    TriggerFallback(FailureClassifier::Fatal(FailureKind::kTransportClosed,
                                             "socket open failed" + (error.empty() ? std::string() : ": " + error)));
    Flush();
    return;
  }
  state_ = NativeSenderState::kRunning;
  ApplyEncoderRates();
  Queue(kNativeEventSenderStarted, "");
  fps_epoch_ = env_.Now();
  fps_epoch_index_ = 0;
  // The first SR goes out at once: with comedia the SFU latches our address from it.
  SendRtcp();
  if (state_ == NativeSenderState::kRunning) {
    ScheduleRtcp();
    std::weak_ptr<NativeSender*> weak = self_;
    capture_timer_ = env_.scheduler->Post([weak] {
      if (NativeSender* s = Lock(weak)) s->OnCaptureTick();
    });
  }
  Flush();
}

void NativeSender::Stop(std::string_view reason) {
  if (state_ != NativeSenderState::kRunning) return;
  state_ = NativeSenderState::kStopping;
  TearDown();
  state_ = NativeSenderState::kStopped;
  Queue(kNativeEventSenderStopped, std::string(reason));
  Flush();
}

void NativeSender::Dispose() {
  if (state_ == NativeSenderState::kDisposed) return;
  const bool was_running = state_ == NativeSenderState::kRunning;
  state_ = NativeSenderState::kStopping;
  TearDown();
  state_ = NativeSenderState::kDisposed;
  if (was_running) Queue(kNativeEventSenderStopped, "disposed");
  Flush();
}

void NativeSender::TearDown() {
  env_.scheduler->Cancel(capture_timer_);
  env_.scheduler->Cancel(encode_timer_);
  env_.scheduler->Cancel(rtcp_timer_);
  capture_timer_ = {};
  encode_timer_ = {};
  rtcp_timer_ = {};
  if (encoding_) ++counters_.encodes_discarded;  // the in-flight modelled encode is dropped
  encoding_ = false;
  queue_.clear();
  if (socket_) {
    socket_->Close();
    socket_.reset();
  }
}

void NativeSender::TriggerFallback(const FallbackReason& reason) {
  if (state_ != NativeSenderState::kRunning || config_.fallback_never) return;
  state_ = NativeSenderState::kStopping;
  TearDown();
  state_ = NativeSenderState::kFallenBack;
  last_fallback_reason_ = reason.text;
  ++counters_.fallbacks;
  Queue(kNativeEventFallbackTriggered, reason.text);
}

void NativeSender::OnProducerFailed(std::string_view detail) {
  if (state_ != NativeSenderState::kRunning) return;
  TriggerFallback(FailureClassifier::Fatal(FailureKind::kProducerNegotiation, detail));
  Flush();
}

void NativeSender::OnTransportClosed(std::string_view detail) {
  if (state_ != NativeSenderState::kRunning) return;
  TriggerFallback(FailureClassifier::Fatal(FailureKind::kTransportClosed, detail));
  Flush();
}

void NativeSender::SetProducerConnected(bool connected) {
  if (state_ == NativeSenderState::kDisposed) return;
  producer_connected_ = connected;
}

// ---------------------------------------------------------------------------------------------
// Hooks and controls
// ---------------------------------------------------------------------------------------------

void NativeSender::SetFault(NativeFault fault, sim::Timestamp until) {
  if (state_ == NativeSenderState::kDisposed) return;
  fault_until_[static_cast<size_t>(fault)] = until;
}

bool NativeSender::fault_active(NativeFault fault) const {
  return env_.Now() < fault_until_[static_cast<size_t>(fault)];
}

void NativeSender::SetTargetBitrate(int64_t bps) {
  if (state_ == NativeSenderState::kDisposed) return;
  target_bitrate_bps_ = std::clamp<int64_t>(bps, kMinNativeBitrateBps, kMaxNativeBitrateBps);
  ApplyEncoderRates();
}

void NativeSender::RequestKeyFrame() {
  if (state_ == NativeSenderState::kDisposed) return;
  ++counters_.key_frame_requests;
  key_frame_pending_ = true;
}

int64_t NativeSender::EffectiveBitrate() const {
  return ladder_.ApplyBitrate(std::min(bandwidth_.target_bps(), target_bitrate_bps_));
}

void NativeSender::ApplyEncoderRates() {
  const int64_t bitrate = EffectiveBitrate();
  const int fps = ladder_.fps();
  if (bitrate == applied_bitrate_bps_ && fps == applied_fps_) return;
  // A refused rate change keeps the previous rates; it is not an encode failure.
  if (encoder_->SetRates(bitrate, fps).ok()) {
    applied_bitrate_bps_ = bitrate;
    applied_fps_ = fps;
  }
}

// ---------------------------------------------------------------------------------------------
// Capture -> queue -> modelled encode -> real encode -> RTP
// ---------------------------------------------------------------------------------------------

sim::TimeDelta NativeSender::FrameInterval(int fps) {
  return sim::TimeDelta::Micros(kMicrosPerSecond / std::max(fps, 1));
}

void NativeSender::ScheduleCapture() {
  ++fps_epoch_index_;
  const int fps = ladder_.fps();
  const sim::Timestamp at =
      fps_epoch_ + sim::TimeDelta::Micros(static_cast<int64_t>(fps_epoch_index_) * kMicrosPerSecond / fps);
  std::weak_ptr<NativeSender*> weak = self_;
  capture_timer_ = env_.scheduler->PostAt(std::max(at, env_.Now()), [weak] {
    if (NativeSender* s = Lock(weak)) s->OnCaptureTick();
  });
}

sim::TimeDelta NativeSender::ModelledEncodeTime(int tier_index) const {
  const auto& tier = protocol::kResolutionTiers[static_cast<size_t>(tier_index)];
  const double slowdown = fault_active(NativeFault::kSlowEncode) ? config_.slow_encode_factor : 1.0;
  return encode_time_.EncodeTime(tier.width, tier.height, slowdown);
}

void NativeSender::OnCaptureTick() {
  capture_timer_ = {};
  if (state_ != NativeSenderState::kRunning) return;
  const sim::Timestamp now = env_.Now();
  ++counters_.frames_captured;
  bool dropped = false;
  if (queue_.size() >= config_.frame_queue_capacity) {
    // Keep the freshest pictures: the oldest waiting frame goes.
    queue_.pop_front();
    dropped = true;
    ++counters_.frames_dropped_before_encode;
  }
  queue_.push_back(QueuedFrame{next_frame_number_++, now});
  if (auto reason = classifier_.OnFrameCaptured(now, dropped)) {
    TriggerFallback(*reason);
    Flush();
    return;
  }
  // Pressure: the queue overflowed, or the encoder needs longer than a frame interval.
  const bool pressure = dropped || last_encode_time_ > FrameInterval(ladder_.fps());
  bool climb_allowed = true;
  if (ladder_.level() > 0) {
    // Climb only to a rung the encoder can sustain now (no climbing into known pressure).
    const DegradationRung& above = ladder_.rungs()[static_cast<size_t>(ladder_.level() - 1)];
    climb_allowed = ModelledEncodeTime(above.tier_index) <= FrameInterval(above.fps);
  }
  const int fps_before = ladder_.fps();
  if (auto change = ladder_.Update(now, pressure, climb_allowed)) {
    ++counters_.degradation_changes;
    if (ladder_.fps() != fps_before) {
      fps_epoch_ = now;  // the capture grid restarts at the new rate
      fps_epoch_index_ = 0;
    }
    ApplyEncoderRates();
    Queue(kNativeEventDegradationChanged, change->reason);
  }
  MaybeStartEncode();
  if (state_ == NativeSenderState::kRunning) ScheduleCapture();
  Flush();
}

void NativeSender::MaybeStartEncode() {
  if (state_ != NativeSenderState::kRunning || encoding_ || queue_.empty()) return;
  in_flight_ = queue_.front();
  queue_.pop_front();
  in_flight_tier_index_ = ladder_.tier_index();
  const sim::TimeDelta duration = ModelledEncodeTime(in_flight_tier_index_);
  last_encode_time_ = duration;
  encoding_ = true;
  std::weak_ptr<NativeSender*> weak = self_;
  encode_timer_ = env_.scheduler->PostDelayed(duration, [weak] {
    if (NativeSender* s = Lock(weak)) s->OnEncodeDone();
  });
}

void NativeSender::OnEncodeDone() {
  encode_timer_ = {};
  if (state_ != NativeSenderState::kRunning || !encoding_) return;
  encoding_ = false;
  const sim::Timestamp now = env_.Now();
  const auto& tier = protocol::kResolutionTiers[static_cast<size_t>(in_flight_tier_index_)];
  protocol::Result<EncodedVideoFrame> encoded = protocol::MakeError("not_encoded", "");
  bool resolution_ok = true;
  if (tier.width != encoder_width_ || tier.height != encoder_height_) {
    auto r = encoder_->SetResolution(tier.width, tier.height);
    if (r.ok()) {
      encoder_width_ = tier.width;
      encoder_height_ = tier.height;
      key_frame_pending_ = true;
      if (config_.restart_pipeline_on_tier_change) RebuildPacketizer();
    } else {
      resolution_ok = false;
      encoded = r.error();
    }
  }
  if (resolution_ok) {
    encoder_->set_failing(fault_active(NativeFault::kEncodeError));
    if (config_.render_source) {
      source_->Render(in_flight_.frame_number, tier.width, tier.height, &picture_);
    } else if (picture_.width != tier.width || picture_.height != tier.height) {
      picture_ = I420Frame::Black(tier.width, tier.height);
    }
    encoded = encoder_->Encode(picture_, in_flight_.frame_number, key_frame_pending_);
  }
  if (!encoded.ok()) {
    ++counters_.encode_failures;
    // After a failed encode the next good frame is an IDR, so the receiver never depends on a
    // picture that was not sent.
    key_frame_pending_ = true;
    Queue(kNativeEventEncodeError, encoded.error().code);
    if (auto reason = classifier_.OnEncodeFailure(now)) {
      TriggerFallback(*reason);
      Flush();
      return;
    }
  } else {
    const EncodedVideoFrame& frame = encoded.value();
    ++counters_.frames_encoded;
    if (frame.key_frame) {
      ++counters_.key_frames;
      key_frame_pending_ = false;
    }
    if (!frame.annex_b.empty()) rtp_->SendFrame(frame, in_flight_.capture_time);
  }
  MaybeStartEncode();
  Flush();
}

// ---------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------

bool NativeSender::SendDatagram(std::span<const uint8_t> bytes, std::string_view what) {
  // After a fallback or a stop nothing more goes out (and nothing more is counted).
  if (state_ != NativeSenderState::kRunning || !socket_) return false;
  const bool ok = !fault_active(NativeFault::kSendError) && socket_->SendTo(config_.rtp_target, bytes);
  if (ok) return true;
  Queue(kNativeEventTransportError, std::string(what));
  if (auto reason = classifier_.OnSendError(env_.Now())) TriggerFallback(*reason);
  return false;
}

bool NativeSender::SendRtpPacket(std::span<const uint8_t> packet) {
  if (state_ != NativeSenderState::kRunning) return false;
  if (SendDatagram(packet, "rtp_send_failed")) {
    ++counters_.packets_sent;
    counters_.bytes_sent += packet.size();
    return true;
  }
  ++counters_.packets_dropped_during_send;
  return false;
}

void NativeSender::ScheduleRtcp() {
  std::weak_ptr<NativeSender*> weak = self_;
  rtcp_timer_ = env_.scheduler->PostDelayed(kNativeRtcpInterval, [weak] {
    if (NativeSender* s = Lock(weak)) {
      s->rtcp_timer_ = {};
      if (s->state_ != NativeSenderState::kRunning) return;
      s->SendRtcp();
      if (s->state_ == NativeSenderState::kRunning) s->ScheduleRtcp();
      s->Flush();
    }
  });
}

std::string NativeSender::cname() const {
  char hex[16];
  std::snprintf(hex, sizeof(hex), "%08x", config_.ssrc);
  std::string c(protocol::kNativeSenderCnamePrefix);
  c += hex;
  return c;
}

void NativeSender::SendRtcp() {
  const sim::Timestamp now = env_.Now();
  protocol::rtcp::SenderReport sr;
  sr.sender_ssrc = config_.ssrc;
  sr.ntp_timestamp = protocol::AbsCaptureTime::FromMicros(now.us());
  sr.rtp_timestamp = rtp_->RtpTimestamp(now);
  sr.packet_count = static_cast<uint32_t>(counters_.packets_sent);
  sr.octet_count = static_cast<uint32_t>(rtp_->counters().payload_bytes_sent);
  std::vector<uint8_t> out;
  if (!sr.AppendTo(out).ok()) return;
  if (!protocol::rtcp::Sdes::WithCname(config_.ssrc, cname()).AppendTo(out).ok()) return;
  if (SendDatagram(out, "rtcp_send_failed")) ++counters_.rtcp_sent;
}

// ---------------------------------------------------------------------------------------------
// RTCP in
// ---------------------------------------------------------------------------------------------

void NativeSender::OnReportBlock(const protocol::rtcp::ReportBlock& block) {
  if (block.source_ssrc != config_.ssrc) return;
  last_fraction_lost_ = static_cast<double>(block.fraction_lost) / 256.0;
  if (block.last_sr == 0) return;  // none of our SRs reached the far end yet
  // A: the middle 32 bits of our NTP clock now (the clock our SRs carry).
  const uint32_t a = static_cast<uint32_t>(protocol::AbsCaptureTime::FromMicros(env_.Now().us()) >> 16);
  auto rtt = RttFromReportBlock(a, block.last_sr, block.delay_since_last_sr);
  if (!rtt.ok()) return;  // clock nonsense: nothing learnt
  rtt_ = rtt.value();
  (void)bandwidth_.Update(rtt.value(), last_fraction_lost_);
  ApplyEncoderRates();
}

void NativeSender::OnDatagram(const sim::SocketAddress& from, std::span<const uint8_t> data) {
  if (state_ != NativeSenderState::kRunning) return;
  if (from != config_.rtp_target || data.size() < 2 || data[1] < kRtcpPtMin || data[1] > kRtcpPtMax) {
    ++counters_.datagrams_ignored;
    return;
  }
  auto compound = protocol::rtcp::RtcpCompoundView::Parse(data);
  if (!compound.ok()) {
    ++counters_.rtcp_errors;
    return;
  }
  ++counters_.rtcp_received;
  for (const protocol::rtcp::RtcpPacketView view : compound.value()) {
    if (state_ != NativeSenderState::kRunning) break;  // a retransmission may have failed us over
    auto parsed = protocol::rtcp::ParseRtcpPacket(view);
    if (!parsed.ok()) {
      ++counters_.rtcp_errors;
      continue;
    }
    const protocol::rtcp::RtcpPacket& packet = parsed.value();
    if (const auto* pli = std::get_if<protocol::rtcp::Pli>(&packet)) {
      if (pli->media_ssrc == config_.ssrc) RequestKeyFrame();
    } else if (const auto* fir = std::get_if<protocol::rtcp::Fir>(&packet)) {
      for (const auto& entry : fir->entries) {
        if (entry.ssrc == config_.ssrc) {
          RequestKeyFrame();
          break;
        }
      }
    } else if (const auto* nack = std::get_if<protocol::rtcp::Nack>(&packet)) {
      if (nack->media_ssrc == config_.ssrc) {
        ++counters_.nacks_received;
        const std::vector<uint16_t> seqs = nack->SequenceNumbers();
        counters_.retransmissions += rtp_->OnNack(seqs);
      }
    } else if (const auto* rr = std::get_if<protocol::rtcp::ReceiverReport>(&packet)) {
      for (const auto& block : rr->report_blocks) OnReportBlock(block);
    } else if (const auto* sr = std::get_if<protocol::rtcp::SenderReport>(&packet)) {
      for (const auto& block : sr->report_blocks) OnReportBlock(block);
    } else if (const auto* remb = std::get_if<protocol::rtcp::Remb>(&packet)) {
      const bool ours = remb->ssrcs.empty() ||
                        std::find(remb->ssrcs.begin(), remb->ssrcs.end(), config_.ssrc) != remb->ssrcs.end();
      if (ours) {
        remb_cap_bps_ = static_cast<int64_t>(std::min<uint64_t>(remb->bitrate_bps, kMaxNativeBitrateBps));
        (void)bandwidth_.OnRemb(*remb_cap_bps_);
        ApplyEncoderRates();
      }
    }
  }
  Flush();
}

// ---------------------------------------------------------------------------------------------
// Status and events
// ---------------------------------------------------------------------------------------------

NativeSenderStatus NativeSender::status() const {
  NativeSenderStatus s;
  s.state = state_;
  s.last_fallback_reason = last_fallback_reason_;
  s.degradation_level = ladder_.level();
  s.fps = ladder_.fps();
  const auto& tier = ladder_.tier();
  s.tier = std::string(tier.name);
  s.width = tier.width;
  s.height = tier.height;
  s.bitrate_bps = EffectiveBitrate();
  s.transport_connected = socket_ != nullptr;
  s.producer_connected = producer_connected_ && state_ == NativeSenderState::kRunning;
  return s;
}

std::optional<sim::SocketAddress> NativeSender::local_address() const {
  if (!socket_) return std::nullopt;
  return socket_->local_address();
}

void NativeSender::Queue(std::string_view name, std::string reason) {
  pending_events_.push_back(PendingEvent{name, std::move(reason)});
}

bool NativeSender::Flush() {
  if (listener_ == nullptr) {
    pending_events_.clear();
    return true;
  }
  std::weak_ptr<NativeSender*> alive = self_;
  while (!pending_events_.empty()) {
    PendingEvent e = std::move(pending_events_.front());
    pending_events_.pop_front();
    listener_->OnNativeSenderEvent(e.name, e.reason);
    if (alive.expired()) return false;  // the listener destroyed us: touch nothing
  }
  return true;
}

}  // namespace sfusim::clients
