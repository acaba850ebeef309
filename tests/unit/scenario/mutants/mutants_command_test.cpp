// `sfusim mutants` behind the CLI: cells judged from a stand-in program's exit codes and
// result.json, --first-kill skipping a killed mutant's later columns, the matrix and mutants.json,
// and the exit code (killed all / a survivor / an unrunnable cell).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "sfusim/scenario/mutants_command.h"

namespace {

namespace fs = std::filesystem;

fs::path TmpDir(const std::string& name) {
  fs::path dir = fs::path(SFUSIM_TEST_TMP_DIR) / "mutants" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// `FAKE run FILE --seed N --out DIR [--mutant M]`: mutant voice-echo fails an invariant on file
// "a.json"; mutant consumer-leak aborts on "b.json"; mutant router-cache exits 2 (cannot run);
// everything else passes.
std::string FakeSfusim(const fs::path& dir) {
  fs::path script = dir / "fake-sfusim.sh";
  std::ofstream(script) << R"(#!/bin/sh
file=$(basename "$2"); out=$6; mutant=$8
case "$mutant:$file" in
  voice-echo:a.json)
    echo '{"passed": false, "invariants": [{"name": "no_voice_activity_echo", "passed": false}],
           "slo": [{"metric": "audio.mos", "passed": false}], "expected_events": []}' > "$out/result.json"
    exit 1;;
  consumer-leak:b.json) kill -ABRT $$;;
  router-cache:*) exit 2;;
esac
echo '{"passed": true, "invariants": [], "slo": [], "expected_events": []}' > "$out/result.json"
exit 0
)";
  fs::permissions(script, fs::perms::owner_all);
  return script.string();
}

sfusim::scenario::MutantsCommandOptions Options(const fs::path& dir) {
  sfusim::scenario::MutantsCommandOptions o;
  o.scenarios = {{"/x/a.json", "a"}, {"/x/b.json", "b"}};
  o.out_dir = (dir / "out").string();
  o.self_exe = FakeSfusim(dir);
  o.jobs = 2;
  o.timeout_s = 30;
  return o;
}

nlohmann::json Matrix(const fs::path& dir) {
  std::ifstream f(dir / "out" / "mutants.json");
  return nlohmann::json::parse(f);
}

}  // namespace

TEST_CASE("mutants: killers named, survivors reported, exit 1 with a survivor", "[mutants]") {
  fs::path dir = TmpDir("survivor");
  auto o = Options(dir);
  o.mutants = {"voice-echo", "consumer-leak", "paused-forwarding"};
  std::ostringstream out, err;
  CHECK(sfusim::scenario::RunMutantsCommand(o, out, err) == 1);
  INFO(out.str() << err.str());
  CHECK(out.str().find("voice-echo         killed by a (no_voice_activity_echo, slo:audio.mos)") !=
        std::string::npos);
  CHECK(out.str().find("consumer-leak      killed by b (crash SIGABRT)") != std::string::npos);
  CHECK(out.str().find("paused-forwarding  SURVIVED") != std::string::npos);
  CHECK(out.str().find("killed 2 of 3 mutants; survived: paused-forwarding; the unmutated model passed every column") !=
        std::string::npos);
  const auto j = Matrix(dir);
  REQUIRE(j["mutants"].size() == 3);
  CHECK(j["mutants"][0]["killed"] == true);
  CHECK(j["mutants"][0]["cells"]["a"]["status"] == "killed");
  CHECK(j["mutants"][0]["cells"]["b"]["status"] == "survived");
  CHECK(j["mutants"][2]["killed"] == false);
  CHECK(j["baseline_failed"].empty());
}

TEST_CASE("mutants: --first-kill skips a killed mutant's later columns; all killed exits 0", "[mutants]") {
  fs::path dir = TmpDir("first-kill");
  auto o = Options(dir);
  o.mutants = {"voice-echo", "consumer-leak"};
  o.first_kill = true;
  o.skip_baseline = true;
  std::ostringstream out, err;
  CHECK(sfusim::scenario::RunMutantsCommand(o, out, err) == 0);
  INFO(out.str());
  const auto j = Matrix(dir);
  CHECK(j["mutants"][0]["cells"].contains("a"));
  CHECK_FALSE(j["mutants"][0]["cells"].contains("b"));  // killed on a: b not run
  CHECK(j["mutants"][1]["cells"]["b"]["status"] == "killed");
  CHECK(out.str().find("baseline not run") != std::string::npos);
}

TEST_CASE("mutants: a cell that cannot run makes the command exit 2", "[mutants]") {
  fs::path dir = TmpDir("error");
  auto o = Options(dir);
  o.mutants = {"router-cache"};
  std::ostringstream out, err;
  CHECK(sfusim::scenario::RunMutantsCommand(o, out, err) == 2);
  CHECK(out.str().find("router-cache x a: error (exit 2 without a result") != std::string::npos);
}
