// Runs the signaling stateful model (signaling_model.h) against the reference SFU.
//   SFUSIM_FUZZ_MUTANT=<name>[,<name>]  run against mutants (kMutants names, '-' or '_')
//   SFUSIM_FUZZ_CASES=N                 sequences per round (default kDefaultCases: CTest's bound)
//   SFUSIM_FUZZ_SEED=N                  RapidCheck's seed (default: RC_PARAMS's or a random one), so
//                                       a run replays (`sfusim mutants --fuzzer` passes its --seed)
//   SFUSIM_FUZZ_SOAK_S=N                repeat rounds with fresh seeds for N wall-clock seconds
//   SFUSIM_FUZZ_SCENARIO_OUT=FILE       on a failure, write the minimal sequence as a scenario file
// A failure prints the minimal command sequence, one command per line, and RapidCheck's
// reproduce string (RC_PARAMS="reproduce=...") at exit.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "signaling_model.h"

namespace sfusim::sfu::test::model {
namespace {

// Sequences per round in the CTest run (each up to 100 commands): about 7 s of CPU under ASan,
// and enough that every SFU mutant the model covers is killed in (nearly) every run.
constexpr int kDefaultCases = 200;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

TEST_CASE("signaling stateful model", "[sfu][property]") {
  SfuMutants mutants;
  std::string bad;
  const char* env = std::getenv("SFUSIM_FUZZ_MUTANT");
  if (env && !ParseMutants(env, &mutants, &bad)) FAIL("SFUSIM_FUZZ_MUTANT: unknown mutant name '" << bad << "'");
  const int soak_s = EnvInt("SFUSIM_FUZZ_SOAK_S", 0);
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  if (!std::getenv("RC_PARAMS")) params.maxSuccess = EnvInt("SFUSIM_FUZZ_CASES", kDefaultCases);
  if (const char* seed = std::getenv("SFUSIM_FUZZ_SEED"); seed && *seed) params.seed = std::strtoull(seed, nullptr, 10);
  // Soak timing uses the wall clock only to decide when to stop; it never reaches test output.
  const auto start = std::chrono::steady_clock::now();
  int rounds = 0;
  long sequences = 0;
  do {
    CommandList failed;
    rc::detail::TestMetadata meta;
    meta.id = meta.description = "signaling stateful model" + (rounds ? " round " + std::to_string(rounds) : "");
    const auto result = rc::detail::checkProperty(
        rc::detail::toProperty([&] { RunModel(mutants, &failed); }), meta, params);
    ++rounds;
    params.seed = params.seed * 6364136223846793005ULL + 1442695040888963407ULL;  // the next round's seed
    if (result.template is<rc::detail::FailureResult>()) {
      rc::detail::printResultMessage(result, std::cerr);
      std::cerr << "\nMinimal failing command sequence (" << failed.size() << " commands):\n" << ShowCommands(failed);
      if (const char* out = std::getenv("SFUSIM_FUZZ_SCENARIO_OUT")) {
        std::ofstream file(out);
        file << ScenarioOf(failed, "stateful-model-failure").dump(2) << "\n";
        std::cerr << "Scenario written to " << out << " (check it: sfusim validate " << out << ")\n";
      }
      FAIL("the stateful model found a failure (see the sequence above)");
    }
    if (!result.template is<rc::detail::SuccessResult>()) rc::detail::printResultMessage(result, std::cerr);
    REQUIRE(result.template is<rc::detail::SuccessResult>());  // not given up, not errored
    sequences += params.maxSuccess;
  } while (soak_s > 0 && std::chrono::steady_clock::now() - start < std::chrono::seconds(soak_s));
  if (soak_s > 0) std::cerr << "soak: " << rounds << " rounds, " << sequences << " sequences, no failure\n";
}

}  // namespace
}  // namespace sfusim::sfu::test::model
