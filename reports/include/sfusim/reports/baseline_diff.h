// The diff of a result set against a stored baseline (reports/baseline/, or any results dir).
//
// Contract:
// - Runs are matched by RunRecord::Key() (scenario, seed, mutant). For each matched pair every
//   metric present in both is compared under metric_rules.h; every verdict (the run's status,
//   invariants, SLOs, expected events) that passed in the baseline and fails now is a regression.
// - A baseline run missing from the current set is a regression (it crashed, timed out, or the
//   scenario was renamed/removed: then regenerate the baseline, scripts/update-baseline.sh). A
//   current run without a baseline is listed as new, never a regression.
// - wall_s, trace_records and other run facts are not metrics and are never compared; a changed
//   trace_hash is listed (behaviour changed) but is not by itself a regression.
// - Rows are deterministic: sorted by run key, then metric name.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "sfusim/reports/metric_rules.h"
#include "sfusim/reports/run_record.h"

namespace sfusim::reports {

struct DiffRow {
  std::string run;     // RunRecord::Key()
  std::string scenario;
  std::string metric;  // a metric path, "verdict/<key>", "run" (missing / new), "trace_hash"
  std::string before;  // as text
  std::string after;
  double change = 0;        // after - before for numbers (0 otherwise)
  std::string kind;         // "regression", "improvement", "changed", "new", "missing"
  std::string threshold;    // the rule applied, as text ("" = informational)
};

struct BaselineDiff {
  std::vector<DiffRow> rows;
  int regressions = 0;
  int improvements = 0;
  int compared_runs = 0;
  bool HasRegression() const { return regressions > 0; }
};

BaselineDiff DiffAgainstBaseline(const ResultSet& current, const ResultSet& baseline,
                                 std::span<const MetricRule> rules = kMetricRules);

}  // namespace sfusim::reports
