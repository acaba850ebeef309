#include "sfusim/protocol/rtcp/rtcp_packet.h"

namespace sfusim::protocol::rtcp {

namespace {
template <typename T>
Result<RtcpPacket> As(Result<T> r) {
  if (!r) return r.error();
  return RtcpPacket(std::move(r).value());
}
}  // namespace

Result<RtcpPacket> ParseRtcpPacket(const RtcpPacketView& v) {
  switch (v.header.packet_type) {
    case RtcpHeader::kPtSenderReport:
      return As(SenderReport::Parse(v));
    case RtcpHeader::kPtReceiverReport:
      return As(ReceiverReport::Parse(v));
    case RtcpHeader::kPtSdes:
      return As(Sdes::Parse(v));
    case RtcpHeader::kPtBye:
      return As(Bye::Parse(v));
    case RtcpHeader::kPtRtpFeedback:
      if (v.header.count == Nack::kFmt) return As(Nack::Parse(v));
      if (v.header.count == TransportFeedback::kFmt) return As(TransportFeedback::Parse(v));
      break;
    case RtcpHeader::kPtPayloadFeedback:
      if (v.header.count == Pli::kFmt) return As(Pli::Parse(v));
      if (v.header.count == Fir::kFmt) return As(Fir::Parse(v));
      if (Remb::IsRemb(v)) return As(Remb::Parse(v));
      break;
    default:
      break;
  }
  return As(UnknownRtcpPacket::Parse(v));
}

Status AppendRtcpPacket(const RtcpPacket& packet, std::vector<uint8_t>& out) {
  return std::visit([&](const auto& p) { return p.AppendTo(out); }, packet);
}

}  // namespace sfusim::protocol::rtcp
