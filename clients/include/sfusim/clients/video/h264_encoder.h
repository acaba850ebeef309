// H264Encoder: VideoEncoder on OpenH264 (Cisco's libopenh264, <wels/codec_api.h>, behind a PIMPL).
//
// Settings (why): single thread (iMultipleThreadIdc = 1: determinism and the 2-core machine);
// constrained baseline (the router's profile-level-id 42e01f; CAVLC, no B frames); usage
// CAMERA_VIDEO_REAL_TIME for kCamera and SCREEN_CONTENT_REAL_TIME for kScreen; rate control on
// bitrate (RC_BITRATE_MODE); one spatial layer, one temporal layer; a single slice per frame (the
// RTP packetizer fragments it with FU-A); SPS/PPS ids constant and SPS+PPS emitted with every IDR;
// key_frame_interval_s = 0 means no periodic IDR (only the first frame and requested ones).
// Frame skipping is OFF (documented choice): every Encode() returns an access unit, so gaps in a
// receiver's frames come from the network, never from the codec; rate control meets the target
// by raising QP instead. Should OpenH264 still report a skipped frame, Encode() returns an empty
// access unit (not an error).
// Level: OpenH264 picks the level the resolution needs (3.1 up to 720p30, higher beyond).
//
// Errors (stable codes): "invalid_argument" (size odd/out of range, fps or bitrate out of
// [kVideoMin*, kVideoMax*], a picture whose size is not the configured one),
// "h264_encoder_init_failed" (WelsCreateSVCEncoder / InitializeExt failed),
// "h264_encode_failed" (EncodeFrame returned an error), "h264_set_option_failed".
// Single-threaded; move-only through unique_ptr.
#pragma once

#include <cstdint>
#include <memory>

#include "sfusim/clients/video/synthetic_video_source.h"
#include "sfusim/clients/video/video_encoder.h"
#include "sfusim/protocol/result.h"

namespace sfusim::clients {

struct H264EncoderConfig {
  int width = 640, height = 360, fps = 30;
  int64_t bitrate_bps = 700'000;
  VideoContent content = VideoContent::kCamera;
  int key_frame_interval_s = 0;  // 0: no periodic key frames
};

class H264Encoder final : public VideoEncoder {
 public:
  static protocol::Result<std::unique_ptr<H264Encoder>> Create(const H264EncoderConfig& config);
  ~H264Encoder() override;
  H264Encoder(const H264Encoder&) = delete;
  H264Encoder& operator=(const H264Encoder&) = delete;

  protocol::Result<EncodedVideoFrame> Encode(const I420Frame& frame, uint32_t frame_number,
                                             bool force_key_frame) override;
  protocol::Status SetRates(int64_t bitrate_bps, int fps) override;
  protocol::Status SetResolution(int width, int height) override;

  // The configuration in force for the next frame (after SetRates/SetResolution).
  const H264EncoderConfig& config() const { return config_; }

 private:
  struct Impl;
  explicit H264Encoder(const H264EncoderConfig& config);
  protocol::Status Init();  // (re)creates the OpenH264 encoder for config_

  H264EncoderConfig config_;
  std::unique_ptr<Impl> impl_;
  bool reinit_pending_ = false;
  bool rates_pending_ = false;
  // The input timestamp OpenH264's rate control sees: +1/fps per Encode (monotonic across
  // SetRates fps changes and frame-number gaps), in microseconds.
  int64_t input_time_us_ = 0;
};

}  // namespace sfusim::clients
