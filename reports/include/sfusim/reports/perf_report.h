// The performance report: Google Benchmark results (`sfusim-bench --benchmark_format=json`) and
// the simulated seconds per wall second of every run in a result set, in the report's HTML style.
//
// Contract:
// - ParseBenchmarkJson never throws; problems name the file and JSON pointer. Entries without a
//   name are skipped (a problem); aggregates ("run_type": "aggregate") are kept with their name.
// - Speed per run = sim_s / wall_s (runs with wall_s <= 0 are left out); per scenario the median.
// - Rendered: a table and a bar chart of items_per_second per benchmark (time per iteration in the
//   benchmark's unit too), a table and a bar chart of simulated speed per scenario.
#pragma once

#include <string>
#include <vector>

#include "sfusim/reports/run_record.h"

namespace sfusim::reports {

struct BenchEntry {
  std::string name;
  double real_time = 0;
  double cpu_time = 0;
  std::string time_unit;
  double items_per_second = 0;  // 0 = not reported
  double iterations = 0;
};

struct BenchResults {
  std::vector<BenchEntry> entries;
  std::string context;  // "host, N cpus, build type" as far as the file says
};

BenchResults ParseBenchmarkJson(const std::string& text, const std::string& file, std::vector<FileProblem>& problems);

std::string RenderPerfHtml(const BenchResults& bench, const ResultSet& runs, const std::vector<FileProblem>& problems);
std::string RenderPerfMarkdown(const BenchResults& bench, const ResultSet& runs, const std::vector<FileProblem>& problems);

}  // namespace sfusim::reports
