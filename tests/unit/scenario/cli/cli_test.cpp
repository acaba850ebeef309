// The sfusim command line through RunCli: exit codes and messages for every command, bad flags and
// values, and a sweep over many argument lists that must never crash.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "sfusim/scenario/cli.h"
#include "sfusim/scenario/scenario_runner.h"

using sfusim::scenario::CliEnvironment;
using sfusim::scenario::DemoOptions;
using sfusim::scenario::RunCli;
using sfusim::scenario::RunOptions;
using sfusim::scenario::ScenarioRun;
using sfusim::scenario::Scenario;
namespace fs = std::filesystem;

namespace {

const fs::path kLibraryDir = fs::path(SFUSIM_SOURCE_DIR) / "scenarios" / "library";
const std::string kValid = (kLibraryDir / "audio-clean-call.json").string();
const std::string kNoSelfExe = "sweeps need the sfusim program to run (no self_exe in this environment)";

struct Cli {
  int code = -1;
  std::string out;
  std::string err;
  std::optional<DemoOptions> demo;  // what the demo was called with, if it was
  int demo_calls = 0;
  std::vector<RunOptions> runs;     // what the runner was called with
  std::vector<std::string> run_scenarios;
};

// The fake runner: passes unless the scenario's name starts with "will-fail" (library names such as
// native-share-encoder-failure must pass); the trace hash is the seed,
// unless `diverge` (then every call gives a different hash and trace).
struct FakeRunner {
  bool diverge = false;
  bool broken = false;
};

Cli Run(std::vector<std::string> args, std::string library_dir = kLibraryDir.string(), FakeRunner fake = {},
        bool default_is_suite = false) {
  Cli cli;
  std::ostringstream out;
  std::ostringstream err;
  CliEnvironment env;
  env.library_dir = std::move(library_dir);
  env.run_demo = [&cli](const DemoOptions& options, std::ostream& o, std::ostream&) {
    cli.demo = options;
    ++cli.demo_calls;
    o << "demo ran\n";
    return 0;
  };
  env.run_scenario = [&cli, fake](const Scenario& scenario, const RunOptions& options) {
    cli.runs.push_back(options);
    cli.run_scenarios.push_back(scenario.name);
    ScenarioRun run;
    if (fake.broken) {
      run.error = "the SFU did not start: test";
      return run;
    }
    run.ok = true;
    run.result.scenario = scenario.name;
    run.result.seed = options.seed;
    if (!options.mutant_name.empty()) run.result.mutant = options.mutant_name;
    run.result.sim_s = scenario.duration_s;
    run.result.trace_hash = options.seed + (fake.diverge ? cli.runs.size() : 0);
    run.result.passed = scenario.name.rfind("will-fail", 0) != 0;
    if (!run.result.passed) {
      run.result.invariants.push_back({"ssrc_unique", false, sfusim::scenario::Violation{2.5, "two share 7"}, 1});
    }
    run.result.reproduce = sfusim::scenario::ReproduceLine(options.scenario_path, options.seed, options.mutant_name);
    auto trace = std::make_shared<sfusim::sim::Trace>();
    trace->RecordText(sfusim::sim::Timestamp::Millis(1500), sfusim::sim::TraceKind::kEvent, trace->Intern("x"),
                      "event " + std::to_string(run.result.trace_hash));
    run.trace = trace;
    return run;
  };
  env.default_is_suite = default_is_suite;
  cli.code = RunCli(std::move(args), out, err, env);
  cli.out = out.str();
  cli.err = err.str();
  return cli;
}

fs::path TmpDir(const std::string& name) {
  fs::path dir = fs::path(SFUSIM_TEST_TMP_DIR) / "cli" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string Write(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path.string();
}

const char* kBadScenario = R"({"name": "bad", "duration_s": 10,
  "participants": [{"id": "a", "publish": ["microphone", "webcam"]}], "sfu": {"workers": 0}})";

}  // namespace

// ---------------------------------------------------------------------------------------------
// help, demo, unknown commands
// ---------------------------------------------------------------------------------------------
TEST_CASE("help in all its spellings", "[cli]") {
  for (std::vector<std::string> args : {std::vector<std::string>{"--help"}, {"-h"}, {"help"}}) {
    Cli c = Run(args);
    CHECK(c.code == 0);
    CHECK(c.err.empty());
    CHECK(c.out.find("usage: sfusim [COMMAND [ARGS...]]") != std::string::npos);
    for (const char* command : {"run FILE", "sweep FILE_OR_DIR --seeds A..B", "validate FILE_OR_DIR...", "list",
                                "report DIR", "mutants", "check-determinism FILE", "demo [--seed N]"}) {
      INFO(command);
      CHECK(c.out.find(command) != std::string::npos);
    }
  }
  Cli topic = Run({"help", "sweep"});
  CHECK(topic.code == 0);
  CHECK(topic.out.rfind("usage: sfusim sweep FILE_OR_DIR --seeds A..B [--shard I/N] [--jobs J] [--out DIR] "
                        "[--junit FILE] [--timeout-s S] [--swarm [--swarm-kinds K,L] [--swarm-loss-max P] "
                        "[--emit-scenario DIR]] [--fault-points]\n", 0) == 0);
  Cli flag = Run({"run", "--help"});
  CHECK(flag.code == 0);
  CHECK(flag.out.rfind("usage: sfusim run FILE [--seed N] [--out DIR] [--mutant NAME] [--pcap] [--trace] [--real] "
                       "[--swarm [--swarm-kinds K,L] [--swarm-loss-max P] [--emit-scenario FILE]] [--fault-points]\n", 0) == 0);
  Cli unknown = Run({"help", "fly"});
  CHECK(unknown.code == 2);
  CHECK(unknown.err == "sfusim help: unknown command 'fly'\n");
}

TEST_CASE("no arguments runs the demo with its defaults", "[cli][demo]") {
  Cli c = Run({});
  CHECK(c.code == 0);
  CHECK(c.demo_calls == 1);
  REQUIRE(c.demo);
  CHECK(c.demo->seed == 1);
  CHECK(c.demo->pcap_dir.empty());
  CHECK(c.demo->trace_file.empty());
  CHECK(c.out == "demo ran\n");
}

TEST_CASE("demo passes its flags through", "[cli][demo]") {
  Cli c = Run({"demo", "--seed", "18446744073709551615", "--pcap=out/pcap", "--trace", "t.jsonl"});
  CHECK(c.code == 0);
  REQUIRE(c.demo);
  CHECK(c.demo->seed == 18446744073709551615ULL);
  CHECK(c.demo->pcap_dir == "out/pcap");
  CHECK(c.demo->trace_file == "t.jsonl");
}

TEST_CASE("demo rejects bad values without running", "[cli][demo]") {
  Cli x = Run({"demo", "--seed", "x"});
  CHECK(x.code == 2);
  CHECK(x.demo_calls == 0);
  CHECK(x.err == "sfusim demo: --seed: expected a non-negative integer, got 'x'\n");
  CHECK(Run({"demo", "--seed", "-1"}).err == "sfusim demo: --seed: expected a non-negative integer, got '-1'\n");
  CHECK(Run({"demo", "--seed", "18446744073709551616"}).err ==
        "sfusim demo: --seed: expected a non-negative integer, got '18446744073709551616'\n");
  CHECK(Run({"demo", "--seed", "1e3"}).code == 2);
  CHECK(Run({"demo", "--pcap="}).err == "sfusim demo: --pcap: expected a directory, got ''\n");
  CHECK(Run({"demo", "extra"}).err ==
        "sfusim demo: unexpected argument 'extra' (usage: sfusim demo [--seed N] [--pcap DIR] [--trace FILE])\n");
}

TEST_CASE("without a demo function the demo is refused, not crashed", "[cli][demo]") {
  std::ostringstream out;
  std::ostringstream err;
  CHECK(RunCli({}, out, err, CliEnvironment{}) == 2);
  CHECK(err.str() == "sfusim: the demo is not available in this build (see sfusim --help)\n");
  std::ostringstream err2;
  CHECK(RunCli({"demo"}, out, err2, CliEnvironment{}) == 2);
  CHECK(err2.str() == "sfusim demo: the demo is not available in this build\n");
}

TEST_CASE("unknown commands and flags are named, with a suggestion", "[cli]") {
  Cli c = Run({"frobnicate"});
  CHECK(c.code == 2);
  CHECK(c.err == "sfusim: unknown command 'frobnicate'; see sfusim --help\n");
  CHECK(Run({"valdate", "x.json"}).err == "sfusim: unknown command 'valdate' (did you mean validate?); see sfusim --help\n");
  CHECK(Run({"--verbose"}).err == "sfusim: unknown flag '--verbose'; see sfusim --help\n");
  Cli flag = Run({"run", kValid, "--sed", "3"});
  CHECK(flag.code == 2);
  CHECK(flag.err.rfind("sfusim run: unknown flag '--sed' (did you mean --seed?)\n", 0) == 0);
  CHECK(Run({"list", "--all"}).err == "sfusim list: unknown flag '--all' (it takes no flags)\n");
  CHECK(Run({"report", "d", "--x"}).err.rfind("sfusim report: unknown flag '--x' (flags: --baseline, --out, --bench)\n", 0) == 0);
}

TEST_CASE("flag syntax: missing values, repeats, values on switches, --", "[cli]") {
  CHECK(Run({"run", kValid, "--seed"}).err == "sfusim run: --seed: missing value\n");
  CHECK(Run({"run", kValid, "--seed", "1", "--seed=2"}).err == "sfusim run: --seed: given twice\n");
  CHECK(Run({"run", kValid, "--pcap=yes"}).err == "sfusim run: --pcap: takes no value, got 'yes'\n");
  CHECK(Run({"run"}).err ==
        "sfusim run: missing argument (usage: sfusim run FILE [--seed N] [--out DIR] [--mutant NAME] [--pcap] "
        "[--trace] [--real] [--swarm [--swarm-kinds K,L] [--swarm-loss-max P] [--emit-scenario FILE]] [--fault-points])\n");
  CHECK(Run({"run", kValid, kValid}).err.rfind("sfusim run: unexpected argument '", 0) == 0);
  // After "--" everything is a file name, even if it starts with a dash.
  Cli dashed = Run({"validate", "--", "-weird.json"});
  CHECK(dashed.code == 2);
  CHECK(dashed.err == "-weird.json: cannot open the file for reading\n");
  // Control characters in an argument are escaped in messages.
  CHECK(Run({"run", kValid, "--seed", "1\n2"}).err ==
        "sfusim run: --seed: expected a non-negative integer, got '1\\x0a2'\n");
}

// ---------------------------------------------------------------------------------------------
// validate and list
// ---------------------------------------------------------------------------------------------
TEST_CASE("validate: valid files exit 0, each problem is FILE: /pointer: message", "[cli][validate]") {
  fs::path dir = TmpDir("validate");
  std::string bad = Write(dir / "bad.json", kBadScenario);
  std::string broken = Write(dir / "broken.json", "{\n  \"name\": \n}");

  Cli ok = Run({"validate", kValid});
  CHECK(ok.code == 0);
  CHECK(ok.out == kValid + ": valid\n");
  CHECK(ok.err.empty());

  Cli c = Run({"validate", kValid, bad, broken});
  CHECK(c.code == 2);
  CHECK(c.out == kValid + ": valid\n");
  CHECK(c.err == bad + ": /sfu/workers: must be an integer in [1, 64], got 0\n" +
                     bad + ": /participants/0/publish/1: unknown item \"webcam\" (expected microphone, camera, screen)\n" +
                     broken + ": line 3, column 1: invalid JSON: syntax error while parsing value - unexpected '}'; "
                              "expected '[', '{', or a literal\n");
}

TEST_CASE("validate: a directory stands for its .json files", "[cli][validate]") {
  Cli lib = Run({"validate", kLibraryDir.string()});
  CHECK(lib.code == 0);
  CHECK(lib.err.empty());
  std::size_t lines = static_cast<std::size_t>(std::count(lib.out.begin(), lib.out.end(), '\n'));
  CHECK(lines >= 10);

  fs::path empty = TmpDir("validate-empty");
  Cli none = Run({"validate", empty.string()});
  CHECK(none.code == 2);
  CHECK(none.err == empty.string() + ": no .json scenario files in this directory\n");
  CHECK(Run({"validate"}).err == "sfusim validate: missing argument (usage: sfusim validate FILE_OR_DIR...)\n");
}

TEST_CASE("list: one line per library scenario, name then description", "[cli][list]") {
  Cli c = Run({"list"});
  CHECK(c.code == 0);
  CHECK(c.err.empty());
  std::istringstream lines(c.out);
  std::string line;
  std::vector<std::string> names;
  while (std::getline(lines, line)) {
    names.push_back(line.substr(0, line.find(' ')));
    CHECK(line.find("  ") != std::string::npos);  // a description follows
  }
  CHECK(names.size() >= 10);
  CHECK(std::is_sorted(names.begin(), names.end()));
  // Names are padded to the longest name plus two spaces, then the description.
  std::size_t width = 0;
  for (const auto& n : names) width = std::max(width, n.size());
  const std::string name = "audio-sfu-restart";
  CHECK(c.out.find(name + std::string(width - name.size() + 2, ' ') + "Three people talk; the SFU restarts at 20 s") !=
        std::string::npos);
}

TEST_CASE("list: no library, or a broken one, is exit 2", "[cli][list]") {
  Cli none = Run({"list"}, "");
  CHECK(none.code == 2);
  CHECK(none.err == "sfusim list: no scenario library configured\n");
  fs::path dir = TmpDir("list-broken");
  std::string bad = Write(dir / "bad.json", kBadScenario);
  Write(dir / "good.json", R"({"name": "good", "duration_s": 1, "participants": [{"id": "a"}]})");
  Cli broken = Run({"list"}, dir.string());
  CHECK(broken.code == 2);
  CHECK(broken.out == "good\n");
  CHECK(broken.err == bad + ": invalid scenario in the library (2 problems; see sfusim validate " + bad + ")\n");
}

// ---------------------------------------------------------------------------------------------
// run, check-determinism, suite (through a fake runner)
// ---------------------------------------------------------------------------------------------
TEST_CASE("run: parses everything, checks the scenario, runs it and writes result.json", "[cli][run]") {
  fs::path out = TmpDir("run-out");
  Cli c = Run({"run", kValid, "--seed", "42", "--out", out.string(), "--mutant", "consumer-leak", "--pcap", "--trace"});
  CHECK(c.code == 0);
  CHECK(c.err.empty());
  REQUIRE(c.runs.size() == 1);
  CHECK(c.runs[0].seed == 42);
  CHECK(c.runs[0].mutants.sfu.consumer_leak);
  CHECK_FALSE(c.runs[0].mutants.sfu.router_cache);
  CHECK(c.runs[0].mutant_name == "consumer-leak");
  CHECK(c.runs[0].pcap_dir == out.string());
  CHECK(c.runs[0].scenario_path == kValid);
  CHECK(c.out.rfind("audio-clean-call seed 42 mutant consumer-leak: passed (trace_hash 000000000000002a, 30.0 s "
                    "simulated in 0.00 s)\n", 0) == 0);
  CHECK(fs::exists(out / "result.json"));
  CHECK(fs::exists(out / "trace.jsonl"));
  std::ifstream f(out / "result.json");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(text.find("\"trace_hash\": \"000000000000002a\"") != std::string::npos);
  CHECK(text.find("\"reproduce\": \"sfusim run " + kValid + " --seed 42 --mutant consumer-leak\"") != std::string::npos);

  // Default seed 1.
  fs::path out2 = TmpDir("run-out2");
  Cli d = Run({"run", kValid, "--out", out2.string()});
  CHECK(d.code == 0);
  REQUIRE(d.runs.size() == 1);
  CHECK(d.runs[0].seed == 1);
  CHECK(d.runs[0].pcap_dir.empty());
  CHECK_FALSE(fs::exists(out2 / "trace.jsonl"));

  CHECK(Run({"run", kValid, "--seed", "x"}).err == "sfusim run: --seed: expected a non-negative integer, got 'x'\n");
  CHECK(Run({"run", kValid, "--mutant", "Consumer Leak"}).err ==
        "sfusim run: --mutant: expected a mutant name such as consumer-leak (a-z, 0-9, -), got 'Consumer Leak'\n");
  Cli unknown = Run({"run", kValid, "--mutant", "consumer-lek"});
  CHECK(unknown.code == 2);
  CHECK(unknown.runs.empty());
  CHECK(unknown.err == "sfusim run: --mutant: unknown mutant 'consumer-lek' (did you mean consumer-leak?); mutants: "
                       "consumer-leak, transport-replace, producer-limit-race, router-cache, no-worker-health, voice-echo, "
                       "paused-forwarding, no-keyframe-on-resume, pli-unthrottled, rate-limiter-no-reset, "
                       "ssrc-prefix, unbounded-preferred-codecs, error-text-leak, membership-lost-on-restart, "
                       "producer-owner-lookup-skip, seq-not-rewritten, fallback-never, ladder-wrong-order, sticky-native-flag, "
                       "nack-for-reorder, backoff-no-cap\n");
  CHECK(Run({"run", kValid, "--out="}).err == "sfusim run: --out: expected a directory, got ''\n");

  CHECK(Run({"run", kLibraryDir.string()}).err ==
        "sfusim run: '" + kLibraryDir.string() + "' is a directory: expected one scenario file (sweep takes directories)\n");

  fs::path dir = TmpDir("run");
  std::string bad = Write(dir / "bad.json", kBadScenario);
  Cli invalid = Run({"run", bad});
  CHECK(invalid.code == 2);
  CHECK(invalid.runs.empty());
  CHECK(invalid.err.rfind(bad + ": /sfu/workers: must be an integer in [1, 64], got 0\n", 0) == 0);
}

TEST_CASE("run: a failing run exits 1 and prints what failed, its seed and reproduce line", "[cli][run]") {
  fs::path dir = TmpDir("run-fail");
  std::string failing = Write(dir / "f.json", R"({"name": "will-fail", "duration_s": 5, "participants": [{"id": "a"}]})");
  Cli c = Run({"run", failing, "--seed", "7", "--out", (dir / "o").string()});
  CHECK(c.code == 1);
  CHECK(c.out.find("will-fail seed 7: FAILED") != std::string::npos);
  CHECK(c.out.find("  invariant ssrc_unique violated at 2.500 s: two share 7\n") != std::string::npos);
  CHECK(c.out.find("  seed 7; reproduce: sfusim run " + failing + " --seed 7\n") != std::string::npos);
  CHECK(fs::exists(dir / "o" / "result.json"));
}

TEST_CASE("run: a world that cannot be built is exit 2 with the reason", "[cli][run]") {
  fs::path out = TmpDir("run-broken");
  Cli c = Run({"run", kValid, "--out", out.string()}, kLibraryDir.string(), FakeRunner{false, true});
  CHECK(c.code == 2);
  CHECK(c.err == "sfusim run: the SFU did not start: test\n");
}

TEST_CASE("run without a runner in the environment is refused", "[cli][run]") {
  std::ostringstream out;
  std::ostringstream err;
  CliEnvironment env;
  CHECK(RunCli({"run", kValid}, out, err, env) == 2);
  CHECK(err.str() == "sfusim run: scenario runs are not available in this build\n");
}

TEST_CASE("check-determinism: equal runs exit 0, different ones exit 1 naming the first divergence",
          "[cli][determinism]") {
  Cli same = Run({"check-determinism", kValid, "--seed", "3"});
  CHECK(same.code == 0);
  CHECK(same.runs.size() == 2);
  CHECK(same.out == "audio-clean-call seed 3: deterministic (trace_hash 0000000000000003, 0 records)\n");
  Cli differ = Run({"check-determinism", kValid, "--seed", "3"}, kLibraryDir.string(), FakeRunner{true, false});
  CHECK(differ.code == 1);
  CHECK(differ.out.find("audio-clean-call seed 3: NOT deterministic: trace_hash 0000000000000004 vs "
                        "0000000000000005\n") == 0);
  CHECK(differ.out.find("first divergence at record 0, simulated time 1.500000 s\n") != std::string::npos);
  CHECK(differ.out.find("reproduce: sfusim check-determinism " + kValid + " --seed 3") != std::string::npos);
  CHECK(Run({"check-determinism", kValid, "--seed", "-3"}).err ==
        "sfusim check-determinism: --seed: expected a non-negative integer, got '-3'\n");
}

TEST_CASE("suite: every library scenario once, results and a summary", "[cli][suite]") {
  fs::path out = TmpDir("suite");
  Cli c = Run({"suite", "--out", out.string(), "--seed", "2"});
  CHECK(c.code == 0);
  CHECK(c.runs.size() >= 10);
  for (const RunOptions& o : c.runs) CHECK(o.seed == 2);
  CHECK(fs::exists(out / "summary.txt"));
  CHECK(fs::exists(out / "audio-clean-call" / "result.json"));
  CHECK(c.out.find("passed " + std::to_string(c.runs.size()) + ", failed 0, errors 0") != std::string::npos);
  // The report over the suite's results, and where it is.
  CHECK(fs::exists(out / "report.html"));
  CHECK(fs::exists(out / "report.md"));
  CHECK(c.out.find("report: " + out.string() + "/report.html") != std::string::npos);

  // No arguments: the suite when the environment says so, else the demo.
  Cli suite = Run({}, kLibraryDir.string(), FakeRunner{}, true);
  CHECK(suite.demo_calls == 0);
  CHECK(suite.runs.size() == c.runs.size());
  CHECK(suite.code == 0);
}

TEST_CASE("sweep: --seeds, --shard, --jobs are checked", "[cli][sweep]") {
  CHECK(Run({"sweep", kValid}).err == "sfusim sweep: --seeds: required (e.g. --seeds 1..100)\n");
  CHECK(Run({"sweep", kValid, "--seeds", "5"}).err ==
        "sfusim sweep: --seeds: expected A..B (two non-negative integers), got '5'\n");
  CHECK(Run({"sweep", kValid, "--seeds", "a..b"}).err ==
        "sfusim sweep: --seeds: expected A..B (two non-negative integers), got 'a..b'\n");
  CHECK(Run({"sweep", kValid, "--seeds", "9..3"}).err == "sfusim sweep: --seeds: expected A..B with A <= B, got '9..3'\n");
  CHECK(Run({"sweep", kValid, "--seeds", "1..2", "--shard", "4/4"}).err ==
        "sfusim sweep: --shard: expected I/N, shard I of N with 0 <= I < N (e.g. 0/4), got '4/4'\n");
  CHECK(Run({"sweep", kValid, "--seeds", "1..2", "--shard", "0/0"}).code == 2);
  CHECK(Run({"sweep", kValid, "--seeds", "1..2", "--jobs", "0"}).err ==
        "sfusim sweep: --jobs: expected an integer in [1, 256], got '0'\n");
  // Every problem with the flags at once.
  Cli many = Run({"sweep", kValid, "--seeds", "x", "--jobs", "y"});
  CHECK(many.err == "sfusim sweep: --seeds: expected A..B (two non-negative integers), got 'x'\n"
                    "sfusim sweep: --jobs: expected an integer in [1, 256], got 'y'\n");
  Cli ok = Run({"sweep", kLibraryDir.string(), "--seeds", "1..100", "--shard", "1/4", "--jobs", "2", "--out", "o",
                "--junit", "j.xml"});
  CHECK(ok.code == 2);  // this environment has no sfusim program to run (tests/unit/scenario/sweep runs sweeps)
  CHECK(ok.err == "sfusim sweep: " + kNoSelfExe + "\n");
  CHECK(Run({"sweep", kValid, "--seeds", "1..2", "--timeout-s", "x"}).err ==
        "sfusim sweep: --timeout-s: expected seconds in (0, 604800], got 'x'\n");
  CHECK(Run({"sweep", kValid, "--seeds", "1..2", "--shard", "0/100001"}).code == 2);
}

TEST_CASE("report and mutants", "[cli]") {
  fs::path results = TmpDir("report");
  Cli report = Run({"report", results.string(), "--baseline", "b"});
  CHECK(report.code == 2);
  CHECK(report.err == "sfusim report: --baseline: 'b' is not a directory of results\n");
  Cli empty = Run({"report", results.string()});
  CHECK(empty.code == 2);
  CHECK(empty.err == "sfusim report: no result.json or outcome.json under '" + results.string() + "'\n");
  CHECK(Run({"report", results.string(), "--out", ""}).code == 2);
  CHECK(Run({"report", "no-such-dir"}).err == "sfusim report: 'no-such-dir' is not a directory of results\n");
  // Without the program to run as children, mutants is bad input (the program passes self_exe).
  CHECK(Run({"mutants"}).err == "sfusim mutants: mutants need the sfusim program to run (no self_exe in this environment)\n");
  CHECK(Run({"mutants", kValid}).code == 2);
  Cli only = Run({"mutants", kValid, "--only", "voice-echo,consumer-lek"});
  CHECK(only.code == 2);
  CHECK(only.err.find("sfusim mutants: --only: unknown mutant 'consumer-lek' (did you mean consumer-leak?)") == 0);
  CHECK(Run({"mutants", kValid, "--only", "voice-echo,"}).err ==
        "sfusim mutants: --only: a trailing comma in 'voice-echo,'\n");
  CHECK(Run({"mutants", kValid, "--jobs", "0"}).err.find("sfusim mutants: --jobs: expected an integer in [1, 256]") == 0);
  CHECK(Run({"mutants", kValid, "--first-kill=yes"}).code == 2);
}

// ---------------------------------------------------------------------------------------------
// Nothing crashes
// ---------------------------------------------------------------------------------------------
TEST_CASE("no argument list crashes or throws: every command with every pair of odd tokens", "[cli]") {
  const std::vector<std::string> commands = {"run",  "sweep", "validate", "list",   "report", "mutants",
                                             "check-determinism", "demo", "serve", "client", "help",
                                             "--help", "",     "-"};
  const std::vector<std::string> tokens = {
      "", "-", "--", "--seed", "--seed=", "--seeds", "1..", "..", "0..0", "--shard", "0/1", "/", "--jobs", "999999",
      "--out", "--pcap", "--trace", "--mutant", "--baseline", "--junit", "--listen", "--server", "--publish",
      "127.0.0.1:4443", "--duration-s", kValid, kLibraryDir.string(), "x.json",
      "18446744073709551616", std::string("\0\xff", 2), "--help", "-h"};
  std::size_t runs = 0;
  for (const std::string& command : commands) {
    for (const std::string& a : tokens) {
      for (const std::string& b : tokens) {
        std::vector<std::string> args = {command, a, b};
        Cli c;
        REQUIRE_NOTHROW(c = Run(args));
        INFO(command << " '" << a << "' '" << b << "'");
        CHECK((c.code == 0 || c.code == 2));
        if (c.code == 2) CHECK_FALSE(c.err.empty());  // a refusal always says why
        ++runs;
      }
    }
  }
  CHECK(runs == commands.size() * tokens.size() * tokens.size());
}

TEST_CASE("serve and client: every flag is checked and named; good flags reach the real-mode functions", "[cli][real]") {
  using sfusim::scenario::ClientOptions;
  using sfusim::scenario::ServeOptions;
  struct Bad {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Bad> bad = {
      {{"serve", "--listen", "nope"}, "sfusim serve: --listen: expected ADDR:PORT with an IPv4 address"},
      {{"serve", "--rtp-ports", "9-1"}, "sfusim serve: --rtp-ports: expected a port range A-B"},
      {{"serve", "--workers", "0"}, "sfusim serve: --workers: expected an integer in [1, 64], got '0'"},
      {{"serve", "--duration-s", "-1"}, "sfusim serve: --duration-s: expected seconds in (0, 86400], got '-1'"},
      {{"client"}, "sfusim client: --server: required"},
      {{"client", "--server", "127.0.0.1:4443", "--publish", "screen"},
       "sfusim client: --publish: expected a comma-separated list of microphone, camera; got 'screen'"},
      {{"client", "--server", "127.0.0.1:4443", "--name", ""}, "sfusim client: --name: expected a user name, got ''"},
  };
  for (const Bad& b : bad) {
    Cli c = Run(b.args);
    INFO(c.err);
    CHECK(c.code == 2);
    CHECK(c.err.find(b.message) != std::string::npos);
  }
  // Without the real-mode functions (as in these tests) a valid command is refused, not run.
  Cli none = Run({"serve"});
  CHECK(none.code == 2);
  CHECK(none.err.find("real-network mode is not available in this build") != std::string::npos);

  std::ostringstream out, err;
  CliEnvironment env;
  std::optional<ServeOptions> served;
  std::optional<ClientOptions> ran;
  env.run_serve = [&](const ServeOptions& o, std::ostream&, std::ostream&) { served = o; return 0; };
  env.run_client = [&](const ClientOptions& o, std::ostream&, std::ostream&) { ran = o; return 1; };
  CHECK(RunCli({"serve", "--listen", "127.0.0.2:5000", "--rtp-ports", "40000-40099", "--workers", "3",
                "--duration-s", "2.5"},
               out, err, env) == 0);
  REQUIRE(served);
  CHECK(served->listen.ToString() == "127.0.0.2:5000");
  CHECK(served->rtp_port_first == 40000);
  CHECK(served->rtp_port_last == 40099);
  CHECK(served->workers == 3);
  CHECK(served->duration_s == 2.5);
  CHECK(RunCli({"client", "--server", "127.0.0.1:5000", "--publish", "camera", "--name", "bob", "--channel", "c1"},
               out, err, env) == 1);
  REQUIRE(ran);
  CHECK(ran->server.ToString() == "127.0.0.1:5000");
  CHECK_FALSE(ran->microphone);
  CHECK(ran->camera);
  CHECK(ran->name == "bob");
  CHECK(ran->channel == "c1");
  CHECK(ran->duration_s == sfusim::scenario::kDefaultClientDurationS);
}
