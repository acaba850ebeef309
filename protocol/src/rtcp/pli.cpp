#include "sfusim/protocol/rtcp/pli.h"

#include "rtcp/rtcp_util.h"

namespace sfusim::protocol::rtcp {

namespace {
constexpr const char* kName = "PLI";
}

Result<Pli> Pli::Parse(const RtcpPacketView& v) {
  if (v.header.packet_type != kPacketType || v.header.count != kFmt) return internal::WrongType(v, kName);
  if (v.payload.size() < internal::kFeedbackCommonSize) return internal::TooShort(v, kName, internal::kFeedbackCommonSize);
  if (v.payload.size() != internal::kFeedbackCommonSize) {
    return internal::PacketError(v, kName, "length_mismatch",
                                 std::to_string(v.payload.size() - internal::kFeedbackCommonSize) +
                                     " bytes of FCI, PLI has none");
  }
  return Pli{ReadBe32(v.payload.data()), ReadBe32(v.payload.data() + 4)};
}

Status Pli::AppendTo(std::vector<uint8_t>& out) const {
  const size_t start =
      internal::BeginPacket(out, kFmt, kPacketType, RtcpHeader::kSize + internal::kFeedbackCommonSize);
  uint8_t* p = out.data() + start + RtcpHeader::kSize;
  WriteBe32(p, sender_ssrc);
  WriteBe32(p + 4, media_ssrc);
  return Ok{};
}

Result<std::vector<uint8_t>> Pli::Serialize() const { return internal::SerializeVia(*this); }

}  // namespace sfusim::protocol::rtcp
