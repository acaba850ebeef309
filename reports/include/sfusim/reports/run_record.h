// RunRecord and ResultSet: what the reports know about runs, read from result files.
//
// Contract:
// - A RunRecord is one (scenario, seed[, mutant]) run as found on disk: its result.json (the
//   contract of ../shared/SCENARIO.md, "A result") and/or the outcome.json that `sfusim sweep`
//   writes next to it (which is all there is when the run crashed or timed out).
// - Nothing here knows the simulator: the metrics are whatever result.json holds. Time series are
//   found generically (every object named "series" under "metrics" whose members carry a "values"
//   array), scalar metrics are every numeric leaf under "metrics" (series aside) keyed by their
//   '/'-joined path, plus "slo/<metric>[ participant][ from][ after]" for SLO values.
// - status: "passed", "failed" (an expectation failed), "crash" (the run died on a signal),
//   "timeout" (killed at the sweep's wall-time limit), "error" (the run refused its input).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace sfusim::reports {

// A problem with one input file, named by file and JSON pointer ("" = the whole file).
struct FileProblem {
  std::string file;
  std::string pointer;
  std::string message;
  std::string ToString() const;  // "FILE: /pointer: message" or "FILE: message"
};

// A per-bin time series: bin i covers [start_s + i * step_s, start_s + (i + 1) * step_s).
// A missing or non-numeric value is NaN (a gap in the chart).
struct Series {
  std::string owner;  // who it belongs to: "alice <- bob" for a received stream, else the path
  std::string name;   // "kbps", "delay_ms", "psnr_db", ...
  double start_s = 0;
  double step_s = 1;
  std::vector<double> values;
  double EndS() const { return start_s + step_s * static_cast<double>(values.size()); }
};

// A moment on the time axis: a timeline action of the scenario or an event of the run.
struct TimeMark {
  double at_s = 0;
  std::string kind;   // "action" or "event"
  std::string label;  // "restart_sfu", "carol: fallback_triggered (encode_error)"
};

struct RunRecord {
  std::string file;  // the result.json (or outcome.json) it was read from
  std::string scenario;
  uint64_t seed = 0;
  std::string mutant;  // "" = none
  std::string status;  // see above
  bool passed = false;
  std::string trace_hash;
  double sim_s = 0;
  double wall_s = 0;
  std::string reproduce;
  std::string scenario_file;            // from outcome.json when the sweep wrote one
  std::vector<std::string> failures;    // every failed invariant / SLO / expected event, in order
  std::vector<Series> series;
  std::vector<TimeMark> marks;          // sorted by time
  std::map<std::string, double> metrics;   // scalar metrics by path
  std::map<std::string, bool> verdicts;    // "invariant/<name>", "slo/<key>", "event/<key>" -> passed

  std::string Key() const;  // "scenario seed N[ mutant M]": unique per run
  std::string FirstFailure() const { return failures.empty() ? std::string() : failures.front(); }
};

struct ResultSet {
  std::vector<RunRecord> runs;  // sorted by (scenario, mutant, seed)
  std::vector<FileProblem> problems;
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace sfusim::reports
