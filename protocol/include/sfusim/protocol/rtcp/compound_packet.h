// CompoundPacket: an RTCP compound packet (RFC 3550 6.1) as a list of typed packets, parsed
// from and serialized to one datagram.
//
//   +--------------------------------+--------------------------------+---
//   | V=2|P|RC|PT=SR|length ...      | V=2|P|SC|PT=SDES|length ...    | ...
//   +--------------------------------+--------------------------------+---
//   |<-------- (length+1)*4 -------->|<-------- (length+1)*4 -------->|
//
// Contract: Parse() = RtcpCompoundView::Parse (framing errors with the byte offset) then
// ParseRtcpPacket on each packet (typed errors, also with the offset). Serialize() concatenates
// the packets and fails on the first one that refuses (its error) or if the datagram would exceed
// RtcpCompoundView::kMaxCompoundSize (too_large). Parse(Serialize(c)) == c for every c that
// serializes, except that a REMB bitrate comes back quantized (Remb::Quantize), an
// UnknownRtcpPacket carrying a modelled type comes back typed, and an empty list (0 bytes) does
// not parse (truncated).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/rtcp_packet.h"

namespace sfusim::protocol::rtcp {

struct CompoundPacket {
  std::vector<RtcpPacket> packets;

  static Result<CompoundPacket> Parse(std::span<const uint8_t> bytes);
  Status AppendTo(std::vector<uint8_t>& out) const;
  Result<std::vector<uint8_t>> Serialize() const;

  friend bool operator==(const CompoundPacket&, const CompoundPacket&) = default;
};

}  // namespace sfusim::protocol::rtcp
