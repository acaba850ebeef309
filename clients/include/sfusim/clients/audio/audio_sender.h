// AudioSender: the microphone producer's media pipeline: SpeechSource -> VAD -> Opus -> RTP.
//
// Contract:
// - Every kAudioFrameDuration (20 ms, on env.scheduler, on the global 20 ms grid of simulated
//   time: the first tick is the next multiple of 20 ms after Start) while started: renders one
//   frame from the source (always, muted or not: the person keeps talking, the mic is what gets
//   muted), runs the VAD (callback on changes only; muting reports false at once), encodes, and
//   builds one RTP packet: pt, ssrc, seq (+1 per packet sent, random start), timestamp (a random
//   base + the simulated time in 48 kHz units, so it keeps pace with the clock across DTX and
//   Stop/Start), marker on the first packet of a talk spurt (VAD false->true, and the first
//   packet after Start), and the header extensions whose ids are non-zero: mid, abs-send-time,
//   transport-wide seq, ssrc-audio-level (VAD flag + level in -dBov) and abs-capture-time. The
//   capture time and the send time are both the tick time (the 20 ms framing delay is not part
//   of the mouth-to-ear figure). The plaintext packet goes to the send callback (the client
//   SRTP-protects and sends it).
// - Muted: the sender encodes digital silence instead of the source (as a browser does with a
//   disabled track): without DTX a stream of silent packets (VAD flag false, level 127), with
//   DTX almost nothing (the encoder's DTX frames are not sent).
// - DTX frames (<= OpusEncoder::kDtxMaxPacketBytes) are never sent; seq does not advance for them.
// - Transport-wide seq comes from the allocator if one is set (a transport shares one counter
//   between its senders), else from an internal counter.
// - Reconfigure()/ApplyOpusSettings() take effect at the next frame. Start() is idempotent; Stop()
//   cancels the timer; the destructor cancels it too. The RNG substream for the source is
//   env.rng.Fork("speech").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sfusim/clients/audio/audio_format.h"
#include "sfusim/clients/audio/opus_encoder.h"
#include "sfusim/clients/audio/speech_source.h"
#include "sfusim/clients/audio/voice_activity_detector.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/sim/env.h"

namespace sfusim::clients {

// RTP header extension ids (0 = do not write). Defaults: the router's (limits.h / router_capabilities.h).
struct AudioHeaderExtensionIds {
  uint8_t mid = protocol::kHeaderExtensionIdMid;
  uint8_t abs_send_time = protocol::kHeaderExtensionIdAbsSendTime;
  uint8_t transport_wide_cc = protocol::kHeaderExtensionIdTransportWideCc;
  uint8_t audio_level = protocol::kHeaderExtensionIdAudioLevel;
  uint8_t abs_capture_time = protocol::kHeaderExtensionIdAbsCaptureTime;
  bool operator==(const AudioHeaderExtensionIds&) const = default;
};

struct AudioSenderConfig {
  uint32_t ssrc = 1;
  uint8_t payload_type = protocol::kPayloadTypeOpus;
  std::string mid = "0";
  AudioHeaderExtensionIds extension_ids;
  OpusEncoderConfig opus;
  SpeechSourceConfig source;
};

struct AudioSenderCounters {
  uint64_t frames = 0;  // ticks (frames rendered)
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;  // RTP bytes handed to the send callback
  uint64_t payload_bytes_sent = 0;
  uint64_t dtx_frames = 0;  // frames not sent because DTX
  uint64_t muted_frames = 0;
  uint64_t encode_errors = 0;
  uint64_t talkspurts = 0;  // marker bits set
};

class AudioSender {
 public:
  using SendCallback = std::function<void(std::vector<uint8_t> packet)>;
  using VoiceActivityCallback = std::function<void(bool speaking)>;
  using TransportSequenceAllocator = std::function<uint16_t()>;

  // Errors: those of OpusEncoder::Create, "invalid_argument" for ssrc 0 or pt > 127.
  static protocol::Result<std::unique_ptr<AudioSender>> Create(sim::Env env, AudioSenderConfig config);
  ~AudioSender();
  AudioSender(const AudioSender&) = delete;
  AudioSender& operator=(const AudioSender&) = delete;

  void SetSendCallback(SendCallback cb) { send_ = std::move(cb); }
  void SetVoiceActivityCallback(VoiceActivityCallback cb) { on_voice_activity_ = std::move(cb); }
  void SetTransportSequenceAllocator(TransportSequenceAllocator a) { next_transport_seq_ = std::move(a); }

  void Start();  // first frame at the next multiple of 20 ms of simulated time
  void Stop();
  bool running() const;

  void SetMuted(bool muted);
  bool muted() const { return vad_.muted(); }
  bool speaking() const { return vad_.speaking(); }

  // Full reconfiguration (ssrc, pt, mid, ids, opus). The source config is not changed.
  protocol::Status Reconfigure(const AudioSenderConfig& config);
  // From the router's Opus fmtp (maxaveragebitrate, usedtx, useinbandfec).
  protocol::Status ApplyOpusSettings(const protocol::OpusSettings& opus);

  const AudioSenderConfig& config() const { return config_; }
  const AudioSenderCounters& counters() const { return counters_; }
  uint16_t next_sequence_number() const { return seq_; }

 private:
  AudioSender(sim::Env env, AudioSenderConfig config, OpusEncoder encoder);
  void Tick();
  void Schedule();

  sim::Env env_;
  AudioSenderConfig config_;
  SpeechSource source_;
  OpusEncoder encoder_;
  VoiceActivityDetector vad_;
  SendCallback send_;
  VoiceActivityCallback on_voice_activity_;
  TransportSequenceAllocator next_transport_seq_;
  sim::EventId timer_;
  bool running_ = false;
  bool pending_marker_ = true;
  uint16_t seq_ = 0;
  uint32_t timestamp_base_ = 0;  // random; RTP timestamp = base + simulated time at 48 kHz
  uint16_t transport_seq_ = 0;
  AudioSenderCounters counters_;
  std::vector<int16_t> pcm_;
  std::vector<uint8_t> payload_;
  // Lifetime guard for scheduled callbacks (they capture a weak_ptr, never a raw this).
  std::shared_ptr<AudioSender*> self_;
};

}  // namespace sfusim::clients
