#include "sfusim/reports/report_summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "sfusim/reports/metric_rules.h"

namespace sfusim::reports {

std::string GenericMetricName(const std::string& metric) {
  if (metric.rfind("slo/", 0) == 0) return metric;
  std::vector<std::string> parts;
  std::stringstream in(metric);
  for (std::string p; std::getline(in, p, '/');) parts.push_back(p);
  for (std::size_t i = 0; i + 2 < parts.size(); ++i) {  // parts[i + 1] is a name, not the leaf
    if (parts[i] == "participants" || parts[i] == "streams" || parts[i] == "links") parts[i + 1] = "*";
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  return values[rank - 1];
}

std::vector<ScenarioSummary> Summarize(const ResultSet& set) {
  std::vector<ScenarioSummary> out;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (const RunRecord& r : set.runs) {
    auto key = std::make_pair(r.scenario, r.mutant);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, out.size()).first;
      out.push_back({r.scenario, r.mutant, {}, 0, 0, {}, 0});
    }
    ScenarioSummary& s = out[it->second];
    s.runs.push_back(&r);
    if (r.status == "passed") {
      ++s.passed;
    } else {
      ++s.failed;
    }
  }
  for (ScenarioSummary& s : out) {
    std::stable_sort(s.runs.begin(), s.runs.end(), [](const RunRecord* a, const RunRecord* b) { return a->seed < b->seed; });
    // metric -> (seed, value) with the worst value per run for folded metrics
    std::map<std::string, std::vector<std::pair<uint64_t, double>>> values;
    std::map<std::string, MetricRule> rules;
    std::vector<double> speeds;
    for (const RunRecord* r : s.runs) {
      if (r->wall_s > 0 && r->sim_s > 0) speeds.push_back(r->sim_s / r->wall_s);
      std::map<std::string, double> folded;
      for (const auto& [name, v] : r->metrics) {
        if (!std::isfinite(v)) continue;
        std::optional<MetricRule> rule = FindRule(name);
        if (!rule) continue;
        std::string g = GenericMetricName(name);
        rules.emplace(g, *rule);
        auto f = folded.find(g);
        if (f == folded.end()) {
          folded.emplace(g, v);
        } else if (IsWorse(*rule, v, f->second)) {
          f->second = v;
        }
      }
      for (const auto& [g, v] : folded) values[g].push_back({r->seed, v});
    }
    s.sim_speed_median = Percentile(speeds, 0.5);
    for (const auto& [metric, pairs] : values) {
      const MetricRule& rule = rules.at(metric);
      Distribution d;
      d.metric = metric;
      d.n = pairs.size();
      d.higher_is_better = rule.better == Better::kHigher;
      std::vector<double> v;
      for (const auto& p : pairs) v.push_back(p.second);
      d.median = Percentile(v, 0.5);
      // p95 of the bad direction: the 95th percentile for lower-is-better, the 5th for higher-is-better.
      d.p95 = d.higher_is_better ? Percentile(v, 0.05) : Percentile(v, 0.95);
      d.worst = pairs.front().second;
      d.worst_seed = pairs.front().first;
      for (const auto& [seed, value] : pairs) {
        if (IsWorse(rule, value, d.worst)) {
          d.worst = value;
          d.worst_seed = seed;
        }
      }
      s.distributions.push_back(d);
    }
  }
  return out;
}

}  // namespace sfusim::reports
