// Sdes: RTCP source description (RFC 3550 6.5, PT=202): up to 31 chunks, each an SSRC/CSRC and
// a list of (type, text) items ended by null octets and padded to 32 bits.
//
//           0                   1                   2                   3
//           0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   header |V=2|P|    SC   |  PT=SDES=202  |             length            |
//          +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   chunk  |                          SSRC/CSRC_1                          |
//     1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//          |                           SDES items                          |
//          |                              ...                              |
//          +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   item:   |    CNAME=1    |     length    | user and domain name        ...
//          +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: Parse() reads exactly SC chunks; each needs its terminating null octet inside the
// payload, the chunk padding (up to the next 32-bit boundary) must be zero, and no bytes may
// follow the last chunk. Item text is kept as raw bytes (PRIV's inner prefix is not split).
// AppendTo() refuses more than 31 chunks, item type 0 (END), and text longer than 255 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/rtcp_header.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp {

struct Sdes {
  static constexpr uint8_t kPacketType = RtcpHeader::kPtSdes;
  static constexpr size_t kMaxChunks = RtcpHeader::kMaxCount;
  static constexpr size_t kMaxTextSize = 255;
  static constexpr uint8_t kEnd = 0;
  static constexpr uint8_t kCname = 1;
  static constexpr uint8_t kName = 2;
  static constexpr uint8_t kEmail = 3;
  static constexpr uint8_t kPhone = 4;
  static constexpr uint8_t kLoc = 5;
  static constexpr uint8_t kTool = 6;
  static constexpr uint8_t kNote = 7;
  static constexpr uint8_t kPriv = 8;

  struct Item {
    uint8_t type = kCname;
    std::string text;
    friend bool operator==(const Item&, const Item&) = default;
  };
  struct Chunk {
    uint32_t ssrc = 0;
    std::vector<Item> items;
    friend bool operator==(const Chunk&, const Chunk&) = default;
  };

  std::vector<Chunk> chunks;

  // One chunk with one CNAME item, the common case (RFC 3550 6.5.1: CNAME is mandatory).
  static Sdes WithCname(uint32_t ssrc, std::string cname);
  // The CNAME announced for `ssrc`, if any.
  std::optional<std::string_view> Cname(uint32_t ssrc) const;

  static Result<Sdes> Parse(const RtcpPacketView& packet);
  Status AppendTo(std::vector<uint8_t>& out) const;
  Result<std::vector<uint8_t>> Serialize() const;

  friend bool operator==(const Sdes&, const Sdes&) = default;
};

}  // namespace sfusim::protocol::rtcp
