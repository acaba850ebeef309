// FuAPacket: fragmentation unit type A (RFC 6184 section 5.8, figures 14-16).
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | FU indicator  |   FU header   |                               |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
//    |                                                               |
//    |                         FU payload                            |
//    |                                                               |
//    |                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                               :...OPTIONAL RTP padding        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//    FU indicator        FU header
//    +---------------+   +---------------+
//    |0|1|2|3|4|5|6|7|   |0|1|2|3|4|5|6|7|
//    +-+-+-+-+-+-+-+-+   +-+-+-+-+-+-+-+-+
//    |F|NRI|  Type   |   |S|E|R|  Type   |
//    +---------------+   +---------------+
//   Indicator: F and NRI of the fragmented NAL unit, Type = 28. Header: S = first fragment,
//   E = last fragment, R = 0, Type = the fragmented NAL unit's type. The FU payload is the
//   fragmented NAL unit without its header byte, which the receiver rebuilds as
//   indicator.F | indicator.NRI | header.Type.
//
// Contract: Parse returns a view into the input. Errors ("h264_malformed_fu_a", message with
// the field): fewer than 2 bytes, indicator type not 28, S and E both set (RFC 6184: a NAL unit
// MUST NOT be sent in one FU), or a fragmented type of 0 or 24..31. The FU payload may be empty
// (RFC 6184 allows it). R is kept as read so Parse -> Serialize is byte-identical.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sfusim/protocol/h264/nal_unit_header.h"
#include "sfusim/protocol/result.h"

namespace sfusim::protocol {

class FuAPacket {
 public:
  NalUnitHeader indicator;
  bool start = false;
  bool end = false;
  bool reserved = false;
  uint8_t nal_type = 0;
  std::span<const uint8_t> fragment;

  static Result<FuAPacket> Parse(std::span<const uint8_t> payload);

  // The header byte of the NAL unit this fragment belongs to.
  uint8_t OriginalNalHeader() const;

  size_t SerializedSize() const;
  void SerializeTo(std::vector<uint8_t>& out) const;
  std::vector<uint8_t> Serialize() const;
};

}  // namespace sfusim::protocol
