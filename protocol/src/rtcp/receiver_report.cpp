#include "sfusim/protocol/rtcp/receiver_report.h"

#include "rtcp/report_blocks.h"
#include "rtcp/rtcp_util.h"

namespace sfusim::protocol::rtcp {

namespace {
constexpr const char* kName = "RR";
constexpr size_t kSsrcSize = 4;
}  // namespace

Result<ReceiverReport> ReceiverReport::Parse(const RtcpPacketView& v) {
  if (v.header.packet_type != kPacketType) return internal::WrongType(v, kName);
  if (v.payload.size() < kSsrcSize) return internal::TooShort(v, kName, kSsrcSize);
  ReceiverReport rr;
  rr.sender_ssrc = ReadBe32(v.payload.data());
  Status s = internal::ReadReportBlocks(v, kName, kSsrcSize, v.header.count, rr.report_blocks, rr.profile_extension);
  if (!s) return s.error();
  return rr;
}

Status ReceiverReport::AppendTo(std::vector<uint8_t>& out) const {
  Status s = internal::CheckReportBlocks(kName, report_blocks, profile_extension);
  if (!s) return s;
  const size_t size = RtcpHeader::kSize + kSsrcSize + report_blocks.size() * ReportBlock::kSize + profile_extension.size();
  s = internal::CheckPacketSize(kName, size);
  if (!s) return s;
  const size_t start = internal::BeginPacket(out, static_cast<uint8_t>(report_blocks.size()), kPacketType, size);
  uint8_t* p = out.data() + start + RtcpHeader::kSize;
  WriteBe32(p, sender_ssrc);
  internal::WriteReportBlocks(p + kSsrcSize, report_blocks, profile_extension);
  return Ok{};
}

Result<std::vector<uint8_t>> ReceiverReport::Serialize() const { return internal::SerializeVia(*this); }

}  // namespace sfusim::protocol::rtcp
