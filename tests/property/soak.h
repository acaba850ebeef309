// RunPropertyRounds: how the long-running properties (the stateful signaling model, the media-plane
// property) run a RapidCheck property: one round of SFUSIM_FUZZ_CASES cases (default: the CTest
// bound) or, with SFUSIM_FUZZ_SOAK_S=N, rounds with fresh seeds until N wall-clock seconds have
// passed. SFUSIM_FUZZ_SEED=N sets the first round's seed; RC_PARAMS, when set, keeps its own case count.
//
// Contract: on a failure, RapidCheck's message (with its reproduce string) is printed, then
// on_failure() prints what the property knows of the failing case, then the Catch test fails. A
// round that gives up or errors fails too. The wall clock only decides when a soak stops; it never
// reaches a case or the test output.
#pragma once

#include <catch2/catch.hpp>
#include <rapidcheck.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

namespace sfusim::test {

inline int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// `unit` names a case in the soak summary ("sequences", "cases").
template <typename Property, typename OnFailure>
void RunPropertyRounds(const std::string& name, int default_cases, const char* unit, Property property,
                       OnFailure on_failure) {
  const int soak_s = EnvInt("SFUSIM_FUZZ_SOAK_S", 0);
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  if (!std::getenv("RC_PARAMS")) params.maxSuccess = EnvInt("SFUSIM_FUZZ_CASES", default_cases);
  if (const char* seed = std::getenv("SFUSIM_FUZZ_SEED"); seed && *seed) params.seed = std::strtoull(seed, nullptr, 10);
  const auto start = std::chrono::steady_clock::now();
  int rounds = 0;
  long cases = 0;
  do {
    rc::detail::TestMetadata meta;
    meta.id = meta.description = name + (rounds ? " round " + std::to_string(rounds) : "");
    const auto result = rc::detail::checkProperty(rc::detail::toProperty(property), meta, params);
    ++rounds;
    params.seed = params.seed * 6364136223846793005ULL + 1442695040888963407ULL;  // the next round's seed
    if (result.template is<rc::detail::FailureResult>()) {
      rc::detail::printResultMessage(result, std::cerr);
      on_failure();
      FAIL("the " << name << " found a failure (see above)");
    }
    if (!result.template is<rc::detail::SuccessResult>()) rc::detail::printResultMessage(result, std::cerr);
    REQUIRE(result.template is<rc::detail::SuccessResult>());  // not given up, not errored
    cases += params.maxSuccess;
  } while (soak_s > 0 && std::chrono::steady_clock::now() - start < std::chrono::seconds(soak_s));
  if (soak_s > 0) std::cerr << "soak: " << rounds << " rounds, " << cases << " " << unit << ", no failure\n";
}

}  // namespace sfusim::test
