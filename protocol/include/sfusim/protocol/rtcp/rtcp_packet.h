// RtcpPacket: one parsed RTCP packet of any type this library models, as a variant, with the
// dispatch from (packet type, FMT) to the typed parser and back to the serializer.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P| RC/SC/FMT|      PT       |             length            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   PT 200 SR, 201 RR, 202 SDES, 203 BYE (RFC 3550); 205 RTPFB FMT 1 NACK, FMT 15 transport-cc
//   (RFC 4585, draft-holmer); 206 PSFB FMT 1 PLI, FMT 4 FIR (RFC 5104), FMT 15 + 'REMB'.
//
// Contract: ParseRtcpPacket() never fails for a type it does not model (it yields
// UnknownRtcpPacket); for a modelled type it returns that type's parse error.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/bye.h"
#include "sfusim/protocol/rtcp/fir.h"
#include "sfusim/protocol/rtcp/nack.h"
#include "sfusim/protocol/rtcp/pli.h"
#include "sfusim/protocol/rtcp/receiver_report.h"
#include "sfusim/protocol/rtcp/remb.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"
#include "sfusim/protocol/rtcp/sdes.h"
#include "sfusim/protocol/rtcp/sender_report.h"
#include "sfusim/protocol/rtcp/transport_feedback.h"
#include "sfusim/protocol/rtcp/unknown_rtcp_packet.h"

namespace sfusim::protocol::rtcp {

using RtcpPacket =
    std::variant<SenderReport, ReceiverReport, Sdes, Bye, Nack, Pli, Fir, Remb, TransportFeedback, UnknownRtcpPacket>;

Result<RtcpPacket> ParseRtcpPacket(const RtcpPacketView& packet);
Status AppendRtcpPacket(const RtcpPacket& packet, std::vector<uint8_t>& out);

}  // namespace sfusim::protocol::rtcp
