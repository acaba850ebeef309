// Remb: receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03, "goog-remb"): an
// application-layer feedback message (PT=206 PSFB, FMT=15) whose FCI starts with 'REMB'.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P| FMT=15  |   PT=206      |             length            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                  SSRC of packet sender                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                  SSRC of media source (0)                     |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Unique identifier 'R' 'E' 'M' 'B'                            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Num SSRC     | BR Exp    |  BR Mantissa                      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |   SSRC feedback                                               |  (Num SSRC times)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// bitrate (bps) = mantissa (18 bits) << exp (6 bits).
// Contract: Parse() checks the identifier (bad_identifier), that exactly Num SSRC SSRCs follow,
// and that mantissa << exp fits 64 bits (out_of_range); it ignores the media SSRC. AppendTo()
// encodes with the smallest exponent, rounding the bitrate down to 18 significant bits (so a
// parsed value re-encodes exactly), and refuses more than 255 SSRCs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/rtcp_header.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp {

struct Remb {
  static constexpr uint8_t kPacketType = RtcpHeader::kPtPayloadFeedback;
  static constexpr uint8_t kFmt = 15;
  static constexpr uint32_t kIdentifier = 0x52454D42;  // 'R' 'E' 'M' 'B'
  static constexpr int kMantissaBits = 18;
  static constexpr uint32_t kMaxMantissa = (1u << kMantissaBits) - 1;
  static constexpr int kMaxExponent = 63;
  static constexpr size_t kMaxSsrcs = 255;
  static constexpr size_t kFixedSize = 16;  // sender, media, 'REMB', num/exp/mantissa

  uint32_t sender_ssrc = 0;
  uint64_t bitrate_bps = 0;
  std::vector<uint32_t> ssrcs;

  // The value AppendTo() will actually put on the wire for `bitrate_bps`.
  static uint64_t Quantize(uint64_t bitrate_bps);
  // True if the payload of a PSFB FMT=15 packet carries the 'REMB' identifier.
  static bool IsRemb(const RtcpPacketView& packet);

  static Result<Remb> Parse(const RtcpPacketView& packet);
  Status AppendTo(std::vector<uint8_t>& out) const;
  Result<std::vector<uint8_t>> Serialize() const;

  friend bool operator==(const Remb&, const Remb&) = default;
};

}  // namespace sfusim::protocol::rtcp
