// `sfusim mutants [FILE_OR_DIR]`: every mutant (mutant_names.h) against every scenario and, given
// a fuzzer program, the stateful protocol fuzzer; prints the kill matrix (DESIGN.md "Mutants").
//
// Contract:
// - Baseline: every scenario unmutated (unless skip_baseline) and the fuzzer with no mutant
//   (always: a fuzzer kill means nothing if the unmutated model fails it); each must pass, else
//   the exit is 1 whatever the mutants do.
// - A cell (mutant x scenario) runs `<self_exe> run FILE --seed S --mutant M --out
//   OUT/<mutant>/<scenario>` in a child process (RunProcesses: at most `jobs` at once, killed
//   after timeout_s). A fuzzer cell runs `/usr/bin/env SFUSIM_FUZZ_MUTANT=<switch>
//   SFUSIM_FUZZ_SEED=<S> <fuzzer>` (log OUT/<mutant>/fuzzer/run.log).
//   Exit 0: the mutant survived that cell. Exit 1: killed, by the failing invariants, SLOs
//   ("slo:<metric>") and expected events ("event:<name>") its result.json names (the fuzzer:
//   "property: " and the shrunk command sequence its log ends with). A crash or a timeout kills
//   too ("crash SIGSEGV", "timeout"). Exit 2, a missing result or a spawn failure: an error cell,
//   which makes the whole command exit 2.
// - first_kill: the scenario cells run column by column (in the order given), each column only
//   for the mutants still alive; a mutant's later scenario cells are "not run". The fuzzer column
//   runs for every mutant either way (with the first batch). Otherwise every cell runs.
// - Output: the matrix (K killed, . survived, - not run, E error), then one line per mutant with
//   its killers, the fuzzer column's kills on one line, then the summary. OUT/mutants.json holds
//   the same ("fuzzer": {program, baseline, killed, survived} with a fuzzer), OUT/mutants.md the
//   matrix as a Markdown table with each row's killers and the summary. Exit 0 when the
//   baseline passed and every mutant was killed (by any column), 1 otherwise, 2 on an error cell.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sfusim/scenario/sweep_processes.h"

namespace sfusim::scenario {

struct MutantsCommandOptions {
  std::vector<std::pair<std::string, std::string>> scenarios;  // (file, scenario name)
  std::vector<std::string> mutants;                            // names; every kMutants entry by default
  uint64_t seed = 1;
  int jobs = 1;
  double timeout_s = kDefaultRunTimeoutS;
  std::string out_dir;
  std::string self_exe;
  std::string fuzzer;  // "" = no fuzzer column
  bool first_kill = false;
  bool skip_baseline = false;
};

int RunMutantsCommand(const MutantsCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace sfusim::scenario
