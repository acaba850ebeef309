// Every kind of problem the scenario loader reports, each with its JSON pointer, code and message.
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <fstream>
#include <string>

#include "loader_test_util.h"
#include "sfusim/scenario/scenario_limits.h"

using nlohmann::json;
using sfusim::scenario::LoadOptions;
using sfusim::scenario::LoadResult;
using sfusim::scenario::LoadScenarioFile;
using sfusim::scenario::LoadScenarioJson;
using sfusim::scenario::LoadScenarioText;
using sfusim::scenario::testing::MinimalScenario;

namespace {

LoadResult LoadWith(const std::function<void(json&)>& edit, LoadOptions options = {}) {
  json j = MinimalScenario();
  edit(j);
  return LoadScenarioJson(j, options);
}

}  // namespace

TEST_CASE("the minimal scenario is valid", "[loader]") {
  LoadResult r = LoadScenarioJson(MinimalScenario());
  REQUIRE_VALID(r);
}

// ---------------------------------------------------------------------------------------------
// The file as a whole (pointer "")
// ---------------------------------------------------------------------------------------------
TEST_CASE("a JSON syntax error is one problem with line and column", "[loader][syntax]") {
  LoadResult r = LoadScenarioText("{\n  \"name\": \"x\",\n  \"duration_s\": 4,,\n}");
  REQUIRE_PROBLEM(r, "", "invalid_json",
                  "line 3, column 19: invalid JSON: syntax error while parsing object key - unexpected ','; "
                  "expected string literal");
  CHECK(r.problems.size() == 1);
  CHECK_FALSE(r.ok());
}

TEST_CASE("line and column count code points, not bytes", "[loader][syntax]") {
  // "é" is two bytes; the stray 'x' is the 12th character of line 2.
  LoadResult r = LoadScenarioText("{\n\"name\": \"é\" x}");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].message.rfind("line 2, column 13: invalid JSON: ", 0) == 0);
}

TEST_CASE("empty text, trailing garbage and invalid UTF-8 are syntax errors", "[loader][syntax]") {
  for (std::string text : {std::string(""), std::string("{} x"), std::string("{\"name\": \"\xff\"}")}) {
    LoadResult r = LoadScenarioText(text);
    INFO(sfusim::scenario::testing::Dump(r));
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].code == "invalid_json");
    CHECK(r.problems[0].pointer.empty());
  }
}

TEST_CASE("numbers beyond double range are syntax errors", "[loader][syntax]") {
  LoadResult r = LoadScenarioText(R"({"name": "x", "duration_s": 1e999})");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].code == "invalid_json");
}

TEST_CASE("nesting deeper than the limit stops at the container that went too deep", "[loader][syntax]") {
  std::string text = R"({"name": "x", "deep": )";
  for (std::size_t i = 0; i < sfusim::scenario::kMaxJsonDepth; ++i) text += "[";
  LoadResult r = LoadScenarioText(text);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].code == "too_deep");
  // The root object is level 1, "deep" level 2, each "/0" one more: level 65 has 63 of them.
  std::string pointer = "/deep";
  for (std::size_t i = 0; i < sfusim::scenario::kMaxJsonDepth - 1; ++i) pointer += "/0";
  CHECK(r.problems[0].pointer == pointer);
  CHECK(r.problems[0].message == "nested deeper than 64 levels of objects and arrays");
}

TEST_CASE("a repeated key is a problem at its pointer, and loading goes on", "[loader][syntax]") {
  LoadResult r = LoadScenarioText(
      R"({"name": "x", "duration_s": 10, "participants": [{"id": "a", "client": "web", "client": "desktop"}],
          "sfu": {"workers": 0}})");
  REQUIRE_PROBLEM(r, "/participants/0/client", "duplicate_key",
                  "duplicate key \"client\" (a key may appear once in an object; the first is used)");
  REQUIRE_PROBLEM(r, "/sfu/workers", "out_of_range", "must be an integer in [1, 64], got 0");
  CHECK(r.problems.size() == 2);
}

TEST_CASE("the root must be an object", "[loader]") {
  LoadResult r = LoadScenarioText("[1, 2]");
  REQUIRE_PROBLEM(r, "", "wrong_type", "a scenario must be a JSON object, got an array");
}

TEST_CASE("text above the size limit is refused before parsing", "[loader]") {
  std::string text(sfusim::scenario::kMaxScenarioFileBytes + 1, ' ');
  LoadResult r = LoadScenarioText(text);
  REQUIRE_PROBLEM(r, "", "too_large", "the file is 1048577 bytes; a scenario is at most 1048576 bytes");
}

TEST_CASE("files: missing, a directory, too large, and a good one", "[loader][file]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(SFUSIM_TEST_TMP_DIR) / "scenario_loader_files";
  fs::create_directories(dir);

  LoadResult missing = LoadScenarioFile((dir / "nope.json").string());
  REQUIRE_PROBLEM(missing, "", "io_error", "cannot open the file for reading");

  LoadResult directory = LoadScenarioFile(dir.string());
  REQUIRE_PROBLEM(directory, "", "io_error", "is a directory, not a scenario file");

  const fs::path big = dir / "big.json";
  std::ofstream(big) << std::string(sfusim::scenario::kMaxScenarioFileBytes + 10, ' ');
  LoadResult too_large = LoadScenarioFile(big.string());
  REQUIRE_PROBLEM(too_large, "", "too_large", "the file is larger than 1048576 bytes, the limit for a scenario");

  const fs::path good = dir / "good.json";
  std::ofstream(good) << MinimalScenario().dump(2);
  LoadResult ok = LoadScenarioFile(good.string());
  REQUIRE_VALID(ok);
  CHECK(ok.scenario->name == "t");

  auto as_error = sfusim::scenario::LoadScenarioFileOrError((dir / "nope.json").string());
  REQUIRE_FALSE(as_error.ok());
  CHECK(as_error.error().code == "io_error");
  CHECK(as_error.error().message == "cannot open the file for reading");
}

// ---------------------------------------------------------------------------------------------
// Fields: unknown, missing, wrong type
// ---------------------------------------------------------------------------------------------
TEST_CASE("unknown fields are rejected, with a suggestion when one is close", "[loader][fields]") {
  LoadResult r = LoadWith([](json& j) {
    j["duraton_s"] = 3;
    j["sfu"] = {{"wokers", 2}};
    j["participants"][0]["color"] = "red";
    j["network"]["default"]["latency"] = 5;
    j["timeline"] = json::array({{{"at_s", 1}, {"action", "mute"}, {"participant", "alice"}, {"for_s", 2}}});
  });
  REQUIRE_PROBLEM(r, "/duraton_s", "unknown_field", "unknown field \"duraton_s\" (did you mean \"duration_s\"?)");
  REQUIRE_PROBLEM(r, "/sfu/wokers", "unknown_field", "unknown field \"wokers\" (did you mean \"workers\"?)");
  REQUIRE_PROBLEM(r, "/participants/0/color", "unknown_field",
                  "unknown field \"color\" (expected one of: id, client, channel, publish, camera, screen, join_at_s)");
  REQUIRE_PROBLEM(r, "/network/default/latency", "unknown_field",
                  "unknown field \"latency\" (expected one of: delay_ms, jitter_ms, reorder, loss, burst_len, duplicate, "
                  "capacity_kbps, queue_ms, queue_bytes, mtu, capacity_trace, up, jitter_distribution)");
  REQUIRE_PROBLEM(r, "/timeline/0/for_s", "unknown_field",
                  "unknown field \"for_s\" (expected one of: at_s, action, participant)");
  CHECK(r.problems.size() == 5);
}

TEST_CASE("keys with / and ~ are escaped in pointers", "[loader][fields]") {
  LoadResult r = LoadWith([](json& j) { j["a/b~c"] = 1; });
  REQUIRE_PROBLEM(r, "/a~1b~0c", "unknown_field",
                  "unknown field \"a/b~c\" (expected one of: $schema, name, description, duration_s, sfu, participants, "
                  "network, timeline, expect, fault_points, swarm)");
}

TEST_CASE("missing required fields are named where they belong", "[loader][fields]") {
  LoadResult r = LoadScenarioJson(json::object());
  REQUIRE_PROBLEM(r, "/name", "missing_field", "required field is missing");
  REQUIRE_PROBLEM(r, "/duration_s", "missing_field", "required field is missing");
  REQUIRE_PROBLEM(r, "/participants", "missing_field", "required field is missing");
  CHECK(r.problems.size() == 3);

  LoadResult nested = LoadWith([](json& j) {
    j["sfu"] = {{"channels", {{{"opus", {{"dtx", true}}}}}}};
    j["participants"].push_back({{"client", "web"}});
    j["timeline"] = json::array({{{"action", "partition"}, {"participant", "alice"}}});
  });
  REQUIRE_PROBLEM(nested, "/sfu/channels/0/id", "missing_field", "required field is missing");
  REQUIRE_PROBLEM(nested, "/participants/3/id", "missing_field", "required field is missing");
  REQUIRE_PROBLEM(nested, "/timeline/0/at_s", "missing_field", "required field is missing");
  REQUIRE_PROBLEM(nested, "/timeline/0/for_s", "missing_field", "required field is missing");
}

TEST_CASE("wrong types say what was expected and what was given", "[loader][fields]") {
  LoadResult r = LoadWith([](json& j) {
    j["name"] = 5;
    j["duration_s"] = "30";
    j["description"] = nullptr;
    j["participants"][0]["publish"] = "microphone";
    j["participants"][1]["client"] = true;
    j["network"]["default"]["mtu"] = 1500.5;
    j["network"]["default"]["reorder"] = "yes";
    j["expect"] = json::array();
  });
  REQUIRE_PROBLEM(r, "/name", "wrong_type", "expected a string, got the number 5");
  REQUIRE_PROBLEM(r, "/duration_s", "wrong_type", "expected a number, got the string \"30\"");
  REQUIRE_PROBLEM(r, "/description", "wrong_type", "expected a string, got null");
  REQUIRE_PROBLEM(r, "/participants/0/publish", "wrong_type", "expected an array, got the string \"microphone\"");
  REQUIRE_PROBLEM(r, "/participants/1/client", "wrong_type", "expected a string (one of web, desktop), got true");
  REQUIRE_PROBLEM(r, "/network/default/mtu", "wrong_type", "expected an integer, got the number 1500.5");
  REQUIRE_PROBLEM(r, "/network/default/reorder", "wrong_type", "expected true or false, got the string \"yes\"");
  REQUIRE_PROBLEM(r, "/expect", "wrong_type", "expected an object, got an array");
  CHECK(r.problems.size() == 8);
}

TEST_CASE("integers may be written as whole floats (JSON Schema's integer)", "[loader][fields]") {
  LoadResult r = LoadWith([](json& j) { j["sfu"] = {{"workers", 3.0}}; });
  REQUIRE_VALID(r);
  CHECK(r.scenario->sfu.workers == 3);
}

TEST_CASE("identifiers are restricted to file-name-safe characters", "[loader][fields]") {
  LoadResult r = LoadWith([](json& j) {
    j["name"] = "my scenario";
    j["participants"][0]["id"] = "";
    j["participants"][1]["id"] = "sfu";
    j["participants"][2]["id"] = std::string(65, 'a');
  });
  REQUIRE_PROBLEM(r, "/name", "invalid_value",
                  "must be 1 to 128 characters from A-Z a-z 0-9 . _ -, got \"my scenario\"");
  REQUIRE_PROBLEM(r, "/participants/0/id", "invalid_value",
                  "must be 1 to 64 characters from A-Z a-z 0-9 . _ -, got \"\"");
  REQUIRE_PROBLEM(r, "/participants/1/id", "invalid_value",
                  "\"sfu\" is reserved (links are named \"<participant>->sfu\")");
  REQUIRE_PROBLEM(r, "/participants/2/id", "out_of_range", "at most 64 characters, got 65");
}

// ---------------------------------------------------------------------------------------------
// Ranges
// ---------------------------------------------------------------------------------------------
TEST_CASE("duration_s is positive and bounded", "[loader][range]") {
  REQUIRE_PROBLEM(LoadWith([](json& j) { j["duration_s"] = 0; }), "/duration_s", "out_of_range",
                  "must be in (0, 86400], got 0");
  REQUIRE_PROBLEM(LoadWith([](json& j) { j["duration_s"] = 86400.5; }), "/duration_s", "out_of_range",
                  "must be in (0, 86400], got 86400.5");
  REQUIRE_VALID(LoadWith([](json& j) { j["duration_s"] = 0.25; }));
}

TEST_CASE("sfu: workers, channel list and Opus settings are bounded", "[loader][range]") {
  REQUIRE_PROBLEM(LoadWith([](json& j) { j["sfu"] = {{"workers", 65}}; }), "/sfu/workers", "out_of_range",
                  "must be an integer in [1, 64], got 65");
  REQUIRE_PROBLEM(LoadWith([](json& j) { j["sfu"] = {{"workers", 1e30}}; }), "/sfu/workers", "out_of_range",
                  "must be an integer in [1, 64], got 1e+30");
  REQUIRE_PROBLEM(LoadWith([](json& j) { j["sfu"] = {{"workers", 18446744073709551615ULL}}; }), "/sfu/workers",
                  "out_of_range", "must be an integer in [1, 64], got 18446744073709551615");
  REQUIRE_PROBLEM(LoadWith([](json& j) { j["sfu"] = {{"channels", json::array()}}; }), "/sfu/channels",
                  "out_of_range", "needs at least 1 entry");
  LoadResult opus = LoadWith([](json& j) {
    j["sfu"] = {{"channels", {{{"id", "lobby"}, {"opus", {{"bitrate", 600000}, {"fec", 1}}}}}}};
  });
  REQUIRE_PROBLEM(opus, "/sfu/channels/0/opus/bitrate", "out_of_range", "must be an integer in [6000, 510000], got 600000");
  REQUIRE_PROBLEM(opus, "/sfu/channels/0/opus/fec", "wrong_type", "expected true or false, got the number 1");
}

TEST_CASE("participants: count, camera and screen settings are bounded", "[loader][range]") {
  REQUIRE_PROBLEM(LoadWith([](json& j) { j["participants"] = json::array(); }), "/participants", "out_of_range",
                  "needs at least 1 entry");
  LoadResult many = LoadWith([](json& j) {
    j["participants"] = json::array();
    for (int i = 0; i < 257; ++i) j["participants"].push_back({{"id", "p" + std::to_string(i)}});
  });
  REQUIRE_PROBLEM(many, "/participants", "out_of_range", "at most 256 entries, got 257");

  LoadResult video = LoadWith([](json& j) {
    j["participants"][0]["camera"] = {{"width", 8}, {"height", 361}, {"fps", 61}, {"bitrate_kbps", 20001}};
    j["participants"][1]["screen"] = {{"fps", 0}, {"tier", "4k"}};
  });
  REQUIRE_PROBLEM(video, "/participants/0/camera/width", "out_of_range", "must be an integer in [16, 3840], got 8");
  REQUIRE_PROBLEM(video, "/participants/0/camera/height", "invalid_value", "must be even (4:2:0 video), got 361");
  REQUIRE_PROBLEM(video, "/participants/0/camera/fps", "out_of_range", "must be an integer in [1, 60], got 61");
  REQUIRE_PROBLEM(video, "/participants/0/camera/bitrate_kbps", "out_of_range",
                  "must be an integer in [30, 20000], got 20001");
  REQUIRE_PROBLEM(video, "/participants/1/screen/fps", "out_of_range", "must be an integer in [1, 60], got 0");
  REQUIRE_PROBLEM(video, "/participants/1/screen/tier", "unknown_value",
                  "unknown value \"4k\" (expected 2160p, 1440p, 1080p, 720p)");
}

TEST_CASE("screen restart_on_tier_change: a bool, true only on a desktop client", "[loader][video]") {
  LoadResult r = LoadWith([](json& j) {
    j["participants"][0]["screen"] = {{"restart_on_tier_change", "yes"}};
    j["participants"][1]["screen"] = {{"restart_on_tier_change", true}};
  });
  REQUIRE_PROBLEM(r, "/participants/0/screen/restart_on_tier_change", "wrong_type",
                  "expected true or false, got the string \"yes\"");
  REQUIRE_PROBLEM(r, "/participants/1/screen/restart_on_tier_change", "invalid_value",
                  "true needs a desktop client (only the native sender has a pipeline to restart)");
  LoadResult ok = LoadWith([](json& j) {
    j["participants"][1]["client"] = "desktop";
    j["participants"][1]["screen"] = {{"restart_on_tier_change", true}};
    j["participants"][0]["screen"] = {{"restart_on_tier_change", false}};
  });
  REQUIRE_VALID(ok);
  CHECK(ok.scenario->participants[1].screen.restart_on_tier_change);
  CHECK_FALSE(ok.scenario->participants[0].screen.restart_on_tier_change);
}

TEST_CASE("times lie within [0, duration_s]", "[loader][range]") {
  LoadResult r = LoadWith([](json& j) {
    j["participants"][0]["join_at_s"] = 31;
    j["timeline"] = json::array({{{"at_s", -1}, {"action", "restart_sfu"}},
                                 {{"at_s", 30.5}, {"action", "restart_sfu"}},
                                 {{"at_s", 25}, {"action", "partition"}, {"participant", "bob"}, {"for_s", 6}},
                                 {{"at_s", 25}, {"action", "partition"}, {"participant", "bob"}, {"for_s", 0}}});
    j["expect"] = {{"events", {{{"name", "voice_joined"}, {"between_s", {0, 40}}}}}};
  });
  REQUIRE_PROBLEM(r, "/participants/0/join_at_s", "out_of_range", "must be in [0, 30] (duration_s), got 31");
  REQUIRE_PROBLEM(r, "/timeline/0/at_s", "out_of_range", "must be in [0, 30] (duration_s), got -1");
  REQUIRE_PROBLEM(r, "/timeline/1/at_s", "out_of_range", "must be in [0, 30] (duration_s), got 30.5");
  REQUIRE_PROBLEM(r, "/timeline/2/for_s", "out_of_range", "ends at 31 s, after duration_s 30");
  REQUIRE_PROBLEM(r, "/timeline/3/for_s", "out_of_range", "must be in (0, 86400], got 0");
  REQUIRE_PROBLEM(r, "/expect/events/0/between_s/1", "out_of_range", "must be in [0, 30] (duration_s), got 40");
}

TEST_CASE("link fields: ranges checked by the loader", "[loader][range][link]") {
  LoadResult r = LoadWith([](json& j) {
    j["network"]["default"] = {{"delay_ms", -1},          {"jitter_ms", 4e6}, {"loss", 1.5},   {"duplicate", -0.1},
                               {"burst_len", 0.5},        {"queue_ms", -3},   {"mtu", 70000},  {"queue_bytes", -1},
                               {"capacity_kbps", 2e8},    {"jitter_distribution", "normal"}};
  });
  REQUIRE_PROBLEM(r, "/network/default/delay_ms", "out_of_range", "must be in [0, 3600000], got -1");
  REQUIRE_PROBLEM(r, "/network/default/jitter_ms", "out_of_range", "must be in [0, 3600000], got 4000000");
  REQUIRE_PROBLEM(r, "/network/default/loss", "out_of_range", "must be in [0, 1], got 1.5");
  REQUIRE_PROBLEM(r, "/network/default/duplicate", "out_of_range", "must be in [0, 1], got -0.1");
  REQUIRE_PROBLEM(r, "/network/default/burst_len", "out_of_range", "must be in [1, 1000], got 0.5");
  REQUIRE_PROBLEM(r, "/network/default/queue_ms", "out_of_range", "must be in [0, 3600000], got -3");
  REQUIRE_PROBLEM(r, "/network/default/mtu", "out_of_range", "must be an integer in [0, 65535], got 70000");
  REQUIRE_PROBLEM(r, "/network/default/queue_bytes", "out_of_range", "must be an integer in [0, 1073741824], got -1");
  REQUIRE_PROBLEM(r, "/network/default/capacity_kbps", "out_of_range",
                  "must be in [-100000000, 100000000], got 200000000");
  REQUIRE_PROBLEM(r, "/network/default/jitter_distribution", "unknown_value",
                  "unknown value \"normal\" (expected exponential, uniform)");
  CHECK(r.problems.size() == 10);
}

TEST_CASE("capacity traces: shape, times and order", "[loader][range][link]") {
  LoadResult r = LoadWith([](json& j) {
    j["network"]["links"]["alice->sfu"] = {{"capacity_trace", {{0, 1000}, {5}, {4, 500}, {3, 200}, {31, 100}}}};
  });
  REQUIRE_PROBLEM(r, "/network/links/alice->sfu/capacity_trace/1", "wrong_type",
                  "expected [at_s, kbps], got an array of 1 entries");
  REQUIRE_PROBLEM(r, "/network/links/alice->sfu/capacity_trace/3/0", "out_of_order",
                  "at_s 3 must be after the previous step's 4 (steps are sorted by time)");
  REQUIRE_PROBLEM(r, "/network/links/alice->sfu/capacity_trace/4/0", "out_of_range",
                  "must be in [0, 30] (duration_s), got 31");
}

// ---------------------------------------------------------------------------------------------
// Link semantics: sim::ValidateLinkConfig, per layer
// ---------------------------------------------------------------------------------------------
TEST_CASE("ValidateLinkConfig's problems land on the field of the layer that caused them", "[loader][link]") {
  LoadResult r = LoadWith([](json& j) {
    j["network"]["default"] = {{"capacity_kbps", 0.5}, {"burst_len", 3}};
    j["network"]["links"] = {{"bob->sfu", {{"loss", 0.9}}},                      // with the default's burst_len
                             {"sfu->bob", {{"loss", 0.8}, {"burst_len", 2}}},    // both in this layer
                             {"alice->sfu", {{"capacity_trace", {{1, 0.2}}}}}};  // below the minimum rate
  });
  REQUIRE_PROBLEM(r, "/network/default/capacity_kbps", "invalid_link",
                  "must be >= 1000 bit/s (a link that sends nothing is a partition: set up = false), got 500 bit/s");
  REQUIRE_PROBLEM(r, "/network/links/bob->sfu/loss", "invalid_link",
                  "loss 0.9 with mean burst length 3 is impossible in the Gilbert model: P(Good->Bad) = loss / "
                  "(burst_len * (1 - loss)) must be <= 1, i.e. loss <= burst_len / (burst_len + 1) = 0.75");
  REQUIRE_PROBLEM(r, "/network/links/sfu->bob/burst_len", "invalid_link",
                  "loss 0.8 with mean burst length 2 is impossible in the Gilbert model: P(Good->Bad) = loss / "
                  "(burst_len * (1 - loss)) must be <= 1, i.e. loss <= burst_len / (burst_len + 1) = 0.6666666666666666");
  REQUIRE_PROBLEM(r, "/network/links/alice->sfu/capacity_trace/0/1", "invalid_link",
                  "must be >= 1000 bit/s (a link that sends nothing is a partition: set up = false), got 200 bit/s");
  // The default's capacity problem is not repeated for every link that inherits it.
  CHECK(r.problems.size() == 4);
}

TEST_CASE("set_link is validated against the link's config at that time", "[loader][link]") {
  LoadResult r = LoadWith([](json& j) {
    j["network"]["links"] = {{"sfu->bob", {{"burst_len", 4}}}};
    j["timeline"] = json::array({
        {{"at_s", 1}, {"action", "set_link"}, {"link", "sfu->bob"}, {"loss", 0.7}},      // 0.7 <= 4/5: fine
        {{"at_s", 2}, {"action", "set_link"}, {"link", "sfu->bob"}, {"burst_len", 1.5}},  // 0.7 > 1.5/2.5: no
        {{"at_s", 3}, {"action", "set_link"}, {"link", "sfu->alice"}, {"loss", 0.99}},    // Bernoulli: fine
    });
  });
  REQUIRE_PROBLEM(r, "/timeline/1/burst_len", "invalid_link",
                  "loss 0.7 with mean burst length 1.5 is impossible in the Gilbert model: P(Good->Bad) = loss / "
                  "(burst_len * (1 - loss)) must be <= 1, i.e. loss <= burst_len / (burst_len + 1) = 0.6");
  CHECK(r.problems.size() == 1);
}

TEST_CASE("link names must parse and name a participant", "[loader][link][reference]") {
  LoadResult r = LoadWith([](json& j) {
    j["network"]["links"] = {{"alice", json::object()}, {"dave->sfu", json::object()}, {"sfu->bbo", json::object()}};
    j["timeline"] = json::array({{{"at_s", 1}, {"action", "set_link"}, {"link", "alice<-sfu"}, {"loss", 0.1}}});
  });
  REQUIRE_PROBLEM(r, "/network/links/alice", "invalid_value",
                  "not a link name: \"alice\" (links are \"<participant>->sfu\" and \"sfu-><participant>\")");
  REQUIRE_PROBLEM(r, "/network/links/dave->sfu", "unknown_reference",
                  "link \"dave->sfu\" names unknown participant \"dave\" (participants: alice, bob, carol)");
  REQUIRE_PROBLEM(r, "/network/links/sfu->bbo", "unknown_reference",
                  "link \"sfu->bbo\" names unknown participant \"bbo\" (did you mean \"bob\"?)");
  REQUIRE_PROBLEM(r, "/timeline/0/link", "invalid_value",
                  "not a link name: \"alice<-sfu\" (links are \"<participant>->sfu\" and \"sfu-><participant>\")");
}

TEST_CASE("set_link and set_channel_codec must change something", "[loader][link]") {
  LoadResult r = LoadWith([](json& j) {
    j["timeline"] = json::array({{{"at_s", 1}, {"action", "set_link"}, {"link", "sfu->bob"}},
                                 {{"at_s", 1}, {"action", "set_channel_codec"}, {"channel", "lobby"}, {"opus", json::object()}}});
  });
  REQUIRE_PROBLEM(r, "/timeline/0", "invalid_value",
                  "set_link changes nothing (give at least one of: delay_ms, jitter_ms, reorder, loss, burst_len, "
                  "duplicate, capacity_kbps, queue_ms, queue_bytes, mtu, capacity_trace, up, jitter_distribution)");
  REQUIRE_PROBLEM(r, "/timeline/1/opus", "invalid_value", "changes nothing (give at least one of: bitrate, dtx, fec)");
}

// ---------------------------------------------------------------------------------------------
// Enumerations and duplicates
// ---------------------------------------------------------------------------------------------
TEST_CASE("unknown enum values list the expected ones", "[loader][enum]") {
  LoadResult r = LoadWith([](json& j) {
    j["participants"][0]["client"] = "phone";
    j["participants"][1]["publish"] = {"microphone", "screen", "webcam"};
    j["timeline"] = json::array({{{"at_s", 1}, {"action", "restart"}},
                                 {{"at_s", 2}, {"action", "reboot_everything"}}});
  }, LoadOptions{.allow_unsupported = true});
  REQUIRE_PROBLEM(r, "/participants/0/client", "unknown_value", "unknown value \"phone\" (expected web, desktop)");
  // The example from the brief, verbatim.
  REQUIRE_PROBLEM(r, "/participants/1/publish/2", "unknown_value",
                  "unknown item \"webcam\" (expected microphone, camera, screen)");
  const std::string actions =
      "set_link, partition, restart_sfu, crash_worker, disconnect_signaling, join, leave, switch_channel, mute, "
      "unmute, camera_on, camera_off, screen_on, screen_off, set_channel_codec, encoder_faults, send_raw";
  REQUIRE_PROBLEM(r, "/timeline/1/action", "unknown_value", "unknown action \"reboot_everything\" (expected " + actions + ")");
  REQUIRE_PROBLEM(r, "/timeline/0/action", "unknown_value",
                  "unknown action \"restart\" (expected " + actions + "; did you mean \"restart_sfu\"?)");
}

TEST_CASE("duplicates: participant ids, channel ids, publish items, invariants", "[loader][duplicate]") {
  LoadResult r = LoadWith([](json& j) {
    j["sfu"] = {{"channels", {{{"id", "lobby"}}, {{"id", "lobby"}}}}};
    j["participants"][2]["id"] = "alice";
    j["participants"][1]["publish"] = {"microphone", "microphone"};
    j["expect"] = {{"invariants", {"ssrc_unique", "ssrc_unique"}}};
  });
  REQUIRE_PROBLEM(r, "/sfu/channels/1/id", "duplicate", "duplicate channel id \"lobby\" (also /sfu/channels/0/id)");
  REQUIRE_PROBLEM(r, "/participants/2/id", "duplicate", "duplicate participant id \"alice\" (also /participants/0/id)");
  REQUIRE_PROBLEM(r, "/participants/1/publish/1", "duplicate", "duplicate item \"microphone\"");
  REQUIRE_PROBLEM(r, "/expect/invariants/1", "duplicate", "duplicate invariant \"ssrc_unique\"");
}

// ---------------------------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------------------------
TEST_CASE("references to participants, channels and workers must resolve", "[loader][reference]") {
  LoadResult r = LoadWith([](json& j) {
    j["sfu"] = {{"workers", 2}, {"channels", {{{"id", "lobby"}}, {{"id", "stage"}}}}};
    j["participants"][0]["channel"] = "lobyy";
    j["timeline"] = json::array({
        {{"at_s", 1}, {"action", "mute"}, {"participant", "bbo"}},
        {{"at_s", 2}, {"action", "crash_worker"}, {"worker", 2}},
        {{"at_s", 3}, {"action", "switch_channel"}, {"participant", "bob"}, {"channel", "backstage"}},
        {{"at_s", 4}, {"action", "set_channel_codec"}, {"channel", "stag"}, {"opus", {{"dtx", true}}}},
        {{"at_s", 5}, {"action", "disconnect_signaling"}, {"participant", "zed"}},
        {{"at_s", 6}, {"action", "crash_worker"}, {"worker", -1}},
    });
  });
  REQUIRE_PROBLEM(r, "/participants/0/channel", "unknown_reference", "unknown channel \"lobyy\" (did you mean \"lobby\"?)");
  REQUIRE_PROBLEM(r, "/timeline/0/participant", "unknown_reference", "unknown participant \"bbo\" (did you mean \"bob\"?)");
  REQUIRE_PROBLEM(r, "/timeline/1/worker", "unknown_reference",
                  "worker 2 does not exist: sfu.workers is 2 (workers are numbered 0 to 1)");
  REQUIRE_PROBLEM(r, "/timeline/2/channel", "unknown_reference",
                  "unknown channel \"backstage\" (channels in sfu.channels: lobby, stage)");
  REQUIRE_PROBLEM(r, "/timeline/3/channel", "unknown_reference", "unknown channel \"stag\" (did you mean \"stage\"?)");
  REQUIRE_PROBLEM(r, "/timeline/4/participant", "unknown_reference",
                  "unknown participant \"zed\" (participants: alice, bob, carol)");
  REQUIRE_PROBLEM(r, "/timeline/5/worker", "out_of_range", "must be an integer in [0, 1], got -1");
}

TEST_CASE("a problem already reported does not cascade into unknown references", "[loader][reference]") {
  // The participant with the bad id is not known, so references to other names are not judged.
  LoadResult r = LoadWith([](json& j) {
    j["participants"][2]["id"] = "ca rol";
    j["timeline"] = json::array({{{"at_s", 1}, {"action", "mute"}, {"participant", "ca rol"}}});
  });
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].pointer == "/participants/2/id");
}

TEST_CASE("expectations: metrics, participants, after, bounds", "[loader][expect]") {
  LoadResult r = LoadWith([](json& j) {
    j["participants"][2]["publish"] = json::array();
    j["timeline"] = json::array({{{"at_s", 5}, {"action", "restart_sfu"}}});
    j["expect"] = {{"slo",
                    {{{"metric", "audio.mose"}, {"max", 3}},
                     {{"metric", "audio.mos"}, {"min", 7}},
                     {{"metric", "audio.concealed_ratio"}, {"max", -0.5}},
                     {{"metric", "sfu.consumers_leaked"}, {"participant", "bob"}, {"max", 0}},
                     {{"metric", "rejoin_s_max"}, {"from", "bob"}, {"max", 3}},
                     {{"metric", "audio.delay_ms_p95"}, {"participant", "alice"}, {"from", "alice"}, {"max", 100}},
                     {{"metric", "audio.delay_ms_p95"}, {"participant", "alice"}, {"from", "carol"}, {"max", 100}},
                     {{"metric", "audio.recovery_s"}, {"after", "crash_worker"}, {"max", 3}},
                     {{"metric", "audio.recovery_s"}, {"after", "restart"}, {"max", 3}},
                     {{"metric", "audio.recovery_s"}, {"participant", "alice"}},
                     {{"metric", "audio.recovery_s"}, {"min", 3}, {"max", 2}}}},
                   {"events",
                    {{{"name", "voice_joind"}},
                     {{"name", "voice_joined"}, {"participant", "dave"}},
                     {{"name", "voice_joined"}, {"between_s", {5, 2}}},
                     {{"name", "voice_left"}, {"between_s", {5}}}}},
                   {"invariants", "some"}};
  });
  REQUIRE_PROBLEM(r, "/expect/slo/0/metric", "unknown_value",
                  "unknown metric \"audio.mose\" (expected audio.recovery_s, audio.delay_ms_p50, audio.delay_ms_p95, "
                  "audio.concealed_ratio, audio.no_data_ratio, audio.mos, video.psnr_db_p50, video.freeze_count, video.freeze_total_s, "
                  "video.fps, video.delay_ms_p95, video.keyframe_after_pli_ms_max, video.kbps_mean, video.kbps_end_mean, "
                  "video.first_frame_after_join_s, video.first_frame_after_resume_ms_max, video.nacks_sent, "
                  "video.key_frames_sent, screen.fallback_triggered_s, "
                  "screen.degradation_level_max, signaling.errors, signaling.timeouts, rejoin_s_max, "
                  "sfu.consumers_leaked, sfu.key_frame_requests_throttled; did you mean \"audio.mos\"?)");
  REQUIRE_PROBLEM(r, "/expect/slo/1/min", "out_of_range", "audio.mos lies in [1, 5], so min 7 can never be met");
  REQUIRE_PROBLEM(r, "/expect/slo/2/max", "out_of_range",
                  "audio.concealed_ratio lies in [0, 1], so max -0.5 can never be exceeded or missed");
  REQUIRE_PROBLEM(r, "/expect/slo/3/participant", "invalid_value",
                  "sfu.consumers_leaked is measured on the SFU: participant does not apply");
  REQUIRE_PROBLEM(r, "/expect/slo/4/from", "invalid_value", "rejoin_s_max has no sender: from does not apply");
  REQUIRE_PROBLEM(r, "/expect/slo/5/from", "invalid_value",
                  "participant and from are both \"alice\" (a participant does not receive its own media)");
  REQUIRE_PROBLEM(r, "/expect/slo/6/from", "invalid_value",
                  "\"carol\" does not publish the microphone (no audio to measure)");
  REQUIRE_PROBLEM(r, "/expect/slo/7/after", "unknown_reference", "the timeline has no crash_worker action");
  REQUIRE_PROBLEM(r, "/expect/slo/8/after", "unknown_value",
                  "unknown action \"restart\" (expected set_link, partition, restart_sfu, crash_worker, "
                  "disconnect_signaling, join, leave, switch_channel, mute, unmute, camera_on, camera_off, screen_on, "
                  "screen_off, set_channel_codec, encoder_faults, send_raw; did you mean \"restart_sfu\"?)");
  REQUIRE_PROBLEM(r, "/expect/slo/9/max", "missing_field", "an SLO needs min or max (or both)");
  REQUIRE_PROBLEM(r, "/expect/slo/10/min", "out_of_range", "min 3 is above max 2");
  REQUIRE_PROBLEM(r, "/expect/events/0/name", "unknown_value",
                  "unknown event \"voice_joind\" (expected voice_joined, voice_left, signaling_disconnected, "
                  "signaling_reconnected, media_restored, worker_restarted, sender_started, sender_stopped, "
                  "encode_error, transport_error, fallback_triggered, fallback_completed, degradation_changed; did you mean \"voice_joined\"?)");
  REQUIRE_PROBLEM(r, "/expect/events/1/participant", "unknown_reference",
                  "unknown participant \"dave\" (participants: alice, bob, carol)");
  REQUIRE_PROBLEM(r, "/expect/events/2/between_s", "out_of_range", "the window starts at 5 s, after its end 2 s");
  REQUIRE_PROBLEM(r, "/expect/events/3/between_s", "wrong_type",
                  "expected [from_s, to_s], got an array of 1 entries");
  REQUIRE_PROBLEM(r, "/expect/invariants", "invalid_value",
                  "expected \"all\" or a list of invariant names, got the string \"some\"");
}

// ---------------------------------------------------------------------------------------------
// The timeline's order and the voice state
// ---------------------------------------------------------------------------------------------
TEST_CASE("the timeline is in time order", "[loader][timeline]") {
  LoadResult r = LoadWith([](json& j) {
    j["timeline"] = json::array({{{"at_s", 10}, {"action", "restart_sfu"}},
                                 {{"at_s", 5}, {"action", "mute"}, {"participant", "bob"}},
                                 {{"at_s", 5}, {"action", "unmute"}, {"participant", "bob"}}});
  });
  REQUIRE_PROBLEM(r, "/timeline/1/at_s", "out_of_order",
                  "at 5 s is before the previous action's 10 s (the timeline is in time order)");
  CHECK(r.problems.size() == 1);
}

TEST_CASE("joins, leaves and switches follow who is in voice", "[loader][timeline]") {
  LoadResult r = LoadWith([](json& j) {
    j["sfu"] = {{"channels", {{{"id", "lobby"}}, {{"id", "stage"}}}}};
    j["participants"][2]["join_at_s"] = 20;
    j["timeline"] = json::array({
        {{"at_s", 1}, {"action", "join"}, {"participant", "alice"}},                              // in already
        {{"at_s", 2}, {"action", "leave"}, {"participant", "carol"}},                             // not in yet
        {{"at_s", 3}, {"action", "switch_channel"}, {"participant", "bob"}, {"channel", "lobby"}},  // same
        {{"at_s", 4}, {"action", "leave"}, {"participant", "bob"}},
        {{"at_s", 5}, {"action", "switch_channel"}, {"participant", "bob"}, {"channel", "stage"}},  // not in
        {{"at_s", 6}, {"action", "join"}, {"participant", "bob"}, {"channel", "stage"}},           // fine
        {{"at_s", 7}, {"action", "switch_channel"}, {"participant", "bob"}, {"channel", "lobby"}},  // fine
        {{"at_s", 8}, {"action", "join"}, {"participant", "carol"}},                              // fine, but...
    });
  });
  REQUIRE_PROBLEM(r, "/timeline/0", "invalid_state",
                  "\"alice\" is already in voice (channel \"lobby\") at 1 s: leave first, or use switch_channel");
  REQUIRE_PROBLEM(r, "/timeline/1", "invalid_state", "\"carol\" is not in voice at 2 s (nothing to leave)");
  REQUIRE_PROBLEM(r, "/timeline/2/channel", "invalid_state", "\"bob\" is in channel \"lobby\" already at 3 s");
  REQUIRE_PROBLEM(r, "/timeline/4", "invalid_state", "\"bob\" is not in voice at 5 s (use join)");
  REQUIRE_PROBLEM(r, "/participants/2/join_at_s", "invalid_state",
                  "\"carol\" joins at 20 s but is in voice already (a timeline join came first)");
  CHECK(r.problems.size() == 5);
}

TEST_CASE("initial joins at a time come before timeline actions at the same time", "[loader][timeline]") {
  LoadResult r = LoadWith([](json& j) {
    j["participants"][1]["join_at_s"] = 5;
    j["timeline"] = json::array({{{"at_s", 5}, {"action", "leave"}, {"participant", "bob"}},
                                 {{"at_s", 5}, {"action", "join"}, {"participant", "bob"}}});
  });
  REQUIRE_VALID(r);
}

TEST_CASE("mute and encoder faults need what they act on", "[loader][timeline]") {
  LoadResult r = LoadWith([](json& j) {
    j["participants"][1]["publish"] = json::array();
    j["timeline"] = json::array({{{"at_s", 1}, {"action", "mute"}, {"participant", "bob"}},
                                 {{"at_s", 2}, {"action", "encoder_faults"}, {"participant", "alice"},
                                  {"kind", "encode_eror"}, {"for_s", 1}}});
  }, LoadOptions{.allow_unsupported = true});
  REQUIRE_PROBLEM(r, "/timeline/0/participant", "invalid_value",
                  "\"bob\" does not publish the microphone (nothing to mute)");
  REQUIRE_PROBLEM(r, "/timeline/1/participant", "invalid_value",
                  "\"alice\" is a web client: encoder faults need a desktop client (the native sender)");
  REQUIRE_PROBLEM(r, "/timeline/1/kind", "unknown_value",
                  "unknown value \"encode_eror\" (expected encode_error, slow_encode, send_error; did you mean "
                  "\"encode_error\"?)");
}

TEST_CASE("send_raw: size, count and the last send within the run", "[loader][timeline]") {
  LoadResult r = LoadWith([](json& j) {
    j["timeline"] = json::array({
        {{"at_s", 1}, {"action", "send_raw"}, {"participant", "bob"}, {"message", std::string(65537, 'x')}},
        {{"at_s", 2}, {"action", "send_raw"}, {"participant", "bob"}, {"message", "{"}, {"count", 0}},
        {{"at_s", 29}, {"action", "send_raw"}, {"participant", "bob"}, {"message", "{"}, {"count", 300},
         {"interval_ms", 10}},
        {{"at_s", 29}, {"action", "send_raw"}, {"participant", "bob"}, {"message", "{"}, {"interval_ms", 60001}},
    });
  });
  REQUIRE_PROBLEM(r, "/timeline/0/message", "out_of_range", "at most 65536 bytes, got 65537");
  REQUIRE_PROBLEM(r, "/timeline/1/count", "out_of_range", "must be an integer in [1, 10000], got 0");
  REQUIRE_PROBLEM(r, "/timeline/2/count", "out_of_range",
                  "the last of 300 sends, 10 ms apart, is at 31.99 s, after duration_s 30");
  REQUIRE_PROBLEM(r, "/timeline/3/interval_ms", "out_of_range", "must be in [0, 60000], got 60001");
}

TEST_CASE("screen path native needs a desktop client", "[loader]") {
  LoadResult r = LoadWith([](json& j) {
    j["participants"][0]["screen"] = {{"path", "native"}};
    j["timeline"] = json::array({{{"at_s", 1}, {"action", "screen_on"}, {"participant", "bob"}, {"path", "native"}}});
  }, LoadOptions{.allow_unsupported = true});
  const std::string message = "\"native\" needs a desktop client (a web client shares its screen through the browser)";
  REQUIRE_PROBLEM(r, "/participants/0/screen/path", "invalid_value", message);
  REQUIRE_PROBLEM(r, "/timeline/0/path", "invalid_value", message);
}

// ---------------------------------------------------------------------------------------------
// Video features (accepted since the video issue)
// ---------------------------------------------------------------------------------------------
TEST_CASE("video features load into the model; no problem is 'not_supported'", "[loader][video]") {
  auto edit = [](json& j) {
    j["participants"][0]["publish"] = {"microphone", "camera"};
    j["participants"][0]["camera"] = {{"width", 320}, {"height", 180}, {"fps", 15}, {"bitrate_kbps", 300}};
    j["participants"][1]["client"] = "desktop";
    j["participants"][1]["publish"] = {"screen"};
    j["participants"][1]["screen"] = {{"tier", "720p"}, {"fps", 20}};
    j["timeline"] = json::array({
        {{"at_s", 1}, {"action", "camera_on"}, {"participant", "carol"}},
        {{"at_s", 2}, {"action", "screen_on"}, {"participant", "bob"}},
        {{"at_s", 3}, {"action", "encoder_faults"}, {"participant", "bob"}, {"kind", "send_error"}, {"for_s", 2}},
        {{"at_s", 4}, {"action", "camera_off"}, {"participant", "carol"}},
        {{"at_s", 5}, {"action", "screen_off"}, {"participant", "bob"}},
        {{"at_s", 6}, {"action", "screen_on"}, {"participant", "bob"}, {"path", "browser"}},
    });
    j["expect"] = {{"slo", {{{"metric", "video.fps"}, {"min", 20}},
                            {{"metric", "screen.degradation_level_max"}, {"participant", "bob"}, {"max", 3}}}},
                   {"events", {{{"name", "fallback_completed"}, {"participant", "bob"}},
                               {{"name", "degradation_changed"}}}}};
  };
  LoadResult r = LoadWith(edit);
  REQUIRE_VALID(r);
  const sfusim::scenario::Scenario& s = *r.scenario;
  CHECK(s.participants[0].Publishes(sfusim::scenario::PublishKind::kCamera));
  CHECK(s.participants[0].camera == sfusim::scenario::CameraSettings{320, 180, 15, 300});
  CHECK(s.participants[1].Publishes(sfusim::scenario::PublishKind::kScreen));
  CHECK(s.participants[1].screen.path == sfusim::scenario::ScreenPath::kNative);  // desktop default
  CHECK(s.participants[1].screen.tier == "720p");
  CHECK(s.participants[1].screen.fps == 20);
  REQUIRE(s.timeline.size() == 6);
  const auto* fault = std::get_if<sfusim::scenario::EncoderFaults>(&s.timeline[2].action);
  REQUIRE(fault);
  CHECK(fault->participant == "bob");
  CHECK(fault->kind == sfusim::scenario::EncoderFaultKind::kSendError);
  CHECK(fault->for_s == 2);
  const auto* share = std::get_if<sfusim::scenario::ScreenOn>(&s.timeline[5].action);
  REQUIRE(share);
  CHECK(share->path == sfusim::scenario::ScreenPath::kBrowser);
  CHECK(s.expect.events[1].name == "degradation_changed");
  // The option that once let video through changes nothing now.
  LoadResult allowed = LoadWith(edit, LoadOptions{.allow_unsupported = true});
  REQUIRE_VALID(allowed);
  CHECK(*allowed.scenario == s);
}

TEST_CASE("encoder_faults needs a desktop client", "[loader][video]") {
  LoadResult r = LoadWith([](json& j) {
    j["timeline"] = json::array(
        {{{"at_s", 1}, {"action", "encoder_faults"}, {"participant", "bob"}, {"kind", "encode_error"}, {"for_s", 2}}});
  });
  REQUIRE_PROBLEM(r, "/timeline/0/participant", "invalid_value",
                  "\"bob\" is a web client: encoder faults need a desktop client (the native sender)");
}

TEST_CASE("a desktop client publishing the microphone is accepted", "[loader][unsupported]") {
  LoadResult r = LoadWith([](json& j) { j["participants"][0]["client"] = "desktop"; });
  REQUIRE_VALID(r);
  CHECK(r.scenario->participants[0].client == sfusim::scenario::ClientKind::kDesktop);
  CHECK(r.scenario->participants[0].screen.path == sfusim::scenario::ScreenPath::kNative);
  CHECK(r.scenario->participants[1].screen.path == sfusim::scenario::ScreenPath::kBrowser);
}

// ---------------------------------------------------------------------------------------------
// Collecting everything, within a limit
// ---------------------------------------------------------------------------------------------
TEST_CASE("every problem is collected, not just the first", "[loader]") {
  LoadResult r = LoadWith([](json& j) {
    j["duration_s"] = -1;
    j["participants"][0]["client"] = "tv";
    j["participants"][1]["join_at_s"] = "soon";
    j["network"]["default"]["loss"] = 2;
    j["expect"] = {{"slo", {{{"metric", "audio.mos"}}}}};
  });
  INFO(sfusim::scenario::testing::Dump(r));
  CHECK(r.problems.size() == 5);
  CHECK_FALSE(r.ok());
}

TEST_CASE("after kMaxProblems problems, one last note says there were more", "[loader]") {
  LoadResult r = LoadWith([](json& j) {
    for (int i = 0; i < 300; ++i) j["unknown_" + std::to_string(i)] = i;
  });
  REQUIRE(r.problems.size() == sfusim::scenario::kMaxProblems + 1);
  CHECK(r.problems.back().code == "too_many_problems");
  CHECK(r.problems.back().pointer.empty());
  CHECK(r.problems.back().message == "more than 200 problems; fix these first");
}

TEST_CASE("Problem formats as pointer: message, and converts to protocol::Error", "[loader]") {
  sfusim::scenario::Problem p{"out_of_range", "/sfu/workers", "must be an integer in [1, 64], got 0"};
  CHECK(p.ToString() == "/sfu/workers: must be an integer in [1, 64], got 0");
  CHECK(p.ToError().code == "out_of_range");
  CHECK(p.ToError().message == "/sfu/workers: must be an integer in [1, 64], got 0");
  sfusim::scenario::Problem whole{"invalid_json", "", "line 1, column 1: invalid JSON: x"};
  CHECK(whole.ToString() == "line 1, column 1: invalid JSON: x");
  CHECK(sfusim::scenario::EscapePointerToken("a/b~c") == "a~1b~0c");
  CHECK(sfusim::scenario::FormatNumber(0.1) == "0.1");
  CHECK(sfusim::scenario::FormatNumber(3600000) == "3600000");
  CHECK(sfusim::scenario::FormatNumber(1e30) == "1e+30");
}
