// Fir: RTCP full intra request (RFC 5104 4.3.1, PT=206 PSFB, FMT=4). The media source SSRC of
// the common header is unused (zero); each FCI entry names the SSRC asked for a key frame and a
// command sequence number that the sender increments per new request (repeats share it).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|  FMT=4  |   PT=206      |          length               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                  SSRC of packet sender                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                  SSRC of media source (unused, 0)             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                              SSRC                             |  (one or more)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | Seq nr.       |    Reserved (0)                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: Parse() needs one or more whole 8-byte entries and ignores the media SSRC and the
// reserved bits (RFC 5104: receivers ignore them); AppendTo() writes them as zero and refuses
// an empty entry list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/rtcp_header.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp {

struct Fir {
  static constexpr uint8_t kPacketType = RtcpHeader::kPtPayloadFeedback;
  static constexpr uint8_t kFmt = 4;
  static constexpr size_t kEntrySize = 8;

  struct Entry {
    uint32_t ssrc = 0;
    uint8_t sequence_number = 0;
    friend bool operator==(const Entry&, const Entry&) = default;
  };

  uint32_t sender_ssrc = 0;
  std::vector<Entry> entries;

  static Result<Fir> Parse(const RtcpPacketView& packet);
  Status AppendTo(std::vector<uint8_t>& out) const;
  Result<std::vector<uint8_t>> Serialize() const;

  friend bool operator==(const Fir&, const Fir&) = default;
};

}  // namespace sfusim::protocol::rtcp
