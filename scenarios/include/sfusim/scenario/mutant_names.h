// Mutant names on the command line (`--mutant consumer-leak`) and their sfu::SfuMutants switch
// (PROTOCOL.md's known defects, DESIGN.md "Mutants").
//
// Contract: kMutantNames is the complete list, in the order SfuMutants declares the switches;
// ApplyMutant sets the named switch and returns false for an unknown name.
#pragma once

#include <array>
#include <string_view>

#include "sfusim/sfu/sfu_mutants.h"

namespace sfusim::scenario {

inline constexpr std::array<std::string_view, 5> kMutantNames = {
    "consumer-leak", "transport-replace", "producer-limit-race", "router-cache", "no-worker-health"};

bool ApplyMutant(std::string_view name, sfu::SfuMutants& mutants);

}  // namespace sfusim::scenario
