// AnnexBParser: splits an H.264 Annex-B byte stream (H.264 Annex B) into NAL units, and writes
// NAL units back as Annex-B.
//
//   byte stream:  [00] 00 00 01 | NAL unit | [00 ...] [00] 00 00 01 | NAL unit | [00 ...]
//                 start code (3 or 4 bytes) and trailing_zero_8bits around each NAL unit
//
// Contract: Split returns views into the input, in order, without their start codes; zero
// bytes before a start code are trailing_zero_8bits or the first byte of a 4-byte start code,
// never NAL data (a NAL unit's last byte is non-zero, H.264 section 7.4.1), so they are dropped;
// empty NAL units are skipped. Anything but zero bytes before the first start code is an error
// ("h264_missing_start_code"); more than kH264MaxNalUnitsPerAccessUnit NAL units or more than
// kH264MaxAccessUnitBytes bytes are errors ("h264_too_many_nal_units", "h264_access_unit_too_large").
// Writing always uses 4-byte start codes, so Join(Split(x)) == x for such streams.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sfusim/protocol/result.h"

namespace sfusim::protocol {

class AnnexBParser {
 public:
  static Result<std::vector<std::span<const uint8_t>>> Split(std::span<const uint8_t> stream);

  // Appends 00 00 00 01 and the NAL unit.
  static void AppendNalUnit(std::span<const uint8_t> nal_unit, std::vector<uint8_t>& out);
  static std::vector<uint8_t> Join(std::span<const std::span<const uint8_t>> nal_units);
};

}  // namespace sfusim::protocol
