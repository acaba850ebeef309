// Pli: RTCP picture loss indication (RFC 4585 6.3.1, PT=206 PSFB, FMT=1): no FCI.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|  FMT=1  |   PT=206      |          length=2             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                  SSRC of packet sender                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                  SSRC of media source                         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: Parse() accepts exactly the 8-byte payload (RFC 4585: "PLI does not require
// parameters"); anything after it is length_mismatch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/rtcp_header.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp {

struct Pli {
  static constexpr uint8_t kPacketType = RtcpHeader::kPtPayloadFeedback;
  static constexpr uint8_t kFmt = 1;

  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;

  static Result<Pli> Parse(const RtcpPacketView& packet);
  Status AppendTo(std::vector<uint8_t>& out) const;
  Result<std::vector<uint8_t>> Serialize() const;

  friend bool operator==(const Pli&, const Pli&) = default;
};

}  // namespace sfusim::protocol::rtcp
