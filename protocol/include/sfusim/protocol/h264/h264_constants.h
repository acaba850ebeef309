// H.264 NAL unit types (ITU-T H.264 table 7-1, RFC 6184 table 1) and the limits sfusim's H.264
// payload code enforces.
//
// Contract: every number the packetizer and depacketizer depend on lives here, named. The limits
// bound memory on hostile input; they sit well above what a 2160p OpenH264 stream produces.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sfusim::protocol {

// NAL unit types carried in H.264 streams (H.264 table 7-1).
inline constexpr uint8_t kH264NalSlice = 1;  // coded slice of a non-IDR picture
inline constexpr uint8_t kH264NalIdr = 5;    // coded slice of an IDR picture
inline constexpr uint8_t kH264NalSei = 6;
inline constexpr uint8_t kH264NalSps = 7;
inline constexpr uint8_t kH264NalPps = 8;
inline constexpr uint8_t kH264NalAud = 9;  // access unit delimiter: always the first NAL of its access unit
// RTP payload structure types (RFC 6184 table 1). Only STAP-A and FU-A are used in
// packetization-mode=1 (non-interleaved); the others are rejected.
inline constexpr uint8_t kH264NalStapA = 24;
inline constexpr uint8_t kH264NalStapB = 25;
inline constexpr uint8_t kH264NalMtap16 = 26;
inline constexpr uint8_t kH264NalMtap24 = 27;
inline constexpr uint8_t kH264NalFuA = 28;
inline constexpr uint8_t kH264NalFuB = 29;
// Types 0, 30 and 31 are unspecified / reserved (RFC 6184 table 1).

inline constexpr size_t kH264NalHeaderBytes = 1;
inline constexpr size_t kH264FuAHeaderBytes = 2;       // FU indicator + FU header
inline constexpr size_t kH264StapANalSizeBytes = 2;    // 16-bit NALU size before each aggregated NAL
inline constexpr size_t kH264AnnexBStartCodeBytes = 4;  // what sfusim writes: 00 00 00 01

// Packetizer: default RTP payload budget (libwebrtc's 1200-byte packets leave room for RTP
// header, extensions and the SRTP tag inside a 1280-byte IPv6 minimum MTU).
inline constexpr size_t kH264DefaultMaxPayloadBytes = 1200;
// Smallest usable budget: an FU-A needs its 2 header bytes plus at least one fragment byte.
inline constexpr size_t kH264MinMaxPayloadBytes = kH264FuAHeaderBytes + 1;
// Largest RTP payload the H.264 code accepts or produces (bounded by a UDP datagram).
inline constexpr size_t kH264MaxPayloadBytes = 65000;

// One access unit (frame), in Annex-B bytes, and its NAL unit count.
inline constexpr size_t kH264MaxAccessUnitBytes = 2 * 1024 * 1024;
inline constexpr size_t kH264MaxNalUnitsPerAccessUnit = 1024;

// Depacketizer buffers.
inline constexpr size_t kH264MaxPendingPackets = 2048;
inline constexpr size_t kH264MaxPendingBytes = 4 * 1024 * 1024;
inline constexpr size_t kH264MaxQueuedFrames = 64;
inline constexpr size_t kH264MaxQueuedLosses = 256;
// A sequence number this far ahead of what is buffered means the stream restarted: start over.
inline constexpr int64_t kH264MaxSequenceJump = 2 * static_cast<int64_t>(kH264MaxPendingPackets);
// This many consecutive packets older than everything already delivered also mean a restart.
inline constexpr uint32_t kH264MaxConsecutiveLatePackets = 64;

}  // namespace sfusim::protocol
