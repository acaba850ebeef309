#include "sfusim/reports/html_report.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "sfusim/reports/report_summary.h"
#include "sfusim/reports/svg_chart.h"
#include "sfusim/reports/xml_text.h"

namespace sfusim::reports {
namespace {

constexpr const char* kCss = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:2em}h3{margin-bottom:4px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 7px;text-align:left}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.passed{background:#d8f0d8}td.failed{background:#f6c6c6}td.crash,td.timeout,td.error{background:#f2a0a0;font-weight:bold}
td.none{background:#f7f7f7;color:#aaa}tr.regression td{background:#fbe0e0}tr.improvement td{background:#e2f3e2}
tr.missing td{background:#f6c6c6}
code{background:#f4f4f4;padding:1px 4px;border-radius:3px;font-size:12px}
.ok{color:#1a7a1a;font-weight:bold}.bad{color:#b01c1c;font-weight:bold}
.problems li{color:#b01c1c}.note{color:#666;font-size:13px}
figure{margin:10px 0 18px 0}svg.chart text{font-size:11px;fill:#333}svg.chart text.ct{font-size:13px;font-weight:bold}
svg.chart text.ay{text-anchor:end;dominant-baseline:middle}svg.chart text.ax{text-anchor:middle}
svg.chart text.nodata{text-anchor:middle;fill:#999}svg.chart text.bv{dominant-baseline:auto}
.legend{font-size:12px}.legend span{margin-right:14px;white-space:nowrap}
.legend i{display:inline-block;width:14px;height:3px;margin-right:4px;vertical-align:middle}
.legend i.la{border-top:2px dashed #3050c0;height:0}.legend i.le{border-top:2px dotted #e08020;height:0}
section.run{border-top:1px solid #eee;margin-top:18px}
)";

std::string E(const std::string& s) { return XmlEscape(s); }

std::string StatusWord(const std::string& status) {
  if (status == "passed") return "passed";
  if (status == "failed") return "FAILED";
  return status == "crash" ? "CRASHED" : status == "timeout" ? "TIMED OUT" : "ERROR";
}

std::string Anchor(const RunRecord& r) {
  std::string a = "run-";
  for (char c : r.Key()) a += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
  return a;
}

std::string GroupTitle(const ScenarioSummary& s) { return s.scenario + (s.mutant.empty() ? "" : " (mutant " + s.mutant + ")"); }

// Which runs get charts (see the header).
std::set<const RunRecord*> ChartedRuns(const ResultSet& set, std::size_t limit) {
  std::set<const RunRecord*> chosen;
  if (set.runs.size() <= limit) {
    for (const RunRecord& r : set.runs) chosen.insert(&r);
    return chosen;
  }
  for (const RunRecord& r : set.runs) {
    if (chosen.size() < limit && r.status != "passed") chosen.insert(&r);
  }
  std::set<std::pair<std::string, std::string>> groups;
  for (const RunRecord& r : set.runs) {
    if (chosen.size() < limit && groups.insert({r.scenario, r.mutant}).second) chosen.insert(&r);
  }
  for (const RunRecord& r : set.runs) {
    if (chosen.size() < limit) chosen.insert(&r);
  }
  return chosen;
}

std::vector<uint64_t> AllSeeds(const ResultSet& set) {
  std::set<uint64_t> seeds;
  for (const RunRecord& r : set.runs) seeds.insert(r.seed);
  return {seeds.begin(), seeds.end()};
}

struct Counts {
  int passed = 0, failed = 0, crash = 0, timeout = 0, error = 0;
};
Counts Count(const ResultSet& set) {
  Counts c;
  for (const RunRecord& r : set.runs) {
    if (r.status == "passed") {
      ++c.passed;
    } else if (r.status == "crash") {
      ++c.crash;
    } else if (r.status == "timeout") {
      ++c.timeout;
    } else if (r.status == "error") {
      ++c.error;
    } else {
      ++c.failed;
    }
  }
  return c;
}

std::string CountsText(const ResultSet& set) {
  Counts c = Count(set);
  std::string s = std::to_string(set.runs.size()) + " runs: " + std::to_string(c.passed) + " passed, " +
                  std::to_string(c.failed) + " failed";
  if (c.crash) s += ", " + std::to_string(c.crash) + " crashed";
  if (c.timeout) s += ", " + std::to_string(c.timeout) + " timed out";
  if (c.error) s += ", " + std::to_string(c.error) + " errors";
  return s;
}

std::vector<const DiffRow*> OrderedDiffRows(const BaselineDiff& diff) {
  std::vector<const DiffRow*> rows;
  for (const DiffRow& r : diff.rows) rows.push_back(&r);
  auto rank = [](const std::string& kind) {
    return kind == "regression" || kind == "missing" ? 0 : kind == "improvement" ? 1 : kind == "new" ? 2 : 3;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const DiffRow* a, const DiffRow* b) { return rank(a->kind) < rank(b->kind); });
  return rows;
}

std::string RunCharts(const RunRecord& r) {
  // series name -> lines, names in first-seen order of a sorted walk (deterministic)
  std::map<std::string, std::vector<ChartLine>> by_name;
  for (const Series& s : r.series) by_name[s.name].push_back({s.owner, &s});
  std::string html;
  for (const auto& [name, lines] : by_name) html += RenderLineChart(r.scenario + " seed " + std::to_string(r.seed) + ": " + name, lines, r.marks, r.sim_s);
  if (by_name.empty()) {
    html += "<p class=\"note\">No time series in this result.</p>";
    if (!r.marks.empty()) html += RenderLineChart(r.scenario + " seed " + std::to_string(r.seed) + ": timeline", {}, r.marks, r.sim_s);
  }
  return html;
}

}  // namespace

std::string HtmlPage(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + E(title) +
         "</title>\n<style>" + kCss + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
}

std::string RenderHtmlReport(const ResultSet& set, const ReportOptions& options) {
  std::string b = "<h1>" + E(options.title) + "</h1>\n";
  Counts c = Count(set);
  bool all_ok = c.passed == static_cast<int>(set.runs.size());
  b += "<p class=\"summary\"><span class=\"" + std::string(all_ok ? "ok" : "bad") + "\">" + E(CountsText(set)) + "</span>";
  if (!options.source.empty()) b += " &middot; from <code>" + E(options.source) + "</code>";
  b += "</p>\n";
  if (!set.problems.empty()) {
    b += "<h2 id=\"problems\">Problems reading results (" + std::to_string(set.problems.size()) + ")</h2>\n<ul class=\"problems\">";
    for (const FileProblem& p : set.problems) b += "<li><code>" + E(p.file) + "</code>" + (p.pointer.empty() ? "" : " <code>" + E(p.pointer) + "</code>") + ": " + E(p.message) + "</li>";
    b += "</ul>\n";
  }
  if (options.baseline) {
    const BaselineDiff& d = *options.baseline;
    b += "<h2 id=\"baseline\">Against the baseline</h2>\n<p>";
    if (!options.baseline_source.empty()) b += "Baseline <code>" + E(options.baseline_source) + "</code>: ";
    b += std::to_string(d.compared_runs) + " runs compared, <span class=\"" + std::string(d.HasRegression() ? "bad" : "ok") +
         "\">" + std::to_string(d.regressions) + " regressions</span>, " + std::to_string(d.improvements) +
         " improvements, " + std::to_string(d.rows.size()) + " changes.</p>\n";
    if (!d.rows.empty()) {
      b += "<table><tr><th>run</th><th>metric</th><th>baseline</th><th>now</th><th>change</th><th>verdict</th><th>threshold</th></tr>";
      std::size_t shown = 0;
      for (const DiffRow* r : OrderedDiffRows(d)) {
        if (shown++ == kMaxDiffRowsShown) break;
        b += "<tr class=\"" + E(r->kind) + "\"><td>" + E(r->run) + "</td><td><code>" + E(r->metric) + "</code></td><td class=\"num\">" +
             E(r->before) + "</td><td class=\"num\">" + E(r->after) + "</td><td class=\"num\">" +
             (r->change != 0 ? E(ShortNumber(r->change)) : std::string()) + "</td><td>" + E(r->kind) + "</td><td class=\"note\">" +
             E(r->threshold) + "</td></tr>";
      }
      b += "</table>\n";
      if (d.rows.size() > kMaxDiffRowsShown) b += "<p class=\"note\">" + std::to_string(d.rows.size() - kMaxDiffRowsShown) + " more changes left out.</p>\n";
    }
  }
  std::vector<ScenarioSummary> summaries = Summarize(set);
  std::vector<uint64_t> seeds = AllSeeds(set);
  if (!summaries.empty()) {
    b += "<h2 id=\"matrix\">Pass/fail matrix (scenario &times; seed)</h2>\n<table class=\"matrix\"><tr><th>scenario</th><th>passed</th><th>failed</th><th>sim s / wall s</th>";
    for (uint64_t s : seeds) b += "<th>" + std::to_string(s) + "</th>";
    b += "</tr>";
    for (const ScenarioSummary& s : summaries) {
      b += "<tr><td>" + E(GroupTitle(s)) + "</td><td class=\"num\">" + std::to_string(s.passed) + "</td><td class=\"num\">" +
           std::to_string(s.failed) + "</td><td class=\"num\">" + (s.sim_speed_median > 0 ? ShortNumber(s.sim_speed_median) : "-") + "</td>";
      std::map<uint64_t, const RunRecord*> by_seed;
      for (const RunRecord* r : s.runs) by_seed[r->seed] = r;
      for (uint64_t seed : seeds) {
        auto it = by_seed.find(seed);
        if (it == by_seed.end()) {
          b += "<td class=\"none\"></td>";
          continue;
        }
        const RunRecord& r = *it->second;
        std::string tip = r.Key() + ": " + StatusWord(r.status) + (r.failures.empty() ? "" : " - " + r.FirstFailure());
        b += "<td class=\"" + E(r.status) + "\" title=\"" + E(tip) + "\"><a href=\"#" + Anchor(r) + "\">" +
             (r.status == "passed" ? "&#10003;" : r.status == "failed" ? "&#10007;" : r.status == "timeout" ? "T" : "C") + "</a></td>";
      }
      b += "</tr>";
    }
    b += "</table>\n";
  }
  bool any_failure = std::any_of(set.runs.begin(), set.runs.end(), [](const RunRecord& r) { return r.status != "passed"; });
  if (any_failure) {
    b += "<h2 id=\"failures\">Failing runs</h2>\n<table><tr><th>run</th><th>status</th><th>first failure</th><th>reproduce</th></tr>";
    for (const RunRecord& r : set.runs) {
      if (r.status == "passed") continue;
      b += "<tr><td><a href=\"#" + Anchor(r) + "\">" + E(r.Key()) + "</a></td><td>" + E(StatusWord(r.status)) + "</td><td>" +
           E(r.FirstFailure()) + "</td><td><code>" + E(r.reproduce) + "</code></td></tr>";
    }
    b += "</table>\n";
  }
  bool any_distribution = std::any_of(summaries.begin(), summaries.end(), [](const ScenarioSummary& s) { return !s.distributions.empty(); });
  if (any_distribution) {
    b += "<h2 id=\"distributions\">Metric distributions over seeds</h2>\n<p class=\"note\">Per run, a per-participant or per-stream metric is its worst value over participants and streams; median and p95 are nearest-rank over seeds (p95 is taken in the bad direction: the 5th percentile of a higher-is-better metric).</p>\n";
    for (const ScenarioSummary& s : summaries) {
      if (s.distributions.empty()) continue;
      b += "<details><summary><b>" + E(GroupTitle(s)) + "</b>: " + std::to_string(s.distributions.size()) + " metrics over " +
           std::to_string(s.runs.size()) + " runs</summary><table><tr><th>metric</th><th>better</th><th>runs</th><th>median</th><th>p95</th><th>worst</th><th>worst seed</th></tr>";
      for (const Distribution& d : s.distributions) {
        b += "<tr><td><code>" + E(d.metric) + "</code></td><td>" + (d.higher_is_better ? "higher" : "lower") + "</td><td class=\"num\">" +
             std::to_string(d.n) + "</td><td class=\"num\">" + ShortNumber(d.median) + "</td><td class=\"num\">" + ShortNumber(d.p95) +
             "</td><td class=\"num\">" + ShortNumber(d.worst) + "</td><td class=\"num\">" + std::to_string(d.worst_seed) + "</td></tr>";
      }
      b += "</table></details>\n";
    }
  }
  if (!set.runs.empty()) {
    std::set<const RunRecord*> charted = ChartedRuns(set, options.max_charted_runs);
    b += "<h2 id=\"runs\">Runs</h2>\n";
    if (charted.size() < set.runs.size()) {
      b += "<p class=\"note\">Charts for " + std::to_string(charted.size()) + " of " + std::to_string(set.runs.size()) +
           " runs (failing runs first, then the first seed of each scenario).</p>\n";
    }
    for (const RunRecord& r : set.runs) {
      b += "<section class=\"run\" id=\"" + Anchor(r) + "\"><h3>" + E(r.Key()) + ": <span class=\"" +
           std::string(r.status == "passed" ? "ok" : "bad") + "\">" + E(StatusWord(r.status)) + "</span></h3>\n";
      b += "<p class=\"note\">" + ShortNumber(r.sim_s) + " s simulated in " + ShortNumber(r.wall_s) + " s";
      if (!r.trace_hash.empty()) b += " &middot; trace_hash <code>" + E(r.trace_hash) + "</code>";
      b += " &middot; <code>" + E(r.file) + "</code></p>\n";
      if (!r.reproduce.empty()) b += "<p>reproduce: <code>" + E(r.reproduce) + "</code></p>\n";
      if (!r.failures.empty()) {
        b += "<ul class=\"problems\">";
        for (const std::string& f : r.failures) b += "<li>" + E(f) + "</li>";
        b += "</ul>\n";
      }
      if (!charted.count(&r)) {
        b += "</section>\n";
        continue;
      }
      b += RunCharts(r);
      if (!r.marks.empty()) {
        b += "<details><summary>" + std::to_string(r.marks.size()) + " timeline actions and events</summary><table><tr><th>at</th><th>kind</th><th>what</th></tr>";
        for (const TimeMark& m : r.marks) b += "<tr><td class=\"num\">" + ShortNumber(m.at_s) + " s</td><td>" + E(m.kind) + "</td><td>" + E(m.label) + "</td></tr>";
        b += "</table></details>\n";
      }
      b += "</section>\n";
    }
  } else {
    b += "<p class=\"bad\">No runs found.</p>\n";
  }
  return HtmlPage(options.title, b);
}

std::string RenderMarkdownReport(const ResultSet& set, const ReportOptions& options) {
  auto cell = [](std::string s) {
    std::string out;
    for (char ch : s) {
      if (ch == '|') {
        out += "\\|";
      } else if (ch == '\n' || ch == '\r') {
        out += ' ';
      } else {
        out += ch;
      }
    }
    return out;
  };
  std::string m = "# " + options.title + "\n\n" + CountsText(set) + (options.source.empty() ? "" : " (from `" + options.source + "`)") + "\n\n";
  if (!set.problems.empty()) {
    m += "## Problems reading results\n\n";
    for (const FileProblem& p : set.problems) m += "- " + p.ToString() + "\n";
    m += "\n";
  }
  if (options.baseline) {
    const BaselineDiff& d = *options.baseline;
    m += "## Against the baseline\n\n" + std::to_string(d.compared_runs) + " runs compared, " + std::to_string(d.regressions) +
         " regressions, " + std::to_string(d.improvements) + " improvements, " + std::to_string(d.rows.size()) + " changes.\n\n";
    if (!d.rows.empty()) {
      m += "| run | metric | baseline | now | change | verdict | threshold |\n|---|---|---:|---:|---:|---|---|\n";
      std::size_t shown = 0;
      for (const DiffRow* r : OrderedDiffRows(d)) {
        if (shown++ == kMaxDiffRowsShown) break;
        m += "| " + cell(r->run) + " | `" + cell(r->metric) + "` | " + cell(r->before) + " | " + cell(r->after) + " | " +
             (r->change != 0 ? ShortNumber(r->change) : "") + " | " + r->kind + " | " + cell(r->threshold) + " |\n";
      }
      m += "\n";
    }
  }
  std::vector<ScenarioSummary> summaries = Summarize(set);
  if (!summaries.empty()) {
    m += "## Scenarios\n\n| scenario | passed | failed | failing seeds | sim s / wall s |\n|---|---:|---:|---|---:|\n";
    for (const ScenarioSummary& s : summaries) {
      std::string failing;
      for (const RunRecord* r : s.runs) {
        if (r->status != "passed") failing += (failing.empty() ? "" : ", ") + std::to_string(r->seed) + (r->status == "failed" ? "" : " (" + r->status + ")");
      }
      m += "| " + cell(GroupTitle(s)) + " | " + std::to_string(s.passed) + " | " + std::to_string(s.failed) + " | " + failing + " | " +
           (s.sim_speed_median > 0 ? ShortNumber(s.sim_speed_median) : "-") + " |\n";
    }
    m += "\n";
  }
  bool any_failure = std::any_of(set.runs.begin(), set.runs.end(), [](const RunRecord& r) { return r.status != "passed"; });
  if (any_failure) {
    m += "## Failing runs\n\n";
    for (const RunRecord& r : set.runs) {
      if (r.status == "passed") continue;
      m += "- **" + r.Key() + "**: " + StatusWord(r.status) + (r.failures.empty() ? "" : ": " + cell(r.FirstFailure())) +
           "\n  reproduce: `" + r.reproduce + "`\n";
    }
    m += "\n";
  }
  for (const ScenarioSummary& s : summaries) {
    if (s.distributions.empty()) continue;
    m += "## " + GroupTitle(s) + ": distributions over " + std::to_string(s.runs.size()) + " runs\n\n| metric | better | median | p95 | worst | worst seed |\n|---|---|---:|---:|---:|---:|\n";
    for (const Distribution& d : s.distributions) {
      m += "| `" + cell(d.metric) + "` | " + (d.higher_is_better ? "higher" : "lower") + " | " + ShortNumber(d.median) + " | " +
           ShortNumber(d.p95) + " | " + ShortNumber(d.worst) + " | " + std::to_string(d.worst_seed) + " |\n";
    }
    m += "\n";
  }
  return m;
}

}  // namespace sfusim::reports
