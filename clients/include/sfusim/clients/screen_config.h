// ScreenConfig: the screen share a WebClient publishes when WebClientConfig::publish_screen is set
// (or on StartScreenShare). `native` asks for the desktop client's native sender (PROTOCOL.md §3);
// a web client (WebClientConfig::desktop false) always uses the browser path. `tier` is a name of
// protocol::kResolutionTiers ("2160p" .. "720p"; unknown names fall back to kDefaultScreenTier).
// The browser path encodes the synthetic screen source at the tier's resolution and `fps`, at
// bitrate_bps (0: kDefaultScreenBitrateBps).
#pragma once

#include <cstdint>
#include <string>

namespace sfusim::clients {

inline constexpr const char* kDefaultScreenTier = "720p";
inline constexpr int kDefaultScreenFps = 30;
inline constexpr int64_t kDefaultScreenBitrateBps = 1'500'000;

struct ScreenConfig {
  bool native = true;
  std::string tier = kDefaultScreenTier;
  int fps = kDefaultScreenFps;
  int64_t bitrate_bps = kDefaultScreenBitrateBps;
  // Native path only: the sender rebuilds its packetizer on every resolution-tier change, so its
  // RTP sequence restarts (NativeSenderConfig::restart_pipeline_on_tier_change).
  bool restart_pipeline_on_tier_change = false;
};

}  // namespace sfusim::clients
