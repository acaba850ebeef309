// MediaKind: audio or video, the `kind` of producers, consumers, codecs and header extensions.
//
// Contract: the wire names are exactly "audio" and "video" (PROTOCOL.md §1); ParseMediaKind accepts
// only those (case-sensitive) and returns nullopt for anything else, so callers decide the error.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace sfusim::protocol {

enum class MediaKind { kAudio, kVideo };

inline constexpr std::array<std::string_view, 2> kMediaKindNames = {"audio", "video"};

constexpr std::string_view ToString(MediaKind kind) { return kMediaKindNames[static_cast<int>(kind)]; }

constexpr std::optional<MediaKind> ParseMediaKind(std::string_view name) {
  if (name == "audio") return MediaKind::kAudio;
  if (name == "video") return MediaKind::kVideo;
  return std::nullopt;
}

}  // namespace sfusim::protocol
