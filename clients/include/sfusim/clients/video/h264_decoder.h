// H264Decoder: OpenH264 (WelsCreateDecoder, DecodeFrameNoDelay) behind a Result-returning API.
//
// Contract:
// - Error concealment is OFF (DECODER_OPTION_ERROR_CON_IDC = ERROR_CON_DISABLE): an access unit
//   whose reference is missing (a P frame after a lost frame) fails with "h264_decode_failed"
//   instead of producing a smeared picture; the caller then needs a key frame.
// - Decode(annex_b) (or DecodeInto) takes one whole access unit (Annex-B, start codes) and returns the decoded
//   picture copied into a tightly packed I420Frame, nullopt when the decoder produced no picture
//   (e.g. an access unit holding only SPS/PPS), or an error:
//     "invalid_argument"     empty input or larger than kVideoMaxAccessUnitBytes
//     "h264_decode_failed"   OpenH264 reported an error (message has the DECODING_STATE bits)
//     "h264_bad_picture"     a picture with an odd or out-of-range size or a null plane
//   Create() fails with "h264_decoder_init_failed".
// - Single-threaded, no clock, no randomness: the same input gives the same output.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "sfusim/clients/video/i420_frame.h"
#include "sfusim/protocol/result.h"

class ISVCDecoder;

namespace sfusim::clients {

class H264Decoder {
 public:
  static protocol::Result<std::unique_ptr<H264Decoder>> Create();
  ~H264Decoder();
  H264Decoder(const H264Decoder&) = delete;
  H264Decoder& operator=(const H264Decoder&) = delete;

  protocol::Result<std::optional<I420Frame>> Decode(std::span<const uint8_t> annex_b);
  // The same, writing the picture into *out (its buffers are reused when the size is unchanged,
  // so a receiver decoding a stream allocates nothing per frame): true when a picture was
  // written, false when the decoder produced none (*out untouched). On an error *out is
  // untouched too.
  protocol::Result<bool> DecodeInto(std::span<const uint8_t> annex_b, I420Frame* out);
  // The same without any copy: a view of the decoder's own output buffer (padded rows), valid
  // until the next Decode*/DecodeView call or the decoder's destruction; nullopt when no picture.
  protocol::Result<std::optional<I420View>> DecodeView(std::span<const uint8_t> annex_b);

  uint64_t frames_decoded() const { return frames_decoded_; }
  uint64_t errors() const { return errors_; }

 private:
  explicit H264Decoder(ISVCDecoder* decoder) : decoder_(decoder) {}
  ISVCDecoder* decoder_ = nullptr;
  uint64_t frames_decoded_ = 0;
  uint64_t errors_ = 0;
};

}  // namespace sfusim::clients
