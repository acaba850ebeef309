// NativeSenderConfig: what a NativeSender is told at creation (VIDEO_DESIGN.md V3). The client
// fills ssrc, payload_type and rtp_target from create_native_sender_session's result (the plain
// transport's address on the SFU), the tier/fps from its ScreenConfig and the thresholds from the
// scenario.
//
// Contract (checked by NativeSender::Create, "invalid_argument" otherwise): ssrc != 0,
// payload_type <= 127, tier is a name of protocol::kResolutionTiers, 1 <= fps <= kMaxLadderFps,
// bitrate in [kMinNativeBitrateBps, kMaxNativeBitrateBps], 1 <= frame_queue_capacity <=
// kMaxNativeFrameQueueCapacity, thresholds positive, slow_encode_factor >= 1, the ladder's own
// bounds (DegradationLadder::Create).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sfusim/clients/native/degradation_ladder_config.h"
#include "sfusim/clients/native/fallback_thresholds.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/sim/socket_address.h"

namespace sfusim::clients {

inline constexpr const char* kDefaultNativeTier = "720p";
inline constexpr int kDefaultNativeFps = 30;
inline constexpr int64_t kDefaultNativeBitrateBps = 2'500'000;
inline constexpr int64_t kMinNativeBitrateBps = 50'000;
inline constexpr int64_t kMaxNativeBitrateBps = 50'000'000;
inline constexpr size_t kDefaultNativeFrameQueueCapacity = 3;
inline constexpr size_t kMaxNativeFrameQueueCapacity = 64;
// How much slower the modelled encoder runs while a `slow_encode` fault is active. Chosen so that
// even the bottom of the ladder (720p at 10 fps: 4.2 ms x 32 = 134 ms > 100 ms) is still under
// pressure, so a sustained fault walks the whole ladder (fps, tier, bitrate).
inline constexpr double kDefaultSlowEncodeFactor = 32.0;
inline constexpr double kMaxSlowEncodeFactor = 1000.0;

struct NativeSenderConfig {
  std::string tier = kDefaultNativeTier;        // the starting resolution tier
  int fps = kDefaultNativeFps;                  // the starting frame rate
  int64_t bitrate_bps = kDefaultNativeBitrateBps;  // the starting target bitrate
  uint32_t ssrc = 0;                            // from create_native_sender_session
  uint8_t payload_type = protocol::kPayloadTypeH264;
  sim::SocketAddress rtp_target;                // the plain transport's address on the SFU
  size_t frame_queue_capacity = kDefaultNativeFrameQueueCapacity;
  FallbackThresholds thresholds;
  DegradationLadderConfig ladder;
  uint64_t source_seed = 0;                     // SyntheticVideoSource(kScreen, seed)
  double slow_encode_factor = kDefaultSlowEncodeFactor;
  // false: the encoder gets a black picture of the tier's size instead of the rendered source
  // (only for tests whose fake encoder ignores the pixels: rendering 1080p costs real time).
  bool render_source = true;
  // RTP header extension ids to write (0 = off; a plain transport usually negotiates none).
  uint8_t abs_send_time_id = 0;
  uint8_t abs_capture_time_id = 0;
  // The fallback_never mutant (client_mutants.h): no failure ever makes the sender fall back.
  bool fallback_never = false;
  // A desktop whose hardware encoder cannot change resolution in place: on every resolution-tier
  // change the sender rebuilds its encoder and RTP packetizer. The new packetizer starts a fresh
  // random sequence number and timestamp (RFC 3550 §5.1) on the same SSRC (the SFU's session and
  // producer stay): the producer's input stream restarts, which the SFU's consumers must hide
  // (PROTOCOL.md §2). Off: the packetizer lives as long as the sender.
  bool restart_pipeline_on_tier_change = false;
};

}  // namespace sfusim::clients
