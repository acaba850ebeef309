// FaultyVideoEncoder: a VideoEncoder wrapper that fails on demand (the `encode_error` fault of
// SCENARIO.md `encoder_faults`).
//
// Contract: while set_failing(true), every Encode() fails with code kInjectedEncodeErrorCode and
// does not reach the wrapped encoder (so its state, e.g. the reference picture, is unchanged and
// the first frame after the fault must be a key frame: the caller asks for one). SetRates and
// SetResolution always pass through. Counts the injected failures.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "sfusim/clients/video/video_encoder.h"

namespace sfusim::clients {

inline constexpr std::string_view kInjectedEncodeErrorCode = "injected_encode_error";

class FaultyVideoEncoder final : public VideoEncoder {
 public:
  explicit FaultyVideoEncoder(std::unique_ptr<VideoEncoder> inner) : inner_(std::move(inner)) {}

  protocol::Result<EncodedVideoFrame> Encode(const I420Frame& frame, uint32_t frame_number,
                                             bool force_key_frame) override;
  protocol::Status SetRates(int64_t bitrate_bps, int fps) override;
  protocol::Status SetResolution(int width, int height) override;

  void set_failing(bool failing) { failing_ = failing; }
  bool failing() const { return failing_; }
  uint64_t injected_failures() const { return injected_failures_; }
  VideoEncoder* inner() { return inner_.get(); }

 private:
  std::unique_ptr<VideoEncoder> inner_;
  bool failing_ = false;
  uint64_t injected_failures_ = 0;
};

}  // namespace sfusim::clients
