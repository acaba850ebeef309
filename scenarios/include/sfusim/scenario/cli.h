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
// - Swarm and fault points (swarm.h), for run, sweep and check-determinism: `--swarm` plays the
//   scenario with the seed's swarm draw merged in (ranges: the scenario's `swarm` object, then
//   `--swarm-kinds K,L` and `--swarm-loss-max P`), adds "swarm" to result.json and the flags to the
//   reproduce line, prints the draw's summary beside a failing run; `run --emit-scenario FILE`
//   writes the drawn scenario (a plain scenario file: `run FILE --seed N` replays the same run).
//   `--fault-points` turns on DefaultFaultPoints when the scenario has no fault_points. The swarm
//   flags need --swarm, and --fault-points is refused with --swarm (the draw decides): exit 2.
//   `sweep --swarm --emit-scenario DIR` copies each failing run's drawn scenario into DIR as
//   <scenario>-swarm-<seed>.json.
// - `check-determinism FILE [--seed N]`: two runs; exit 0 when the trace hashes and the results
//   (wall_s aside) are equal, else 1 with the simulated time and the first diverging trace record
//   of each run (sim::FirstDivergence).
// - `suite [DIR] [--seed N] [--out DIR]`: runs every scenario of DIR (default: the library) once,
//   writes <out>/<scenario>/result.json and <out>/summary.txt (default out: sfusim-results/suite),
//   prints the summary; exit 0 when all passed, 1 otherwise.
// - `sweep FILE_OR_DIR --seeds A..B [--shard I/N] [--jobs J] [--out DIR] [--junit FILE]
//   [--timeout-s S]`: every scenario x seed in child processes of env.self_exe (sweep_command.h);
//   default --jobs: the number of cores, --out sfusim-results/sweep, --timeout-s 600. Exit 0 all
//   passed, 1 any failed (a crash or timeout is a failure), 2 bad input or no env.self_exe.
// - `report DIR [--baseline DIR] [--out DIR] [--bench FILE]`: report.md + report.html (and with
//   --bench perf.html + perf.md) from every result under DIR (sweep_command.h). Exit 0, 1 on a
//   regression against the baseline, 2 bad input (no results, unreadable result files).
// - `serve [--listen ADDR:PORT] [--rtp-ports A-B] [--workers N] [--secret S] [--duration-s S]` and
//   `client --server ADDR:PORT [--channel C] [--publish microphone,camera] [--name NAME] [--secret S]
//   [--duration-s S]`: real-network mode through env.run_serve / env.run_client (real_mode.h);
//   every flag is checked first (exit 2 naming it).
// - `mutants` parses and checks its arguments, then exits 2 "not supported yet".
// - `suite` also writes <out>/report.html and report.md over its results and prints where.
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
#include "sfusim/scenario/real_mode.h"
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
  // The sfusim program itself, which `sweep` runs as `run` in child processes ("" = no sweeps).
  std::string self_exe;
  // Whether `out` is a terminal (sweep draws its progress bar in place then).
  bool out_is_tty = false;
  // Worker processes of a sweep without --jobs (0 = the number of cores).
  int default_jobs = 0;
  // Real-network mode (RunServe/RunClient in the program; empty in tests: "not available").
  std::function<int(const ServeOptions&, std::ostream& out, std::ostream& err)> run_serve;
  std::function<int(const ClientOptions&, std::ostream& out, std::ostream& err)> run_client;
};

int RunCli(std::vector<std::string> args, std::ostream& out, std::ostream& err, const CliEnvironment& env);

}  // namespace sfusim::scenario
