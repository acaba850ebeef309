// OpusToc: the table-of-contents byte that starts every Opus packet (RFC 6716 section 3.1),
// which is also the first byte of every Opus RTP payload (RFC 7587 section 4.2).
//
//      0
//      0 1 2 3 4 5 6 7
//     +-+-+-+-+-+-+-+-+
//     | config  |s| c |
//     +-+-+-+-+-+-+-+-+
//   config (RFC 6716 table 2):  0..11 SILK-only (NB 0-3, MB 4-7, WB 8-11; 10/20/40/60 ms)
//                              12..15 Hybrid (SWB 12-13, FB 14-15; 10/20 ms)
//                              16..31 CELT-only (NB 16-19, WB 20-23, SWB 24-27, FB 28-31;
//                                     2.5/5/10/20 ms)
//   s: stereo.  c: frame count code: 0 = one frame, 1 = two equal frames, 2 = two frames of
//   different sizes, 3 = an arbitrary number of frames (a frame count byte follows).
//
// Contract: every byte is a valid TOC; FromByte and ToByte are exact inverses. Durations are
// given in 48 kHz samples, the unit of the Opus RTP timestamp (RFC 7587 section 4.1: the RTP
// clock is always 48000 Hz whatever the audio bandwidth).
#pragma once

#include <cstdint>
#include <string_view>

#include "sfusim/protocol/limits.h"

namespace sfusim::protocol {

// kOpusClockRateHz (48000, limits.h) is also RFC 7587's fixed RTP clock.
inline constexpr uint32_t kOpusSamplesPerMs = kOpusClockRateHz / 1000;

enum class OpusMode : uint8_t { kSilk, kHybrid, kCelt };
enum class OpusBandwidth : uint8_t { kNarrowband, kMediumband, kWideband, kSuperWideband, kFullband };

std::string_view OpusModeName(OpusMode mode);
std::string_view OpusBandwidthName(OpusBandwidth bandwidth);

struct OpusToc {
  uint8_t config = 0;  // 0..31
  bool stereo = false;
  uint8_t frame_count_code = 0;  // 0..3

  static constexpr OpusToc FromByte(uint8_t byte) {
    return OpusToc{static_cast<uint8_t>(byte >> 3), (byte & 0x04) != 0, static_cast<uint8_t>(byte & 0x03)};
  }
  constexpr uint8_t ToByte() const {
    return static_cast<uint8_t>(((config & 0x1f) << 3) | (stereo ? 0x04 : 0) | (frame_count_code & 0x03));
  }

  OpusMode mode() const;
  OpusBandwidth bandwidth() const;
  // Duration of each frame of the packet: 120 (2.5 ms) .. 2880 (60 ms) samples at 48 kHz.
  uint32_t frame_samples_48k() const;
  // The same in microseconds (2500 .. 60000).
  uint32_t frame_duration_us() const;

  friend constexpr bool operator==(const OpusToc&, const OpusToc&) = default;
};

}  // namespace sfusim::protocol
