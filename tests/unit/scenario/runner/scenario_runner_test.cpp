// ScenarioRunner end to end on small scenarios: the world runs, the result is complete and
// deterministic, and a mutant is caught by the invariant made for it.
#include <catch2/catch.hpp>

#include "sfusim/scenario/mutant_names.h"
#include "sfusim/scenario/result_json.h"
#include "sfusim/scenario/scenario_loader.h"
#include "sfusim/scenario/scenario_runner.h"
#include "sfusim/scenario/vocabulary.h"

using namespace sfusim::scenario;

namespace {

Scenario Load(const std::string& text) {
  LoadResult r = LoadScenarioText(text);
  for (const Problem& p : r.problems) INFO(p.ToString());
  REQUIRE(r.ok());
  return *r.scenario;
}

const char* kTwoParty = R"({
  "name": "two-party", "duration_s": 8,
  "participants": [{"id": "alice"}, {"id": "bob"}],
  "network": {"default": {"delay_ms": 10, "jitter_ms": 1}},
  "timeline": [{"at_s": 5, "action": "leave", "participant": "bob"}],
  "expect": {"slo": [{"metric": "audio.concealed_ratio", "participant": "alice", "from": "bob", "max": 0.05},
                     {"metric": "sfu.consumers_leaked", "max": 0}],
             "events": [{"name": "voice_joined", "participant": "bob", "between_s": [0, 2]},
                        {"name": "voice_left", "participant": "bob", "between_s": [5, 6]}]}
})";

const InvariantVerdict* Find(const RunResult& r, std::string_view name) {
  for (const auto& v : r.invariants) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a two-party call with a leave runs, passes, and is deterministic", "[runner]") {
  Scenario s = Load(kTwoParty);
  RunOptions options;
  options.seed = 5;
  options.scenario_path = "two-party.json";
  ScenarioRun a = RunScenario(s, options);
  REQUIRE(a.ok);
  const RunResult& r = a.result;
  INFO(ResultJsonText(r));
  CHECK(r.scenario == "two-party");
  CHECK(r.seed == 5);
  CHECK(r.sim_s == 8);
  CHECK(r.invariants.size() == kInvariantNames.size() - 2);
  REQUIRE(r.invariants_not_applicable.size() == 2);  // no native screen share
  CHECK(r.invariants_not_applicable[0].name == "fallback_iff_thresholds");
  CHECK(r.invariants_not_applicable[1].name == "degradation_ladder_order");
  CHECK(r.reproduce == "sfusim run two-party.json --seed 5");
  CHECK(r.passed);
  CHECK(r.metrics.participants.at("alice").streams.count("bob") == 1);
  CHECK(r.metrics.participants.at("bob").final_phase == "left");
  CHECK(a.trace->trace_hash() == r.trace_hash);

  ScenarioRun b = RunScenario(s, options);
  REQUIRE(b.ok);
  CHECK(b.result.trace_hash == r.trace_hash);
  CHECK(ResultJsonText(b.result, false) == ResultJsonText(r, false));
  options.seed = 6;
  ScenarioRun c = RunScenario(s, options);
  CHECK(c.result.trace_hash != r.trace_hash);
}

TEST_CASE("the consumer-leak mutant is caught by no_consumer_outlives_producer", "[runner]") {
  Scenario s = Load(kTwoParty);
  RunOptions options;
  options.seed = 5;
  REQUIRE(ApplyMutant("consumer-leak", options.mutants));
  options.mutant_name = "consumer-leak";
  ScenarioRun run = RunScenario(s, options);
  REQUIRE(run.ok);
  INFO(ResultJsonText(run.result));
  CHECK_FALSE(run.result.passed);
  REQUIRE(run.result.mutant);
  CHECK(*run.result.mutant == "consumer-leak");
  const InvariantVerdict* v = Find(run.result, "no_consumer_outlives_producer");
  REQUIRE(v);
  CHECK_FALSE(v->passed);
  REQUIRE(v->first_violation);
  CHECK(v->first_violation->at_s >= 5);
  CHECK(run.result.reproduce.find("--mutant consumer-leak") != std::string::npos);
}

TEST_CASE("mutant names map to their switch", "[runner]") {
  std::vector<Mutants> seen;
  for (const MutantSpec& spec : kMutants) {
    Mutants m;
    CHECK(ApplyMutant(spec.name, m));
    CHECK_FALSE(m == Mutants{});
    for (const Mutants& other : seen) CHECK_FALSE(m == other);  // one switch each
    seen.push_back(m);
  }
  Mutants m;
  CHECK_FALSE(ApplyMutant("consumer_leak", m));
  CHECK(m == Mutants{});
}
