// The report pages: Markdown (report.md) and one self-contained HTML page (report.html).
//
// Contract:
// - The HTML needs nothing but itself: inline CSS, inline SVG, no scripts, no external files,
//   fonts or images; it renders the same offline. Deterministic for equal input.
// - Contents, in order: a summary line; every FileProblem (file and JSON pointer) — a bad file
//   never stops the rest of the report; the baseline diff when given (regressions first); per
//   (scenario, mutant) a pass/fail matrix over seeds, the failing runs with their first failure and
//   reproduce line, and the metric distributions over seeds (report_summary.h); then per run one
//   section with its facts and an SVG line chart per time-series name found in its metrics (one
//   line per owner: "alice <- bob"), timeline actions and events marked on the time axis, and the
//   list of those marks.
// - At most ReportOptions::max_charted_runs runs get charts (failing runs first, then the lowest
//   seed of each scenario, then the rest in order); the others still appear in the matrix and
//   tables, with a note.
#pragma once

#include <cstddef>
#include <string>

#include "sfusim/reports/baseline_diff.h"
#include "sfusim/reports/run_record.h"

namespace sfusim::reports {

constexpr std::size_t kDefaultMaxChartedRuns = 60;
constexpr std::size_t kMaxDiffRowsShown = 2'000;

struct ReportOptions {
  std::string title = "sfusim report";
  std::string source;  // what was read, shown at the top ("sfusim-results/sweep")
  const BaselineDiff* baseline = nullptr;
  std::string baseline_source;
  std::size_t max_charted_runs = kDefaultMaxChartedRuns;
};

std::string RenderHtmlReport(const ResultSet& set, const ReportOptions& options);
std::string RenderMarkdownReport(const ResultSet& set, const ReportOptions& options);

// The shared page frame (head with inline CSS, body), for other pages in the same style.
std::string HtmlPage(const std::string& title, const std::string& body);

}  // namespace sfusim::reports
