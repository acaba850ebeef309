#include "sfusim/protocol/rtp_parameters/h264_profile_level_id.h"

#include <array>
#include <cstdio>

namespace sfusim::protocol {
namespace {

// constraint_set3_flag in profile_iop: with level_idc 11 it means level 1b (H.264 A.3.1).
constexpr std::uint8_t kConstraintSet3Flag = 0x10;

// A profile_iop pattern written MSB first: 'x' any bit, '0'/'1' that bit. libwebrtc's table.
struct BitPattern {
  std::uint8_t mask;
  std::uint8_t value;
  constexpr explicit BitPattern(const char (&s)[9]) : mask(0), value(0) {
    for (int i = 0; i < 8; ++i) {
      const std::uint8_t bit = static_cast<std::uint8_t>(1u << (7 - i));
      if (s[i] != 'x') mask = static_cast<std::uint8_t>(mask | bit);
      if (s[i] == '1') value = static_cast<std::uint8_t>(value | bit);
    }
  }
  constexpr bool Matches(std::uint8_t iop) const { return ((iop ^ value) & mask) == 0; }
};

struct ProfilePattern {
  std::uint8_t profile_idc;
  BitPattern profile_iop;
  H264Profile profile;
};

// From libwebrtc api/video_codecs/h264_profile_level_id.cc (kProfilePatterns); order matters.
constexpr std::array<ProfilePattern, 9> kProfilePatterns = {{
    {0x42, BitPattern("x1xx0000"), H264Profile::kConstrainedBaseline},
    {0x4D, BitPattern("1xxx0000"), H264Profile::kConstrainedBaseline},
    {0x58, BitPattern("11xx0000"), H264Profile::kConstrainedBaseline},
    {0x42, BitPattern("x0xx0000"), H264Profile::kBaseline},
    {0x58, BitPattern("10xx0000"), H264Profile::kBaseline},
    {0x4D, BitPattern("0x0x0000"), H264Profile::kMain},
    {0x64, BitPattern("00000000"), H264Profile::kHigh},
    {0x64, BitPattern("00001100"), H264Profile::kConstrainedHigh},
    {0xF4, BitPattern("00000000"), H264Profile::kPredictiveHigh444},
}};

std::optional<std::uint8_t> HexByte(char hi, char lo) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  const int h = digit(hi);
  const int l = digit(lo);
  if (h < 0 || l < 0) return std::nullopt;
  return static_cast<std::uint8_t>(h * 16 + l);
}

std::optional<H264Level> LevelFromIdc(std::uint8_t level_idc, std::uint8_t profile_iop) {
  switch (level_idc) {
    case 11:
      return (profile_iop & kConstraintSet3Flag) != 0 ? H264Level::kLevel1b : H264Level::kLevel1_1;
    case 10: case 12: case 13: case 20: case 21: case 22: case 30: case 31: case 32:
    case 40: case 41: case 42: case 50: case 51: case 52:
      return static_cast<H264Level>(level_idc);
    default:
      return std::nullopt;
  }
}

bool LevelAsymmetryAllowed(const CodecParameters& parameters) {
  return GetIntParameter(parameters, kH264LevelAsymmetryAllowedParameter).value_or(0) == 1;
}

}  // namespace

std::optional<H264ProfileLevelId> ParseH264ProfileLevelId(std::string_view text) {
  if (text.size() != 6) return std::nullopt;
  const auto profile_idc = HexByte(text[0], text[1]);
  const auto profile_iop = HexByte(text[2], text[3]);
  const auto level_idc = HexByte(text[4], text[5]);
  if (!profile_idc || !profile_iop || !level_idc) return std::nullopt;
  const auto level = LevelFromIdc(*level_idc, *profile_iop);
  if (!level) return std::nullopt;
  for (const ProfilePattern& pattern : kProfilePatterns) {
    if (pattern.profile_idc == *profile_idc && pattern.profile_iop.Matches(*profile_iop)) {
      return H264ProfileLevelId{pattern.profile, *level};
    }
  }
  return std::nullopt;
}

std::optional<std::string> H264ProfileLevelIdToString(const H264ProfileLevelId& id) {
  if (id.level == H264Level::kLevel1b) {
    switch (id.profile) {
      case H264Profile::kConstrainedBaseline: return std::string("42f00b");
      case H264Profile::kBaseline: return std::string("42100b");
      case H264Profile::kMain: return std::string("4d100b");
      default: return std::nullopt;  // level 1b exists only for these profiles
    }
  }
  const char* profile_idc_iop = nullptr;
  switch (id.profile) {
    case H264Profile::kConstrainedBaseline: profile_idc_iop = "42e0"; break;
    case H264Profile::kBaseline: profile_idc_iop = "4200"; break;
    case H264Profile::kMain: profile_idc_iop = "4d00"; break;
    case H264Profile::kConstrainedHigh: profile_idc_iop = "640c"; break;
    case H264Profile::kHigh: profile_idc_iop = "6400"; break;
    case H264Profile::kPredictiveHigh444: profile_idc_iop = "f400"; break;
  }
  if (profile_idc_iop == nullptr) return std::nullopt;
  char level_hex[3];
  std::snprintf(level_hex, sizeof level_hex, "%02x", static_cast<unsigned>(id.level));
  return std::string(profile_idc_iop) + level_hex;
}

std::optional<H264ProfileLevelId> ParseH264ProfileLevelIdFromParameters(const CodecParameters& parameters) {
  // An integer (420010 written without quotes) reads as its decimal digits.
  const auto text = GetStringParameter(parameters, kH264ProfileLevelIdParameter);
  if (!text) return kH264DefaultProfileLevelId;
  return ParseH264ProfileLevelId(*text);
}

bool H264LevelIsLessThan(H264Level a, H264Level b) {
  if (a == H264Level::kLevel1b) return b != H264Level::kLevel1 && b != H264Level::kLevel1b;
  if (b == H264Level::kLevel1b) return a == H264Level::kLevel1;
  return static_cast<int>(a) < static_cast<int>(b);
}

H264Level H264MinLevel(H264Level a, H264Level b) { return H264LevelIsLessThan(a, b) ? a : b; }

bool H264IsSameProfile(const CodecParameters& a, const CodecParameters& b) {
  const auto pa = ParseH264ProfileLevelIdFromParameters(a);
  const auto pb = ParseH264ProfileLevelIdFromParameters(b);
  return pa && pb && pa->profile == pb->profile;
}

std::optional<std::int64_t> H264PacketizationMode(const CodecParameters& parameters) {
  if (parameters.find(kH264PacketizationModeParameter) == parameters.end()) return 0;
  return GetIntParameter(parameters, kH264PacketizationModeParameter);
}

std::optional<std::string> H264ProfileLevelIdForAnswer(const CodecParameters& local,
                                                       const CodecParameters& remote) {
  // Both sides on the (same) default: the answer leaves the parameter out as well.
  if (local.find(kH264ProfileLevelIdParameter) == local.end() &&
      remote.find(kH264ProfileLevelIdParameter) == remote.end()) {
    return std::nullopt;
  }
  const auto local_id = ParseH264ProfileLevelIdFromParameters(local);
  const auto remote_id = ParseH264ProfileLevelIdFromParameters(remote);
  if (!local_id || !remote_id || local_id->profile != remote_id->profile) return std::nullopt;
  // Without level asymmetry the answer may not upgrade the level: take the lower of the two.
  const bool asymmetry = LevelAsymmetryAllowed(local) && LevelAsymmetryAllowed(remote);
  const H264Level level = asymmetry ? local_id->level : H264MinLevel(local_id->level, remote_id->level);
  return H264ProfileLevelIdToString(H264ProfileLevelId{local_id->profile, level});
}

}  // namespace sfusim::protocol
