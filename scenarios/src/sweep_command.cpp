#include "sfusim/scenario/sweep_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sfusim/reports/baseline_diff.h"
#include "sfusim/reports/html_report.h"
#include "sfusim/reports/junit_xml.h"
#include "sfusim/reports/perf_report.h"
#include "sfusim/reports/result_loader.h"
#include "sfusim/scenario/scenario_runner.h"

namespace sfusim::scenario {
namespace {

namespace fs = std::filesystem;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kProgressBarWidth = 30;
constexpr std::size_t kLogTailBytes = 4096;
constexpr std::size_t kMaxRegressionsPrinted = 50;
constexpr std::string_view kSwarmScenarioFile = "swarm-scenario.json";

std::string Fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// The last non-empty line of a log (for "error" outcomes: the child's own reason).
std::string LastLogLine(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "";
  f.seekg(0, std::ios::end);
  std::streamoff size = f.tellg();
  std::streamoff from = std::max<std::streamoff>(0, size - static_cast<std::streamoff>(kLogTailBytes));
  f.seekg(from);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::istringstream lines(text);
  std::string last;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) last = line;
  }
  return last;
}

struct Outcome {
  std::string status;
  std::string message;
};

Outcome Classify(const ProcessOutcome& p, const std::string& log, double timeout_s, bool has_result) {
  switch (p.end) {
    case ProcessEnd::kExited:
      if (p.exit_code == 0) return {has_result ? "passed" : "error", has_result ? "" : "exit 0 but no result.json"};
      if (p.exit_code == 1) return {has_result ? "failed" : "error", has_result ? "" : "exit 1 and no result.json"};
      if (p.exit_code == 2) {
        std::string why = LastLogLine(log);
        return {"error", "the run refused its input (exit 2)" + (why.empty() ? "" : ": " + why)};
      }
      return {"crash", "crashed: exit code " + std::to_string(p.exit_code)};
    case ProcessEnd::kSignaled:
      return {"crash", "crashed: killed by " + SignalName(p.signal)};
    case ProcessEnd::kTimedOut:
      return {"timeout", "timed out: still running after " + Fixed(timeout_s, 1) + " s wall time (killed)"};
    case ProcessEnd::kSpawnFailed:
      return {"error", p.error};
  }
  return {"error", "unknown outcome"};
}

class Progress {
 public:
  Progress(std::ostream& out, bool tty, std::size_t total) : out_(out), tty_(tty), total_(total) {}

  void Done(const SweepItem& item, const Outcome& o, double wall_s) {
    ++done_;
    (o.status == "passed" ? passed_ : failed_)++;
    if (tty_) {
      std::size_t filled = total_ ? done_ * kProgressBarWidth / total_ : kProgressBarWidth;
      out_ << "\r[" << std::string(filled, '#') << std::string(kProgressBarWidth - filled, '.') << "] " << done_ << "/"
           << total_ << "  passed " << passed_ << "  failed " << failed_ << "  \x1b[K" << item.scenario << " seed "
           << item.seed << std::flush;
      if (done_ == total_) out_ << "\n";
    } else {
      out_ << "[" << done_ << "/" << total_ << "] " << item.scenario << " seed " << item.seed << ": "
           << (o.status == "passed" ? "passed" : o.status == "failed" ? "FAILED" : o.status) << " ("
           << Fixed(wall_s, 1) << " s)" << (o.message.empty() ? "" : ": " + o.message) << "\n"
           << std::flush;  // CI logs show progress as it happens
    }
  }

 private:
  std::ostream& out_;
  bool tty_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::size_t passed_ = 0;
  std::size_t failed_ = 0;
};

bool WriteText(const std::string& path, const std::string& text, std::string* error) {
  std::error_code ec;
  fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f) {
    *error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

// The "swarm.summary" of a result file ("" when it has none).
std::string SwarmSummary(const std::string& result_file) {
  std::ifstream f(result_file, std::ios::binary);
  nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
  if (!j.is_object() || !j.contains("swarm") || !j["swarm"].is_object()) return "";
  const auto it = j["swarm"].find("summary");
  return it != j["swarm"].end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

int RunSweepCommand(const SweepCommandOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<SweepItem> list = BuildSweepList(options.scenarios, options.seeds);
  std::size_t all = list.size();
  if (options.shard) list = ShardOf(list, *options.shard);
  out << "sfusim sweep: " << options.scenarios.size() << " scenarios x seeds " << options.seeds.first << ".."
      << options.seeds.last;
  if (options.shard) out << ", shard " << options.shard->index << "/" << options.shard->count;
  out << ": " << list.size() << " of " << all << " runs, " << options.jobs << " jobs, timeout "
      << Fixed(options.timeout_s, 0) << " s, results in " << options.out_dir << "\n"
      << std::flush;

  std::vector<ProcessJob> jobs;
  std::vector<std::string> dirs;
  for (const SweepItem& item : list) {
    std::string dir = options.out_dir + "/" + item.scenario + "/seed-" + std::to_string(item.seed);
    std::error_code ec;
    fs::create_directories(dir, ec);
    fs::remove(dir + "/result.json", ec);
    fs::remove(dir + "/outcome.json", ec);
    fs::remove(dir + "/" + std::string(kSwarmScenarioFile), ec);
    dirs.push_back(dir);
    std::vector<std::string> argv = {options.self_exe, "run", item.scenario_file, "--seed", std::to_string(item.seed),
                                     "--out", dir};
    argv.insert(argv.end(), options.run_args.begin(), options.run_args.end());
    if (options.swarm) {
      argv.push_back("--emit-scenario");
      argv.push_back(dir + "/" + std::string(kSwarmScenarioFile));
    }
    jobs.push_back({argv, dir + "/run.log"});
  }
  Progress progress(out, options.tty, list.size());
  RunProcesses(jobs, {options.jobs, options.timeout_s}, [&](std::size_t i, const ProcessOutcome& p) {
    const SweepItem& item = list[i];
    std::error_code ec;
    bool has_result = fs::is_regular_file(dirs[i] + "/result.json", ec);
    Outcome o = Classify(p, jobs[i].log_file, options.timeout_s, has_result);
    nlohmann::ordered_json j;
    j["scenario"] = item.scenario;
    j["seed"] = item.seed;
    j["mutant"] = nullptr;
    j["status"] = o.status;
    j["message"] = o.message;
    j["exit_code"] = p.end == ProcessEnd::kExited ? nlohmann::ordered_json(p.exit_code) : nlohmann::ordered_json(nullptr);
    j["signal"] = p.end == ProcessEnd::kSignaled ? nlohmann::ordered_json(SignalName(p.signal)) : nlohmann::ordered_json(nullptr);
    j["wall_s"] = p.wall_s;
    std::string reproduce = ReproduceLine(item.scenario_file, item.seed, "");
    for (const std::string& a : options.run_args) reproduce += " " + a;
    j["reproduce"] = reproduce;
    j["scenario_file"] = fs::absolute(item.scenario_file, ec).string();
    j["log"] = jobs[i].log_file;
    std::string e;
    if (!WriteText(dirs[i] + "/outcome.json", j.dump(2) + "\n", &e)) err << "sfusim sweep: " << e << "\n";
    progress.Done(item, o, p.wall_s);
  });

  reports::ResultSet set = reports::LoadResults(dirs);
  for (const reports::FileProblem& p : set.problems) err << "sfusim sweep: " << p.ToString() << "\n";

  // Summary: per scenario, then the failing runs.
  struct Row {
    int passed = 0;
    int failed = 0;
  };
  std::map<std::string, Row> rows;
  std::vector<std::string> order;
  for (const SweepItem& item : list) {
    if (!rows.count(item.scenario)) order.push_back(item.scenario);
    rows[item.scenario];
  }
  int failed = 0;
  for (const reports::RunRecord& r : set.runs) {
    (r.status == "passed" ? rows[r.scenario].passed : rows[r.scenario].failed)++;
    failed += r.status == "passed" ? 0 : 1;
  }
  // A run that left neither result nor outcome (cannot happen unless the disk failed) is a failure.
  int missing = static_cast<int>(list.size()) - static_cast<int>(set.runs.size());
  std::size_t width = 8;
  for (const std::string& s : order) width = std::max(width, s.size());
  out << "\n" << "scenario" << std::string(width - 8, ' ') << "  passed  failed\n";
  for (const std::string& s : order) {
    out << s << std::string(width - s.size(), ' ') << "  " << std::string(6 - std::min<std::size_t>(6, std::to_string(rows[s].passed).size()), ' ')
        << rows[s].passed << "  " << std::string(6 - std::min<std::size_t>(6, std::to_string(rows[s].failed).size()), ' ')
        << rows[s].failed << "\n";
  }
  if (failed) {
    out << "\nfailing runs:\n";
    for (const reports::RunRecord& r : set.runs) {
      if (r.status == "passed") continue;
      out << "  " << r.Key() << ": " << (r.status == "failed" ? "FAILED" : r.status)
          << (r.failures.empty() ? "" : ": " + r.FirstFailure()) << "\n";
      const std::string dir = options.out_dir + "/" + r.scenario + "/seed-" + std::to_string(r.seed);
      if (options.swarm) {
        if (std::string summary = SwarmSummary(dir + "/result.json"); !summary.empty()) {
          out << "    swarm: " << summary << "\n";
        }
      }
      out << "    seed " << r.seed << "; reproduce: " << r.reproduce << "\n";
      if (!options.emit_dir.empty()) {
        std::error_code ec;
        const std::string from = dir + "/" + std::string(kSwarmScenarioFile);
        const std::string to = options.emit_dir + "/" + r.scenario + "-swarm-" + std::to_string(r.seed) + ".json";
        fs::create_directories(options.emit_dir, ec);
        if (fs::is_regular_file(from, ec) && fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec)) {
          out << "    scenario file: " << to << " (sfusim run " << to << " --seed " << r.seed << ")\n";
        } else {
          err << "sfusim sweep: --emit-scenario: cannot copy " << from << " to " << to << "\n";
        }
      }
    }
  }
  if (missing > 0) out << missing << " runs left no result (see their run.log)\n";
  out << "\npassed " << (static_cast<int>(set.runs.size()) - failed) << ", failed " << failed + std::max(0, missing)
      << " of " << list.size() << " runs; results in " << options.out_dir << "\n";
  if (!options.junit_file.empty()) {
    std::vector<reports::JunitCase> cases;
    for (const reports::RunRecord& r : set.runs) cases.push_back(reports::JunitCaseOf(r));
    std::string e;
    if (WriteText(options.junit_file, reports::RenderJunitXml("sfusim sweep", cases), &e)) {
      out << "junit: " << options.junit_file << "\n";
    } else {
      err << "sfusim sweep: --junit: " << e << "\n";
    }
  }
  return failed == 0 && missing <= 0 ? kExitOk : kExitFailed;
}

int RunReportCommand(const ReportCommandOptions& options, std::ostream& out, std::ostream& err) {
  std::string out_dir = options.out_dir.empty() ? options.results_dir : options.out_dir;
  reports::ResultSet set = reports::LoadResults({options.results_dir});
  for (const reports::FileProblem& p : set.problems) err << "sfusim report: " << p.ToString() << "\n";
  reports::ReportOptions ro;
  ro.title = options.title;
  ro.source = options.results_dir;
  std::optional<reports::BaselineDiff> diff;
  bool bad_input = !set.problems.empty();
  if (!options.baseline_dir.empty()) {
    reports::ResultSet base = reports::LoadResults({options.baseline_dir});
    for (const reports::FileProblem& p : base.problems) err << "sfusim report: baseline: " << p.ToString() << "\n";
    if (base.runs.empty()) {
      err << "sfusim report: --baseline: no results in '" << options.baseline_dir << "'\n";
      return kExitBadInput;
    }
    bad_input = bad_input || !base.problems.empty();
    diff = reports::DiffAgainstBaseline(set, base);
    ro.baseline = &*diff;
    ro.baseline_source = options.baseline_dir;
  }
  std::string e;
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (set.runs.empty() && options.bench_file.empty()) {
    err << "sfusim report: no result.json or outcome.json under '" << options.results_dir << "'\n";
    return kExitBadInput;
  }
  bool written = WriteText(out_dir + "/report.html", reports::RenderHtmlReport(set, ro), &e) &&
                 WriteText(out_dir + "/report.md", reports::RenderMarkdownReport(set, ro), &e);
  if (!written) {
    err << "sfusim report: " << e << "\n";
    return kExitBadInput;
  }
  out << "sfusim report: " << set.runs.size() << " runs";
  int not_passed = static_cast<int>(std::count_if(set.runs.begin(), set.runs.end(),
                                                  [](const reports::RunRecord& r) { return r.status != "passed"; }));
  out << " (" << not_passed << " not passed)";
  if (!set.problems.empty()) out << ", " << set.problems.size() << " problems in result files";
  out << "\n  report: " << out_dir << "/report.html\n  markdown: " << out_dir << "/report.md\n";
  if (!options.bench_file.empty()) {
    std::vector<reports::FileProblem> problems;
    std::ifstream f(options.bench_file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (!f.is_open()) problems.push_back({options.bench_file, "", "cannot open"});
    reports::BenchResults bench;
    if (f.is_open()) bench = reports::ParseBenchmarkJson(text, options.bench_file, problems);
    for (const reports::FileProblem& p : problems) err << "sfusim report: --bench: " << p.ToString() << "\n";
    bad_input = bad_input || !problems.empty();
    if (!WriteText(out_dir + "/perf.html", reports::RenderPerfHtml(bench, set, problems), &e) ||
        !WriteText(out_dir + "/perf.md", reports::RenderPerfMarkdown(bench, set, problems), &e)) {
      err << "sfusim report: " << e << "\n";
      return kExitBadInput;
    }
    out << "  performance: " << out_dir << "/perf.html (" << bench.entries.size() << " benchmarks)\n";
  }
  if (diff) {
    out << "  baseline " << options.baseline_dir << ": " << diff->compared_runs << " runs compared, "
        << diff->regressions << " regressions, " << diff->improvements << " improvements, " << diff->rows.size()
        << " changes\n";
    std::size_t printed = 0;
    for (const reports::DiffRow& r : diff->rows) {
      if (r.kind != "regression" && r.kind != "missing") continue;
      if (printed++ == kMaxRegressionsPrinted) {
        out << "    ... (see the report)\n";
        break;
      }
      out << "    REGRESSION " << r.run << ": " << r.metric << " " << r.before << " -> " << r.after
          << (r.threshold.empty() ? "" : " (" + r.threshold + ")") << "\n";
    }
    if (diff->HasRegression()) return kExitFailed;
  }
  return bad_input ? kExitBadInput : kExitOk;
}

}  // namespace sfusim::scenario
