// AbsSendTime: the abs-send-time RTP header extension value (webrtc.org), a 24-bit unsigned
// fixed-point 6.18 number of seconds (wraps every 64 s) carrying the sender's send time.
//
//    0                   1                   2
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  seconds  |          fraction (1/2^18 s)      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: Parse() accepts exactly 3 bytes; Write() rejects values of 2^24 and above. Time
// conversions use int64 microseconds; FromMicros() rounds to the nearest 1/2^18 s and wraps
// modulo 64 s (negative times wrap too), ToMicros() returns [0, 64 s).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sfusim/protocol/rtp/byte_io.h"

namespace sfusim::protocol {

class AbsSendTime {
 public:
  using Value = uint32_t;
  static constexpr std::string_view kUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
  static constexpr size_t kValueSize = 3;
  static constexpr uint32_t kMaxValue = 0xFFFFFF;
  static constexpr int kFractionBits = 18;
  static constexpr int64_t kWrapSeconds = 64;
  static constexpr int64_t kMicrosPerSecond = 1'000'000;

  static std::optional<Value> Parse(std::span<const uint8_t> data) {
    if (data.size() != kValueSize) return std::nullopt;
    return ReadBe24(data.data());
  }
  static size_t ValueSize(const Value&) { return kValueSize; }
  static bool Write(std::span<uint8_t> out, const Value& v) {
    if (out.size() != kValueSize || v > kMaxValue) return false;
    WriteBe24(out.data(), v);
    return true;
  }

  static Value FromMicros(int64_t time_us) {
    const int64_t wrap_us = kWrapSeconds * kMicrosPerSecond;
    int64_t t = time_us % wrap_us;
    if (t < 0) t += wrap_us;
    // t < 64e6, so t << 18 < 2^44: no overflow.
    const int64_t v = ((t << kFractionBits) + kMicrosPerSecond / 2) / kMicrosPerSecond;
    return static_cast<Value>(v) & kMaxValue;
  }
  static int64_t ToMicros(Value v) {
    return ((static_cast<int64_t>(v & kMaxValue) * kMicrosPerSecond) + (int64_t{1} << (kFractionBits - 1))) >>
           kFractionBits;
  }
};

}  // namespace sfusim::protocol
