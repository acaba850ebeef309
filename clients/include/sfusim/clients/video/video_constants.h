// Video send-side constants: every tunable of the video media pipeline (V1 of docs/VIDEO_DESIGN.md)
// that is not a PROTOCOL.md number (those live in protocol/limits.h), named in one place.
//
// Contract: all dimensions are in pixels and must be even (I420 4:2:0); the limits bound memory
// and codec work on bad configuration, they do not describe what the product does.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sfusim::clients {

// Frame sizes accepted by I420Frame users, the source, the encoder and the senders.
inline constexpr int kVideoMinDimension = 16;    // one macroblock
inline constexpr int kVideoMaxWidth = 3840;      // the 2160p tier (limits.h kResolutionTiers)
inline constexpr int kVideoMaxHeight = 2160;
inline constexpr int kVideoMinFps = 1;
inline constexpr int kVideoMaxFps = 60;
inline constexpr int64_t kVideoMinBitrateBps = 20'000;
inline constexpr int64_t kVideoMaxBitrateBps = 50'000'000;

// PSNR of identical pictures (MSE 0): a finite cap so averages stay finite.
inline constexpr double kPsnrMaxDb = 99.0;

// VideoRtpSender: packets kept for NACK retransmission (about 4 s at 2.5 Mbps / 1200-byte payloads).
inline constexpr size_t kVideoSendHistoryPackets = 1024;
// NACK requests larger than this are truncated (a feedback message names at most this many).
inline constexpr size_t kVideoMaxNackSequenceNumbers = 1024;

}  // namespace sfusim::clients
