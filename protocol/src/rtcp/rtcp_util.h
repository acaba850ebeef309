// Internal helpers shared by the RTCP packet parsers and serializers: error messages that name
// the packet's byte offset, and the header-then-body writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/rtcp_header.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp::internal {

// RFC 4585 6.1: every feedback message starts with the sender's and the media source's SSRC.
inline constexpr size_t kFeedbackCommonSize = 8;

inline Error PacketError(const RtcpPacketView& v, const char* type, std::string code, const std::string& what) {
  return MakeError(std::move(code), std::string("rtcp ") + type + " at byte " + std::to_string(v.offset) + ": " + what);
}

inline Error WrongType(const RtcpPacketView& v, const char* type) {
  return PacketError(v, type, "wrong_packet_type",
                     "packet type " + std::to_string(v.header.packet_type) + " fmt/count " +
                         std::to_string(v.header.count));
}

inline Error TooShort(const RtcpPacketView& v, const char* type, size_t need) {
  return PacketError(v, type, "truncated",
                     "needs " + std::to_string(need) + " payload bytes, has " + std::to_string(v.payload.size()));
}

// Appends a zeroed packet of `packet_size` bytes with its header written; returns its start.
inline size_t BeginPacket(std::vector<uint8_t>& out, uint8_t count, uint8_t packet_type, size_t packet_size) {
  const size_t start = out.size();
  out.resize(start + packet_size, 0);
  RtcpHeader::Write(out.data() + start, false, count, packet_type, packet_size);
  return start;
}

inline Status CheckPacketSize(const char* type, size_t packet_size) {
  if (packet_size > RtcpHeader::kMaxPacketSize) {
    return MakeError("too_large", std::string("rtcp ") + type + ": " + std::to_string(packet_size) +
                                      " bytes exceed the length field's " +
                                      std::to_string(RtcpHeader::kMaxPacketSize));
  }
  return Ok{};
}

template <typename P>
Result<std::vector<uint8_t>> SerializeVia(const P& packet) {
  std::vector<uint8_t> out;
  Status s = packet.AppendTo(out);
  if (!s) return s.error();
  return out;
}

}  // namespace sfusim::protocol::rtcp::internal
