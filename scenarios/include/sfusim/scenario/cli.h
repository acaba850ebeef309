// The `sfusim` command line (../shared/SCENARIO.md, "The command line"), as a function that tests can
// call: RunCli(arguments without the program name, stdout, stderr, environment) -> exit code.
//
// Contract:
// - Exit codes: 0 success, 1 an expectation failed (run, suite) or the runs differ
//   (check-determinism),
//   2 bad input: an unknown command or flag, a bad value, an invalid scenario, a command that is not
//   supported yet. Every exit 2 prints one line or more to `err` saying why, naming the command,
//   the flag and the value ("sfusim run: --seed: expected a non-negative integer, got 'x'").
// - Never throws and never crashes, whatever the argument list.
// - `validate` prints every problem as "FILE: /pointer: message" ("FILE: message" for whole-file
//   problems) on `err` and "FILE: valid" on `out`; a directory argument stands for its *.json files
//   (sorted by name).
// - `list` prints the library (env.library_dir: the sfusim program passes its SFUSIM_LIBRARY_DIR
//   compile definition), one line per scenario, "<name>  <description>", sorted by file name.
// - `run FILE [--seed N] [--out DIR] [--mutant NAME] [--pcap] [--trace]`: one run through
//   env.run_scenario; writes DIR/result.json (default DIR: sfusim-results/<scenario>/seed-<N>, with
//   "-<mutant>" appended when a mutant is on), --pcap one <from>-<to>.pcap per link into DIR,
//   --trace DIR/trace.jsonl. Prints one summary line; a failing run also prints what failed, its
//   seed and its reproduce line. Exit 0 passed, 1 failed, 2 bad input (an unknown mutant is named
//   with the list of mutants).
// - `check-determinism FILE [--seed N]`: two runs; exit 0 when the trace hashes and the results
//   (wall_s aside) are equal, else 1 with the simulated time and the first diverging trace record
//   of each run (sim::FirstDivergence).
// - `suite [DIR] [--seed N] [--out DIR]`: runs every scenario of DIR (default: the library) once,
//   writes <out>/<scenario>/result.json and <out>/summary.txt (default out: sfusim-results/suite),
//   prints the summary; exit 0 when all passed, 1 otherwise.
// - `sweep`, `report` and `mutants` parse and check their arguments, then exit 2 "not supported
//   yet". No run is faked.
// - No arguments: the suite over the library with seed 1 when env.default_is_suite, else the demo.
//   `demo [--seed N] [--pcap DIR] [--trace FILE]` calls env.run_demo.
// - Flags take their value as the next argument or after "=" ("--seed 3", "--seed=3"); "--" ends
//   the flags; a flag given twice is an error.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "sfusim/scenario/demo.h"
#include "sfusim/scenario/scenario_runner.h"

namespace sfusim::scenario {

struct CliEnvironment {
  std::string library_dir;  // the built-in scenario library; "" = none
  // The built-in demo (RunDemo in the sfusim program; a recorder in tests). Empty: demo unavailable.
  std::function<int(const DemoOptions&, std::ostream& out, std::ostream& err)> run_demo;
  // One scenario run (RunScenario in the sfusim program; a fake in tests). Empty: runs unavailable.
  std::function<ScenarioRun(const Scenario&, const RunOptions&)> run_scenario;
  // Wall-clock seconds for wall_s (the program passes a steady clock; empty: wall_s is 0).
  std::function<double()> wall_seconds;
  // No arguments runs the library suite (true in the program once runs work) instead of the demo.
  bool default_is_suite = false;
};

int RunCli(std::vector<std::string> args, std::ostream& out, std::ostream& err, const CliEnvironment& env);

}  // namespace sfusim::scenario
