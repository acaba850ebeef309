// The reports library on small hand-written result files: loading (series, scalars, verdicts,
// marks), bad files named by file and JSON pointer while the rest still loads, the HTML and
// Markdown pages (charts present, self-contained), JUnit XML well-formedness, the baseline diff
// thresholds (a regression detected, an improvement not), distributions and the bench page.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "report_fixtures.h"
#include "sfusim/reports/baseline_diff.h"
#include "sfusim/reports/html_report.h"
#include "sfusim/reports/junit_xml.h"
#include "sfusim/reports/metric_rules.h"
#include "sfusim/reports/perf_report.h"
#include "sfusim/reports/report_summary.h"
#include "sfusim/reports/result_loader.h"
#include "sfusim/reports/svg_chart.h"
#include "sfusim/reports/xml_text.h"

namespace fs = std::filesystem;
using namespace sfusim::reports;
using sfusim::reports::test::ResultJson;

namespace {

fs::path TmpDir(const std::string& name) {
  fs::path dir = fs::path(SFUSIM_TEST_TMP_DIR) / "reports" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

RunRecord Parse(const std::string& text) {
  std::vector<FileProblem> problems;
  auto r = ParseResultText(text, "r.json", problems);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("a result: identity, verdicts, generic series and scalars, marks", "[reports][loader]") {
  std::vector<FileProblem> problems;
  auto r = ParseResultText(ResultJson("call", 3, false, 120.5, 4.1), "r.json", problems);
  REQUIRE(r);
  CHECK(problems.empty());
  CHECK(r->scenario == "call");
  CHECK(r->seed == 3);
  CHECK(r->status == "failed");
  CHECK(r->Key() == "call seed 3");
  REQUIRE(r->failures.size() == 1);
  CHECK(r->FirstFailure() == "invariant no_stuck_state violated at 4.5 s: bob stuck in joining <&>");
  CHECK(r->verdicts.at("invariant/ssrc_unique"));
  CHECK_FALSE(r->verdicts.at("invariant/no_stuck_state"));
  CHECK(r->metrics.at("participants/alice/streams/bob/delay_ms_p95") == Approx(120.5));
  CHECK(r->metrics.at("slo/audio.delay_ms_p95") == Approx(120.5));
  CHECK(r->metrics.at("sfu/consumers_leaked") == 0);
  CHECK_FALSE(r->metrics.count("participants/alice/streams/bob/kind"));  // strings are not metrics
  REQUIRE(r->series.size() == 2);
  const Series& kbps = r->series[0];
  CHECK(kbps.owner == "alice <- bob");
  CHECK(kbps.name == "kbps");
  CHECK(kbps.values.size() == 10);
  CHECK(std::isnan(kbps.values[2]));  // null is a gap
  CHECK(r->series[1].name == "psnr_db");
  CHECK(r->series[1].step_s == 2);
  CHECK(r->series[1].EndS() == 10);
  REQUIRE(r->marks.size() == 2);
  CHECK(r->marks[0].at_s == 3.25);
  CHECK(r->marks[0].kind == "event");
  CHECK(r->marks[0].label == "bob: voice_joined (lobby)");
  CHECK(r->marks[1].kind == "action");
  CHECK(r->marks[1].label == "restart_sfu");
}

TEST_CASE("bad result files are named by file and JSON pointer; the rest still loads", "[reports][loader]") {
  fs::path dir = TmpDir("bad");
  Write(dir / "a" / "seed-1" / "result.json", ResultJson("a", 1, true, 100, 4.4));
  Write(dir / "b" / "seed-1" / "result.json", "{\"scenario\": \"b\", \"seed\": ");  // cut short
  Write(dir / "c" / "seed-1" / "result.json", "[1, 2]");
  Write(dir / "d" / "seed-1" / "result.json", R"({"scenario": "d", "seed": -4, "passed": true})");
  // Identity fine, metrics partly wrong: the run stays, the problems are named.
  std::string e = ResultJson("e", 1, true, 100, 4.4);
  e.replace(e.find("[30, 32, null"), 13, "[30, \"x\", null");
  e.replace(e.find("\"invariants\": ["), 15, "\"invariants\": 7, \"x\": [");
  Write(dir / "e" / "seed-1" / "result.json", e);
  ResultSet set = LoadResults({dir.string()});
  std::vector<std::string> keys;
  for (const RunRecord& r : set.runs) keys.push_back(r.Key());
  CHECK(keys == std::vector<std::string>{"a seed 1", "e seed 1"});
  std::vector<std::string> problems;
  for (const FileProblem& p : set.problems) problems.push_back(p.ToString());
  INFO(problems.size());
  auto has = [&](const std::string& file, const std::string& rest) {
    std::string prefix = (dir / file / "seed-1" / "result.json").string() + ": " + rest;
    return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) { return p.rfind(prefix, 0) == 0; });
  };
  CHECK(has("b", "not valid JSON: "));
  CHECK(has("c", "expected an object, got array"));
  CHECK(has("d", "/seed: expected a non-negative integer, got number"));
  CHECK(has("e", "/invariants: expected an array, got number"));
  CHECK(has("e", "/metrics/participants/alice/streams/bob/series/kbps/values/1: expected a number or null, got string"));
  // The report still renders, problems included, with the good runs' charts.
  std::string html = RenderHtmlReport(set, {});
  CHECK(html.find("Problems reading results (") != std::string::npos);
  CHECK(html.find("/metrics/participants/alice/streams/bob/series/kbps/values/1") != std::string::npos);
  CHECK(Count(html, "<svg") >= 4);
  std::string md = RenderMarkdownReport(set, {});
  CHECK(md.find("## Problems reading results") != std::string::npos);
}

TEST_CASE("shards merge: outcome.json of a crash stands for its run; duplicates are problems", "[reports][loader]") {
  fs::path dir = TmpDir("merge");
  Write(dir / "shard0" / "s" / "seed-1" / "result.json", ResultJson("s", 1, true, 100, 4.4));
  Write(dir / "shard0" / "s" / "seed-1" / "outcome.json",
        R"({"scenario": "s", "seed": 1, "status": "passed", "message": "", "reproduce": "sfusim run s.json --seed 1"})");
  Write(dir / "shard1" / "s" / "seed-2" / "outcome.json",
        R"({"scenario": "s", "seed": 2, "status": "crash", "message": "crashed: killed by SIGSEGV", "wall_s": 0.5,
            "reproduce": "sfusim run s.json --seed 2"})");
  Write(dir / "shard1" / "s" / "seed-1-again" / "result.json", ResultJson("s", 1, true, 100, 4.4));
  ResultSet set = LoadResults({dir.string()});
  REQUIRE(set.runs.size() == 2);
  CHECK(set.runs[0].status == "passed");
  CHECK(set.runs[1].status == "crash");
  CHECK(set.runs[1].FirstFailure() == "crashed: killed by SIGSEGV");
  REQUIRE(set.problems.size() == 1);
  CHECK(set.problems[0].message == "a second result for s seed 1 (the first by path is used)");
  std::string html = RenderHtmlReport(set, {});
  CHECK(html.find("td class=\"crash\"") != std::string::npos);
  CHECK(html.find("sfusim run s.json --seed 2") != std::string::npos);
}

TEST_CASE("the HTML page is self-contained, with a chart per series name and marks on the axis", "[reports][html]") {
  ResultSet set;
  set.runs.push_back(Parse(ResultJson("call", 1, true, 100, 4.4)));
  set.runs.push_back(Parse(ResultJson("call", 2, false, 130, 4.0)));
  std::string html = RenderHtmlReport(set, {});
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(Count(html, "<svg") == 4);  // 2 runs x (kbps, psnr_db)
  CHECK(Count(html, "class=\"mark action\"") == 4);
  CHECK(Count(html, "class=\"mark event\"") == 4);
  CHECK(html.find("<polyline") != std::string::npos);
  CHECK(html.find("call seed 1: kbps") != std::string::npos);
  CHECK(html.find("call seed 2: psnr_db") != std::string::npos);
  CHECK(html.find("bob stuck in joining &lt;&amp;&gt;") != std::string::npos);  // escaped
  CHECK(html.find("Pass/fail matrix") != std::string::npos);
  CHECK(html.find("Metric distributions over seeds") != std::string::npos);
  // Chart limit: only the failing run gets charts when one run may.
  ReportOptions one;
  one.max_charted_runs = 1;
  std::string limited = RenderHtmlReport(set, one);
  CHECK(Count(limited, "<svg") == 2);
  CHECK(limited.find("call seed 2: kbps") != std::string::npos);
  CHECK(limited.find("Charts for 1 of 2 runs") != std::string::npos);
}

TEST_CASE("a chart with no data or absurd values still renders, bounded", "[reports][svg]") {
  Series empty{"x", "kbps", 0, 1, {}};
  std::vector<ChartLine> lines{{"x", &empty}};
  std::string svg = RenderLineChart("t", lines, {}, 0);
  CHECK(svg.find("no data") != std::string::npos);
  Series huge{"x", "kbps", 0, 1, {1e300, -1e300, kNaN, 1e-300}};
  lines[0].series = &huge;
  std::string big = RenderLineChart("t", lines, {}, 10);
  CHECK(big.size() < 20'000);
  std::vector<Series> many(kMaxLinesPerChart + 3, Series{"o", "kbps", 0, 1, {1, 2}});
  std::vector<ChartLine> ml;
  for (const Series& s : many) ml.push_back({"o", &s});
  std::string capped = RenderLineChart("t", ml, {}, 2);
  CHECK(Count(capped, "<polyline") == kMaxLinesPerChart);
  CHECK(capped.find("(3 more series left out)") != std::string::npos);
}

TEST_CASE("XML escaping: special characters, control bytes and invalid UTF-8", "[reports][junit]") {
  CHECK(XmlEscape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  CHECK(XmlEscape(std::string("x\x01y\tz\n", 6)) == "x\xef\xbf\xbdy\tz\n");
  CHECK(XmlEscape("caf\xc3\xa9") == "caf\xc3\xa9");      // valid UTF-8 kept
  CHECK(XmlEscape("\xff\xc3") == "\xef\xbf\xbd\xef\xbf\xbd");  // invalid bytes replaced
  CHECK(XmlEscape("\xed\xa0\x80") == "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // a surrogate
}

// A minimal XML well-formedness check: tags nest, attributes are quoted, no raw '<' or '&' in text.
bool WellFormed(const std::string& x, std::string* why) {
  std::vector<std::string> stack;
  std::size_t i = x.rfind("?>", 200) == std::string::npos ? 0 : x.find("?>") + 2;
  while (i < x.size()) {
    if (x[i] == '&') {
      std::size_t semi = x.find(';', i);
      std::string ent = semi == std::string::npos ? "" : x.substr(i, semi - i + 1);
      if (ent != "&lt;" && ent != "&gt;" && ent != "&amp;" && ent != "&quot;" && ent != "&#39;") {
        *why = "bad entity at " + std::to_string(i);
        return false;
      }
      i = semi + 1;
      continue;
    }
    if (x[i] != '<') {
      if (static_cast<unsigned char>(x[i]) < 0x20 && x[i] != '\n' && x[i] != '\t' && x[i] != '\r') {
        *why = "control character at " + std::to_string(i);
        return false;
      }
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    char quote = 0;
    for (; end < x.size(); ++end) {
      if (quote) {
        if (x[end] == quote) quote = 0;
        else if (x[end] == '<') {
          *why = "'<' in an attribute at " + std::to_string(end);
          return false;
        }
      } else if (x[end] == '"' || x[end] == '\'') {
        quote = x[end];
      } else if (x[end] == '>') {
        break;
      }
    }
    if (end >= x.size()) {
      *why = "unclosed tag";
      return false;
    }
    std::string tag = x.substr(i + 1, end - i - 1);
    if (tag.rfind('/', 0) == 0) {
      if (stack.empty() || stack.back() != tag.substr(1)) {
        *why = "mismatched </" + tag + ">";
        return false;
      }
      stack.pop_back();
    } else if (tag.empty() || tag.back() != '/') {
      stack.push_back(tag.substr(0, tag.find(' ')));
    }
    i = end + 1;
  }
  if (!stack.empty()) *why = "unclosed <" + stack.back() + ">";
  return stack.empty();
}

TEST_CASE("JUnit XML: one testcase per run, failures with the first failure and reproduce line", "[reports][junit]") {
  ResultSet set;
  set.runs.push_back(Parse(ResultJson("call", 1, true, 100, 4.4)));
  RunRecord bad = Parse(ResultJson("call", 2, false, 100, 4.4));
  bad.failures.push_back(std::string("weird \"quote\" & <tag> \x02 \xff end"));
  set.runs.push_back(bad);
  std::vector<JunitCase> cases;
  for (const RunRecord& r : set.runs) cases.push_back(JunitCaseOf(r));
  std::string xml = RenderJunitXml("sfusim sweep", cases);
  std::string why;
  CHECK(WellFormed(xml, &why));
  INFO(why);
  CHECK(Count(xml, "<testcase ") == 2);
  CHECK(Count(xml, "<failure ") == 1);
  CHECK(xml.find("classname=\"sfusim.call\" name=\"seed 2\"") != std::string::npos);
  CHECK(xml.find("message=\"invariant no_stuck_state violated at 4.5 s: bob stuck in joining &lt;&amp;&gt; | "
                 "reproduce: sfusim run call.json --seed 2\"") != std::string::npos);
  CHECK(xml.find("weird &quot;quote&quot; &amp; &lt;tag&gt;") != std::string::npos);
  CHECK(xml.find("tests=\"2\" failures=\"1\"") != std::string::npos);
  // The checker itself catches broken XML.
  CHECK_FALSE(WellFormed("<a><b></a>", &why));
  CHECK_FALSE(WellFormed("<a>x & y</a>", &why));
}

TEST_CASE("metric rules: leaf matching and thresholds", "[reports][baseline]") {
  CHECK(MetricLeaf("participants/a/streams/b/delay_ms_p95") == "delay_ms_p95");
  CHECK(MetricLeaf("slo/audio.recovery_s after=restart_sfu") == "recovery_s");
  CHECK(FindRule("participants/a/streams/b/mos")->better == Better::kHigher);
  CHECK(FindRule("participants/a/streams/b/delay_ms_p50")->better == Better::kLower);
  CHECK(FindRule("slo/video.psnr_db_p50 participant=alice")->abs_tolerance == 0.5);
  CHECK(FindRule("participants/a/counters/srtp_errors")->abs_tolerance == 0);
  CHECK_FALSE(FindRule("participants/a/counters/rtp_received"));
  MetricRule delay = *FindRule("x/delay_ms_p95");
  CHECK_FALSE(IsRegression(delay, 100, 104));   // < 5 ms
  CHECK_FALSE(IsRegression(delay, 100, 109));   // > 5 ms but < 10 %
  CHECK(IsRegression(delay, 100, 111));         // both
  CHECK_FALSE(IsRegression(delay, 100, 50));    // an improvement
  MetricRule mos = *FindRule("x/mos");
  CHECK(IsRegression(mos, 4.4, 4.3));
  CHECK_FALSE(IsRegression(mos, 4.4, 4.37));
  CHECK_FALSE(IsRegression(mos, 4.0, 4.4));
}

TEST_CASE("baseline diff: a regression is detected, an improvement is not one", "[reports][baseline]") {
  ResultSet base;
  base.runs.push_back(Parse(ResultJson("call", 1, true, 100, 4.4, "aaaa")));
  base.runs.push_back(Parse(ResultJson("call", 2, true, 100, 4.4, "bbbb")));
  base.runs.push_back(Parse(ResultJson("gone", 1, true, 100, 4.4)));

  SECTION("identical: no rows") {
    BaselineDiff d = DiffAgainstBaseline(base, base);
    CHECK(d.rows.empty());
    CHECK_FALSE(d.HasRegression());
    CHECK(d.compared_runs == 3);
  }
  SECTION("better delay and MOS: improvements, exit clean") {
    ResultSet now;
    now.runs.push_back(Parse(ResultJson("call", 1, true, 60, 4.45, "cccc")));
    now.runs.push_back(Parse(ResultJson("call", 2, true, 100, 4.4, "bbbb")));
    now.runs.push_back(Parse(ResultJson("gone", 1, true, 100, 4.4)));
    BaselineDiff d = DiffAgainstBaseline(now, base);
    CHECK_FALSE(d.HasRegression());
    CHECK(d.improvements >= 3);  // stream delay, slo delay, mos
    bool hash_row = std::any_of(d.rows.begin(), d.rows.end(), [](const DiffRow& r) { return r.metric == "trace_hash"; });
    CHECK(hash_row);
  }
  SECTION("worse delay beyond the threshold, a failed check, a missing run: regressions") {
    ResultSet now;
    now.runs.push_back(Parse(ResultJson("call", 1, true, 120, 4.4)));   // +20 ms, +20 %
    now.runs.push_back(Parse(ResultJson("call", 2, false, 100, 4.4)));  // a failing invariant
    now.runs.push_back(Parse(ResultJson("new", 1, true, 100, 4.4)));
    BaselineDiff d = DiffAgainstBaseline(now, base);
    CHECK(d.HasRegression());
    auto kind_of = [&](const std::string& run, const std::string& metric) {
      for (const DiffRow& r : d.rows) {
        if (r.run == run && r.metric == metric) return r.kind;
      }
      return std::string("none");
    };
    CHECK(kind_of("call seed 1", "participants/alice/streams/bob/delay_ms_p95") == "regression");
    CHECK(kind_of("call seed 1", "slo/audio.delay_ms_p95") == "regression");
    CHECK(kind_of("call seed 2", "verdict/run") == "regression");
    CHECK(kind_of("call seed 2", "verdict/invariant/no_stuck_state") == "regression");
    CHECK(kind_of("gone seed 1", "run") == "missing");
    CHECK(kind_of("new seed 1", "run") == "new");
    CHECK(d.regressions == 5);
    ReportOptions o;
    o.baseline = &d;
    std::string html = RenderHtmlReport(now, o);
    CHECK(html.find("Against the baseline") != std::string::npos);
    CHECK(html.find("<tr class=\"regression\">") != std::string::npos);
    CHECK(RenderMarkdownReport(now, o).find("| regression |") != std::string::npos);
  }
  SECTION("worse within tolerance: changed, not a regression") {
    ResultSet now;
    now.runs.push_back(Parse(ResultJson("call", 1, true, 104, 4.38)));
    now.runs.push_back(Parse(ResultJson("call", 2, true, 100, 4.4)));
    now.runs.push_back(Parse(ResultJson("gone", 1, true, 100, 4.4)));
    BaselineDiff d = DiffAgainstBaseline(now, base);
    CHECK_FALSE(d.HasRegression());
    CHECK(std::all_of(d.rows.begin(), d.rows.end(), [](const DiffRow& r) { return r.kind == "changed"; }));
    CHECK_FALSE(d.rows.empty());
  }
}

TEST_CASE("distributions over seeds: median, p95 and the worst seed", "[reports][summary]") {
  CHECK(Percentile({}, 0.5) == 0);
  CHECK(Percentile({5, 1, 3}, 0.5) == 3);
  CHECK(Percentile({1, 2, 3, 4}, 0.5) == 2);
  CHECK(Percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, 0.95) == 19);
  CHECK(GenericMetricName("participants/a/streams/b/delay_ms_p95") == "participants/*/streams/*/delay_ms_p95");
  CHECK(GenericMetricName("participants/a/rejoin_s_max") == "participants/*/rejoin_s_max");
  CHECK(GenericMetricName("sfu/consumers_leaked") == "sfu/consumers_leaked");
  ResultSet set;
  set.runs.push_back(Parse(ResultJson("call", 1, true, 100, 4.4)));
  set.runs.push_back(Parse(ResultJson("call", 2, true, 140, 3.9)));
  set.runs.push_back(Parse(ResultJson("call", 3, true, 120, 4.2)));
  std::vector<ScenarioSummary> s = Summarize(set);
  REQUIRE(s.size() == 1);
  CHECK(s[0].passed == 3);
  CHECK(s[0].sim_speed_median == Approx(4.0));
  auto find = [&](const std::string& m) -> const Distribution& {
    for (const Distribution& d : s[0].distributions) {
      if (d.metric == m) return d;
    }
    FAIL("no distribution for " << m);
    return s[0].distributions.front();
  };
  const Distribution& delay = find("participants/*/streams/*/delay_ms_p95");
  CHECK(delay.n == 3);
  CHECK(delay.median == Approx(120));
  CHECK(delay.p95 == Approx(140));
  CHECK(delay.worst == Approx(140));
  CHECK(delay.worst_seed == 2);
  const Distribution& mos = find("participants/*/streams/*/mos");
  CHECK(mos.higher_is_better);
  CHECK(mos.worst == Approx(3.9));
  CHECK(mos.worst_seed == 2);
}

TEST_CASE("performance page: benchmark JSON and simulated speed", "[reports][perf]") {
  std::vector<FileProblem> problems;
  BenchResults b = ParseBenchmarkJson(R"({"context": {"host_name": "h", "num_cpus": 2},
    "benchmarks": [{"name": "BM_Rtp", "real_time": 12.5, "cpu_time": 12.4, "time_unit": "ns", "iterations": 1000,
                    "items_per_second": 8.0e7}, {"real_time": 1}]})", "bench.json", problems);
  REQUIRE(b.entries.size() == 1);
  CHECK(b.entries[0].items_per_second == 8.0e7);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].ToString() == "bench.json: /benchmarks/1: expected an object with a name");
  ResultSet runs;
  runs.runs.push_back(Parse(ResultJson("call", 1, true, 100, 4.4)));
  std::string html = RenderPerfHtml(b, runs, problems);
  CHECK(html.find("BM_Rtp") != std::string::npos);
  CHECK(Count(html, "<svg") == 2);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(RenderPerfMarkdown(b, runs, problems).find("| call | 1 | 4 |") != std::string::npos);
  std::vector<FileProblem> bad;
  CHECK(ParseBenchmarkJson("nope", "b.json", bad).entries.empty());
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].message.rfind("not valid JSON", 0) == 0);
}

TEST_CASE("any bytes as a result file: never a crash", "[reports][loader]") {
  std::string base = ResultJson("call", 1, true, 100, 4.4);
  std::size_t loaded = 0;
  for (std::size_t cut = 0; cut < base.size(); cut += 7) {
    for (const std::string& text : {base.substr(0, cut), base.substr(cut), base.substr(0, cut) + "\xff" + base.substr(cut)}) {
      std::vector<FileProblem> problems;
      std::optional<RunRecord> r;
      REQUIRE_NOTHROW(r = ParseResultText(text, "f", problems));
      if (r) {
        ++loaded;
        ResultSet set;
        set.runs.push_back(*r);
        REQUIRE_NOTHROW(RenderHtmlReport(set, {}));
      } else {
        CHECK_FALSE(problems.empty());
      }
    }
  }
  CHECK(loaded >= 1);
}
