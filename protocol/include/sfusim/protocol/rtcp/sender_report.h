// SenderReport: RTCP SR (RFC 3550 6.4.1, PT=200): sender info plus up to 31 report blocks.
//
//           0                   1                   2                   3
//           0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   header |V=2|P|    RC   |   PT=SR=200   |             length            |
//          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//          |                         SSRC of sender                        |
//          +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   sender |              NTP timestamp, most significant word             |
//   info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//          |             NTP timestamp, least significant word             |
//          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//          |                         RTP timestamp                         |
//          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//          |                     sender's packet count                     |
//          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//          |                      sender's octet count                     |
//          +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   report |                 report block 1 (24 bytes, ReportBlock)        |
//   blocks +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//          |                  profile-specific extensions                  |
//          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: Parse() needs 24 + 24*RC payload bytes; what follows the blocks is kept verbatim as
// profile_extension and must be a multiple of 4 bytes. AppendTo() refuses more than 31 blocks,
// an invalid block, or an extension that is not a multiple of 4.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/report_block.h"
#include "sfusim/protocol/rtcp/rtcp_header.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp {

struct SenderReport {
  static constexpr uint8_t kPacketType = RtcpHeader::kPtSenderReport;
  static constexpr size_t kSenderInfoSize = 24;  // SSRC + NTP(8) + RTP ts + packets + octets
  static constexpr size_t kMaxReportBlocks = RtcpHeader::kMaxCount;

  uint32_t sender_ssrc = 0;
  uint64_t ntp_timestamp = 0;  // 32.32 fixed point seconds since 1900
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;
  std::vector<ReportBlock> report_blocks;
  std::vector<uint8_t> profile_extension;

  static Result<SenderReport> Parse(const RtcpPacketView& packet);
  Status AppendTo(std::vector<uint8_t>& out) const;
  Result<std::vector<uint8_t>> Serialize() const;

  friend bool operator==(const SenderReport&, const SenderReport&) = default;
};

}  // namespace sfusim::protocol::rtcp
