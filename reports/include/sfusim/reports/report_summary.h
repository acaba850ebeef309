// What a report says about a set of runs, before it is rendered (Markdown and HTML share it).
//
// Contract:
// - One ScenarioSummary per (scenario, mutant), in the result set's order; its runs sorted by seed.
// - Distributions over seeds, for every metric that has a rule in metric_rules.h (so that "worst"
//   means something) and for every SLO value. Per-participant and per-stream metrics are first
//   folded into one value per run, the worst over participants/streams/links, under a generic name
//   ("participants/*/streams/*/delay_ms_p95"). median and p95 are nearest-rank percentiles
//   (the value at rank ceil(p * n) of the n sorted values); worst_seed is the lowest seed that has
//   the worst value.
// - Also per scenario: the simulated seconds per wall second (median over runs with wall_s > 0).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sfusim/reports/run_record.h"

namespace sfusim::reports {

struct Distribution {
  std::string metric;
  std::size_t n = 0;
  double median = 0;
  double p95 = 0;
  double worst = 0;
  uint64_t worst_seed = 0;
  bool higher_is_better = false;
};

struct ScenarioSummary {
  std::string scenario;
  std::string mutant;
  std::vector<const RunRecord*> runs;
  int passed = 0;
  int failed = 0;  // every status but "passed"
  std::vector<Distribution> distributions;
  double sim_speed_median = 0;  // sim_s / wall_s; 0 when unknown
};

// "participants/alice/streams/bob/delay_ms_p95" -> "participants/*/streams/*/delay_ms_p95".
std::string GenericMetricName(const std::string& metric);

// Nearest-rank percentile of `values` (sorted or not); p in (0, 1]. 0 for no values.
double Percentile(std::vector<double> values, double p);

std::vector<ScenarioSummary> Summarize(const ResultSet& set);

}  // namespace sfusim::reports
