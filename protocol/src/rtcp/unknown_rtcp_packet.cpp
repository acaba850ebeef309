#include "sfusim/protocol/rtcp/unknown_rtcp_packet.h"

#include <algorithm>

#include "rtcp/rtcp_util.h"

namespace sfusim::protocol::rtcp {

Result<UnknownRtcpPacket> UnknownRtcpPacket::Parse(const RtcpPacketView& v) {
  UnknownRtcpPacket u;
  u.count = v.header.count;
  u.packet_type = v.header.packet_type;
  u.padding = v.header.padding;
  u.body.assign(v.body.begin(), v.body.end());
  return u;
}

Status UnknownRtcpPacket::AppendTo(std::vector<uint8_t>& out) const {
  if (count > RtcpHeader::kMaxCount) {
    return MakeError("out_of_range", "rtcp packet type " + std::to_string(packet_type) + ": count " +
                                         std::to_string(count) + " > 31");
  }
  if (body.size() % 4 != 0) {
    return MakeError("length_mismatch", "rtcp packet type " + std::to_string(packet_type) + ": body of " +
                                            std::to_string(body.size()) + " bytes is not whole words");
  }
  if (padding && (body.empty() || body.back() == 0 || body.back() > body.size())) {
    return MakeError("bad_padding", "rtcp packet type " + std::to_string(packet_type) + ": bad padding count");
  }
  const size_t size = RtcpHeader::kSize + body.size();
  Status s = internal::CheckPacketSize("packet", size);
  if (!s) return s;
  const size_t start = internal::BeginPacket(out, count, packet_type, size);
  RtcpHeader::Write(out.data() + start, padding, count, packet_type, size);
  std::copy(body.begin(), body.end(), out.begin() + static_cast<std::ptrdiff_t>(start + RtcpHeader::kSize));
  return Ok{};
}

Result<std::vector<uint8_t>> UnknownRtcpPacket::Serialize() const { return internal::SerializeVia(*this); }

}  // namespace sfusim::protocol::rtcp
