// StapAPacket: single-time aggregation packet type A (RFC 6184 section 5.7.1, figure 7).
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                          RTP Header                           |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |STAP-A NAL HDR |         NALU 1 Size           | NALU 1 HDR    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                         NALU 1 Data                           |
//    :                                                               :
//    +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |               | NALU 2 Size                   | NALU 2 HDR    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                         NALU 2 Data                           |
//    :                                                               :
//    |                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                               :...OPTIONAL RTP padding        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   STAP-A NAL HDR: F = OR of the aggregated F bits, NRI = their maximum, Type = 24.
//   Each NALU size counts the aggregated NAL unit including its own header byte.
//
// Contract: Parse (the RTP payload only; the RTP header and padding are already removed) returns
// views into the input. Errors ("h264_malformed_stap_a", message with the byte offset): type is
// not 24, no NAL unit, a size of 0, a size running past the end, 1 dangling byte at the end,
// or an aggregated NAL unit of type 0 or 24..31 (aggregation packets do not nest).
// Serialize writes `header` as stored, so Parse -> Serialize is byte-identical; Build computes
// the header from the NAL units (RFC rules above).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sfusim/protocol/h264/nal_unit_header.h"
#include "sfusim/protocol/result.h"

namespace sfusim::protocol {

class StapAPacket {
 public:
  NalUnitHeader header;
  std::vector<std::span<const uint8_t>> nal_units;

  static Result<StapAPacket> Parse(std::span<const uint8_t> payload);
  // Errors: "h264_malformed_stap_a" when a NAL unit is empty or longer than 65535 bytes, or none.
  static Result<StapAPacket> Build(std::span<const std::span<const uint8_t>> nal_units);

  size_t SerializedSize() const;
  void SerializeTo(std::vector<uint8_t>& out) const;
  std::vector<uint8_t> Serialize() const;
};

}  // namespace sfusim::protocol
