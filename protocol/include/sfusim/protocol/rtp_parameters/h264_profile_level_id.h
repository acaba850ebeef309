// H.264 profile-level-id (RFC 6184 §8.1) parsing and offer/answer matching, as libwebrtc's
// api/video_codecs/h264_profile_level_id.cc and mediasoup's h264-profile-level-id do it.
//
//   profile-level-id = 6 hex digits:  profile_idc (8 bits) | profile_iop (8 bits) | level_idc (8 bits)
//   profile_iop bits, MSB first:      constraint_set0..5 flags, 2 reserved zero bits
//
// Contract: a profile is recognised from (profile_idc, profile_iop) by the same bit patterns as
// libwebrtc, so e.g. 42e01f and 42c01f are both Constrained Baseline (the set1 flag alone decides)
// while 42001f is plain Baseline. Levels come from level_idc, with level_idc 11 plus constraint_set3
// meaning level 1b. Two H.264 codecs are compatible when their profiles are the same; their levels
// may differ and the answer uses the lower one (unless both sides allow level asymmetry). An
// absent profile-level-id means the default 42e01f (libwebrtc's default, Constrained Baseline 3.1).
// Parsing never throws; unparsable strings give nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sfusim/protocol/rtp_parameters/codec_parameters.h"

namespace sfusim::protocol {

enum class H264Profile {
  kConstrainedBaseline,
  kBaseline,
  kMain,
  kConstrainedHigh,
  kHigh,
  kPredictiveHigh444,
};

// Values are level_idc, except level 1b (which shares level_idc 11 with level 1.1).
enum class H264Level : std::uint8_t {
  kLevel1b = 0,
  kLevel1 = 10,
  kLevel1_1 = 11,
  kLevel1_2 = 12,
  kLevel1_3 = 13,
  kLevel2 = 20,
  kLevel2_1 = 21,
  kLevel2_2 = 22,
  kLevel3 = 30,
  kLevel3_1 = 31,
  kLevel3_2 = 32,
  kLevel4 = 40,
  kLevel4_1 = 41,
  kLevel4_2 = 42,
  kLevel5 = 50,
  kLevel5_1 = 51,
  kLevel5_2 = 52,
};

struct H264ProfileLevelId {
  H264Profile profile = H264Profile::kConstrainedBaseline;
  H264Level level = H264Level::kLevel3_1;

  bool operator==(const H264ProfileLevelId&) const = default;
};

// fmtp parameter names.
inline constexpr std::string_view kH264ProfileLevelIdParameter = "profile-level-id";
inline constexpr std::string_view kH264PacketizationModeParameter = "packetization-mode";
inline constexpr std::string_view kH264LevelAsymmetryAllowedParameter = "level-asymmetry-allowed";

// The profile-level-id assumed when the parameter is absent.
inline constexpr H264ProfileLevelId kH264DefaultProfileLevelId{H264Profile::kConstrainedBaseline,
                                                               H264Level::kLevel3_1};

// "42e01f" -> {ConstrainedBaseline, 3.1}. Exactly 6 hex digits (either case); nullopt otherwise or
// when the profile or level is not recognised.
std::optional<H264ProfileLevelId> ParseH264ProfileLevelId(std::string_view text);

// {ConstrainedBaseline, 3.1} -> "42e01f" (lower-case hex). nullopt for level 1b with a profile other
// than (Constrained) Baseline or Main, which H.264 does not allow.
std::optional<std::string> H264ProfileLevelIdToString(const H264ProfileLevelId& id);

// From a codec's fmtp parameters: the default when profile-level-id is absent, nullopt when it is
// present but not a valid string.
std::optional<H264ProfileLevelId> ParseH264ProfileLevelIdFromParameters(const CodecParameters& parameters);

// True when a is a lower level than b (level 1b sits between 1 and 1.1).
bool H264LevelIsLessThan(H264Level a, H264Level b);
H264Level H264MinLevel(H264Level a, H264Level b);

// True when both parameter sets parse and name the same profile (levels may differ).
bool H264IsSameProfile(const CodecParameters& a, const CodecParameters& b);

// packetization-mode of the parameters, 0 when absent (RFC 6184 §8.1); nullopt when not an integer.
std::optional<std::int64_t> H264PacketizationMode(const CodecParameters& parameters);

// The profile-level-id the answerer (local) puts in its answer to an offer (remote), libwebrtc's
// H264GenerateProfileLevelIdForAnswer: the local profile with the lower of the two levels, or the
// local level when both sides set level-asymmetry-allowed=1. nullopt when neither side has a
// profile-level-id (the answer then leaves it out too) or when the two are not the same profile
// (check H264IsSameProfile first).
std::optional<std::string> H264ProfileLevelIdForAnswer(const CodecParameters& local,
                                                       const CodecParameters& remote);

}  // namespace sfusim::protocol
