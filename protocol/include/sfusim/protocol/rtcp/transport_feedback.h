// TransportFeedback: transport-wide congestion control feedback
// (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1, PT=205 RTPFB, FMT=15): for a
// range of transport-wide sequence numbers, whether each packet arrived and when.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|  FMT=15 |    PT=205     |           length              |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                     SSRC of packet sender                     |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                      SSRC of media source                     |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      base sequence number     |      packet status count      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                 reference time                | fb pkt. count |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |          packet chunk         |         packet chunk          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   .                                                               .
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |         packet chunk          |  recv delta   |  recv delta   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   .                                                               .
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           recv delta          |  recv delta   | zero padding  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Chunks (16 bits): run length |0|S S|  run length (13)  |, status vector with 1-bit symbols
// |1|0| 14 x (0 = not received, 1 = small delta) |, status vector with 2-bit symbols
// |1|1| 7 x S |. Symbols S: 00 not received, 01 received with a small delta (1 byte, 0..255),
// 10 received with a large or negative delta (2 bytes signed), 11 reserved. Deltas count 250 us
// from the previous received packet (the first from reference time x 64 ms); reference time is
// 24-bit signed.
//
// Contract:
// - The value is per packet (received?, delta in 250 us ticks); the chunk layout is not part of it.
//   AppendTo() encodes deterministically: a run of >= 14 equal symbols -> run-length chunk; else
//   a 1-bit vector if the next 14 symbols need no large delta; else a run-length chunk if the run
//   is >= 7, else a 2-bit vector. Parse() accepts any valid layout (runs past the status count are
//   clipped, unused vector slots ignored).
// - Parse() errors: truncated (header, chunks or deltas past the end), empty (status count 0),
//   reserved_symbol, length_mismatch (4 or more bytes after the deltas).
// - AppendTo() refuses an empty or >65535-packet list, a reference time outside 24 bits, a delta
//   outside int16, and a not-received packet with a non-zero delta.
// - FromPacketResults() takes packets in increasing (wrap-aware) transport sequence order,
//   fills gaps as not received, sets the reference time to floor(first arrival / 64 ms) and
//   quantizes arrivals down to 250 us; GetPacketResults() inverts it (arrival 0 when lost).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/rtcp_header.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp {

struct TransportFeedback {
  static constexpr uint8_t kPacketType = RtcpHeader::kPtRtpFeedback;
  static constexpr uint8_t kFmt = 15;
  static constexpr size_t kFixedSize = 16;  // SSRCs, base seq, count, reference time, fb count
  static constexpr int64_t kDeltaTickUs = 250;
  static constexpr int64_t kReferenceTickUs = 64'000;
  static constexpr int64_t kTicksPerReference = kReferenceTickUs / kDeltaTickUs;
  static constexpr int32_t kMaxReferenceTime = 0x7FFFFF;
  static constexpr int32_t kMinReferenceTime = -0x800000;
  static constexpr int32_t kMaxSmallDelta = 255;
  static constexpr int32_t kMaxLargeDelta = 32767;
  static constexpr int32_t kMinLargeDelta = -32768;
  static constexpr size_t kMaxRunLength = 0x1FFF;
  static constexpr size_t kOneBitCapacity = 14;
  static constexpr size_t kTwoBitCapacity = 7;
  static constexpr size_t kMaxPacketStatusCount = 0xFFFF;

  enum Symbol : uint8_t { kNotReceived = 0, kSmallDelta = 1, kLargeDelta = 2, kReservedSymbol = 3 };

  struct PacketStatus {
    bool received = false;
    int32_t delta_ticks = 0;  // 250 us units; 0 when not received
    friend bool operator==(const PacketStatus&, const PacketStatus&) = default;
  };
  struct PacketResult {
    uint16_t sequence_number = 0;
    bool received = false;
    int64_t arrival_time_us = 0;
    friend bool operator==(const PacketResult&, const PacketResult&) = default;
  };

  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  uint16_t base_sequence_number = 0;
  int32_t reference_time = 0;  // 64 ms units, 24-bit signed
  uint8_t feedback_count = 0;
  std::vector<PacketStatus> packets;  // packets[i] is base_sequence_number + i

  static Result<TransportFeedback> FromPacketResults(uint32_t sender_ssrc, uint32_t media_ssrc,
                                                     uint8_t feedback_count, std::span<const PacketResult> results);
  std::vector<PacketResult> GetPacketResults() const;
  int64_t reference_time_us() const { return static_cast<int64_t>(reference_time) * kReferenceTickUs; }

  static Result<TransportFeedback> Parse(const RtcpPacketView& packet);
  Status AppendTo(std::vector<uint8_t>& out) const;
  Result<std::vector<uint8_t>> Serialize() const;

  friend bool operator==(const TransportFeedback&, const TransportFeedback&) = default;
};

}  // namespace sfusim::protocol::rtcp
