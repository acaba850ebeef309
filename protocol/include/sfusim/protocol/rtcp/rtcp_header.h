// RtcpHeader: the 4-byte header every RTCP packet starts with (RFC 3550 6.4), the packet type
// numbers this library knows, and the writer used by every serializer.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P| RC/SC/FMT|      PT       |             length            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// length = packet size in 32-bit words minus one (header included). The 5-bit field is a report or
// source count (SR, RR, SDES, BYE) or a feedback message type FMT (RFC 4585 6.1).
//
// Contract: Read() assumes 4 readable bytes (RtcpCompoundView checks); Write() assumes the caller
// validated count <= 31 and packet_size a multiple of 4 within kMaxPacketSize.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sfusim/protocol/rtp/byte_io.h"

namespace sfusim::protocol::rtcp {

class RtcpHeader {
 public:
  static constexpr size_t kSize = 4;
  static constexpr uint8_t kVersion = 2;
  static constexpr uint8_t kMaxCount = 31;
  static constexpr size_t kMaxPacketSize = (size_t{0xFFFF} + 1) * 4;

  static constexpr uint8_t kPtSenderReport = 200;
  static constexpr uint8_t kPtReceiverReport = 201;
  static constexpr uint8_t kPtSdes = 202;
  static constexpr uint8_t kPtBye = 203;
  static constexpr uint8_t kPtApp = 204;
  static constexpr uint8_t kPtRtpFeedback = 205;      // RFC 4585 RTPFB
  static constexpr uint8_t kPtPayloadFeedback = 206;  // RFC 4585 PSFB

  uint8_t version = kVersion;
  bool padding = false;
  uint8_t count = 0;  // RC, SC or FMT
  uint8_t packet_type = 0;
  uint16_t length_words = 0;

  size_t packet_size() const { return (static_cast<size_t>(length_words) + 1) * 4; }

  static RtcpHeader Read(const uint8_t* p) {
    RtcpHeader h;
    h.version = p[0] >> 6;
    h.padding = (p[0] & 0x20) != 0;
    h.count = p[0] & 0x1F;
    h.packet_type = p[1];
    h.length_words = ReadBe16(p + 2);
    return h;
  }
  static void Write(uint8_t* p, bool padding, uint8_t count, uint8_t packet_type, size_t packet_size) {
    p[0] = static_cast<uint8_t>((kVersion << 6) | (padding ? 0x20 : 0) | (count & 0x1F));
    p[1] = packet_type;
    WriteBe16(p + 2, static_cast<uint16_t>(packet_size / 4 - 1));
  }

  friend bool operator==(const RtcpHeader&, const RtcpHeader&) = default;
};

}  // namespace sfusim::protocol::rtcp
