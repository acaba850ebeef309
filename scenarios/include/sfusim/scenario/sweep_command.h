// `sfusim sweep` and `sfusim report` behind the argument checks of cli.cpp.
//
// Sweep contract (README "Sweeps"):
// - Every (scenario file, seed) of the list (sweep_plan.h), or of one shard of it, runs as
//   `<self_exe> run FILE --seed N --out OUT/<scenario>/seed-N` in a child process (at most `jobs`
//   at once, each killed after timeout_s wall seconds), its output in .../seed-N/run.log. Before a
//   run its old result.json and outcome.json are removed, so nothing stale is ever reported.
// - Each run's outcome is written next to its result as outcome.json: {scenario, seed, mutant,
//   status, message, exit_code, signal, wall_s, reproduce, scenario_file, log}; status is
//   "passed" (exit 0), "failed" (exit 1), "crash" (a signal, or an exit code other than 0/1/2),
//   "timeout" (killed at the limit), "error" (exit 2 or the program could not be started).
//   A crash or a hang is that run's failure; the sweep always goes on.
// - Progress: on a terminal one line redrawn in place (a bar, done/total, passed, failed);
//   otherwise one plain line per finished run. At the end a summary table: passed/failed per
//   scenario, then every failing run with its first failure and its reproduce line.
// - --junit FILE: JUnit XML (junit_xml.h), one testcase per run of this sweep (or shard).
// - Exit 0 when every run passed, 1 otherwise (2 is for bad arguments, decided before).
//
// Report contract: `sfusim report DIR [--baseline DIR] [--out DIR] [--bench FILE]` reads every
// result under DIR, writes OUT/report.md and OUT/report.html (OUT defaults to DIR); with
// --baseline also the diff (exit 1 on a regression); with --bench a Google Benchmark JSON file and
// OUT/perf.html + OUT/perf.md (benchmarks and sim seconds per wall second of the runs in DIR).
// Problems in result files are printed (FILE: /pointer: message) and shown in the report, whose
// rest still renders; they make the exit 2 unless there is a regression (1). No runs at all: 2.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sfusim/scenario/sweep_plan.h"
#include "sfusim/scenario/sweep_processes.h"

namespace sfusim::scenario {

struct SweepCommandOptions {
  std::vector<std::pair<std::string, std::string>> scenarios;  // (file, scenario name)
  SeedRange seeds;
  std::optional<Shard> shard;
  int jobs = 1;
  double timeout_s = kDefaultRunTimeoutS;
  std::string out_dir;
  std::string junit_file;  // "" = none
  std::string self_exe;    // the sfusim program the runs use
  bool tty = false;
  // Swarm / fault points: flags every run gets (--swarm, --swarm-kinds K, --fault-points, ...; they
  // are in each run's reproduce line). A swarm run writes its drawn scenario as
  // .../seed-N/swarm-scenario.json; with emit_dir, each failing one is copied to
  // emit_dir/<scenario>-swarm-<seed>.json. Failing swarm runs print their draw's summary.
  std::vector<std::string> run_args;
  bool swarm = false;
  std::string emit_dir;  // "" = none
};

int RunSweepCommand(const SweepCommandOptions& options, std::ostream& out, std::ostream& err);

struct ReportCommandOptions {
  std::string results_dir;
  std::string out_dir;       // "" = results_dir
  std::string baseline_dir;  // "" = none
  std::string bench_file;    // "" = none
  std::string title = "sfusim report";
};

int RunReportCommand(const ReportCommandOptions& options, std::ostream& out, std::ostream& err);

}  // namespace sfusim::scenario
