#include "sfusim/protocol/h264/annex_b_parser.h"

#include <string>

#include "sfusim/protocol/h264/h264_constants.h"

namespace sfusim::protocol {
namespace {

// Position of the next 00 00 01 at or after `from`, or size() when there is none.
size_t FindStartCode(std::span<const uint8_t> s, size_t from) {
  for (size_t i = from; i + 2 < s.size(); ++i) {
    // Skip quickly: a start code needs s[i + 2] == 1 and two zeros before it.
    if (s[i + 2] > 1) {
      i += 2;
      continue;
    }
    if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) return i;
  }
  return s.size();
}

}  // namespace

Result<std::vector<std::span<const uint8_t>>> AnnexBParser::Split(std::span<const uint8_t> stream) {
  if (stream.size() > kH264MaxAccessUnitBytes) {
    return MakeError("h264_access_unit_too_large", "Annex-B input is " + std::to_string(stream.size()) +
                                                       " bytes, limit " + std::to_string(kH264MaxAccessUnitBytes));
  }
  std::vector<std::span<const uint8_t>> nal_units;
  size_t start = FindStartCode(stream, 0);
  for (size_t i = 0; i < start && i < stream.size(); ++i) {
    if (stream[i] != 0) {
      return MakeError("h264_missing_start_code", "byte " + std::to_string(i) + ": data before the first start code");
    }
  }
  while (start < stream.size()) {
    const size_t begin = start + 3;
    const size_t next = FindStartCode(stream, begin);
    size_t end = next;
    while (end > begin && stream[end - 1] == 0) --end;  // trailing_zero_8bits / 4-byte start code
    if (end > begin) {
      if (nal_units.size() >= kH264MaxNalUnitsPerAccessUnit) {
        return MakeError("h264_too_many_nal_units", "byte " + std::to_string(begin) + ": more than " +
                                                        std::to_string(kH264MaxNalUnitsPerAccessUnit) + " NAL units");
      }
      nal_units.push_back(stream.subspan(begin, end - begin));
    }
    start = next;
  }
  return nal_units;
}

void AnnexBParser::AppendNalUnit(std::span<const uint8_t> nal_unit, std::vector<uint8_t>& out) {
  static constexpr uint8_t kStartCode[kH264AnnexBStartCodeBytes] = {0, 0, 0, 1};
  out.insert(out.end(), std::begin(kStartCode), std::end(kStartCode));
  out.insert(out.end(), nal_unit.begin(), nal_unit.end());
}

std::vector<uint8_t> AnnexBParser::Join(std::span<const std::span<const uint8_t>> nal_units) {
  size_t total = 0;
  for (const auto& nal : nal_units) total += kH264AnnexBStartCodeBytes + nal.size();
  std::vector<uint8_t> out;
  out.reserve(total);
  for (const auto& nal : nal_units) AppendNalUnit(nal, out);
  return out;
}

}  // namespace sfusim::protocol
