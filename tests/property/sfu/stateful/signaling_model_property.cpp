// Runs the signaling stateful model (signaling_model.h) against the reference SFU, optionally
// with mutants from SFUSIM_FUZZ_MUTANT; SFUSIM_FUZZ_SOAK_S=N repeats with fresh seeds for N s.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <chrono>
#include <cstdlib>

#include "signaling_model.h"

namespace sfusim::sfu::test::model {
namespace {

TEST_CASE("signaling stateful model", "[sfu][property]") {
  SfuMutants mutants;
  std::string bad;
  const char* env = std::getenv("SFUSIM_FUZZ_MUTANT");
  if (env && !ParseMutants(env, &mutants, &bad)) FAIL("SFUSIM_FUZZ_MUTANT: unknown mutant name '" << bad << "'");
  const char* soak = std::getenv("SFUSIM_FUZZ_SOAK_S");
  const int soak_s = soak ? std::atoi(soak) : 0;
  // Soak timing uses the wall clock only to decide when to stop; it never reaches test output.
  const auto start = std::chrono::steady_clock::now();
  do {
    rc::prop("responses match the model and snapshot invariants hold", [mutants] { RunModel(mutants); });
  } while (soak_s > 0 && std::chrono::steady_clock::now() - start < std::chrono::seconds(soak_s));
}

}  // namespace
}  // namespace sfusim::sfu::test::model
