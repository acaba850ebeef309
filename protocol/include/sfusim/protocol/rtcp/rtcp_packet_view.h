// RtcpPacketView: one RTCP packet inside a compound packet, as found by RtcpCompoundView: its
// header, its body and where it sits (so typed parsers can name byte offsets in their errors).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P| RC/SC/FMT|      PT       |             length            |  header
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                            payload                            |  type-specific
//   |                               +-------------------------------+
//   |                               | padding ...   | padding count |  (if P)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: a view made by RtcpCompoundView is consistent: body = everything after the header,
// payload = body minus the validated padding. It borrows the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "sfusim/protocol/rtcp/rtcp_header.h"

namespace sfusim::protocol::rtcp {

struct RtcpPacketView {
  RtcpHeader header;
  std::span<const uint8_t> body;     // after the header, padding included
  std::span<const uint8_t> payload;  // after the header, padding removed
  size_t offset = 0;                 // of the header within the compound packet
};

}  // namespace sfusim::protocol::rtcp
