// NalUnitHeader: the one-byte H.264 NAL unit header (H.264 section 7.3.1, RFC 6184 section 1.3).
//
//      +---------------+
//      |0|1|2|3|4|5|6|7|
//      +-+-+-+-+-+-+-+-+
//      |F|NRI|  Type   |
//      +---------------+
//   F: forbidden_zero_bit (1 = the NAL may contain errors); NRI: nal_ref_idc (0 = not used for
//   reference); Type: nal_unit_type (h264_constants.h).
//
// Contract: any byte is a header (there is nothing to validate at this level); FromByte and
// ToByte are exact inverses. The RTP packet types in h264/ decide which Type values they accept.
#pragma once

#include <cstdint>

namespace sfusim::protocol {

struct NalUnitHeader {
  bool forbidden_bit = false;
  uint8_t nri = 0;   // 2 bits
  uint8_t type = 0;  // 5 bits

  static constexpr NalUnitHeader FromByte(uint8_t byte) {
    return NalUnitHeader{(byte & 0x80) != 0, static_cast<uint8_t>((byte >> 5) & 0x03), static_cast<uint8_t>(byte & 0x1f)};
  }
  constexpr uint8_t ToByte() const {
    return static_cast<uint8_t>((forbidden_bit ? 0x80 : 0) | ((nri & 0x03) << 5) | (type & 0x1f));
  }
  friend constexpr bool operator==(const NalUnitHeader&, const NalUnitHeader&) = default;
};

}  // namespace sfusim::protocol
