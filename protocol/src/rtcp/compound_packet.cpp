#include "sfusim/protocol/rtcp/compound_packet.h"

#include "rtcp/rtcp_util.h"
#include "sfusim/protocol/rtcp/rtcp_compound_view.h"

namespace sfusim::protocol::rtcp {

Result<CompoundPacket> CompoundPacket::Parse(std::span<const uint8_t> bytes) {
  auto view = RtcpCompoundView::Parse(bytes);
  if (!view) return view.error();
  CompoundPacket c;
  c.packets.reserve(view->packet_count());
  for (const RtcpPacketView& p : *view) {
    auto parsed = ParseRtcpPacket(p);
    if (!parsed) return parsed.error();
    c.packets.push_back(std::move(parsed).value());
  }
  return c;
}

Status CompoundPacket::AppendTo(std::vector<uint8_t>& out) const {
  const size_t start = out.size();
  for (size_t i = 0; i < packets.size(); ++i) {
    Status s = AppendRtcpPacket(packets[i], out);
    if (!s) {
      out.resize(start);
      return s;
    }
    if (out.size() - start > RtcpCompoundView::kMaxCompoundSize) {
      out.resize(start);
      return MakeError("too_large", "rtcp compound: packet " + std::to_string(i) + " takes the datagram past " +
                                        std::to_string(RtcpCompoundView::kMaxCompoundSize) + " bytes");
    }
  }
  return Ok{};
}

Result<std::vector<uint8_t>> CompoundPacket::Serialize() const { return internal::SerializeVia(*this); }

}  // namespace sfusim::protocol::rtcp
