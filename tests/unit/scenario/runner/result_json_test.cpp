// result.json: the fields SCENARIO.md lists, in order, with nulls where values are missing, and
// byte-identical output for equal results (wall_s aside).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "sfusim/scenario/result_json.h"

using namespace sfusim::scenario;

namespace {

RunResult Sample() {
  RunResult r;
  r.scenario = "audio-restart";
  r.seed = 3;
  r.trace_hash = 0x5f8393221e13cce1ULL;
  r.trace_records = 25972;
  r.sim_s = 40;
  r.wall_s = 1.25;
  r.invariants.push_back({"membership_maps_agree", true, std::nullopt, 0});
  r.invariants.push_back({"ssrc_unique", false, Violation{20.0123456789, "two share 7"}, 2});
  r.invariants_not_applicable.push_back({"fallback_iff_thresholds", "needs the native sender"});
  SloVerdict ok;
  ok.metric = "audio.recovery_s";
  ok.after = "restart_sfu";
  ok.max = 3;
  ok.value = 1.5;
  ok.passed = true;
  r.slo.push_back(ok);
  SloVerdict null_value;
  null_value.metric = "audio.mos";
  null_value.participant = "alice";
  null_value.from = "bob";
  null_value.min = 4;
  null_value.note = "no delay samples";
  r.slo.push_back(null_value);
  r.events.push_back({0.030198, "alice", "voice_joined", "lobby"});
  r.expected_events.push_back({"voice_joined", "alice", std::pair{0.0, 5.0}, true, 0.030198});
  r.metrics.participants["alice"].final_phase = "active";
  r.metrics.participants["alice"].streams["bob"].delay_ms_p50 = 42.5;
  r.metrics.participants["alice"].streams["bob"].series["kbps"] = TimeSeries{0, {32.5, 33}};
  r.metrics.sfu["consumers_leaked"] = 0;
  r.reproduce = "sfusim run scenarios/library/audio-sfu-restart.json --seed 3";
  r.passed = r.ComputePassed();
  return r;
}

}  // namespace

TEST_CASE("result.json has SCENARIO.md's fields in order", "[result]") {
  RunResult r = Sample();
  CHECK_FALSE(r.passed);
  nlohmann::ordered_json j = ResultToJson(r);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"scenario", "seed", "mutant", "passed", "trace_hash", "trace_records", "sim_s",
                                         "wall_s", "invariants", "invariants_not_applicable", "slo", "events",
                                         "expected_events", "metrics", "reproduce"});
  CHECK(j["mutant"].is_null());
  CHECK(j["trace_hash"] == "5f8393221e13cce1");
  CHECK(j["seed"] == 3);
  CHECK(j["sim_s"] == 40);
  CHECK(j["invariants"][0]["first_violation"].is_null());
  CHECK(j["invariants"][1]["first_violation"]["at_s"] == 20.012346);  // microseconds
  CHECK(j["invariants"][1]["first_violation"]["detail"] == "two share 7");
  CHECK(j["invariants"][1]["violations"] == 2);
  CHECK(j["invariants_not_applicable"][0]["name"] == "fallback_iff_thresholds");
  CHECK(j["slo"][0]["value"] == 1.5);
  CHECK(j["slo"][0]["bound"] == nlohmann::ordered_json{{"max", 3}});
  CHECK(j["slo"][0]["after"] == "restart_sfu");
  CHECK_FALSE(j["slo"][0].contains("participant"));
  CHECK(j["slo"][1]["value"].is_null());
  CHECK(j["slo"][1]["passed"] == false);
  CHECK(j["slo"][1]["note"] == "no delay samples");
  CHECK(j["events"][0] == nlohmann::ordered_json{{"at_s", 0.030198}, {"participant", "alice"}, {"name", "voice_joined"},
                                                  {"reason", "lobby"}});
  CHECK(j["metrics"]["participants"]["alice"]["streams"]["bob"]["delay_ms_p50"] == 42.5);
  CHECK(j["metrics"]["participants"]["alice"]["streams"]["bob"]["mos"].is_null());
  CHECK(j["metrics"]["participants"]["alice"]["streams"]["bob"]["series"]["kbps"]["values"][1] == 33);
  CHECK(j["reproduce"] == "sfusim run scenarios/library/audio-sfu-restart.json --seed 3");
  r.mutant = "consumer-leak";
  CHECK(ResultToJson(r)["mutant"] == "consumer-leak");
}

TEST_CASE("result.json is deterministic apart from wall_s", "[result]") {
  RunResult a = Sample();
  RunResult b = Sample();
  b.wall_s = 99;
  CHECK(ResultJsonText(a) != ResultJsonText(b));
  CHECK(ResultJsonText(a, false) == ResultJsonText(b, false));
  CHECK(ResultJsonText(a, false).find("wall_s") == std::string::npos);
  // Non-finite numbers become null, invalid UTF-8 in a detail does not throw.
  a.sim_s = std::numeric_limits<double>::infinity();
  a.invariants[1].first_violation->detail = std::string("bad \xff byte");
  std::string text;
  REQUIRE_NOTHROW(text = ResultJsonText(a));
  CHECK(text.find("\"sim_s\": null") != std::string::npos);
}

TEST_CASE("passed needs every invariant, SLO and expected event", "[result]") {
  RunResult r;
  CHECK(r.ComputePassed());
  r.invariants.push_back({"ssrc_unique", true, std::nullopt, 0});
  r.expected_events.push_back({"voice_joined", "", std::nullopt, false, std::nullopt});
  CHECK_FALSE(r.ComputePassed());
  r.expected_events[0].passed = true;
  SloVerdict s;
  s.passed = false;
  r.slo.push_back(s);
  CHECK_FALSE(r.ComputePassed());
  r.slo[0].passed = true;
  CHECK(r.ComputePassed());
}

TEST_CASE("WriteResultFile creates the directory and reports an unwritable path", "[result]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(SFUSIM_TEST_TMP_DIR) / "result-json" / "a" / "b";
  fs::remove_all(fs::path(SFUSIM_TEST_TMP_DIR) / "result-json");
  std::string error;
  REQUIRE(WriteResultFile((dir / "result.json").string(), Sample(), &error));
  std::ifstream f(dir / "result.json");
  nlohmann::json j = nlohmann::json::parse(f);
  CHECK(j["scenario"] == "audio-restart");
  CHECK_FALSE(WriteResultFile((dir / "result.json" / "x").string(), Sample(), &error));
  CHECK(error.find("cannot write") == 0);
}
