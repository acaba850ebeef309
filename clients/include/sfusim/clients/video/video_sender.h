// VideoSender: a camera or a browser screen share (the web path): a timer at fps on env.scheduler
// -> SyntheticVideoSource -> VideoEncoder -> VideoRtpSender -> the send callback (the client
// SRTP-protects and sends each plaintext RTP packet).
//
// Contract:
// - Frame k after Start() is captured at start + k * 1 s / fps exactly (computed from k, so no
//   drift: start_us + k * 1'000'000 / fps, integer microseconds); the first frame at Start() time
//   itself (posted, it fires from the event loop). Encode takes no simulated time here.
// - Source frame numbers count every captured frame of this sender from 0 and continue across
//   Stop/Start (a receiver's stamp identifies the frame uniquely); the capture time is the tick.
// - Start() is idempotent; Stop() cancels the timer (idempotent); the destructor cancels it. The
//   scheduled callback holds a weak_ptr, never a raw this.
// - RequestKeyFrame() (PLI/FIR): the next encoded frame is an IDR. SetTargetBitrate() is clamped
//   to [kVideoMinBitrateBps, kVideoMaxBitrateBps] and applied at the next frame through
//   VideoEncoder::SetRates (only when it changed). SetResolution() likewise at the next frame.
// - An encode error counts encode_errors and requests a key frame for the next frame (the
//   encoder's reference may be gone); an empty access unit counts frames_skipped.
// - The source seed is config.source_seed (VideoSourceSeed(username, source) in the client).
// - Create() errors: "invalid_argument" (null scheduler, ssrc 0, pt > 127, bad size/fps/bitrate)
//   and those of H264Encoder::Create.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "sfusim/clients/video/h264_encoder.h"
#include "sfusim/clients/video/i420_frame.h"
#include "sfusim/clients/video/synthetic_video_source.h"
#include "sfusim/clients/video/video_constants.h"
#include "sfusim/clients/video/video_encoder.h"
#include "sfusim/clients/video/video_rtp_sender.h"
#include "sfusim/protocol/result.h"
#include "sfusim/sim/env.h"

namespace sfusim::clients {

struct VideoSenderConfig {
  VideoContent content = VideoContent::kCamera;
  int width = 640, height = 360, fps = 30;
  int64_t bitrate_bps = 700'000;
  VideoRtpSenderConfig rtp;
  uint64_t source_seed = 0;
  int key_frame_interval_s = 0;  // passed to the encoder; 0 = only first and requested IDRs
};

struct VideoSenderCounters {
  uint64_t frames_captured = 0;
  uint64_t frames_encoded = 0;   // non-empty access units
  uint64_t frames_skipped = 0;   // empty access units (encoder skipped)
  uint64_t encode_errors = 0;
  uint64_t key_frames = 0;
  uint64_t key_frame_requests = 0;
  uint64_t packets_sent = 0;     // first transmissions
  uint64_t bytes_sent = 0;       // RTP bytes of those
  uint64_t send_failures = 0;
  uint64_t retransmissions = 0;
  uint64_t encoded_bytes = 0;    // Annex-B bytes out of the encoder
};

class VideoSender {
 public:
  using SendCallback = std::function<bool(std::vector<uint8_t>)>;

  static protocol::Result<std::unique_ptr<VideoSender>> Create(sim::Env env, VideoSenderConfig config);
  // With a given encoder (tests, fault injection); it must expect config.width x config.height.
  static protocol::Result<std::unique_ptr<VideoSender>> Create(sim::Env env, VideoSenderConfig config,
                                                               std::unique_ptr<VideoEncoder> encoder);
  ~VideoSender();
  VideoSender(const VideoSender&) = delete;
  VideoSender& operator=(const VideoSender&) = delete;

  void SetSendCallback(SendCallback send);
  void SetTransportSequenceAllocator(VideoRtpSender::TransportSequenceAllocator a);

  void Start();
  void Stop();
  bool running() const { return running_; }

  void RequestKeyFrame();
  void OnNack(std::span<const uint16_t> seqs);
  void SetTargetBitrate(int64_t bps);
  int64_t target_bitrate_bps() const { return target_bitrate_bps_; }
  protocol::Status SetResolution(int width, int height);  // at the next frame

  const VideoSenderConfig& config() const { return config_; }
  const VideoSenderCounters& counters() const;
  const VideoRtpSender& rtp_sender() const { return rtp_; }
  uint32_t next_frame_number() const { return next_frame_number_; }

 private:
  VideoSender(sim::Env env, VideoSenderConfig config, std::unique_ptr<VideoEncoder> encoder);
  void ScheduleNext();
  void Tick();

  sim::Env env_;
  VideoSenderConfig config_;
  SyntheticVideoSource source_;
  std::unique_ptr<VideoEncoder> encoder_;
  VideoRtpSender rtp_;
  SendCallback send_;
  sim::EventId timer_;
  bool running_ = false;
  sim::Timestamp start_time_;
  uint64_t ticks_since_start_ = 0;
  uint32_t next_frame_number_ = 0;
  bool key_frame_pending_ = true;
  int64_t target_bitrate_bps_ = 0;
  int64_t applied_bitrate_bps_ = 0;
  int pending_width_ = 0, pending_height_ = 0;
  mutable VideoSenderCounters counters_;
  std::shared_ptr<VideoSender*> self_;
};

}  // namespace sfusim::clients
