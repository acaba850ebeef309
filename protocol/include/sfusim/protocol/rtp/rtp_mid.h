// RtpMid: the SDES MID RTP header extension value (RFC 8843 15.2, RFC 7941): the media
// identification tag of the m= section, as raw ASCII bytes.
//
//    0                   1                   2
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  'a'          |  'u'          |  'd' ...      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: a value is 1..255 bytes (the two-byte form's limit; up to 16 fits the one-byte form,
// and RtpPacket picks the form). Parse() returns a string_view into the packet bytes (no copy),
// valid as long as they are.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace sfusim::protocol {

class RtpMid {
 public:
  using Value = std::string_view;
  static constexpr std::string_view kUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
  static constexpr size_t kMinSize = 1;
  static constexpr size_t kMaxSize = 255;

  static std::optional<Value> Parse(std::span<const uint8_t> data) {
    if (data.size() < kMinSize || data.size() > kMaxSize) return std::nullopt;
    return Value(reinterpret_cast<const char*>(data.data()), data.size());
  }
  static size_t ValueSize(const Value& v) { return v.size(); }
  static bool Write(std::span<uint8_t> out, const Value& v) {
    if (v.size() < kMinSize || v.size() > kMaxSize || out.size() != v.size()) return false;
    std::copy(v.begin(), v.end(), out.begin());
    return true;
  }
};

}  // namespace sfusim::protocol
