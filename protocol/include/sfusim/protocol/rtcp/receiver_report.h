// ReceiverReport: RTCP RR (RFC 3550 6.4.2, PT=201): the reporter's SSRC and up to 31 blocks.
//
//           0                   1                   2                   3
//           0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   header |V=2|P|    RC   |   PT=RR=201   |             length            |
//          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//          |                     SSRC of packet sender                     |
//          +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   report |                 report block 1 (24 bytes, ReportBlock)        |
//   blocks +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//          |                  profile-specific extensions                  |
//          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: as SenderReport (4 + 24*RC payload bytes, extension a multiple of 4, <= 31 blocks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/report_block.h"
#include "sfusim/protocol/rtcp/rtcp_header.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp {

struct ReceiverReport {
  static constexpr uint8_t kPacketType = RtcpHeader::kPtReceiverReport;
  static constexpr size_t kMaxReportBlocks = RtcpHeader::kMaxCount;

  uint32_t sender_ssrc = 0;
  std::vector<ReportBlock> report_blocks;
  std::vector<uint8_t> profile_extension;

  static Result<ReceiverReport> Parse(const RtcpPacketView& packet);
  Status AppendTo(std::vector<uint8_t>& out) const;
  Result<std::vector<uint8_t>> Serialize() const;

  friend bool operator==(const ReceiverReport&, const ReceiverReport&) = default;
};

}  // namespace sfusim::protocol::rtcp
