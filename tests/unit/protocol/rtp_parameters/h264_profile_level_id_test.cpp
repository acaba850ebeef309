// H.264 profile-level-id: parsing (libwebrtc's table), formatting, level order, answer generation.
#include <catch2/catch.hpp>

#include "sfusim/protocol/rtp_parameters/h264_profile_level_id.h"

using namespace sfusim::protocol;

namespace {
CodecParameters Plid(const char* value) { return {{"profile-level-id", std::string(value)}}; }
}  // namespace

TEST_CASE("profiles are recognised from profile_idc and profile_iop", "[h264]") {
  struct Case {
    const char* text;
    H264Profile profile;
    H264Level level;
  };
  for (const Case& c : {
           Case{"42e01f", H264Profile::kConstrainedBaseline, H264Level::kLevel3_1},
           Case{"42c01f", H264Profile::kConstrainedBaseline, H264Level::kLevel3_1},  // set1 alone decides
           Case{"42401f", H264Profile::kConstrainedBaseline, H264Level::kLevel3_1},
           Case{"42001f", H264Profile::kBaseline, H264Level::kLevel3_1},
           Case{"42a01f", H264Profile::kBaseline, H264Level::kLevel3_1},
           Case{"4d801f", H264Profile::kConstrainedBaseline, H264Level::kLevel3_1},  // Main with set0
           Case{"58c01f", H264Profile::kConstrainedBaseline, H264Level::kLevel3_1},  // Extended with set0+1
           Case{"58801f", H264Profile::kBaseline, H264Level::kLevel3_1},
           Case{"4d001f", H264Profile::kMain, H264Level::kLevel3_1},
           Case{"4d401f", H264Profile::kMain, H264Level::kLevel3_1},
           Case{"640c1f", H264Profile::kConstrainedHigh, H264Level::kLevel3_1},
           Case{"64001f", H264Profile::kHigh, H264Level::kLevel3_1},
           Case{"f4001f", H264Profile::kPredictiveHigh444, H264Level::kLevel3_1},
           Case{"42E01F", H264Profile::kConstrainedBaseline, H264Level::kLevel3_1},  // upper-case hex
           Case{"42e00a", H264Profile::kConstrainedBaseline, H264Level::kLevel1},
           Case{"42e00b", H264Profile::kConstrainedBaseline, H264Level::kLevel1_1},
           Case{"42f00b", H264Profile::kConstrainedBaseline, H264Level::kLevel1b},  // 11 + set3 = 1b
           Case{"640c34", H264Profile::kConstrainedHigh, H264Level::kLevel5_2},
       }) {
    INFO(c.text);
    const auto parsed = ParseH264ProfileLevelId(c.text);
    REQUIRE(parsed.has_value());
    CHECK(parsed->profile == c.profile);
    CHECK(parsed->level == c.level);
  }
}

TEST_CASE("unparsable profile-level-ids", "[h264]") {
  for (const char* text : {"", "42e01", "42e01f0", " 42e01f", "42e0zz", "gge01f", "42e01g",  // form
                           "42e000", "42e10f", "42e0ff",                                      // no such level
                           "640d1f", "6e001f", "42e81f", "00e01f"}) {                         // no such profile
    INFO(text);
    CHECK_FALSE(ParseH264ProfileLevelId(text).has_value());
  }
  // Levels are level_idc in hex: 0x1e = 30 is level 3, 0x33 = 51 is level 5.1.
  CHECK(ParseH264ProfileLevelId("42e01e")->level == H264Level::kLevel3);
  CHECK(ParseH264ProfileLevelId("42e033")->level == H264Level::kLevel5_1);
}

TEST_CASE("formatting is the inverse of parsing for canonical strings", "[h264]") {
  for (const char* text : {"42e01f", "42001f", "4d001f", "640c1f", "64001f", "f4001f", "42f00b", "42100b", "4d100b",
                           "42e00a", "640c34"}) {
    INFO(text);
    const auto parsed = ParseH264ProfileLevelId(text);
    REQUIRE(parsed);
    CHECK(H264ProfileLevelIdToString(*parsed) == std::string(text));
  }
  CHECK_FALSE(H264ProfileLevelIdToString({H264Profile::kHigh, H264Level::kLevel1b}).has_value());
}

TEST_CASE("level order puts 1b between 1 and 1.1", "[h264]") {
  CHECK(H264LevelIsLessThan(H264Level::kLevel1, H264Level::kLevel1b));
  CHECK(H264LevelIsLessThan(H264Level::kLevel1b, H264Level::kLevel1_1));
  CHECK_FALSE(H264LevelIsLessThan(H264Level::kLevel1b, H264Level::kLevel1));
  CHECK_FALSE(H264LevelIsLessThan(H264Level::kLevel1b, H264Level::kLevel1b));
  CHECK(H264LevelIsLessThan(H264Level::kLevel3, H264Level::kLevel3_1));
  CHECK(H264MinLevel(H264Level::kLevel4, H264Level::kLevel3_1) == H264Level::kLevel3_1);
  CHECK(H264MinLevel(H264Level::kLevel1_1, H264Level::kLevel1b) == H264Level::kLevel1b);
}

TEST_CASE("same profile: levels may differ, profiles may not", "[h264]") {
  CHECK(H264IsSameProfile(Plid("42e01f"), Plid("42e034")));
  CHECK(H264IsSameProfile(Plid("42e01f"), Plid("42c00a")));
  CHECK(H264IsSameProfile(Plid("42e01f"), {}));  // absent = 42e01f
  CHECK_FALSE(H264IsSameProfile(Plid("42e01f"), Plid("42001f")));
  CHECK_FALSE(H264IsSameProfile(Plid("42e01f"), Plid("64001f")));
  CHECK_FALSE(H264IsSameProfile(Plid("640c1f"), Plid("64001f")));
  CHECK_FALSE(H264IsSameProfile(Plid("42e01f"), Plid("garbage")));
  CHECK(H264IsSameProfile({{"profile-level-id", std::int64_t{420014}}}, Plid("42001f")));  // integer form
}

TEST_CASE("packetization-mode defaults to 0", "[h264]") {
  CHECK(H264PacketizationMode({}) == 0);
  CHECK(H264PacketizationMode({{"packetization-mode", std::int64_t{1}}}) == 1);
  CHECK(H264PacketizationMode({{"packetization-mode", std::string("1")}}) == 1);
  CHECK_FALSE(H264PacketizationMode({{"packetization-mode", std::string("one")}}).has_value());
}

TEST_CASE("the answer takes the lower level unless both allow asymmetry", "[h264]") {
  CHECK(H264ProfileLevelIdForAnswer(Plid("42e01f"), Plid("42e034")) == "42e01f");
  CHECK(H264ProfileLevelIdForAnswer(Plid("42e034"), Plid("42e01f")) == "42e01f");
  CHECK(H264ProfileLevelIdForAnswer(Plid("42e01f"), Plid("42c00b")) == "42e00b");
  CHECK(H264ProfileLevelIdForAnswer(Plid("42e01f"), Plid("42f00b")) == "42f00b");  // level 1b
  CHECK(H264ProfileLevelIdForAnswer(Plid("42e01f"), {}) == "42e01f");            // remote default 3.1
  CHECK(H264ProfileLevelIdForAnswer({}, {}) == std::nullopt);                     // both default: leave out
  CHECK(H264ProfileLevelIdForAnswer(Plid("42e01f"), Plid("64001f")) == std::nullopt);
  CodecParameters local = Plid("42e034");
  CodecParameters remote = Plid("42e01f");
  local["level-asymmetry-allowed"] = std::int64_t{1};
  CHECK(H264ProfileLevelIdForAnswer(local, remote) == "42e01f");  // only one side allows it
  remote["level-asymmetry-allowed"] = std::int64_t{1};
  CHECK(H264ProfileLevelIdForAnswer(local, remote) == "42e034");  // both: the local level
}
