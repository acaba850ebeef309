// Nack: RTCP transport-layer generic NACK (RFC 4585 6.2.1, PT=205 RTPFB, FMT=1). Each FCI entry
// names a lost packet (PID) and a bitmask of the 16 that follow it (BLP bit i = PID+i+1 lost).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|  FMT=1  |   PT=205      |          length               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                  SSRC of packet sender                        |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                  SSRC of media source                         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |            PID                |             BLP               |  (one or more)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: Parse() needs at least one FCI entry and whole entries. ItemsFromSequenceNumbers()
// unwraps the list (SequenceNumberUnwrapper, so [65534, 65535, 0] is three consecutive packets),
// sorts and de-duplicates it, then packs it greedily; ExpandItems() returns the numbers in FCI
// order. For a list spanning less than 2^15, Expand(FromSeqs(l)) == l sorted and unique (in
// wrap-aware order). AppendTo() refuses an empty item list and more items than the length field
// can count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/rtcp_header.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp {

struct Nack {
  static constexpr uint8_t kPacketType = RtcpHeader::kPtRtpFeedback;
  static constexpr uint8_t kFmt = 1;
  static constexpr size_t kItemSize = 4;
  static constexpr int kBlpBits = 16;

  struct Item {
    uint16_t pid = 0;
    uint16_t blp = 0;
    friend bool operator==(const Item&, const Item&) = default;
  };

  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  std::vector<Item> items;

  static std::vector<Item> ItemsFromSequenceNumbers(std::span<const uint16_t> sequence_numbers);
  static std::vector<uint16_t> ExpandItems(std::span<const Item> items);
  static Nack FromSequenceNumbers(uint32_t sender_ssrc, uint32_t media_ssrc, std::span<const uint16_t> sequence_numbers);
  std::vector<uint16_t> SequenceNumbers() const { return ExpandItems(items); }

  static Result<Nack> Parse(const RtcpPacketView& packet);
  Status AppendTo(std::vector<uint8_t>& out) const;
  Result<std::vector<uint8_t>> Serialize() const;

  friend bool operator==(const Nack&, const Nack&) = default;
};

}  // namespace sfusim::protocol::rtcp
