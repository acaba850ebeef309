#include "sfusim/protocol/rtcp/sender_report.h"

#include "rtcp/report_blocks.h"
#include "rtcp/rtcp_util.h"

namespace sfusim::protocol::rtcp {

namespace {
constexpr const char* kName = "SR";
}

Result<SenderReport> SenderReport::Parse(const RtcpPacketView& v) {
  if (v.header.packet_type != kPacketType) return internal::WrongType(v, kName);
  if (v.payload.size() < kSenderInfoSize) return internal::TooShort(v, kName, kSenderInfoSize);
  const uint8_t* p = v.payload.data();
  SenderReport sr;
  sr.sender_ssrc = ReadBe32(p);
  sr.ntp_timestamp = ReadBe64(p + 4);
  sr.rtp_timestamp = ReadBe32(p + 12);
  sr.packet_count = ReadBe32(p + 16);
  sr.octet_count = ReadBe32(p + 20);
  Status s = internal::ReadReportBlocks(v, kName, kSenderInfoSize, v.header.count, sr.report_blocks, sr.profile_extension);
  if (!s) return s.error();
  return sr;
}

Status SenderReport::AppendTo(std::vector<uint8_t>& out) const {
  Status s = internal::CheckReportBlocks(kName, report_blocks, profile_extension);
  if (!s) return s;
  const size_t size =
      RtcpHeader::kSize + kSenderInfoSize + report_blocks.size() * ReportBlock::kSize + profile_extension.size();
  s = internal::CheckPacketSize(kName, size);
  if (!s) return s;
  const size_t start = internal::BeginPacket(out, static_cast<uint8_t>(report_blocks.size()), kPacketType, size);
  uint8_t* p = out.data() + start + RtcpHeader::kSize;
  WriteBe32(p, sender_ssrc);
  WriteBe64(p + 4, ntp_timestamp);
  WriteBe32(p + 12, rtp_timestamp);
  WriteBe32(p + 16, packet_count);
  WriteBe32(p + 20, octet_count);
  internal::WriteReportBlocks(p + kSenderInfoSize, report_blocks, profile_extension);
  return Ok{};
}

Result<std::vector<uint8_t>> SenderReport::Serialize() const { return internal::SerializeVia(*this); }

}  // namespace sfusim::protocol::rtcp
