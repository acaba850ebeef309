// The sweep: seed ranges and shards (the shards partition the list exactly, checked over every
// small list size and shard count), the process pool (exit codes, a crash, a hang killed at its
// time limit, a program that does not exist), and `sfusim sweep` end to end with a fake sfusim
// program (a shell script) whose runs pass, fail, abort, hang and refuse their input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "sfusim/scenario/cli.h"
#include "sfusim/scenario/sweep_command.h"
#include "sfusim/scenario/sweep_plan.h"
#include "sfusim/scenario/sweep_processes.h"

namespace fs = std::filesystem;
using namespace sfusim::scenario;

namespace {

const fs::path kLibraryDir = fs::path(SFUSIM_SOURCE_DIR) / "scenarios" / "library";
const std::string kScenario = (kLibraryDir / "audio-clean-call.json").string();

fs::path TmpDir(const std::string& name) {
  fs::path dir = fs::path(SFUSIM_TEST_TMP_DIR) / "sweep" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// A stand-in for the sfusim program: `FAKE run FILE --seed N --out DIR` behaves by seed.
//   1: passes   2: fails an invariant   3: aborts (SIGABRT)   4: hangs   5: refuses (exit 2)
//   6: exits 0 without writing a result
std::string FakeSfusim(const fs::path& dir) {
  fs::path script = dir / "fake-sfusim.sh";
  std::ofstream(script) << R"(#!/bin/sh
seed=$4; out=$6
result() {
  cat > "$out/result.json" <<JSON
{"scenario": "audio-clean-call", "seed": $seed, "mutant": null, "passed": $1, "trace_hash": "00000000000000ff",
 "sim_s": 30, "wall_s": 0.01,
 "invariants": [{"name": "ssrc_unique", "passed": $1, "first_violation": {"at_s": 2.5, "detail": "two share 7"}, "violations": 1}],
 "slo": [], "events": [], "expected_events": [], "metrics": {},
 "reproduce": "sfusim run $2 --seed $seed"}
JSON
}
echo "fake run seed $seed"
case $seed in
  1) result true "$2"; exit 0;;
  2) result false "$2"; exit 1;;
  3) kill -ABRT $$;;
  4) sleep 30;;
  5) echo "sfusim run: the SFU did not start" >&2; exit 2;;
  *) exit 0;;
esac
)";
  fs::permissions(script, fs::perms::owner_all);
  return script.string();
}

nlohmann::json Outcome(const fs::path& out, int seed) {
  return nlohmann::json::parse(ReadAll(out / "audio-clean-call" / ("seed-" + std::to_string(seed)) / "outcome.json"));
}

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("seed ranges and shards parse, with stable error codes", "[sweep][plan]") {
  auto r = ParseSeedRange("3..7");
  REQUIRE(r);
  CHECK(r->first == 3);
  CHECK(r->last == 7);
  CHECK(r->Count() == 5);
  CHECK(ParseSeedRange("0..0")->Count() == 1);
  for (const char* bad : {"", "5", "..", "1..", "..2", "a..b", "-1..2", "9..3", "1...2", "1..2x", "18446744073709551616..1"}) {
    INFO(bad);
    auto e = ParseSeedRange(bad);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == "bad_seed_range");
  }
  CHECK(ParseSeedRange("0..1000000").error().code == "seed_range_too_large");
  CHECK(ParseSeedRange("1..1000000")->Count() == kMaxSweepSeeds);
  auto s = ParseShard("2/5");
  REQUIRE(s);
  CHECK(s->index == 2);
  CHECK(s->count == 5);
  for (const char* bad : {"", "1", "/", "5/5", "0/0", "a/2", "1/2/3", "-1/2", "0/100001"}) {
    INFO(bad);
    auto e = ParseShard(bad);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == "bad_shard");
    CHECK(e.error().message.find("0 <= I < N") != std::string::npos);
  }
}

TEST_CASE("the list is scenario-major and round-robin shards partition it exactly", "[sweep][plan]") {
  std::vector<SweepItem> list = BuildSweepList({{"a.json", "a"}, {"b.json", "b"}}, {5, 7});
  REQUIRE(list.size() == 6);
  CHECK(list[0] == SweepItem{"a.json", "a", 5});
  CHECK(list[2] == SweepItem{"a.json", "a", 7});
  CHECK(list[3] == SweepItem{"b.json", "b", 5});
  CHECK(BuildSweepList({{"a.json", "a"}}, {UINT64_MAX, UINT64_MAX}).size() == 1);  // no wrap-around
  CHECK(ShardOf(list, {3, UINT64_MAX}) == std::vector<SweepItem>{list[3]});  // no overflow of the index
  CHECK(ShardOf(list, {1, 4}) == std::vector<SweepItem>{list[1], list[5]});
  CHECK(ShardOf(list, {0, 0}).empty());
  // Property, checked exhaustively over small domains: for every list size and every N, the N
  // shards are disjoint, cover the list, keep its order and differ in size by at most one.
  std::size_t checked = 0;
  for (uint64_t scenarios = 1; scenarios <= 4; ++scenarios) {
    for (uint64_t seeds = 1; seeds <= 12; ++seeds) {
      std::vector<std::pair<std::string, std::string>> files;
      for (uint64_t f = 0; f < scenarios; ++f) files.push_back({"s" + std::to_string(f) + ".json", "s" + std::to_string(f)});
      std::vector<SweepItem> all = BuildSweepList(files, {100, 100 + seeds - 1});
      REQUIRE(all.size() == scenarios * seeds);
      for (uint64_t n = 1; n <= all.size() + 3; ++n) {
        std::multiset<std::pair<std::string, uint64_t>> seen;
        std::size_t min_size = SIZE_MAX, max_size = 0;
        for (uint64_t i = 0; i < n; ++i) {
          std::vector<SweepItem> shard = ShardOf(all, {i, n});
          min_size = std::min(min_size, shard.size());
          max_size = std::max(max_size, shard.size());
          std::size_t last = 0;
          for (std::size_t k = 0; k < shard.size(); ++k) {
            auto pos = static_cast<std::size_t>(std::find(all.begin(), all.end(), shard[k]) - all.begin());
            REQUIRE(pos < all.size());
            if (k > 0) REQUIRE(pos > last);  // order kept
            last = pos;
            seen.insert({shard[k].scenario, shard[k].seed});
          }
          REQUIRE(shard == ShardOf(all, {i, n}));  // deterministic
        }
        REQUIRE(seen.size() == all.size());
        for (const SweepItem& item : all) REQUIRE(seen.count({item.scenario, item.seed}) == 1);
        REQUIRE(max_size - min_size <= 1);
        ++checked;
      }
    }
  }
  CHECK(checked > 500);
}

TEST_CASE("the process pool: exit codes, a crash, a hang, a missing program, the log", "[sweep][processes]") {
  fs::path dir = TmpDir("pool");
  std::vector<ProcessJob> jobs = {
      {{"/bin/sh", "-c", "echo hello; echo oops >&2; exit 0"}, (dir / "0.log").string()},
      {{"/bin/sh", "-c", "exit 3"}, (dir / "1.log").string()},
      {{"/bin/sh", "-c", "kill -SEGV $$"}, (dir / "2.log").string()},
      {{"/bin/sh", "-c", "sleep 30"}, (dir / "3.log").string()},
      {{(dir / "no-such-program").string()}, (dir / "4.log").string()},
      {{}, ""},
  };
  std::vector<std::size_t> order;
  std::vector<ProcessOutcome> o =
      RunProcesses(jobs, {3, 0.3}, [&](std::size_t i, const ProcessOutcome&) { order.push_back(i); });
  REQUIRE(o.size() == jobs.size());
  CHECK(o[0].end == ProcessEnd::kExited);
  CHECK(o[0].exit_code == 0);
  CHECK(ReadAll(dir / "0.log") == "hello\noops\n");
  CHECK(o[1].end == ProcessEnd::kExited);
  CHECK(o[1].exit_code == 3);
  CHECK(o[2].end == ProcessEnd::kSignaled);
  CHECK(SignalName(o[2].signal) == "SIGSEGV");
  CHECK(o[3].end == ProcessEnd::kTimedOut);
  CHECK(o[3].wall_s >= 0.3);
  CHECK(o[4].end == ProcessEnd::kSpawnFailed);
  CHECK(o[4].error.find("no-such-program") != std::string::npos);
  CHECK(o[5].end == ProcessEnd::kSpawnFailed);
  CHECK(o[5].error == "empty command line");
  std::sort(order.begin(), order.end());
  CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});  // every job reported once
  CHECK(SignalName(63) == "signal 63");
  CHECK(DefaultParallelism() >= 1);
}

TEST_CASE("a SIGTERM to the sweep kills its runs and reports the rest as not run", "[sweep][processes]") {
  fs::path dir = TmpDir("stop");
  std::vector<ProcessJob> jobs = {
      {{"/bin/sh", "-c", "kill -TERM $PPID; sleep 30"}, (dir / "0.log").string()},
      {{"/bin/sh", "-c", "sleep 30"}, (dir / "1.log").string()},
  };
  std::vector<ProcessOutcome> o = RunProcesses(jobs, {1, 60}, nullptr);
  REQUIRE(o.size() == 2);
  CHECK(o[0].end == ProcessEnd::kSpawnFailed);
  CHECK(o[0].error == "interrupted (the sweep was stopped)");
  CHECK(o[1].error == "not run (the sweep was stopped)");
}

TEST_CASE("sfusim sweep end to end: passes, failures, a crash, a timeout and a refusal", "[sweep][command]") {
  fs::path dir = TmpDir("command");
  SweepCommandOptions options;
  options.scenarios = {{kScenario, "audio-clean-call"}};
  options.seeds = {1, 6};
  options.jobs = 3;
  options.timeout_s = 0.5;
  options.out_dir = (dir / "out").string();
  options.junit_file = (dir / "junit.xml").string();
  options.self_exe = FakeSfusim(dir);
  // A stale result from an earlier sweep must not count for seed 6.
  fs::create_directories(dir / "out" / "audio-clean-call" / "seed-6");
  std::ofstream(dir / "out" / "audio-clean-call" / "seed-6" / "result.json") << "{}";
  std::ostringstream out, err;
  int code = RunSweepCommand(options, out, err);
  CHECK(code == 1);
  INFO(out.str() << err.str());
  CHECK(Outcome(dir / "out", 1)["status"] == "passed");
  CHECK(Outcome(dir / "out", 2)["status"] == "failed");
  CHECK(Outcome(dir / "out", 3)["status"] == "crash");
  CHECK(Outcome(dir / "out", 3)["message"] == "crashed: killed by SIGABRT");
  CHECK(Outcome(dir / "out", 4)["status"] == "timeout");
  CHECK(Outcome(dir / "out", 5)["status"] == "error");
  CHECK(Outcome(dir / "out", 5)["message"] == "the run refused its input (exit 2): sfusim run: the SFU did not start");
  CHECK(Outcome(dir / "out", 6)["status"] == "error");
  CHECK(Outcome(dir / "out", 4)["reproduce"] == "sfusim run " + kScenario + " --seed 4");
  CHECK(ReadAll(dir / "out" / "audio-clean-call" / "seed-1" / "run.log") == "fake run seed 1\n");
  std::string text = out.str();
  CHECK(text.find("[6/6] ") != std::string::npos);  // plain progress lines, not a terminal
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find("audio-clean-call       1       5") != std::string::npos);
  CHECK(text.find("audio-clean-call seed 2: FAILED: invariant ssrc_unique violated at 2.5 s: two share 7\n"
                  "    seed 2; reproduce: sfusim run " + kScenario + " --seed 2\n") != std::string::npos);
  CHECK(text.find("audio-clean-call seed 4: timeout: timed out: still running after 0.5 s wall time (killed)") !=
        std::string::npos);
  CHECK(text.find("passed 1, failed 5 of 6 runs") != std::string::npos);
  std::string junit = ReadAll(dir / "junit.xml");
  CHECK(Count(junit, "<testcase ") == 6);
  CHECK(Count(junit, "<failure ") == 5);
  CHECK(junit.find("type=\"crash\" message=\"crashed: killed by SIGABRT | reproduce: sfusim run") != std::string::npos);

  SECTION("a shard runs its share only; on a terminal the bar is redrawn in place") {
    fs::path shard_out = dir / "shard";
    options.out_dir = shard_out.string();
    options.junit_file = "";
    options.seeds = {1, 2};
    options.shard = Shard{0, 2};
    options.tty = true;
    std::ostringstream o2, e2;
    CHECK(RunSweepCommand(options, o2, e2) == 0);  // seed 1 only: passes
    CHECK(fs::exists(shard_out / "audio-clean-call" / "seed-1" / "outcome.json"));
    CHECK_FALSE(fs::exists(shard_out / "audio-clean-call" / "seed-2"));
    CHECK(o2.str().find("\r[") != std::string::npos);
    CHECK(o2.str().find("1 of 2 runs") != std::string::npos);
  }
}

TEST_CASE("sfusim sweep and report through the command line", "[sweep][cli]") {
  fs::path dir = TmpDir("cli");
  CliEnvironment env;
  env.library_dir = kLibraryDir.string();
  env.self_exe = FakeSfusim(dir);
  env.default_jobs = 2;
  std::string out, err;
  auto run = [&](std::vector<std::string> args) {
    std::ostringstream o, e;
    int code = RunCli(std::move(args), o, e, env);
    out = o.str();
    err = e.str();
    return code;
  };
  std::string results = (dir / "results").string();
  CHECK(run({"sweep", kScenario, "--seeds", "1..1", "--out", results, "--junit", (dir / "j.xml").string()}) == 0);
  CHECK(fs::exists(dir / "j.xml"));
  CHECK(run({"sweep", kScenario, "--seeds", "2..2", "--out", results, "--timeout-s", "5"}) == 1);
  CHECK(run({"sweep", kScenario, "--seeds", "1..1", "--timeout-s", "0"}) == 2);
  CHECK(err == "sfusim sweep: --timeout-s: expected seconds in (0, 604800], got '0'\n");
  CHECK(run({"sweep", kScenario, "--seeds", "0..1000000"}) == 2);
  CHECK(err.rfind("sfusim sweep: --seeds: at most 1000000 seeds per sweep", 0) == 0);
  // The report over both sweeps (they merge: seed 1 passed, seed 2 failed).
  CHECK(run({"report", results}) == 0);
  CHECK(out.find("2 runs (1 not passed)") != std::string::npos);
  std::string html = ReadAll(dir / "results" / "report.html");
  CHECK(html.find("audio-clean-call seed 2") != std::string::npos);
  CHECK(fs::exists(dir / "results" / "report.md"));
  // Against itself as a baseline: nothing changed. Against a baseline where seed 2 passed: exit 1.
  CHECK(run({"report", results, "--baseline", results, "--out", (dir / "r1").string()}) == 0);
  fs::path base = dir / "base";
  fs::create_directories(base / "s2");
  std::string passing = ReadAll(dir / "results" / "audio-clean-call" / "seed-2" / "result.json");
  passing.replace(passing.find("\"passed\": false"), 15, "\"passed\": true");
  std::ofstream(base / "s2" / "result.json") << passing;
  CHECK(run({"report", results, "--baseline", base.string(), "--out", (dir / "r2").string()}) == 1);
  CHECK(out.find("REGRESSION audio-clean-call seed 2: verdict/run passed -> failed") != std::string::npos);
  // A bad result file: named, the report still written, exit 2.
  fs::create_directories(dir / "results" / "junk");
  std::ofstream(dir / "results" / "junk" / "result.json") << "{\"scenario\": 1}";
  CHECK(run({"report", results, "--out", (dir / "r3").string()}) == 2);
  CHECK(err.find("junk/result.json: /scenario: expected a string, got number") != std::string::npos);
  CHECK(fs::exists(dir / "r3" / "report.html"));
  // --bench
  std::ofstream(dir / "bench.json")
      << R"({"benchmarks": [{"name": "BM_X", "real_time": 1, "time_unit": "ns", "items_per_second": 5}]})";
  CHECK(run({"report", (dir / "results" / "audio-clean-call").string(), "--bench", (dir / "bench.json").string(),
             "--out", (dir / "perf").string()}) == 0);
  CHECK(ReadAll(dir / "perf" / "perf.html").find("BM_X") != std::string::npos);
  // No sfusim program: sweeps are refused, not faked.
  env.self_exe.clear();
  CHECK(run({"sweep", kScenario, "--seeds", "1..1", "--out", results}) == 2);
  CHECK(err == "sfusim sweep: sweeps need the sfusim program to run (no self_exe in this environment)\n");
  CHECK(run({"report", (dir / "empty-nothing").string()}) == 2);
}
