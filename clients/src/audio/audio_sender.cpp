#include "sfusim/clients/audio/audio_sender.h"

#include <algorithm>
#include <cmath>

#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/audio_level.h"
#include "sfusim/protocol/rtp/rtp_mid.h"
#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"

namespace sfusim::clients {
namespace {

// RFC 6464: level in -dBov, 0..127, 127 = silence (digital zero included).
uint8_t LevelDbov(double rms) {
  if (rms <= 0) return protocol::AudioLevel::kMaxLevel;
  const double dbov = -20.0 * std::log10(rms);
  return static_cast<uint8_t>(std::clamp(std::lround(dbov), 0L, static_cast<long>(protocol::AudioLevel::kMaxLevel)));
}

protocol::Status ValidateRtp(const AudioSenderConfig& c) {
  if (c.ssrc == 0) return protocol::MakeError("invalid_argument", "audio sender: ssrc must not be 0");
  if (c.payload_type > protocol::kMaxRtpPayloadType) {
    return protocol::MakeError("invalid_argument", "audio sender: payload_type must be 0..127");
  }
  return protocol::Ok{};
}

}  // namespace

protocol::Result<std::unique_ptr<AudioSender>> AudioSender::Create(sim::Env env, AudioSenderConfig config) {
  if (auto s = ValidateRtp(config); !s) return s.error();
  if (env.scheduler == nullptr) return protocol::MakeError("invalid_argument", "audio sender: env.scheduler is null");
  auto encoder = OpusEncoder::Create(config.opus);
  if (!encoder) return encoder.error();
  return std::unique_ptr<AudioSender>(new AudioSender(env, std::move(config), std::move(encoder).value()));
}

AudioSender::AudioSender(sim::Env env, AudioSenderConfig config, OpusEncoder encoder)
    : env_(env),
      config_(std::move(config)),
      source_(env.rng.Fork("speech"), config_.source),
      encoder_(std::move(encoder)),
      pcm_(kAudioFrameSamples),
      self_(std::make_shared<AudioSender*>(this)) {
  // Random initial seq and timestamp (RFC 3550 5.1), from this sender's own substream.
  sim::Rng rtp_rng = env.rng.Fork("rtp");
  seq_ = static_cast<uint16_t>(rtp_rng.NextU64());
  timestamp_base_ = static_cast<uint32_t>(rtp_rng.NextU64());
}

AudioSender::~AudioSender() { Stop(); }

void AudioSender::Start() {
  if (running_) return;
  running_ = true;
  pending_marker_ = true;
  // Ticks sit on the global 20 ms grid of simulated time, so RTP timestamps (base + time) stay on
  // one 960-unit grid across Stop/Start.
  const int64_t frame_us = kAudioFrameDuration.us();
  const int64_t next_us = (env_.Now().us() / frame_us + 1) * frame_us;
  std::weak_ptr<AudioSender*> weak = self_;
  timer_ = env_.scheduler->PostAt(sim::Timestamp::Micros(next_us), [weak] {
    if (auto self = weak.lock()) (*self)->Tick();
  });
}

void AudioSender::Stop() {
  running_ = false;
  if (timer_.valid()) env_.scheduler->Cancel(timer_);
  timer_ = sim::EventId{};
}

bool AudioSender::running() const { return running_; }

void AudioSender::Schedule() {
  std::weak_ptr<AudioSender*> weak = self_;
  timer_ = env_.scheduler->PostDelayed(kAudioFrameDuration, [weak] {
    if (auto self = weak.lock()) (*self)->Tick();
  });
}

void AudioSender::SetMuted(bool muted) {
  if (auto change = vad_.SetMuted(muted); change && on_voice_activity_) on_voice_activity_(*change);
}

protocol::Status AudioSender::Reconfigure(const AudioSenderConfig& config) {
  if (auto s = ValidateRtp(config); !s) return s;
  if (auto s = encoder_.Reconfigure(config.opus); !s) return s;
  if (config.ssrc != config_.ssrc) pending_marker_ = true;  // a new stream starts
  const SpeechSourceConfig source = config_.source;
  config_ = config;
  config_.source = source;
  return protocol::Ok{};
}

protocol::Status AudioSender::ApplyOpusSettings(const protocol::OpusSettings& opus) {
  OpusEncoderConfig c = config_.opus;
  c.bitrate_bps =
      static_cast<int>(std::clamp(opus.bitrate_bps, protocol::kOpusMinBitrateBps, protocol::kOpusMaxBitrateBps));
  c.dtx = opus.dtx;
  c.fec = opus.fec;
  if (auto s = encoder_.Reconfigure(c); !s) return s;
  config_.opus = c;
  return protocol::Ok{};
}

void AudioSender::Tick() {
  timer_ = sim::EventId{};
  if (!running_) return;
  const sim::Timestamp now = env_.Now();
  ++counters_.frames;
  source_.Render(std::span<int16_t>(pcm_));
  if (auto change = vad_.Process(std::span<const int16_t>(pcm_), now)) {
    if (*change) pending_marker_ = true;
    if (on_voice_activity_) on_voice_activity_(*change);
  }
  if (vad_.muted()) {
    ++counters_.muted_frames;
    std::fill(pcm_.begin(), pcm_.end(), int16_t{0});
  }
  Schedule();

  if (auto s = encoder_.Encode(pcm_, &payload_); !s) {
    ++counters_.encode_errors;
    return;
  }
  if (encoder_.in_dtx()) {
    ++counters_.dtx_frames;
    return;
  }

  protocol::RtpPacket packet;
  packet.set_payload_type(config_.payload_type);
  packet.set_ssrc(config_.ssrc);
  packet.set_sequence_number(seq_);
  // 48 kHz units of simulated time: us * 48 / 1000 (exact for 20 ms steps).
  packet.set_timestamp(timestamp_base_ + static_cast<uint32_t>(now.us() * (kAudioSampleRateHz / 1000) / 1000));
  packet.set_marker(pending_marker_);
  const auto& ids = config_.extension_ids;
  if (ids.mid != 0 && !config_.mid.empty()) {
    (void)packet.SetExtension<protocol::RtpMid>(ids.mid, std::string_view(config_.mid));
  }
  if (ids.abs_send_time != 0) {
    (void)packet.SetExtension<protocol::AbsSendTime>(ids.abs_send_time, protocol::AbsSendTime::FromMicros(now.us()));
  }
  if (ids.transport_wide_cc != 0) {
    const uint16_t tseq = next_transport_seq_ ? next_transport_seq_() : transport_seq_++;
    (void)packet.SetExtension<protocol::TransportSequenceNumber>(ids.transport_wide_cc, tseq);
  }
  if (ids.audio_level != 0) {
    const protocol::AudioLevel::Value level{vad_.speaking(),
                                            LevelDbov(VoiceActivityDetector::Rms(std::span<const int16_t>(pcm_)))};
    (void)packet.SetExtension<protocol::AudioLevel>(ids.audio_level, level);
  }
  if (ids.abs_capture_time != 0) {
    (void)packet.SetExtension<protocol::AbsCaptureTime>(
        ids.abs_capture_time,
        protocol::AbsCaptureTime::Value{protocol::AbsCaptureTime::FromMicros(now.us()), std::nullopt});
  }
  packet.set_payload(payload_);
  auto bytes = packet.Serialize();
  if (!bytes) {
    ++counters_.encode_errors;
    return;
  }
  if (pending_marker_) ++counters_.talkspurts;
  pending_marker_ = false;
  ++seq_;
  ++counters_.packets_sent;
  counters_.bytes_sent += bytes->size();
  counters_.payload_bytes_sent += payload_.size();
  if (send_) send_(std::move(bytes).value());
}

}  // namespace sfusim::clients
