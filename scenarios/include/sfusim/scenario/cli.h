// The `sfusim` command line (../shared/SCENARIO.md, "The command line"), as a function that tests can
// call: RunCli(arguments without the program name, stdout, stderr, environment) -> exit code.
//
// Contract:
// - Exit codes: 0 success, 1 an expectation failed (later: run/sweep/report/check-determinism),
//   2 bad input: an unknown command or flag, a bad value, an invalid scenario, a command that is not
//   supported yet. Every exit 2 prints one line or more to `err` saying why, naming the command,
//   the flag and the value ("sfusim run: --seed: expected a non-negative integer, got 'x'").
// - Never throws and never crashes, whatever the argument list.
// - `validate` prints every problem as "FILE: /pointer: message" ("FILE: message" for whole-file
//   problems) on `err` and "FILE: valid" on `out`; a directory argument stands for its *.json files
//   (sorted by name).
// - `list` prints the library (env.library_dir: the sfusim program passes its SFUSIM_LIBRARY_DIR
//   compile definition), one line per scenario, "<name>  <description>", sorted by file name.
// - `run`, `sweep`, `check-determinism` parse their arguments and load their scenarios (so bad input
//   is reported as such), then exit 2 with "not supported yet"; so do `report` and `mutants`.
//   No run is faked.
// - No arguments, and `demo [--seed N] [--pcap DIR] [--trace FILE]`, call env.run_demo.
// - Flags take their value as the next argument or after "=" ("--seed 3", "--seed=3"); "--" ends
//   the flags; a flag given twice is an error.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "sfusim/scenario/demo.h"

namespace sfusim::scenario {

struct CliEnvironment {
  std::string library_dir;  // the built-in scenario library; "" = none
  // The built-in demo (RunDemo in the sfusim program; a recorder in tests). Empty: demo unavailable.
  std::function<int(const DemoOptions&, std::ostream& out, std::ostream& err)> run_demo;
};

int RunCli(std::vector<std::string> args, std::ostream& out, std::ostream& err, const CliEnvironment& env);

}  // namespace sfusim::scenario
