#include "sfusim/reports/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sfusim/reports/xml_text.h"

namespace sfusim::reports {
namespace {

constexpr const char* kPalette[kMaxLinesPerChart] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                                     "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
constexpr int kLeft = 56;
constexpr int kRight = 12;
constexpr int kTop = 26;
constexpr int kBottom = 28;
constexpr int kTicks = 5;
constexpr int kMaxGridLines = 40;

std::string Px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A "nice" step (1, 2, 5 x 10^k) so that about kTicks steps cover `range`.
double NiceStep(double range) {
  if (!(range > 0) || !std::isfinite(range)) return 1;
  double raw = range / kTicks;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double f = raw / mag;
  double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nice * mag;
}

}  // namespace

std::string ShortNumber(double v) {
  if (std::isnan(v)) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string RenderLineChart(const std::string& title, std::span<const ChartLine> lines, std::span<const TimeMark> marks,
                            double duration_s) {
  const double plot_w = kChartWidthPx - kLeft - kRight;
  const double plot_h = kChartHeightPx - kTop - kBottom;
  double x_max = duration_s > 0 ? duration_s : 0;
  double y_min = 0;
  double y_max = 0;
  bool any = false;
  std::size_t drawn = std::min(lines.size(), kMaxLinesPerChart);
  for (std::size_t i = 0; i < drawn; ++i) {
    const Series& s = *lines[i].series;
    if (duration_s <= 0) x_max = std::max(x_max, s.EndS());
    for (double v : s.values) {
      if (!std::isfinite(v)) continue;
      y_min = std::min(y_min, v);
      y_max = std::max(y_max, v);
      any = true;
    }
  }
  if (!(x_max > 0)) x_max = 1;
  double y_step = NiceStep(y_max - y_min);
  y_max = std::max(y_step, std::ceil(y_max / y_step) * y_step);
  y_min = std::floor(y_min / y_step) * y_step;
  double x_step = NiceStep(x_max);
  auto X = [&](double t) { return kLeft + plot_w * std::clamp(t / x_max, 0.0, 1.0); };
  auto Y = [&](double v) { return kTop + plot_h * (1 - (v - y_min) / (y_max - y_min)); };

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" + std::to_string(kChartWidthPx) +
                    "\" height=\"" + std::to_string(kChartHeightPx) + "\" viewBox=\"0 0 " +
                    std::to_string(kChartWidthPx) + " " + std::to_string(kChartHeightPx) + "\" role=\"img\">";
  svg += "<title>" + XmlEscape(title) + "</title>";
  svg += "<rect x=\"0\" y=\"0\" width=\"" + std::to_string(kChartWidthPx) + "\" height=\"" +
         std::to_string(kChartHeightPx) + "\" fill=\"#ffffff\"/>";
  svg += "<text x=\"" + std::to_string(kLeft) + "\" y=\"16\" class=\"ct\">" + XmlEscape(title) + "</text>";
  // Grid and axes.
  for (int k = 0; k <= kMaxGridLines; ++k) {  // bounded even for absurd values
    double v = y_min + y_step * k;
    if (v > y_max + y_step / 2) break;
    std::string y = Px(Y(v));
    svg += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + y + "\" x2=\"" + Px(kLeft + plot_w) + "\" y2=\"" + y +
           "\" stroke=\"#e5e5e5\"/>";
    svg += "<text x=\"" + std::to_string(kLeft - 4) + "\" y=\"" + y + "\" class=\"ay\">" + ShortNumber(v) + "</text>";
  }
  for (int k = 0; k <= kMaxGridLines; ++k) {
    double t = x_step * k;
    if (t > x_max + x_step / 2) break;
    std::string x = Px(X(t));
    svg += "<line x1=\"" + x + "\" y1=\"" + Px(kTop + plot_h) + "\" x2=\"" + x + "\" y2=\"" + Px(kTop + plot_h + 4) +
           "\" stroke=\"#888888\"/>";
    svg += "<text x=\"" + x + "\" y=\"" + Px(kTop + plot_h + 16) + "\" class=\"ax\">" + ShortNumber(t) + " s</text>";
  }
  svg += "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + std::to_string(kTop) + "\" width=\"" + Px(plot_w) +
         "\" height=\"" + Px(plot_h) + "\" fill=\"none\" stroke=\"#888888\"/>";
  // Marks: actions blue, events orange, each with its name as a tooltip.
  std::size_t mark_count = 0;
  for (const TimeMark& m : marks) {
    if (mark_count++ == kMaxMarksPerChart) break;
    if (!(m.at_s >= 0 && m.at_s <= x_max)) continue;
    std::string x = Px(X(m.at_s));
    bool action = m.kind == "action";
    svg += "<line class=\"mark " + std::string(action ? "action" : "event") + "\" x1=\"" + x + "\" y1=\"" +
           std::to_string(kTop) + "\" x2=\"" + x + "\" y2=\"" + Px(kTop + plot_h) + "\" stroke=\"" +
           (action ? "#3050c0" : "#e08020") + "\" stroke-dasharray=\"" + (action ? "6,3" : "2,3") +
           "\" stroke-width=\"1.5\"><title>" + XmlEscape(ShortNumber(m.at_s) + " s " + m.kind + ": " + m.label) +
           "</title></line>";
  }
  // Lines: a polyline per run of finite values.
  for (std::size_t i = 0; i < drawn; ++i) {
    const Series& s = *lines[i].series;
    std::string points;
    auto flush = [&] {
      if (points.empty()) return;
      svg += "<polyline fill=\"none\" stroke=\"" + std::string(kPalette[i]) + "\" stroke-width=\"1.5\" points=\"" +
             points + "\"><title>" + XmlEscape(lines[i].label) + "</title></polyline>";
      points.clear();
    };
    for (std::size_t k = 0; k < s.values.size(); ++k) {
      double v = s.values[k];
      if (!std::isfinite(v)) {
        flush();
        continue;
      }
      double t = s.start_s + s.step_s * (static_cast<double>(k) + 0.5);  // the middle of the bin
      if (t > x_max) break;
      if (!points.empty()) points += ' ';
      points += Px(X(t)) + "," + Px(Y(v));
    }
    flush();
  }
  if (!any) {
    svg += "<text x=\"" + Px(kLeft + plot_w / 2) + "\" y=\"" + Px(kTop + plot_h / 2) + "\" class=\"nodata\">no data</text>";
  }
  svg += "</svg>";
  // Legend (HTML, below the chart).
  std::string legend = "<div class=\"legend\">";
  for (std::size_t i = 0; i < drawn; ++i) {
    legend += "<span><i style=\"background:" + std::string(kPalette[i]) + "\"></i>" + XmlEscape(lines[i].label) + "</span>";
  }
  if (lines.size() > drawn) legend += "<span>(" + std::to_string(lines.size() - drawn) + " more series left out)</span>";
  legend += "<span><i class=\"la\"></i>timeline action</span><span><i class=\"le\"></i>event</span></div>";
  return "<figure>" + svg + legend + "</figure>";
}

std::string RenderBarChart(const std::string& title, const std::vector<std::pair<std::string, double>>& bars,
                           const std::string& unit) {
  constexpr int kBarH = 18;
  constexpr int kLabelW = 300;
  constexpr int kValueW = 90;
  const int height = kTop + static_cast<int>(bars.size()) * (kBarH + 4) + 8;
  double max = 0;
  for (const auto& b : bars) {
    if (std::isfinite(b.second)) max = std::max(max, b.second);
  }
  if (!(max > 0)) max = 1;
  const double bar_w = kChartWidthPx - kLabelW - kValueW;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"" + std::to_string(kChartWidthPx) +
                    "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(kChartWidthPx) + " " +
                    std::to_string(height) + "\" role=\"img\"><title>" + XmlEscape(title) + "</title>";
  svg += "<rect x=\"0\" y=\"0\" width=\"" + std::to_string(kChartWidthPx) + "\" height=\"" + std::to_string(height) +
         "\" fill=\"#ffffff\"/>";
  svg += "<text x=\"4\" y=\"16\" class=\"ct\">" + XmlEscape(title) + "</text>";
  int y = kTop;
  for (const auto& [label, value] : bars) {
    double w = std::isfinite(value) ? bar_w * std::clamp(value / max, 0.0, 1.0) : 0;
    svg += "<text x=\"" + std::to_string(kLabelW - 6) + "\" y=\"" + std::to_string(y + kBarH - 5) + "\" class=\"ay\">" +
           XmlEscape(label) + "</text>";
    svg += "<rect x=\"" + std::to_string(kLabelW) + "\" y=\"" + std::to_string(y) + "\" width=\"" + Px(std::max(w, 1.0)) +
           "\" height=\"" + std::to_string(kBarH) + "\" fill=\"#1f77b4\"><title>" +
           XmlEscape(label + ": " + ShortNumber(value) + " " + unit) + "</title></rect>";
    svg += "<text x=\"" + Px(kLabelW + w + 4) + "\" y=\"" + std::to_string(y + kBarH - 5) + "\" class=\"bv\">" +
           XmlEscape(ShortNumber(value) + " " + unit) + "</text>";
    y += kBarH + 4;
  }
  svg += "</svg>";
  return "<figure>" + svg + "</figure>";
}

}  // namespace sfusim::reports
