// Internal: the report-block list and profile extension shared by SR and RR.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rtcp/rtcp_util.h"
#include "sfusim/protocol/rtcp/report_block.h"

namespace sfusim::protocol::rtcp::internal {

// Reads `count` blocks at `pos` of the payload and the extension after them.
inline Status ReadReportBlocks(const RtcpPacketView& v, const char* type, size_t pos, size_t count,
                               std::vector<ReportBlock>& blocks, std::vector<uint8_t>& extension) {
  const size_t need = pos + count * ReportBlock::kSize;
  if (v.payload.size() < need) return TooShort(v, type, need);
  blocks.reserve(count);
  for (size_t i = 0; i < count; ++i) blocks.push_back(ReportBlock::Read(v.payload.data() + pos + i * ReportBlock::kSize));
  const size_t rest = v.payload.size() - need;
  if (rest % 4 != 0) {
    return PacketError(v, type, "length_mismatch",
                       std::to_string(rest) + " bytes after the report blocks are not whole 32-bit words");
  }
  extension.assign(v.payload.begin() + static_cast<std::ptrdiff_t>(need), v.payload.end());
  return Ok{};
}

inline Status CheckReportBlocks(const char* type, const std::vector<ReportBlock>& blocks,
                                const std::vector<uint8_t>& extension) {
  if (blocks.size() > RtcpHeader::kMaxCount) {
    return MakeError("too_many", std::string("rtcp ") + type + ": " + std::to_string(blocks.size()) +
                                     " report blocks, limit 31");
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (!blocks[i].IsValid()) {
      return MakeError("out_of_range", std::string("rtcp ") + type + " report block " + std::to_string(i) +
                                           ": cumulative lost " + std::to_string(blocks[i].cumulative_lost) +
                                           " does not fit 24 bits");
    }
  }
  if (extension.size() % 4 != 0) {
    return MakeError("length_mismatch", std::string("rtcp ") + type + ": profile extension of " +
                                            std::to_string(extension.size()) + " bytes is not whole words");
  }
  return Ok{};
}

inline void WriteReportBlocks(uint8_t* p, const std::vector<ReportBlock>& blocks, const std::vector<uint8_t>& extension) {
  for (const auto& b : blocks) {
    b.Write(p);
    p += ReportBlock::kSize;
  }
  std::copy(extension.begin(), extension.end(), p);
}

}  // namespace sfusim::protocol::rtcp::internal
