// AudioLevel: the client-to-mixer audio level RTP header extension value (RFC 6464 3): a voice
// activity flag and the level in -dBov (0 = loudest, 127 = silence).
//
//    0 1 2 3 4 5 6 7
//   +-+-+-+-+-+-+-+-+
//   |V|    level    |
//   +-+-+-+-+-+-+-+-+
//
// Contract: Parse() accepts exactly 1 byte; Write() rejects a level above 127.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace sfusim::protocol {

class AudioLevel {
 public:
  struct Value {
    bool voice_activity = false;
    uint8_t level_dbov = 0;  // -dBov, 0..127
    friend bool operator==(const Value&, const Value&) = default;
  };
  static constexpr std::string_view kUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
  static constexpr size_t kValueSize = 1;
  static constexpr uint8_t kMaxLevel = 127;

  static std::optional<Value> Parse(std::span<const uint8_t> data) {
    if (data.size() != kValueSize) return std::nullopt;
    return Value{(data[0] & 0x80) != 0, static_cast<uint8_t>(data[0] & 0x7F)};
  }
  static size_t ValueSize(const Value&) { return kValueSize; }
  static bool Write(std::span<uint8_t> out, const Value& v) {
    if (out.size() != kValueSize || v.level_dbov > kMaxLevel) return false;
    out[0] = static_cast<uint8_t>((v.voice_activity ? 0x80 : 0) | v.level_dbov);
    return true;
  }
};

}  // namespace sfusim::protocol
