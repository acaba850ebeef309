// H264PayloadInfo: what one H.264 RTP payload (RFC 6184, packetization-mode=1) holds, for the
// depacketizer and for anyone forwarding H.264 without reassembling it (key frame detection in
// the SFU, like mediasoup's H264 payload descriptor).
//
//   first byte = NAL unit header (nal_unit_header.h):
//     Type 1..23  single NAL unit packet (section 5.6): the payload is one whole NAL unit
//     Type 24     STAP-A (stap_a_packet.h)
//     Type 28     FU-A (fu_a_packet.h)
//     Type 25, 26, 27, 29: STAP-B, MTAP16, MTAP24, FU-B: interleaved mode only, not supported
//     Type 0, 30, 31: reserved
//
// Contract: Inspect validates the structure (the checks of StapAPacket::Parse / FuAPacket::Parse)
// and never reads out of bounds. Errors: "h264_empty_payload", "h264_reserved_nal_type",
// "h264_unsupported_packet_type", "h264_malformed_stap_a", "h264_malformed_fu_a".
// key_frame is set by an IDR or SPS NAL unit in a single NAL packet or a STAP-A, and by the
// first fragment (S=1) of an FU-A carrying an IDR or SPS. starts_access_unit is set when the
// payload begins with an access unit delimiter or an SPS (and, for an FU-A, is its first
// fragment): see h264_depacketizer.h for why that marks the start of a frame.
#pragma once

#include <cstdint>
#include <span>

#include "sfusim/protocol/result.h"

namespace sfusim::protocol {

enum class H264PacketKind : uint8_t { kSingleNalUnit, kStapA, kFuA };

class H264PayloadInfo {
 public:
  H264PacketKind kind = H264PacketKind::kSingleNalUnit;
  uint8_t first_nal_type = 0;  // the first NAL unit carried (for FU-A: the fragmented one)
  size_t nal_unit_count = 0;   // NAL units starting in this payload (FU-A: 1 if S, else 0)
  bool fu_start = false;
  bool fu_end = false;
  bool has_idr = false;
  bool has_sps = false;
  bool has_pps = false;
  bool key_frame = false;
  bool starts_access_unit = false;

  static Result<H264PayloadInfo> Inspect(std::span<const uint8_t> payload);
};

}  // namespace sfusim::protocol
