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

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "../../soak.h"
#include "signaling_model.h"

namespace sfusim::sfu::test::model {
namespace {

// Sequences per round in the CTest run (each up to 100 commands): about 7 s of CPU under ASan,
// and enough that every SFU mutant the model covers is killed in (nearly) every run.
constexpr int kDefaultCases = 200;

TEST_CASE("signaling stateful model", "[sfu][property]") {
  SfuMutants mutants;
  std::string bad;
  const char* env = std::getenv("SFUSIM_FUZZ_MUTANT");
  if (env && !ParseMutants(env, &mutants, &bad)) FAIL("SFUSIM_FUZZ_MUTANT: unknown mutant name '" << bad << "'");
  CommandList failed;
  sfusim::test::RunPropertyRounds(
      "signaling stateful model", kDefaultCases, "sequences", [&] { RunModel(mutants, &failed); },
      [&] {
        std::cerr << "\nMinimal failing command sequence (" << failed.size() << " commands):\n" << ShowCommands(failed);
        if (const char* out = std::getenv("SFUSIM_FUZZ_SCENARIO_OUT")) {
          std::ofstream file(out);
          file << ScenarioOf(failed, "stateful-model-failure").dump(2) << "\n";
          std::cerr << "Scenario written to " << out << " (check it: sfusim validate " << out << ")\n";
        }
      });
}

}  // namespace
}  // namespace sfusim::sfu::test::model
