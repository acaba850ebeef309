// UnknownRtcpPacket: any RTCP packet this library does not model (APP, XR, other feedback
// types), kept verbatim so a compound packet round-trips through CompoundPacket.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P| RC/SC/FMT|      PT       |             length            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                 body (kept as bytes, padding included)        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: Parse() cannot fail on a view from RtcpCompoundView. AppendTo() refuses a count
// above 31 and a body that is not whole 32-bit words (or too large for the length field); it
// checks that a padded body ends in a count of 1..body size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp {

struct UnknownRtcpPacket {
  uint8_t count = 0;  // RC/SC/FMT field
  uint8_t packet_type = 0;
  bool padding = false;
  std::vector<uint8_t> body;

  static Result<UnknownRtcpPacket> Parse(const RtcpPacketView& packet);
  Status AppendTo(std::vector<uint8_t>& out) const;
  Result<std::vector<uint8_t>> Serialize() const;

  friend bool operator==(const UnknownRtcpPacket&, const UnknownRtcpPacket&) = default;
};

}  // namespace sfusim::protocol::rtcp
