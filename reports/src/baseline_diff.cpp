#include "sfusim/reports/baseline_diff.h"

#include <cmath>
#include <cstdio>
#include <map>

namespace sfusim::reports {
namespace {

std::string Num(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string RuleText(const MetricRule& r) {
  std::string s = std::string(r.better == Better::kHigher ? "higher is better" : "lower is better") +
                  "; regression when worse by > " + Num(r.abs_tolerance);
  if (r.rel_tolerance > 0) s += " and > " + Num(r.rel_tolerance * 100) + " %";
  return s;
}

bool Failed(const std::string& status) { return status != "passed"; }

}  // namespace

BaselineDiff DiffAgainstBaseline(const ResultSet& current, const ResultSet& baseline,
                                 std::span<const MetricRule> rules) {
  BaselineDiff diff;
  std::map<std::string, const RunRecord*> now;
  for (const RunRecord& r : current.runs) now.emplace(r.Key(), &r);
  std::map<std::string, const RunRecord*> before;
  for (const RunRecord& r : baseline.runs) before.emplace(r.Key(), &r);

  auto add = [&](DiffRow row) {
    if (row.kind == "regression" || row.kind == "missing") ++diff.regressions;
    if (row.kind == "improvement") ++diff.improvements;
    diff.rows.push_back(std::move(row));
  };

  for (const auto& [key, base] : before) {
    auto it = now.find(key);
    if (it == now.end()) {
      add({key, base->scenario, "run", base->status, "missing", 0, "missing",
           "a baseline run must still run (regenerate the baseline when a scenario is renamed or removed)"});
      continue;
    }
    const RunRecord& cur = *it->second;
    ++diff.compared_runs;
    if (Failed(cur.status) && !Failed(base->status)) {
      std::string why = cur.FirstFailure();
      add({key, cur.scenario, "verdict/run", base->status, cur.status + (why.empty() ? "" : ": " + why), 0, "regression",
           "a passing run must keep passing"});
    } else if (!Failed(cur.status) && Failed(base->status)) {
      add({key, cur.scenario, "verdict/run", base->status, cur.status, 0, "improvement", ""});
    }
    for (const auto& [name, passed_before] : base->verdicts) {
      auto v = cur.verdicts.find(name);
      if (v == cur.verdicts.end()) continue;
      if (passed_before && !v->second) {
        add({key, cur.scenario, "verdict/" + name, "passed", "FAILED", 0, "regression", "a passing check must keep passing"});
      } else if (!passed_before && v->second) {
        add({key, cur.scenario, "verdict/" + name, "FAILED", "passed", 0, "improvement", ""});
      }
    }
    if (!base->trace_hash.empty() && !cur.trace_hash.empty() && base->trace_hash != cur.trace_hash) {
      add({key, cur.scenario, "trace_hash", base->trace_hash, cur.trace_hash, 0, "changed", ""});
    }
    for (const auto& [name, b] : base->metrics) {
      auto m = cur.metrics.find(name);
      if (m == cur.metrics.end()) continue;
      double a = m->second;
      if (a == b || (std::isnan(a) && std::isnan(b))) continue;
      DiffRow row{key, cur.scenario, name, Num(b), Num(a), a - b, "changed", ""};
      if (std::optional<MetricRule> rule = FindRule(name, rules)) {
        row.threshold = RuleText(*rule);
        if (IsRegression(*rule, b, a)) {
          row.kind = "regression";
        } else if (IsWorse(*rule, b, a)) {
          row.kind = "improvement";
        }
      }
      add(std::move(row));
    }
  }
  for (const auto& [key, cur] : now) {
    if (!before.count(key)) add({key, cur->scenario, "run", "", cur->status, 0, "new", ""});
  }
  return diff;
}

}  // namespace sfusim::reports
