// AudioReceiver: one consumer's receive pipeline: plaintext RTP -> JitterBuffer -> Opus decode
// (normal, in-band FEC, PLC) every 20 ms, writing into an AudioStreamStats it does not own.
//
// Contract:
// - OnRtp() takes a decrypted RTP packet and its arrival time. Packets of another payload type, or
//   another SSRC when config.ssrc != 0, or unparsable ones, count as packets_invalid.
// - The first accepted packet schedules the playout timer on env.scheduler (first tick at arrival
//   + JitterBuffer::kInitialTargetDelay, then every 20 ms, forever until Stop()/destruction: slots
//   with nothing to play are logged as no_data). The destructor cancels the timer.
// - Per played slot it decodes (normal: Decode; fec: DecodeFec of the next packet; concealed:
//   PLC; no_data: nothing is decoded) and records the status; for normal frames with an
//   abs-capture-time it records mouth-to-ear delay = playout time - capture time, in ms.
// - A payload the decoder rejects is played as concealed and counted as packets_invalid.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sfusim/clients/audio/audio_stream_stats.h"
#include "sfusim/clients/audio/jitter_buffer.h"
#include "sfusim/clients/audio/opus_decoder.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/sim/env.h"

namespace sfusim::clients {

struct AudioReceiverConfig {
  uint32_t ssrc = 0;  // 0 = accept any
  uint8_t payload_type = protocol::kPayloadTypeOpus;
  uint8_t audio_level_id = protocol::kHeaderExtensionIdAudioLevel;           // 0 = not negotiated
  uint8_t abs_capture_time_id = protocol::kHeaderExtensionIdAbsCaptureTime;  // 0 = not negotiated
  bool use_fec = true;  // the sender's useinbandfec; without it a lost frame is concealed
};

class AudioReceiver {
 public:
  // `stats` must outlive the receiver. Errors: those of OpusDecoder::Create, "invalid_argument"
  // for a null stats pointer.
  static protocol::Result<std::unique_ptr<AudioReceiver>> Create(sim::Env env, AudioReceiverConfig config,
                                                                 AudioStreamStats* stats);
  ~AudioReceiver();
  AudioReceiver(const AudioReceiver&) = delete;
  AudioReceiver& operator=(const AudioReceiver&) = delete;

  void OnRtp(std::span<const uint8_t> packet, sim::Timestamp arrival);
  void OnRtp(const protocol::RtpPacketView& packet, sim::Timestamp arrival);
  void Stop();  // cancels playout; later packets are ignored

  const JitterBuffer& jitter_buffer() const { return jitter_buffer_; }
  const AudioStreamStats& stats() const { return *stats_; }
  // The PCM of the last played slot (960 samples; zeros for no_data).
  std::span<const int16_t> last_frame() const { return std::span<const int16_t>(pcm_.data(), kAudioFrameSamples); }

 private:
  AudioReceiver(sim::Env env, AudioReceiverConfig config, AudioStreamStats* stats, OpusDecoder decoder);
  void Tick();

  sim::Env env_;
  AudioReceiverConfig config_;
  AudioStreamStats* stats_;
  OpusDecoder decoder_;
  JitterBuffer jitter_buffer_;
  sim::EventId timer_;
  bool stopped_ = false;
  bool timer_started_ = false;
  sim::Timestamp next_tick_;
  std::vector<int16_t> pcm_ = std::vector<int16_t>(kOpusMaxFrameSamples, 0);
  std::shared_ptr<AudioReceiver*> self_;
};

}  // namespace sfusim::clients
