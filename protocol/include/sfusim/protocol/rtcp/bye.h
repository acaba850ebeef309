// Bye: RTCP goodbye (RFC 3550 6.6, PT=203): the SSRC/CSRCs leaving and an optional reason.
//
//          0                   1                   2                   3
//          0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//         |V=2|P|    SC   |   PT=BYE=203  |             length            |
//         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//         |                           SSRC/CSRC                           |
//         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//         :                              ...                              :
//         +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   (opt) |     length    |               reason for leaving            ...
//         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: Parse() reads SC SSRCs; if bytes follow, they are a length-prefixed reason whose
// zero padding ends at the packet end (a reason of length 0 is kept as an empty string, distinct
// from no reason). AppendTo() refuses more than 31 SSRCs and a reason over 255 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/rtcp_header.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp {

struct Bye {
  static constexpr uint8_t kPacketType = RtcpHeader::kPtBye;
  static constexpr size_t kMaxSsrcs = RtcpHeader::kMaxCount;
  static constexpr size_t kMaxReasonSize = 255;

  std::vector<uint32_t> ssrcs;
  std::optional<std::string> reason;

  static Result<Bye> Parse(const RtcpPacketView& packet);
  Status AppendTo(std::vector<uint8_t>& out) const;
  Result<std::vector<uint8_t>> Serialize() const;

  friend bool operator==(const Bye&, const Bye&) = default;
};

}  // namespace sfusim::protocol::rtcp
