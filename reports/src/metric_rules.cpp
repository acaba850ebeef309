#include "sfusim/reports/metric_rules.h"

#include <cmath>

namespace sfusim::reports {
namespace {

bool Matches(std::string_view pattern, std::string_view name) {
  bool head = !pattern.empty() && pattern.front() == '*';
  bool tail = !pattern.empty() && pattern.back() == '*';
  std::string_view core = pattern.substr(head ? 1 : 0, pattern.size() - (head ? 1 : 0) - (tail ? 1 : 0));
  if (head && tail) return name.find(core) != std::string_view::npos;
  if (tail) return name.substr(0, core.size()) == core;
  if (head) return name.size() >= core.size() && name.substr(name.size() - core.size()) == core;
  return name == core;
}

}  // namespace

std::string_view MetricLeaf(std::string_view metric) {
  if (metric.substr(0, 4) == "slo/") {
    std::string_view m = metric.substr(4);
    m = m.substr(0, m.find(' '));
    std::size_t dot = m.rfind('.');
    return dot == std::string_view::npos ? m : m.substr(dot + 1);
  }
  std::size_t slash = metric.rfind('/');
  return slash == std::string_view::npos ? metric : metric.substr(slash + 1);
}

std::optional<MetricRule> FindRule(std::string_view metric, std::span<const MetricRule> rules) {
  std::string_view leaf = MetricLeaf(metric);
  for (const MetricRule& r : rules) {
    if (Matches(r.pattern, leaf)) return r;
  }
  return std::nullopt;
}

bool IsRegression(const MetricRule& rule, double before, double after) {
  if (std::isnan(before) || std::isnan(after)) return false;
  double worse_by = rule.better == Better::kHigher ? before - after : after - before;
  return worse_by > rule.abs_tolerance && worse_by > rule.rel_tolerance * std::fabs(before);
}

bool IsWorse(const MetricRule& rule, double a, double b) {
  return rule.better == Better::kHigher ? a < b : a > b;
}

}  // namespace sfusim::reports
