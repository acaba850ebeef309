#include "sfusim/protocol/rtcp/fir.h"

#include "rtcp/rtcp_util.h"

namespace sfusim::protocol::rtcp {

namespace {
constexpr const char* kName = "FIR";
}

Result<Fir> Fir::Parse(const RtcpPacketView& v) {
  if (v.header.packet_type != kPacketType || v.header.count != kFmt) return internal::WrongType(v, kName);
  const size_t need = internal::kFeedbackCommonSize + kEntrySize;
  if (v.payload.size() < need) return internal::TooShort(v, kName, need);
  const size_t fci = v.payload.size() - internal::kFeedbackCommonSize;
  if (fci % kEntrySize != 0) {
    return internal::PacketError(v, kName, "length_mismatch",
                                 std::to_string(fci) + " FCI bytes are not whole 8-byte entries");
  }
  const uint8_t* p = v.payload.data();
  Fir fir;
  fir.sender_ssrc = ReadBe32(p);
  fir.entries.reserve(fci / kEntrySize);
  for (size_t pos = internal::kFeedbackCommonSize; pos < v.payload.size(); pos += kEntrySize) {
    fir.entries.push_back(Entry{ReadBe32(p + pos), p[pos + 4]});
  }
  return fir;
}

Status Fir::AppendTo(std::vector<uint8_t>& out) const {
  if (entries.empty()) return MakeError("empty", "rtcp FIR: no FCI entries (RFC 5104 needs one or more)");
  const size_t size = RtcpHeader::kSize + internal::kFeedbackCommonSize + entries.size() * kEntrySize;
  Status s = internal::CheckPacketSize(kName, size);
  if (!s) return s;
  const size_t start = internal::BeginPacket(out, kFmt, kPacketType, size);
  uint8_t* p = out.data() + start + RtcpHeader::kSize;
  WriteBe32(p, sender_ssrc);
  p += internal::kFeedbackCommonSize;  // media SSRC stays 0
  for (const auto& e : entries) {
    WriteBe32(p, e.ssrc);
    p[4] = e.sequence_number;
    p += kEntrySize;
  }
  return Ok{};
}

Result<std::vector<uint8_t>> Fir::Serialize() const { return internal::SerializeVia(*this); }

}  // namespace sfusim::protocol::rtcp
