// VideoSourceSeed: the seed of a participant's synthetic video source. Senders and receivers both
// derive it from the publisher's username and the source, so a receiver regenerates the exact
// source picture of any frame number it decodes (PSNR against the source) without any signaling.
// Pure: FNV-1a 64 of "<username>/<camera|screen>".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sfusim::clients {

inline constexpr std::string_view kVideoSourceCamera = "camera";
inline constexpr std::string_view kVideoSourceScreen = "screen";

// "<username>/<source>": the key of WebClient::video_stats().
inline std::string VideoStatsKey(std::string_view username, std::string_view source) {
  std::string key(username);
  key += '/';
  key += source;
  return key;
}

inline uint64_t VideoSourceSeed(std::string_view username, std::string_view source) {
  constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
  constexpr uint64_t kFnvPrime = 1099511628211ULL;
  uint64_t h = kFnvOffset;
  const std::string key = VideoStatsKey(username, source);
  for (const char c : key) {
    h ^= static_cast<uint8_t>(c);
    h *= kFnvPrime;
  }
  return h;
}

}  // namespace sfusim::clients
