#include "sfusim/scenario/mutants_command.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

namespace sfusim::scenario {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

enum class Cell { kNotRun, kSurvived, kKilled, kError };

struct CellResult {
  Cell cell = Cell::kNotRun;
  std::vector<std::string> killers;  // what caught it, or the error
};

struct Column {
  std::string name;  // scenario name, or "fuzzer"
  std::string file;  // "" for the fuzzer
};

constexpr std::string_view kFuzzerColumn = "fuzzer";
constexpr std::string_view kFuzzerMutantEnv = "SFUSIM_FUZZ_MUTANT";
constexpr std::string_view kFuzzerSeedEnv = "SFUSIM_FUZZ_SEED";  // the fuzzer's RapidCheck seed: the column replays
// What the stateful model prints before its shrunk command sequence, one command per line.
constexpr std::string_view kFuzzerSequenceHeader = "Minimal failing command sequence";
constexpr std::size_t kKillersShown = 3;
constexpr std::size_t kSequenceCommandsShown = 6;

std::string SwitchName(const std::string& mutant) {
  std::string s = mutant;
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

// What a failed run's result.json names as failing.
std::vector<std::string> FailuresIn(const std::string& result_file) {
  std::vector<std::string> out;
  std::ifstream f(result_file);
  Json j = Json::parse(f, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return {"unreadable result.json"};
  auto failed = [](const Json& e) { return e.is_object() && e.contains("passed") && e["passed"] == false; };
  if (j.contains("invariants") && j["invariants"].is_array()) {
    for (const Json& v : j["invariants"]) {
      if (failed(v) && v.contains("name") && v["name"].is_string()) out.push_back(v["name"].get<std::string>());
    }
  }
  if (j.contains("slo") && j["slo"].is_array()) {
    for (const Json& v : j["slo"]) {
      if (failed(v) && v.contains("metric") && v["metric"].is_string()) {
        out.push_back("slo:" + v["metric"].get<std::string>());
      }
    }
  }
  if (j.contains("expected_events") && j["expected_events"].is_array()) {
    for (const Json& v : j["expected_events"]) {
      if (failed(v) && v.contains("name") && v["name"].is_string()) {
        out.push_back("event:" + v["name"].get<std::string>());
      }
    }
  }
  if (out.empty()) out.push_back("failed");
  return out;
}

// What killed a mutant in the fuzzer column: the shrunk command sequence its log ends with
// ("property: A; B; C"), or "property" when the log has none.
std::vector<std::string> FuzzerKillers(const std::string& log_file) {
  std::ifstream f(log_file);
  std::string line;
  std::vector<std::string> commands;
  bool in_sequence = false;
  while (std::getline(f, line)) {
    if (line.rfind(kFuzzerSequenceHeader, 0) == 0) {
      commands.clear();
      in_sequence = true;
    } else if (in_sequence) {
      if (line.empty()) {
        in_sequence = false;
      } else {
        commands.push_back(line);
      }
    }
  }
  if (commands.empty()) return {"property"};
  std::string s = "property: ";
  for (std::size_t i = 0; i < commands.size() && i < kSequenceCommandsShown; ++i) s += (i ? "; " : "") + commands[i];
  if (commands.size() > kSequenceCommandsShown) s += "; ... (" + std::to_string(commands.size()) + " commands)";
  return {s};
}

CellResult Judge(const ProcessOutcome& p, const std::string& result_file, const std::string& log_file, bool fuzzer) {
  CellResult r;
  switch (p.end) {
    case ProcessEnd::kTimedOut:
      return {Cell::kKilled, {"timeout"}};
    case ProcessEnd::kSignaled:
      return {Cell::kKilled, {"crash " + SignalName(p.signal)}};
    case ProcessEnd::kSpawnFailed:
      return {Cell::kError, {p.error}};
    case ProcessEnd::kExited:
      break;
  }
  if (p.exit_code == 0) return {Cell::kSurvived, {}};
  if (fuzzer) return {Cell::kKilled, FuzzerKillers(log_file)};
  std::error_code ec;
  if (p.exit_code == 1 && fs::is_regular_file(result_file, ec)) return {Cell::kKilled, FailuresIn(result_file)};
  if (p.exit_code == 1 || p.exit_code == 2) {
    return {Cell::kError, {"exit " + std::to_string(p.exit_code) + " without a result"}};
  }
  return {Cell::kKilled, {"crash exit " + std::to_string(p.exit_code)}};
}

ProcessJob JobFor(const MutantsCommandOptions& o, const Column& col, const std::string& mutant,
                  std::string* result_file) {
  const std::string dir = o.out_dir + "/" + (mutant.empty() ? std::string("baseline") : mutant) + "/" + col.name;
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::remove(dir + "/result.json", ec);
  *result_file = dir + "/result.json";
  if (col.file.empty()) {
    std::vector<std::string> argv = {"/usr/bin/env"};
    if (!mutant.empty()) argv.push_back(std::string(kFuzzerMutantEnv) + "=" + SwitchName(mutant));
    argv.push_back(std::string(kFuzzerSeedEnv) + "=" + std::to_string(o.seed));
    argv.push_back(o.fuzzer);
    return {argv, dir + "/run.log"};
  }
  std::vector<std::string> argv = {o.self_exe, "run", col.file, "--seed", std::to_string(o.seed), "--out", dir};
  if (!mutant.empty()) {
    argv.push_back("--mutant");
    argv.push_back(mutant);
  }
  return {argv, dir + "/run.log"};
}

struct Task {
  std::size_t row;  // index into mutants, or npos for the baseline
  std::size_t col;
};

constexpr std::size_t kBaselineRow = static_cast<std::size_t>(-1);

char Mark(Cell c) {
  switch (c) {
    case Cell::kKilled: return 'K';
    case Cell::kSurvived: return '.';
    case Cell::kError: return 'E';
    case Cell::kNotRun: break;
  }
  return '-';
}

std::string Join(const std::vector<std::string>& v, std::size_t limit) {
  std::string s;
  for (std::size_t i = 0; i < v.size() && i < limit; ++i) s += (i ? ", " : "") + v[i];
  if (v.size() > limit) s += ", ...";
  return s;
}

char BaselineMark(Cell c) { return c == Cell::kSurvived ? 'p' : c == Cell::kKilled ? 'F' : Mark(c); }

// A table cell's text: '|' would end the cell.
std::string MarkdownCell(std::string s) {
  for (std::size_t i = s.find('|'); i != std::string::npos; i = s.find('|', i + 2)) s.replace(i, 1, "\\|");
  return s;
}

// OUT/mutants.md: the printed matrix as a Markdown table (a CI artifact one can read in a browser).
bool WriteMarkdown(const std::string& file, const MutantsCommandOptions& o, const std::vector<Column>& cols,
                   const std::vector<CellResult>& baseline, bool show_baseline,
                   const std::vector<std::vector<CellResult>>& matrix, const std::vector<std::string>& killed_by,
                   const std::string& summary) {
  std::ofstream md(file, std::ios::trunc);
  md << "# Kill matrix\n\nSeed " << o.seed << ". K killed, . survived, - not run, E error; unmutated: p passed, "
     << "F failed.\n\nColumns:";
  for (std::size_t c = 0; c < cols.size(); ++c) md << (c ? "," : "") << " " << (c + 1) << " `" << cols[c].name << "`";
  md << "\n\n| mutant |";
  for (std::size_t c = 0; c < cols.size(); ++c) md << " " << (c + 1) << " |";
  md << " killed by |\n|---|";
  for (std::size_t c = 0; c < cols.size(); ++c) md << ":-:|";
  md << "---|\n";
  if (show_baseline) {
    md << "| (unmutated) |";
    for (const CellResult& b : baseline) md << " " << BaselineMark(b.cell) << " |";
    md << " |\n";
  }
  for (std::size_t r = 0; r < matrix.size(); ++r) {
    md << "| " << o.mutants[r] << " |";
    for (const CellResult& cr : matrix[r]) md << " " << Mark(cr.cell) << " |";
    md << " " << MarkdownCell(killed_by[r]) << " |\n";
  }
  md << "\n" << summary;
  return static_cast<bool>(md);
}

}  // namespace

int RunMutantsCommand(const MutantsCommandOptions& o, std::ostream& out, std::ostream& err) {
  std::vector<Column> cols;
  for (const auto& [file, name] : o.scenarios) cols.push_back({name, file});
  if (!o.fuzzer.empty()) cols.push_back({std::string(kFuzzerColumn), ""});
  const std::size_t rows = o.mutants.size();
  std::vector<std::vector<CellResult>> matrix(rows, std::vector<CellResult>(cols.size()));
  std::vector<CellResult> baseline(cols.size());

  out << "sfusim mutants: " << rows << " mutants x " << cols.size() << " columns (" << o.scenarios.size()
      << " scenarios" << (o.fuzzer.empty() ? "" : " + fuzzer") << "), seed " << o.seed << ", " << o.jobs
      << " jobs" << (o.first_kill ? ", stopping each mutant at its first kill" : "") << ", results in " << o.out_dir
      << "\n"
      << std::flush;

  auto run = [&](const std::vector<Task>& tasks) {
    std::vector<ProcessJob> jobs;
    std::vector<std::string> results(tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      const Task& t = tasks[i];
      jobs.push_back(JobFor(o, cols[t.col], t.row == kBaselineRow ? "" : o.mutants[t.row], &results[i]));
    }
    RunProcesses(jobs, {o.jobs, o.timeout_s}, [&](std::size_t i, const ProcessOutcome& p) {
      const Task& t = tasks[i];
      CellResult r = Judge(p, results[i], jobs[i].log_file, cols[t.col].file.empty());
      const bool unmutated = t.row == kBaselineRow;
      const std::string who = unmutated ? std::string("baseline") : o.mutants[t.row];
      out << "  " << who << " x " << cols[t.col].name << ": "
          << (r.cell == Cell::kKilled ? (unmutated ? "FAILED (" : "killed (") + Join(r.killers, kKillersShown) + ")"
              : r.cell == Cell::kSurvived ? std::string(unmutated ? "passed" : "survived")
                                          : "error (" + Join(r.killers, kKillersShown) + "; log " + jobs[i].log_file + ")")
          << "\n"
          << std::flush;
      (t.row == kBaselineRow ? baseline[t.col] : matrix[t.row][t.col]) = std::move(r);
    });
  };

  // The fuzzer column is evidence of its own: it runs for every mutant (first_kill stops only the
  // scenario columns), and its unmutated run always runs (skip_baseline skips the scenarios'),
  // since a fuzzer kill means nothing when the unmutated model fails it too. Its cells go with
  // the first batch, so they fill the jobs while the scenario runs go on.
  const std::size_t scenario_cols = o.scenarios.size();
  const bool has_fuzzer = !o.fuzzer.empty();
  auto baseline_runs = [&](std::size_t c) { return !o.skip_baseline || c >= scenario_cols; };
  std::vector<Task> pending;
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (baseline_runs(c)) pending.push_back({kBaselineRow, c});
  }
  if (has_fuzzer) {
    for (std::size_t r = 0; r < rows; ++r) pending.push_back({r, scenario_cols});
  }
  if (o.first_kill) {
    std::vector<bool> alive(rows, true);
    for (std::size_t c = 0; c < scenario_cols; ++c) {
      std::vector<Task> tasks = std::move(pending);
      pending.clear();
      for (std::size_t r = 0; r < rows; ++r) {
        if (alive[r]) tasks.push_back({r, c});
      }
      if (!tasks.empty()) run(tasks);
      for (std::size_t r = 0; r < rows; ++r) {
        if (matrix[r][c].cell == Cell::kKilled) alive[r] = false;
      }
    }
  } else {
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = 0; c < scenario_cols; ++c) pending.push_back({r, c});
    }
  }
  if (!pending.empty()) run(pending);

  // The matrix: columns by number, their names in a legend.
  std::size_t width = 6;
  for (const std::string& m : o.mutants) width = std::max(width, m.size());
  out << "\nkill matrix (K killed, . survived, - not run, E error):\n";
  for (std::size_t c = 0; c < cols.size(); ++c) out << "  [" << (c + 1) << "] " << cols[c].name << "\n";
  auto pad = [](std::string s, std::size_t w) {
    s.resize(std::max(s.size(), w), ' ');
    return s;
  };
  out << pad("", width) << " ";
  for (std::size_t c = 0; c < cols.size(); ++c) out << " " << pad(std::to_string(c + 1), 2);
  out << "\n";
  if (!o.skip_baseline || has_fuzzer) {
    out << pad("(none)", width) << " ";
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const Cell b = baseline[c].cell;
      out << " " << pad(std::string(1, BaselineMark(b)), 2);
    }
    out << "   (p passed, F failed" << (o.skip_baseline ? ", - not run" : "") << ")\n";
  }
  bool error = false;
  std::vector<std::string> survivors;
  Json mj = Json::array();
  for (std::size_t r = 0; r < rows; ++r) {
    out << pad(o.mutants[r], width) << " ";
    bool killed = false;
    Json cells = Json::object();
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const CellResult& cr = matrix[r][c];
      out << " " << pad(std::string(1, Mark(cr.cell)), 2);
      killed = killed || cr.cell == Cell::kKilled;
      error = error || cr.cell == Cell::kError;
      if (cr.cell != Cell::kNotRun) {
        cells[cols[c].name] = {{"status", cr.cell == Cell::kKilled     ? "killed"
                                          : cr.cell == Cell::kSurvived ? "survived"
                                                                       : "error"},
                               {"by", cr.killers}};
      }
    }
    out << "\n";
    if (!killed) survivors.push_back(o.mutants[r]);
    mj.push_back({{"mutant", o.mutants[r]}, {"killed", killed}, {"cells", std::move(cells)}});
  }
  out << "\n";
  std::vector<std::string> killed_by(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    std::vector<std::string> by;
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const CellResult& cr = matrix[r][c];
      if (cr.cell == Cell::kKilled) by.push_back(cols[c].name + " (" + Join(cr.killers, kKillersShown) + ")");
    }
    killed_by[r] = by.empty() ? std::string("SURVIVED") : "killed by " + Join(by, 4);
    out << pad(o.mutants[r], width) << "  " << killed_by[r] << "\n";
  }
  std::vector<std::string> baseline_failed;
  for (std::size_t c = 0; c < cols.size(); ++c) {
    if (baseline_runs(c) && baseline[c].cell != Cell::kSurvived) baseline_failed.push_back(cols[c].name);
    error = error || baseline[c].cell == Cell::kError;
  }
  std::ostringstream summary;  // printed and written to mutants.md
  // The fuzzer column on its own: which mutants the stateful model kills.
  std::vector<std::string> fuzzer_killed, fuzzer_survived;
  if (has_fuzzer) {
    for (std::size_t r = 0; r < rows; ++r) {
      const Cell cell = matrix[r][scenario_cols].cell;
      if (cell == Cell::kKilled) fuzzer_killed.push_back(o.mutants[r]);
      if (cell == Cell::kSurvived) fuzzer_survived.push_back(o.mutants[r]);
    }
    const Cell b = baseline[scenario_cols].cell;
    summary << "fuzzer column: killed " << fuzzer_killed.size() << " of " << rows << " mutants"
            << (fuzzer_killed.empty() ? "" : " (" + Join(fuzzer_killed, fuzzer_killed.size()) + ")")
            << (fuzzer_survived.empty() ? "" : "; survived: " + Join(fuzzer_survived, fuzzer_survived.size()))
            << "; unmutated: " << (b == Cell::kSurvived ? "passed" : b == Cell::kKilled ? "FAILED" : "error") << "\n\n";
  }
  summary << "killed " << (rows - survivors.size()) << " of " << rows << " mutants";
  if (!survivors.empty()) summary << "; survived: " << Join(survivors, survivors.size());
  if (o.skip_baseline && !baseline_failed.empty()) {
    summary << "; scenario baselines not run; the UNMUTATED model failed: " << Join(baseline_failed, baseline_failed.size());
  } else if (o.skip_baseline && has_fuzzer) {
    summary << "; scenario baselines not run; the unmutated model passed the fuzzer";
  } else if (o.skip_baseline) {
    summary << "; baseline not run";
  } else {
    summary << (baseline_failed.empty() ? "; the unmutated model passed every column"
                                        : "; the UNMUTATED model failed: " + Join(baseline_failed, baseline_failed.size()));
  }
  summary << "\n";

  out << "\n" << summary.str();

  Json j;
  j["seed"] = o.seed;
  j["columns"] = Json::array();
  for (const Column& c : cols) j["columns"].push_back(c.name);
  j["baseline_failed"] = baseline_failed;
  j["baseline_run"] = !o.skip_baseline;
  j["mutants"] = std::move(mj);
  if (has_fuzzer) {
    const Cell b = baseline[scenario_cols].cell;
    j["fuzzer"] = {{"program", o.fuzzer},
                   {"baseline", b == Cell::kSurvived ? "passed" : b == Cell::kKilled ? "failed" : "error"},
                   {"killed", fuzzer_killed},
                   {"survived", fuzzer_survived}};
  }
  std::ofstream f(o.out_dir + "/mutants.json", std::ios::trunc);
  f << j.dump(2) << "\n";
  if (!f) {
    err << "sfusim mutants: cannot write " << o.out_dir << "/mutants.json\n";
    return 2;
  }
  if (!WriteMarkdown(o.out_dir + "/mutants.md", o, cols, baseline, !o.skip_baseline || has_fuzzer, matrix, killed_by,
                     summary.str())) {
    err << "sfusim mutants: cannot write " << o.out_dir << "/mutants.md\n";
    return 2;
  }
  if (error) return 2;
  return survivors.empty() && baseline_failed.empty() ? 0 : 1;
}

}  // namespace sfusim::scenario
