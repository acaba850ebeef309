// TransportSequenceNumber: the transport-wide sequence number RTP header extension value
// (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 2), one counter across every stream
// of a transport, echoed back in TransportFeedback.
//
//    0                   1
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  transport-wide sequence no.  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: Parse() accepts exactly 2 bytes (the -02 variant with a feedback request is not
// modelled).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "sfusim/protocol/rtp/byte_io.h"

namespace sfusim::protocol {

class TransportSequenceNumber {
 public:
  using Value = uint16_t;
  static constexpr std::string_view kUri =
      "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
  static constexpr size_t kValueSize = 2;

  static std::optional<Value> Parse(std::span<const uint8_t> data) {
    if (data.size() != kValueSize) return std::nullopt;
    return ReadBe16(data.data());
  }
  static size_t ValueSize(const Value&) { return kValueSize; }
  static bool Write(std::span<uint8_t> out, const Value& v) {
    if (out.size() != kValueSize) return false;
    WriteBe16(out.data(), v);
    return true;
  }
};

}  // namespace sfusim::protocol
