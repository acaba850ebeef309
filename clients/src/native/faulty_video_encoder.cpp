#include "sfusim/clients/native/faulty_video_encoder.h"

#include <string>

namespace sfusim::clients {

protocol::Result<EncodedVideoFrame> FaultyVideoEncoder::Encode(const I420Frame& frame, uint32_t frame_number,
                                                               bool force_key_frame) {
  if (failing_) {
    ++injected_failures_;
    return protocol::MakeError(std::string(kInjectedEncodeErrorCode),
                               "encode_error fault active (frame " + std::to_string(frame_number) + ")");
  }
  return inner_->Encode(frame, frame_number, force_key_frame);
}

protocol::Status FaultyVideoEncoder::SetRates(int64_t bitrate_bps, int fps) { return inner_->SetRates(bitrate_bps, fps); }

protocol::Status FaultyVideoEncoder::SetResolution(int width, int height) { return inner_->SetResolution(width, height); }

}  // namespace sfusim::clients
