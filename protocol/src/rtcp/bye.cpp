#include "sfusim/protocol/rtcp/bye.h"

#include <algorithm>

#include "rtcp/rtcp_util.h"

namespace sfusim::protocol::rtcp {

namespace {
constexpr const char* kName = "BYE";
constexpr size_t kSsrcSize = 4;
}  // namespace

Result<Bye> Bye::Parse(const RtcpPacketView& v) {
  if (v.header.packet_type != kPacketType) return internal::WrongType(v, kName);
  const size_t n = v.payload.size();
  const size_t ssrc_bytes = v.header.count * kSsrcSize;
  if (n < ssrc_bytes) return internal::TooShort(v, kName, ssrc_bytes);
  Bye bye;
  bye.ssrcs.reserve(v.header.count);
  for (size_t i = 0; i < v.header.count; ++i) bye.ssrcs.push_back(ReadBe32(v.payload.data() + i * kSsrcSize));
  if (n > ssrc_bytes) {
    const size_t len = v.payload[ssrc_bytes];
    const size_t end = ssrc_bytes + 1 + len;
    if (end > n) {
      return internal::PacketError(v, kName, "truncated",
                                   "reason of " + std::to_string(len) + " bytes runs past the packet end");
    }
    if (((end + 3) & ~size_t{3}) != n) {
      return internal::PacketError(v, kName, "length_mismatch",
                                   std::to_string(n - end) + " bytes follow the reason, more than its padding");
    }
    bye.reason = std::string(reinterpret_cast<const char*>(v.payload.data() + ssrc_bytes + 1), len);
  }
  return bye;
}

Status Bye::AppendTo(std::vector<uint8_t>& out) const {
  if (ssrcs.size() > kMaxSsrcs) {
    return MakeError("too_many", "rtcp BYE: " + std::to_string(ssrcs.size()) + " SSRCs, limit 31");
  }
  if (reason && reason->size() > kMaxReasonSize) {
    return MakeError("too_large", "rtcp BYE: reason of " + std::to_string(reason->size()) + " bytes, limit 255");
  }
  size_t size = RtcpHeader::kSize + ssrcs.size() * kSsrcSize;
  if (reason) size += (1 + reason->size() + 3) & ~size_t{3};
  const size_t start = internal::BeginPacket(out, static_cast<uint8_t>(ssrcs.size()), kPacketType, size);
  uint8_t* p = out.data() + start + RtcpHeader::kSize;
  for (uint32_t s : ssrcs) {
    WriteBe32(p, s);
    p += kSsrcSize;
  }
  if (reason) {
    p[0] = static_cast<uint8_t>(reason->size());
    std::copy(reason->begin(), reason->end(), p + 1);
  }
  return Ok{};
}

Result<std::vector<uint8_t>> Bye::Serialize() const { return internal::SerializeVia(*this); }

}  // namespace sfusim::protocol::rtcp
