// Media-plane property (issue 7): for random link settings and random fault timelines, the
// invariants hold and every receiver's output is decodable or reported lost.
//
// Each case is a small call (2-3 participants, real Opus; with some probability a 320x180 camera
// through real OpenH264; real SRTP) in the simulated network, run by the real ScenarioRunner:
// - per participant link (both directions): loss, burst length, jitter, reorder, delay, drawn from
//   the swarm's ranges (SwarmRanges, swarm.h), delay from kDelayMsMax below;
// - a fault timeline of 0-2 faults (partition, restart_sfu, crash_worker, disconnect_signaling, a
//   capacity step down and back) with the swarm's ranges, then a quiet tail (kFaultQuietTailS) so
//   that no_stuck_state and restart_recovers judge a settled system.
// The case passes when every invariant the runner evaluates passes and the media ledgers
// (media_ledger.h) close for every receiver and stream.
//
// Environment (like the stateful model's):
//   SFUSIM_MEDIAPROP_MUTANT=<name>[,<name>]  run against mutants (kMutants names, '-' or '_')
//   SFUSIM_FUZZ_CASES=N                      cases per round (default kDefaultCases: CTest's bound)
//   SFUSIM_FUZZ_SEED=N                       RapidCheck's seed (the first round's, with a soak)
//   SFUSIM_FUZZ_SOAK_S=N                     repeat rounds with fresh seeds for N wall-clock seconds
//   SFUSIM_MEDIAPROP_SCENARIO_OUT=FILE       on a failure, write the shrunk case's scenario there
//   SFUSIM_MEDIAPROP_VERBOSE=1               one line per case: what it ran and what was decoded
// A failure prints the shrunk case as a scenario file with its seed (sfusim run FILE --seed N) and
// RapidCheck's reproduce string (RC_PARAMS="reproduce=...").
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../../soak.h"
#include "media_ledger.h"
#include "sfusim/scenario/mutant_names.h"
#include "sfusim/scenario/scenario_loader.h"
#include "sfusim/scenario/scenario_runner.h"
#include "sfusim/scenario/swarm.h"

namespace sfusim::scenario::test {
namespace {

using Json = nlohmann::ordered_json;

// Cases per round in the CTest run: about 1 s of CPU each under ASan (20-25 s in all).
constexpr int kDefaultCases = 20;
constexpr double kDelayMsMax = 80;       // one-way base delay per link, [0, max]
constexpr double kFaultAtMaxS = 4;       // faults start in [kSwarmStartS, this]
constexpr double kMinCaseS = 6;          // a case without faults
constexpr int kMaxFaults = 2;
constexpr int kFullSize = 100;
constexpr int kMaxSeed = 1'000'000;  // the run's seed (loss patterns, jitter draws), in [1, max]  // RapidCheck's largest default size: inRange draws over the whole range
constexpr int kLinkCapacityKbps = 5000;  // before any capacity step
constexpr int kQueueMs = 300;
// The camera: small, so OpenH264 under ASan stays cheap; stamps read back at this size.
constexpr int kCameraWidth = 320, kCameraHeight = 180, kCameraFps = 15, kCameraKbps = 150;
const char* const kNames[] = {"alice", "bob", "carol"};

const SwarmRanges kRanges{};  // the swarm's default ranges (the issue's)

// Values on a grid, so the scenario file reads 0.125 and not 0.12500000000000003.
double Grid(int steps, int of, double max) { return std::round(max * steps / of * 1000.0) / 1000.0; }
constexpr int kSteps = 1000;

Json GenLink() {
  Json l = Json::object();
  l["delay_ms"] = Grid(*rc::gen::inRange(0, kSteps + 1), kSteps, kDelayMsMax);
  l["loss"] = Grid(*rc::gen::inRange(0, kSteps + 1), kSteps, kRanges.loss_max);
  l["burst_len"] = 1 + Grid(*rc::gen::inRange(0, kSteps + 1), kSteps, kRanges.burst_len_max - 1);
  l["jitter_ms"] = Grid(*rc::gen::inRange(0, kSteps + 1), kSteps, kRanges.jitter_ms_max);
  l["reorder"] = *rc::gen::arbitrary<bool>();
  return l;
}

// One fault at `at` (kind 0-4); returns its end time. A capacity step adds its way back.
double AddFault(Json& timeline, int kind, double at, const std::string& who, const std::string& link, int worker) {
  const auto frac = [] { return *rc::gen::inRange(0, kSteps + 1); };
  Json e = {{"at_s", at}};
  double end = at;
  switch (kind) {
    case 0: {
      const double for_s = kSwarmPartitionMinS + Grid(frac(), kSteps, kRanges.partition_s_max - kSwarmPartitionMinS);
      e["action"] = "partition";
      e["participant"] = who;
      e["for_s"] = for_s;
      end = at + for_s;
      break;
    }
    case 1: {
      const double down = Grid(frac(), kSteps, kRanges.down_s_max);
      e["action"] = "restart_sfu";
      e["down_s"] = down;
      end = at + down;
      break;
    }
    case 2:
      e["action"] = "crash_worker";
      e["worker"] = worker;
      break;
    case 3:
      e["action"] = "disconnect_signaling";
      e["participant"] = who;
      break;
    default: {
      const double len = kSwarmStepMinS + Grid(frac(), kSteps, kRanges.step_s_max - kSwarmStepMinS);
      const double kbps = std::round(kRanges.capacity_kbps_min +
                                     (kRanges.capacity_kbps_max - kRanges.capacity_kbps_min) * frac() / kSteps);
      e["action"] = "set_link";
      e["link"] = link;
      e["capacity_kbps"] = kbps;
      end = std::round((at + len) * 1000.0) / 1000.0;
      timeline.push_back(e);
      e = {{"at_s", end}, {"action", "set_link"}, {"link", link}, {"capacity_kbps", kLinkCapacityKbps}};
      break;
    }
  }
  timeline.push_back(e);
  return end;
}

Json GenScenario() {
  const int people = *rc::gen::inRange(2, 4);
  const bool video = *rc::gen::arbitrary<bool>();
  Json participants = Json::array();
  Json links = Json::object();
  for (int i = 0; i < people; ++i) {
    Json p = {{"id", kNames[i]}};
    if (i == 0 && video) {
      p["publish"] = {"microphone", "camera"};
      p["camera"] = {{"width", kCameraWidth}, {"height", kCameraHeight}, {"fps", kCameraFps}, {"bitrate_kbps", kCameraKbps}};
    } else {
      p["publish"] = {"microphone"};
    }
    participants.push_back(p);
    links[std::string(kNames[i]) + "->sfu"] = GenLink();
    links["sfu->" + std::string(kNames[i])] = GenLink();
  }
  Json timeline = Json::array();
  const int faults = *rc::gen::inRange(0, kMaxFaults + 1);
  double t = kSwarmStartS;
  double end = kSwarmStartS;
  for (int f = 0; f < faults; ++f) {
    const int kind = *rc::gen::inRange(0, 5);
    const int who = *rc::gen::inRange(0, people);
    const bool up = *rc::gen::arbitrary<bool>();
    const int worker = *rc::gen::inRange(0, 2);
    const double at = std::round((t + (kFaultAtMaxS - kSwarmStartS) * *rc::gen::inRange(0, kSteps + 1) / kSteps) * 1000.0) / 1000.0;
    const std::string name = kNames[who];
    end = AddFault(timeline, kind, at, name, up ? name + "->sfu" : "sfu->" + name, worker);
    t = end;
  }
  const double duration = faults == 0 ? kMinCaseS : std::ceil(end + kFaultQuietTailS);
  Json doc = Json::object();
  doc["name"] = "media-plane-property";
  doc["description"] = "a case of tests/property/scenario/media (run it with the --seed it printed)";
  doc["duration_s"] = duration;
  doc["sfu"] = {{"workers", 2}, {"channels", Json::array({Json{{"id", "lobby"}}})}};
  doc["participants"] = participants;
  doc["network"] = {{"default", {{"capacity_kbps", kLinkCapacityKbps}, {"queue_ms", kQueueMs}}}, {"links", links}};
  if (!timeline.empty()) {
    // Capacity steps may end after a later fault's start: keep the file's order by time.
    std::stable_sort(timeline.begin(), timeline.end(),
                     [](const Json& a, const Json& b) { return a["at_s"].get<double>() < b["at_s"].get<double>(); });
    doc["timeline"] = timeline;
  }
  doc["expect"] = {{"invariants", "all"}};
  return doc;
}

Mutants MutantsFromEnv() {
  Mutants m;
  const char* env = std::getenv("SFUSIM_MEDIAPROP_MUTANT");
  if (!env || !*env) return m;
  std::string list = env, name;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    if (i == list.size() || list[i] == ',') {
      for (char& c : name) c = c == '_' ? '-' : c;
      if (!ApplyMutant(name, m)) throw std::runtime_error("SFUSIM_MEDIAPROP_MUTANT: unknown mutant '" + name + "'");
      name.clear();
    } else {
      name += list[i];
    }
  }
  return m;
}

// Runs one case; returns what failed (empty: it passed).
std::vector<std::string> RunCase(const Json& doc, uint64_t seed, const Mutants& mutants, const std::string& mutant_name) {
  LoadResult loaded = LoadScenarioJson(nlohmann::json::parse(doc.dump()));
  if (!loaded.ok()) {
    std::vector<std::string> out{"the generated scenario does not load (a generator bug):"};
    for (const Problem& p : loaded.problems) out.push_back("  " + p.pointer + ": " + p.message);
    return out;
  }
  RunOptions options;
  options.seed = seed;
  options.mutants = mutants;
  options.mutant_name = mutant_name;
  std::vector<std::string> failures;
  uint64_t audio_frames = 0, audio_lost = 0, video_decoded = 0, video_lost = 0;
  options.inspect_client = [&](const std::string& id, const clients::WebClient& client) {
    for (std::string& f : CheckMediaLedgers(id, client)) failures.push_back(std::move(f));
    for (const auto& [from, a] : client.audio_stats()) {
      audio_frames += a.frames_normal + a.frames_fec;
      audio_lost += a.packets_lost;
    }
    for (const auto& [key, v] : client.video_stats()) {
      video_decoded += v.frames_decoded;
      video_lost += v.frames_lost + v.frames_skipped;
    }
  };
  ScenarioRun run = RunScenario(*loaded.scenario, options);
  if (!run.ok) return {"the run could not start: " + run.error};
  if (std::getenv("SFUSIM_MEDIAPROP_VERBOSE")) {
    std::cerr << "case: " << loaded.scenario->participants.size() << " participants, "
              << (doc["participants"][0]["publish"].size() > 1 ? "camera, " : "") << loaded.scenario->timeline.size()
              << " timeline entries, " << loaded.scenario->duration_s << " s; audio frames played " << audio_frames
              << ", audio packets lost " << audio_lost << ", video frames decoded " << video_decoded
              << ", video frames lost/skipped " << video_lost << "\n";
  }
  for (const InvariantVerdict& v : run.result.invariants) {
    if (v.passed) continue;
    std::string what = "invariant " + v.name + " violated " + std::to_string(v.violations) + "x";
    if (v.first_violation) what += ", first at " + std::to_string(v.first_violation->at_s) + " s: " + v.first_violation->detail;
    failures.push_back(what);
  }
  return failures;
}

TEST_CASE("media plane: invariants hold and every receiver's media is decoded or reported lost",
          "[property][scenario][media]") {
  const Mutants mutants = MutantsFromEnv();
  const std::string mutant_name = std::getenv("SFUSIM_MEDIAPROP_MUTANT") ? std::getenv("SFUSIM_MEDIAPROP_MUTANT") : "";
  Json last_failed;
  uint64_t last_seed = 1;
  std::vector<std::string> last_failures;
  sfusim::test::RunPropertyRounds(
      "media plane property", kDefaultCases, "cases",
      [&] {
        // Full-range draws from the first case on (a few cases must cover the ranges); shrinking
        // still works.
        const Json doc = *rc::gen::resize(kFullSize, rc::gen::exec(GenScenario));
        const auto seed = static_cast<uint64_t>(*rc::gen::inRange(1, kMaxSeed + 1));
        std::vector<std::string> failures = RunCase(doc, seed, mutants, mutant_name);
        if (!failures.empty()) {
          last_failed = doc;
          last_seed = seed;
          last_failures = failures;
        }
        std::string all;
        for (const std::string& f : failures) all += "\n  " + f;
        if (!failures.empty()) RC_FAIL(all);
      },
      [&] {
        // The last failing case RapidCheck ran is the shrunk one.
        std::cerr << "\nShrunk failing case as a scenario file (sfusim run FILE --seed " << last_seed
                  << (mutant_name.empty() ? "" : " --mutant " + mutant_name) << "):\n"
                  << last_failed.dump(2) << "\nWhat failed:\n";
        for (const std::string& f : last_failures) std::cerr << "  " << f << "\n";
        if (const char* out = std::getenv("SFUSIM_MEDIAPROP_SCENARIO_OUT")) {
          std::ofstream file(out);
          file << last_failed.dump(2) << "\n";
          std::cerr << "Scenario written to " << out << "\n";
        }
      });
}

}  // namespace
}  // namespace sfusim::scenario::test
