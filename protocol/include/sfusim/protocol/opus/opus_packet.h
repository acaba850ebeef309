// OpusPacket: one Opus packet = one Opus RTP payload (RFC 7587 section 4.2), framed as in
// RFC 6716 section 3.2.
//
//   code 0:  | TOC | frame 1 ...                        |
//   code 1:  | TOC | frame 1 (N-1)/2 | frame 2 (N-1)/2  |
//   code 2:  | TOC | len 1 (1-2 B) | frame 1 | frame 2   |
//   code 3:  | TOC | v|p|  M  | padding length | [len 1 .. len M-1 if v] | frames | padding |
//      frame count byte:
//      0
//      0 1 2 3 4 5 6 7
//     +-+-+-+-+-+-+-+-+
//     |v|p|     M     |     v: VBR, p: padding present, M: number of frames (1..48)
//     +-+-+-+-+-+-+-+-+
//   A frame length is 1 byte (0..251) or 2 bytes (252..255, then b1: length = 4*b1 + b0).
//   Padding length: bytes of 255 each add 254 and continue; the last byte (0..254) adds itself.
//
// Contract: Parse checks RFC 6716 requirements R1-R7 and returns views into the input. Errors,
// with the byte offset in the message: "opus_empty_packet" (R1), "opus_truncated",
// "opus_frame_too_large" (R2, > kOpusMaxFrameBytes), "opus_bad_code1_length" (R3),
// "opus_bad_frame_count" (R5, M = 0), "opus_duration_too_long" (R5, > 120 ms),
// "opus_bad_padding", "opus_bad_cbr_length" (R6), "opus_bad_vbr_length" (R4, R7).
// Serialize writes the layout the fields describe (toc.frame_count_code, vbr, padding_bytes)
// with canonical length and padding encodings and zero padding bytes, so Parse -> Serialize is
// byte-identical for packets written that way; it fails with "opus_bad_layout" when the frames
// do not fit the code (e.g. code 1 with unequal frames).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sfusim/protocol/opus/opus_toc.h"
#include "sfusim/protocol/result.h"

namespace sfusim::protocol {

inline constexpr size_t kOpusMaxFrameBytes = 1275;          // RFC 6716 R2
inline constexpr uint32_t kOpusMaxPacketSamples48k = 5760;  // 120 ms, RFC 6716 R5
inline constexpr size_t kOpusMaxFramesPerPacket = 48;       // 120 ms of 2.5 ms frames

class OpusPacket {
 public:
  OpusToc toc;
  bool vbr = false;          // code 3 v bit (codes 0-2: false)
  size_t padding_bytes = 0;  // code 3 padding data bytes, excluding the padding length bytes
  std::vector<std::span<const uint8_t>> frames;

  static Result<OpusPacket> Parse(std::span<const uint8_t> payload);
  Result<std::vector<uint8_t>> Serialize() const;

  // Samples at 48 kHz this packet covers: what the RTP timestamp advances by.
  uint32_t DurationSamples48k() const { return static_cast<uint32_t>(frames.size()) * toc.frame_samples_48k(); }
};

}  // namespace sfusim::protocol
