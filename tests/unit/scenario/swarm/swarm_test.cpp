// Swarm testing and fault points (issue 7): the per-seed draw (same seed same draw, ranges kept,
// kinds that are off really absent, restricting kinds keeps the other kinds' values), the emitted
// scenario's round trip (emit -> load -> the same scenario the swarm run played), the loader's
// errors for bad `swarm` / `fault_points` objects, and the command line's flag errors and swarm
// runs through a fake runner.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sfusim/scenario/cli.h"
#include "sfusim/scenario/scenario_loader.h"
#include "sfusim/scenario/swarm.h"

namespace fs = std::filesystem;
using namespace sfusim::scenario;
using Json = nlohmann::ordered_json;

namespace {

const fs::path kLibraryDir = fs::path(SFUSIM_SOURCE_DIR) / "scenarios" / "library";
const std::string kWorkerCrash = (kLibraryDir / "audio-worker-crash.json").string();
const std::string kClean = (kLibraryDir / "audio-clean-call.json").string();

Json ReadJson(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return Json::parse(f);
}

Scenario Load(const std::string& path) {
  LoadResult r = LoadScenarioFile(path);
  REQUIRE(r.ok());
  return *r.scenario;
}

fs::path TmpDir(const std::string& name) {
  fs::path dir = fs::path(SFUSIM_TEST_TMP_DIR) / "swarm" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<Problem> Problems(const Json& doc) { return LoadScenarioText(doc.dump()).problems; }

bool HasProblem(const std::vector<Problem>& problems, const std::string& code, const std::string& pointer) {
  return std::any_of(problems.begin(), problems.end(),
                     [&](const Problem& p) { return p.code == code && p.pointer == pointer; });
}

struct CliRun {
  int code = -1;
  std::string out, err;
  std::vector<Scenario> scenarios;  // what the fake runner was given
};

CliRun Cli(std::vector<std::string> args) {
  CliRun run;
  std::ostringstream out, err;
  CliEnvironment env;
  env.library_dir = kLibraryDir.string();
  env.run_scenario = [&run](const Scenario& s, const RunOptions& o) {
    run.scenarios.push_back(s);
    ScenarioRun r;
    r.ok = true;
    r.result.scenario = s.name;
    r.result.seed = o.seed;
    r.result.passed = false;  // so that the failure lines (swarm summary, reproduce) are printed
    r.result.invariants.push_back({"ssrc_unique", false, Violation{1, "test"}, 1});
    r.result.reproduce = ReproduceLine(o.scenario_path, o.seed, "");
    r.trace = std::make_shared<sfusim::sim::Trace>();
    return r;
  };
  run.code = RunCli(std::move(args), out, err, env);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace

TEST_CASE("the same seed gives the same draw; different seeds differ", "[swarm]") {
  const Scenario base = Load(kWorkerCrash);
  const Json json = ReadJson(kWorkerCrash);
  SwarmDraw a = DrawSwarm(base, json, 7, SwarmRanges{});
  SwarmDraw b = DrawSwarm(base, json, 7, SwarmRanges{});
  CHECK(a.scenario == b.scenario);
  CHECK(a.record == b.record);
  CHECK(a.summary == b.summary);
  std::set<std::string> distinct;
  for (uint64_t seed = 1; seed <= 8; ++seed) distinct.insert(DrawSwarm(base, json, seed, SwarmRanges{}).scenario.dump());
  CHECK(distinct.size() == 8);
}

TEST_CASE("every draw loads, keeps its ranges, and spaces its faults", "[swarm]") {
  const Scenario base = Load(kWorkerCrash);
  const Json json = ReadJson(kWorkerCrash);
  SwarmRanges ranges;
  ranges.loss_max = 0.2;
  ranges.jitter_ms_max = 15;
  ranges.burst_len_max = 3;
  ranges.faults_max = 3;
  std::map<std::string, int> on_count;
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    INFO("seed " << seed);
    SwarmDraw d = DrawSwarm(base, json, seed, ranges);
    LoadResult loaded = LoadScenarioText(d.scenario.dump());
    INFO((loaded.problems.empty() ? std::string() : loaded.problems.front().ToString()));
    REQUIRE(loaded.ok());
    const Scenario& s = *loaded.scenario;
    CHECK(s.name == "audio-worker-crash-swarm-" + std::to_string(seed));
    CHECK(s.expect.slo.empty());  // judge "invariants": SLOs and expected events dropped
    CHECK(s.expect.events.empty());
    CHECK_FALSE(s.swarm);
    for (auto it = d.record["kinds"].begin(); it != d.record["kinds"].end(); ++it) on_count[it.key()] += it.value().get<bool>();
    for (auto it = d.record["links"].begin(); it != d.record["links"].end(); ++it) {
      const Json& l = it.value();
      if (l.contains("loss")) CHECK((l["loss"] >= 0 && l["loss"] <= 0.2));
      if (l.contains("burst_len")) CHECK((l["burst_len"] >= 1 && l["burst_len"] <= 3));
      if (l.contains("jitter_ms")) CHECK((l["jitter_ms"] >= 0 && l["jitter_ms"] <= 15));
    }
    // Timeline faults: inside the window, spaced, at most faults_max (a capacity step is two entries).
    REQUIRE(base.timeline.size() == 1);  // the base's one fault: crash_worker
    std::vector<std::pair<double, double>> spans = {{base.timeline[0].at_s, base.timeline[0].at_s}};
    int faults = 0;
    const Json& timeline = d.record["timeline"];
    INFO("drawn timeline " << timeline.dump());
    for (std::size_t i = 0; i < timeline.size(); ++i) {
      const Json& e = timeline[i];
      const double at = e["at_s"];
      CHECK(at >= kSwarmStartS);
      CHECK(at <= base.duration_s - ranges.quiet_tail_s);
      double length = e.value("for_s", e.value("down_s", 0.0));
      if (e["action"] == "set_link") {  // a capacity step: the step, then its way back
        REQUIRE(i + 1 < timeline.size());
        CHECK(timeline[i + 1]["link"] == e["link"]);
        CHECK((e["capacity_kbps"] >= ranges.capacity_kbps_min && e["capacity_kbps"] <= ranges.capacity_kbps_max));
        length = timeline[i + 1]["at_s"].get<double>() - at;
        ++i;
      }
      ++faults;
      for (const auto& [from, to] : spans) {
        CHECK((at >= to + ranges.min_gap_s - 1e-6 || at + length + ranges.min_gap_s <= from + 1e-6));
      }
      spans.emplace_back(at, at + length);
    }
    CHECK(faults <= ranges.faults_max);
    if (!d.record["fault_points"].is_null()) {
      REQUIRE(s.fault_points);
      CHECK(s.fault_points->until_s == base.duration_s - ranges.quiet_tail_s);
    }
  }
  for (std::string_view kind : kSwarmKinds) {
    INFO(kind);
    CHECK(on_count[std::string(kind)] > 10);  // each kind is on in some seeds...
    CHECK(on_count[std::string(kind)] < 110);  // ...and off in others
  }
}

TEST_CASE("kinds that are off are absent; restricting kinds keeps the others' values", "[swarm]") {
  const Scenario base = Load(kWorkerCrash);
  const Json json = ReadJson(kWorkerCrash);
  SwarmRanges only_loss;
  only_loss.kinds = {"loss"};
  int loss_seen = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    INFO("seed " << seed);
    SwarmDraw d = DrawSwarm(base, json, seed, only_loss);
    for (auto it = d.record["kinds"].begin(); it != d.record["kinds"].end(); ++it) {
      if (it.key() != "loss") CHECK(it.value() == false);
    }
    CHECK(d.record["timeline"].empty());
    CHECK(d.record["fault_points"].is_null());
    CHECK_FALSE(d.scenario.contains("fault_points"));
    CHECK(d.scenario["timeline"] == json["timeline"]);
    for (auto it = d.record["links"].begin(); it != d.record["links"].end(); ++it) {
      CHECK(it.value().size() == 1);
      CHECK(it.value().contains("loss"));
    }
    SwarmDraw all = DrawSwarm(base, json, seed, SwarmRanges{});
    if (d.record["kinds"]["loss"] == true) {
      ++loss_seen;
      CHECK(all.record["kinds"]["loss"] == true);
      for (auto it = d.record["links"].begin(); it != d.record["links"].end(); ++it) {
        CHECK(all.record["links"][it.key()]["loss"] == it.value()["loss"]);
      }
    }
  }
  CHECK(loss_seen > 5);
  SwarmRanges none;
  none.kinds = {};
  SwarmDraw d = DrawSwarm(base, json, 3, none);
  CHECK(d.record["links"].empty());
  CHECK(d.summary.rfind("kinds on: none", 0) == 0);
}

TEST_CASE("judge all keeps the scenario's SLOs and expected events", "[swarm]") {
  const Scenario base = Load(kWorkerCrash);
  SwarmRanges ranges;
  ranges.judge_all = true;
  LoadResult r = LoadScenarioText(DrawSwarm(base, ReadJson(kWorkerCrash), 5, ranges).scenario.dump());
  REQUIRE(r.ok());
  CHECK(r.scenario->expect.slo == base.expect.slo);
  CHECK(r.scenario->expect.events == base.expect.events);
}

TEST_CASE("bad swarm and fault_points objects are named by pointer", "[swarm][loader]") {
  Json doc = ReadJson(kClean);
  doc["swarm"] = {{"loss_max", 0.9}, {"kinds", {"los", "loss", "loss"}}, {"capacity_kbps_min", 500},
                  {"capacity_kbps_max", 100}, {"judge", "some"}, {"faults_max", 2.5}, {"lossmax", 1}};
  doc["fault_points"] = {{"lost_response", 1.5}, {"slow_worker", 9}, {"notification_delay_max_ms", -1},
                         {"until_s", 99}, {"slowworker", 1}};
  auto problems = Problems(doc);
  CHECK(HasProblem(problems, "out_of_range", "/swarm/loss_max"));
  CHECK(HasProblem(problems, "unknown_value", "/swarm/kinds/0"));
  CHECK(HasProblem(problems, "duplicate", "/swarm/kinds/2"));
  CHECK(HasProblem(problems, "out_of_range", "/swarm/capacity_kbps_min"));
  CHECK(HasProblem(problems, "unknown_value", "/swarm/judge"));
  CHECK(HasProblem(problems, "wrong_type", "/swarm/faults_max"));
  CHECK(HasProblem(problems, "unknown_field", "/swarm/lossmax"));
  CHECK(HasProblem(problems, "out_of_range", "/fault_points/lost_response"));
  CHECK(HasProblem(problems, "out_of_range", "/fault_points/slow_worker"));
  CHECK(HasProblem(problems, "out_of_range", "/fault_points/notification_delay_max_ms"));
  CHECK(HasProblem(problems, "out_of_range", "/fault_points/until_s"));
  CHECK(HasProblem(problems, "unknown_field", "/fault_points/slowworker"));
  doc["fault_points"] = {{"slow_worker", "some"}};
  doc.erase("swarm");
  CHECK(HasProblem(Problems(doc), "invalid_value", "/fault_points/slow_worker"));
  doc["fault_points"] = {{"slow_worker", "all"}, {"slow_worker_ms", 50}};
  doc["swarm"] = {{"kinds", {"partition"}}, {"judge", "all"}};
  LoadResult ok = LoadScenarioText(doc.dump());
  REQUIRE(ok.ok());
  CHECK(ok.scenario->fault_points->slow_worker == FaultPointSettings::kAllWorkers);
  CHECK(ok.scenario->fault_points->until_s == ok.scenario->duration_s - kFaultQuietTailS);
  CHECK(ok.scenario->swarm->kinds == std::vector<std::string>{"partition"});
  CHECK(ok.scenario->swarm->judge_all);
}

TEST_CASE("ParseSwarmKinds", "[swarm][cli]") {
  CHECK(ParseSwarmKinds("loss,partition").value() == std::vector<std::string>{"loss", "partition"});
  auto bad = ParseSwarmKinds("loss,partitoin");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("did you mean partition?") != std::string::npos);
  CHECK_FALSE(ParseSwarmKinds("loss,loss"));
  CHECK_FALSE(ParseSwarmKinds(""));
  CHECK_FALSE(ParseSwarmKinds("loss,"));
}

TEST_CASE("swarm flag errors are exit 2 naming the flag", "[swarm][cli]") {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"run", kClean, "--swarm-kinds", "loss"}, "--swarm-kinds: only with --swarm"},
      {{"run", kClean, "--swarm", "--fault-points"}, "--fault-points: not with --swarm"},
      {{"run", kClean, "--swarm", "--swarm-kinds", "bogus"}, "--swarm-kinds: unknown kind"},
      {{"run", kClean, "--swarm", "--swarm-loss-max", "0.9"}, "--swarm-loss-max: expected a loss fraction"},
      {{"run", kClean, "--swarm", "--swarm-loss-max", "x"}, "--swarm-loss-max: expected a loss fraction"},
      {{"run", kClean, "--emit-scenario", "x.json"}, "--emit-scenario: only with --swarm"},
      {{"sweep", kClean, "--seeds", "1..2", "--swarm-loss-max", "0.1"}, "--swarm-loss-max: only with --swarm"},
      {{"check-determinism", kClean, "--swarm", "--swarm-kinds", "loss,loss"}, "given twice"},
  };
  for (const Case& c : cases) {
    INFO(c.args[0] << " " << c.message);
    CliRun r = Cli(c.args);
    CHECK(r.code == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
    CHECK(r.scenarios.empty());
  }
}

TEST_CASE("a swarm run: result.json has the draw, the emitted file replays the same scenario", "[swarm][cli]") {
  fs::path dir = TmpDir("emit");
  const std::string emitted = (dir / "emitted.json").string();
  CliRun a = Cli({"run", kWorkerCrash, "--seed", "11", "--swarm", "--out", (dir / "a").string(), "--emit-scenario", emitted});
  REQUIRE(a.code == 1);  // the fake runner fails every run
  REQUIRE(a.scenarios.size() == 1);
  CHECK(a.out.find("  swarm: kinds on: ") != std::string::npos);
  CHECK(a.out.find("reproduce: sfusim run " + kWorkerCrash + " --seed 11 --swarm") != std::string::npos);
  Json result = ReadJson((dir / "a" / "result.json").string());
  REQUIRE(result.contains("swarm"));
  CHECK(result["swarm"]["seed"] == 11);
  CHECK(result["reproduce"] == "sfusim run " + kWorkerCrash + " --seed 11 --swarm");
  // The same draw as DrawSwarm itself.
  CHECK(result["swarm"] == DrawSwarm(Load(kWorkerCrash), ReadJson(kWorkerCrash), 11, SwarmRanges{}).record);
  // Emit -> load -> the same scenario; validate accepts it; a plain run of it plays it unchanged.
  LoadResult loaded = LoadScenarioFile(emitted);
  REQUIRE(loaded.ok());
  CHECK(a.scenarios[0].name == "audio-worker-crash");  // results group under the base's name
  CHECK(loaded.scenario->name == "audio-worker-crash-swarm-11");
  Scenario renamed = *loaded.scenario;
  renamed.name = a.scenarios[0].name;
  CHECK(renamed == a.scenarios[0]);
  CHECK(Cli({"validate", emitted}).code == 0);
  CliRun b = Cli({"run", emitted, "--seed", "11", "--out", (dir / "b").string()});
  REQUIRE(b.scenarios.size() == 1);
  CHECK(b.scenarios[0] == *loaded.scenario);
  CHECK_FALSE(ReadJson((dir / "b" / "result.json").string()).contains("swarm"));
  // Flags narrow the draw and are part of the reproduce line.
  CliRun c = Cli({"run", kWorkerCrash, "--seed", "11", "--swarm", "--swarm-kinds", "partition,loss", "--swarm-loss-max",
                  "0.05", "--out", (dir / "c").string()});
  REQUIRE(c.scenarios.size() == 1);
  Json rc = ReadJson((dir / "c" / "result.json").string());
  CHECK(rc["reproduce"] == "sfusim run " + kWorkerCrash + " --seed 11 --swarm --swarm-kinds partition,loss --swarm-loss-max 0.05");
  for (auto it = rc["swarm"]["links"].begin(); it != rc["swarm"]["links"].end(); ++it) CHECK(it.value()["loss"] <= 0.05);
}

TEST_CASE("fault points flag (--fault-points) turns the defaults on, recorded in the scenario the run plays", "[swarm][cli]") {
  fs::path dir = TmpDir("fault-points");
  CliRun plain = Cli({"run", kClean, "--out", (dir / "plain").string()});
  REQUIRE(plain.scenarios.size() == 1);
  CHECK_FALSE(plain.scenarios[0].fault_points);
  CliRun fp = Cli({"run", kClean, "--fault-points", "--out", (dir / "fp").string()});
  REQUIRE(fp.scenarios.size() == 1);
  REQUIRE(fp.scenarios[0].fault_points);
  CHECK(*fp.scenarios[0].fault_points == DefaultFaultPoints(fp.scenarios[0].duration_s));
  CHECK(ReadJson((dir / "fp" / "result.json").string())["reproduce"].get<std::string>().find("--fault-points") !=
        std::string::npos);
}
