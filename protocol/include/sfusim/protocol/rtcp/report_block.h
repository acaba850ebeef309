// ReportBlock: one reception report in an SR or RR (RFC 3550 6.4.1), 24 bytes.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   |                 SSRC_1 (SSRC of first source)                 |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | fraction lost |       cumulative number of packets lost       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           extended highest sequence number received           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                      interarrival jitter                      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                         last SR (LSR)                         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                   delay since last SR (DLSR)                  |
//   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//
// Contract: cumulative lost is a 24-bit two's-complement field (duplicates can make it negative);
// Read() sign-extends it, Write() refuses values outside [-2^23, 2^23-1]. fraction lost is /256.
// LSR is the middle 32 bits of the last SR's NTP timestamp; DLSR is in units of 1/65536 s.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sfusim/protocol/rtp/byte_io.h"

namespace sfusim::protocol::rtcp {

struct ReportBlock {
  static constexpr size_t kSize = 24;
  static constexpr int32_t kMaxCumulativeLost = 0x7FFFFF;
  static constexpr int32_t kMinCumulativeLost = -0x800000;

  uint32_t source_ssrc = 0;
  uint8_t fraction_lost = 0;
  int32_t cumulative_lost = 0;
  uint32_t extended_highest_sequence = 0;
  uint32_t jitter = 0;
  uint32_t last_sr = 0;
  uint32_t delay_since_last_sr = 0;

  bool IsValid() const { return cumulative_lost >= kMinCumulativeLost && cumulative_lost <= kMaxCumulativeLost; }

  // `p` has kSize readable bytes.
  static ReportBlock Read(const uint8_t* p) {
    ReportBlock b;
    b.source_ssrc = ReadBe32(p);
    b.fraction_lost = p[4];
    const uint32_t raw = ReadBe24(p + 5);
    b.cumulative_lost = (raw & 0x800000) ? static_cast<int32_t>(raw) - 0x1000000 : static_cast<int32_t>(raw);
    b.extended_highest_sequence = ReadBe32(p + 8);
    b.jitter = ReadBe32(p + 12);
    b.last_sr = ReadBe32(p + 16);
    b.delay_since_last_sr = ReadBe32(p + 20);
    return b;
  }
  // `p` has kSize writable bytes; the caller checked IsValid().
  void Write(uint8_t* p) const {
    WriteBe32(p, source_ssrc);
    p[4] = fraction_lost;
    WriteBe24(p + 5, static_cast<uint32_t>(cumulative_lost) & 0xFFFFFF);
    WriteBe32(p + 8, extended_highest_sequence);
    WriteBe32(p + 12, jitter);
    WriteBe32(p + 16, last_sr);
    WriteBe32(p + 20, delay_since_last_sr);
  }

  friend bool operator==(const ReportBlock&, const ReportBlock&) = default;
};

}  // namespace sfusim::protocol::rtcp
