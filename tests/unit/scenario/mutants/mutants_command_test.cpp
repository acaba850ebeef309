// `sfusim mutants` behind the CLI: cells judged from a stand-in program's exit codes and
// result.json, --first-kill skipping a killed mutant's later columns, the matrix and mutants.json,
// the exit code (killed all / a survivor / an unrunnable cell), and the fuzzer column (a stand-in
// fuzzer: run for every mutant and unmutated, its shrunk sequence as the killer).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
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

// A stand-in fuzzer: kills voice-echo (printing a shrunk sequence as the stateful model does) and
// passes otherwise, but only when given the matrix's seed 7; `broken` fails even unmutated.
std::string FakeFuzzer(const fs::path& dir, bool broken = false) {
  fs::path script = dir / (broken ? "broken-fuzzer.sh" : "fake-fuzzer.sh");
  std::ofstream(script) << "#!/bin/sh\n" << (broken ? "exit 1\n" : "") << R"([ "$SFUSIM_FUZZ_SEED" = 7 ] || exit 1
case "$SFUSIM_FUZZ_MUTANT" in
  voice_echo) printf 'Falsifiable\nMinimal failing command sequence (2 commands):\nJoin(c0, alpha)\nSpeak(c0)\n\nmore\n'
              exit 1;;
esac
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

TEST_CASE("mutants: the fuzzer column runs for every mutant and unmutated, even with --first-kill --skip-baseline",
          "[mutants]") {
  fs::path dir = TmpDir("fuzzer");
  auto o = Options(dir);
  o.mutants = {"voice-echo", "consumer-leak", "paused-forwarding"};
  o.first_kill = true;
  o.skip_baseline = true;
  o.seed = 7;
  o.fuzzer = FakeFuzzer(dir);
  std::ostringstream out, err;
  CHECK(sfusim::scenario::RunMutantsCommand(o, out, err) == 1);  // paused-forwarding survives every column
  INFO(out.str() << err.str());
  const auto j = Matrix(dir);
  CHECK_FALSE(j["mutants"][0]["cells"].contains("b"));  // killed on a: the next scenario is not run
  CHECK(j["mutants"][0]["cells"]["fuzzer"]["status"] == "killed");  // but the fuzzer is
  CHECK(j["mutants"][0]["cells"]["fuzzer"]["by"][0] == "property: Join(c0, alpha); Speak(c0)");
  CHECK(j["mutants"][1]["cells"]["fuzzer"]["status"] == "survived");
  CHECK(j["mutants"][1]["killed"] == true);  // by scenario b: a row is killed by any column
  CHECK(j["fuzzer"]["baseline"] == "passed");
  CHECK(j["fuzzer"]["killed"] == nlohmann::json{"voice-echo"});
  CHECK(j["fuzzer"]["survived"] == nlohmann::json{"consumer-leak", "paused-forwarding"});
  CHECK(j["baseline_failed"].empty());
  CHECK(out.str().find("fuzzer column: killed 1 of 3 mutants (voice-echo); survived: consumer-leak, "
                       "paused-forwarding; unmutated: passed") != std::string::npos);
  CHECK(out.str().find("  baseline x fuzzer: passed\n") != std::string::npos);
  CHECK(out.str().find("scenario baselines not run; the unmutated model passed the fuzzer") != std::string::npos);
  // The same matrix as Markdown: a row per mutant, the unmutated row with the scenarios not run.
  std::ifstream md_file(dir / "out" / "mutants.md");
  const std::string md((std::istreambuf_iterator<char>(md_file)), std::istreambuf_iterator<char>());
  CHECK(md.find("Columns: 1 `a`, 2 `b`, 3 `fuzzer`") != std::string::npos);
  CHECK(md.find("| (unmutated) | - | - | p | |") != std::string::npos);
  CHECK(md.find("| voice-echo | K | - | K | killed by a (no_voice_activity_echo, slo:audio.mos), fuzzer (property: "
                "Join(c0, alpha); Speak(c0)) |") != std::string::npos);
  CHECK(md.find("| paused-forwarding | . | . | . | SURVIVED |") != std::string::npos);
}

TEST_CASE("mutants: an unmutated model that fails the fuzzer fails the command", "[mutants]") {
  fs::path dir = TmpDir("fuzzer-broken");
  auto o = Options(dir);
  o.mutants = {"voice-echo"};
  o.first_kill = true;
  o.skip_baseline = true;
  o.seed = 7;
  o.fuzzer = FakeFuzzer(dir, /*broken=*/true);
  std::ostringstream out, err;
  CHECK(sfusim::scenario::RunMutantsCommand(o, out, err) == 1);  // voice-echo is killed, yet
  INFO(out.str());
  const auto j = Matrix(dir);
  CHECK(j["mutants"][0]["killed"] == true);
  CHECK(j["fuzzer"]["baseline"] == "failed");
  CHECK(j["baseline_failed"] == nlohmann::json{"fuzzer"});
  CHECK(out.str().find("  baseline x fuzzer: FAILED (property)\n") != std::string::npos);
  CHECK(out.str().find("the UNMUTATED model failed: fuzzer") != std::string::npos);
}
