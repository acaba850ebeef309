// AbsCaptureTime: libwebrtc's abs-capture-time RTP header extension
// (http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time): the NTP time at which the
// first sample of the packet's frame was captured, optionally with the sender's estimate of the
// offset between its capture clock and its own NTP clock.
//
// Data layout of the short form (8 bytes, what sfusim's senders write):
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  ID   | len=7 |     absolute capture timestamp (bit 0-23)     |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |             absolute capture timestamp (bit 24-55)            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  ... (56-63)  |
//   +-+-+-+-+-+-+-+-+
// The long form (16 bytes) appends the estimated capture clock offset, a signed Q32.32 number of
// seconds. The timestamp is unsigned Q32.32 seconds (NTP format, RFC 5905 6).
//
// Contract: Parse() accepts exactly 8 or 16 bytes; Write() writes 8 bytes, or 16 when the offset
// is present (ValueSize() says which). Time conversions: sfusim has one simulated clock and maps
// simulated time 0 to NTP time 0 (documented choice: only differences matter to receivers, as in
// a lab with synchronised clocks). FromMicros() rounds to the nearest 2^-32 s and rejects nothing
// (negative times wrap modulo 2^32 s); ToMicros() rounds to the nearest microsecond.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sfusim/protocol/rtp/byte_io.h"

namespace sfusim::protocol {

class AbsCaptureTime {
 public:
  struct Value {
    uint64_t absolute_capture_timestamp = 0;                // UQ32.32 seconds
    std::optional<int64_t> estimated_capture_clock_offset;  // Q32.32 seconds
    friend bool operator==(const Value&, const Value&) = default;
  };
  static constexpr std::string_view kUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time";
  static constexpr size_t kValueSizeWithoutOffset = 8;
  static constexpr size_t kValueSizeWithOffset = 16;
  static constexpr int kFractionBits = 32;
  static constexpr int64_t kMicrosPerSecond = 1'000'000;

  static std::optional<Value> Parse(std::span<const uint8_t> data) {
    if (data.size() != kValueSizeWithoutOffset && data.size() != kValueSizeWithOffset) return std::nullopt;
    Value v;
    v.absolute_capture_timestamp = ReadBe64(data.data());
    if (data.size() == kValueSizeWithOffset) {
      v.estimated_capture_clock_offset = static_cast<int64_t>(ReadBe64(data.data() + kValueSizeWithoutOffset));
    }
    return v;
  }
  static size_t ValueSize(const Value& v) {
    return v.estimated_capture_clock_offset ? kValueSizeWithOffset : kValueSizeWithoutOffset;
  }
  static bool Write(std::span<uint8_t> out, const Value& v) {
    if (out.size() != ValueSize(v)) return false;
    WriteBe64(out.data(), v.absolute_capture_timestamp);
    if (v.estimated_capture_clock_offset) {
      WriteBe64(out.data() + kValueSizeWithoutOffset, static_cast<uint64_t>(*v.estimated_capture_clock_offset));
    }
    return true;
  }

  // Simulated microseconds -> UQ32.32 seconds (see the contract for the epoch).
  static uint64_t FromMicros(int64_t time_us);
  // UQ32.32 seconds -> microseconds in [0, 2^32 s).
  static int64_t ToMicros(uint64_t ntp);
};

}  // namespace sfusim::protocol
