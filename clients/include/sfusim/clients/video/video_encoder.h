// VideoEncoder: the encoder seam between the video senders (VideoSender, the native sender) and a
// codec. The native sender's fault injection wraps it.
//
// Contract:
// - Encode() turns one I420 picture into one Annex-B access unit (every NAL unit behind a
//   00 00 00 01 start code). A frame the encoder decides to skip (rate control) comes back as an
//   EncodedVideoFrame with an EMPTY annex_b and no error: the caller sends nothing for it.
//   force_key_frame makes this frame an IDR (preceded by SPS and PPS).
// - SetRates() and SetResolution() take effect at the next Encode(). After SetResolution() the
//   encoder expects pictures of the new size (a mismatching picture is an error); the first frame
//   at the new size is a key frame.
// - Errors are protocol::Result errors with stable codes (see the implementation's header).
//   VIDEO_DESIGN.md writes Result<void>: in this tree that is protocol::Status.
#pragma once

#include <cstdint>
#include <vector>

#include "sfusim/clients/video/i420_frame.h"
#include "sfusim/protocol/result.h"

namespace sfusim::clients {

struct EncodedVideoFrame {
  std::vector<uint8_t> annex_b;  // one access unit; empty: the encoder skipped this frame
  bool key_frame = false;        // holds an IDR slice
  int width = 0, height = 0;
  uint32_t frame_number = 0;     // of the source frame
};

class VideoEncoder {
 public:
  virtual ~VideoEncoder() = default;
  virtual protocol::Result<EncodedVideoFrame> Encode(const I420Frame& frame, uint32_t frame_number,
                                                     bool force_key_frame) = 0;
  virtual protocol::Status SetRates(int64_t bitrate_bps, int fps) = 0;
  virtual protocol::Status SetResolution(int width, int height) = 0;  // next frame; re-init
};

}  // namespace sfusim::clients
