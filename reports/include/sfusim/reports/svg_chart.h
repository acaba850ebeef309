// One line chart as inline SVG: a few series over simulated time, with the timeline actions and
// events of the run drawn as vertical lines on the time axis (a <title> on each names it).
//
// Contract:
// - Self-contained SVG text (no scripts, no external references), deterministic for equal input.
// - NaN values break a line; an empty or all-NaN chart still renders its axes and says "no data".
// - At most kMaxLinesPerChart series are drawn (the rest are named as left out in the legend);
//   at most kMaxMarksPerChart marks.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "sfusim/reports/run_record.h"

namespace sfusim::reports {

constexpr std::size_t kMaxLinesPerChart = 10;
constexpr std::size_t kMaxMarksPerChart = 200;
constexpr int kChartWidthPx = 760;
constexpr int kChartHeightPx = 220;

struct ChartLine {
  std::string label;
  const Series* series = nullptr;
};

// `duration_s` <= 0: the axis ends with the longest series.
std::string RenderLineChart(const std::string& title, std::span<const ChartLine> lines, std::span<const TimeMark> marks,
                            double duration_s);

// A horizontal bar chart (for the performance report): one bar per (label, value).
std::string RenderBarChart(const std::string& title, const std::vector<std::pair<std::string, double>>& bars,
                           const std::string& unit);

// "1", "2.5", "0.001": numbers as shown on axes and in tables (up to 4 significant digits).
std::string ShortNumber(double v);

}  // namespace sfusim::reports
