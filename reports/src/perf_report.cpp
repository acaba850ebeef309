#include "sfusim/reports/perf_report.h"

#include <map>

#include <nlohmann/json.hpp>

#include "sfusim/reports/html_report.h"
#include "sfusim/reports/report_summary.h"
#include "sfusim/reports/svg_chart.h"
#include "sfusim/reports/xml_text.h"

namespace sfusim::reports {
namespace {

using nlohmann::json;

double NumberOr(const json& obj, const char* key, double fallback) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string StringOr(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct Speed {
  std::string scenario;
  double median = 0;
  std::size_t runs = 0;
};

std::vector<Speed> Speeds(const ResultSet& runs) {
  std::map<std::string, std::vector<double>> by;
  for (const RunRecord& r : runs.runs) {
    if (r.wall_s > 0 && r.sim_s > 0) by[r.scenario + (r.mutant.empty() ? "" : " (" + r.mutant + ")")].push_back(r.sim_s / r.wall_s);
  }
  std::vector<Speed> out;
  for (const auto& [name, v] : by) out.push_back({name, Percentile(v, 0.5), v.size()});
  return out;
}

}  // namespace

BenchResults ParseBenchmarkJson(const std::string& text, const std::string& file, std::vector<FileProblem>& problems) {
  BenchResults out;
  json doc;
  try {
    doc = json::parse(text);
  } catch (const std::exception& e) {
    problems.push_back({file, "", std::string("not valid JSON: ") + e.what()});
    return out;
  }
  if (!doc.is_object()) {
    problems.push_back({file, "", "expected the object that --benchmark_format=json writes"});
    return out;
  }
  if (auto ctx = doc.find("context"); ctx != doc.end() && ctx->is_object()) {
    std::string host = StringOr(*ctx, "host_name");
    double cpus = NumberOr(*ctx, "num_cpus", 0);
    std::string build = StringOr(*ctx, "library_build_type");
    out.context = host + (cpus > 0 ? ", " + std::to_string(static_cast<int>(cpus)) + " cpus" : "") +
                  (build.empty() ? "" : ", benchmark library " + build);
  }
  auto list = doc.find("benchmarks");
  if (list == doc.end() || !list->is_array()) {
    problems.push_back({file, "/benchmarks", "missing (expected an array)"});
    return out;
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& b = (*list)[i];
    std::string p = "/benchmarks/" + std::to_string(i);
    if (!b.is_object() || StringOr(b, "name").empty()) {
      problems.push_back({file, p, "expected an object with a name"});
      continue;
    }
    BenchEntry e;
    e.name = StringOr(b, "name");
    e.real_time = NumberOr(b, "real_time", 0);
    e.cpu_time = NumberOr(b, "cpu_time", 0);
    e.time_unit = StringOr(b, "time_unit");
    e.items_per_second = NumberOr(b, "items_per_second", 0);
    e.iterations = NumberOr(b, "iterations", 0);
    out.entries.push_back(std::move(e));
  }
  return out;
}

std::string RenderPerfHtml(const BenchResults& bench, const ResultSet& runs, const std::vector<FileProblem>& problems) {
  std::string b = "<h1>sfusim performance</h1>\n";
  if (!bench.context.empty()) b += "<p class=\"note\">" + XmlEscape(bench.context) + "</p>\n";
  std::vector<FileProblem> all = problems;
  all.insert(all.end(), runs.problems.begin(), runs.problems.end());
  if (!all.empty()) {
    b += "<h2>Problems</h2><ul class=\"problems\">";
    for (const FileProblem& p : all) b += "<li>" + XmlEscape(p.ToString()) + "</li>";
    b += "</ul>\n";
  }
  std::vector<Speed> speeds = Speeds(runs);
  b += "<h2 id=\"sim-speed\">Simulated seconds per wall second</h2>\n";
  if (speeds.empty()) {
    b += "<p class=\"note\">No runs with sim_s and wall_s.</p>\n";
  } else {
    std::vector<std::pair<std::string, double>> bars;
    b += "<table><tr><th>scenario</th><th>runs</th><th>sim s / wall s (median)</th></tr>";
    for (const Speed& s : speeds) {
      b += "<tr><td>" + XmlEscape(s.scenario) + "</td><td class=\"num\">" + std::to_string(s.runs) + "</td><td class=\"num\">" +
           ShortNumber(s.median) + "</td></tr>";
      bars.push_back({s.scenario, s.median});
    }
    b += "</table>\n" + RenderBarChart("simulated seconds per wall second", bars, "x");
  }
  b += "<h2 id=\"bench\">Benchmarks</h2>\n";
  if (bench.entries.empty()) {
    b += "<p class=\"note\">No benchmark results.</p>\n";
  } else {
    std::vector<std::pair<std::string, double>> bars;
    b += "<table><tr><th>benchmark</th><th>time</th><th>cpu</th><th>iterations</th><th>items/s</th></tr>";
    for (const BenchEntry& e : bench.entries) {
      b += "<tr><td><code>" + XmlEscape(e.name) + "</code></td><td class=\"num\">" + ShortNumber(e.real_time) + " " +
           XmlEscape(e.time_unit) + "</td><td class=\"num\">" + ShortNumber(e.cpu_time) + " " + XmlEscape(e.time_unit) +
           "</td><td class=\"num\">" + ShortNumber(e.iterations) + "</td><td class=\"num\">" +
           (e.items_per_second > 0 ? ShortNumber(e.items_per_second) : "-") + "</td></tr>";
      if (e.items_per_second > 0) bars.push_back({e.name, e.items_per_second});
    }
    b += "</table>\n";
    if (!bars.empty()) b += RenderBarChart("items per second", bars, "/s");
  }
  return HtmlPage("sfusim performance", b);
}

std::string RenderPerfMarkdown(const BenchResults& bench, const ResultSet& runs, const std::vector<FileProblem>& problems) {
  std::string m = "# sfusim performance\n\n";
  if (!bench.context.empty()) m += bench.context + "\n\n";
  for (const FileProblem& p : problems) m += "- problem: " + p.ToString() + "\n";
  for (const FileProblem& p : runs.problems) m += "- problem: " + p.ToString() + "\n";
  m += "\n## Simulated seconds per wall second\n\n| scenario | runs | sim s / wall s |\n|---|---:|---:|\n";
  for (const Speed& s : Speeds(runs)) m += "| " + s.scenario + " | " + std::to_string(s.runs) + " | " + ShortNumber(s.median) + " |\n";
  m += "\n## Benchmarks\n\n| benchmark | time | items/s |\n|---|---:|---:|\n";
  for (const BenchEntry& e : bench.entries) {
    m += "| `" + e.name + "` | " + ShortNumber(e.real_time) + " " + e.time_unit + " | " +
         (e.items_per_second > 0 ? ShortNumber(e.items_per_second) : "-") + " |\n";
  }
  return m;
}

}  // namespace sfusim::reports
