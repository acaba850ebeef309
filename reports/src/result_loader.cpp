#include "sfusim/reports/result_loader.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

namespace sfusim::reports {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string Num(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// "/a/b" with '~' and '/' escaped as RFC 6901 says.
std::string PointerAppend(const std::string& base, const std::string& token) {
  std::string out = base + "/";
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

class Reader {
 public:
  Reader(std::string file, std::vector<FileProblem>& problems) : file_(std::move(file)), problems_(problems) {}

  void Problem(const std::string& pointer, const std::string& message) {
    problems_.push_back({file_, pointer, message});
  }

  // The member `key` of `obj` when it has the expected type; a problem when present with another.
  const json* Get(const json& obj, const std::string& base, const char* key, json::value_t want, const char* what,
                  bool required) {
    auto it = obj.find(key);
    if (it == obj.end() || (it->is_null() && !required)) {
      if (required) Problem(PointerAppend(base, key), std::string("missing (expected ") + what + ")");
      return nullptr;
    }
    bool ok = it->type() == want || (want == json::value_t::number_float && it->is_number()) ||
              (want == json::value_t::number_unsigned && it->is_number_unsigned());
    if (!ok) {
      Problem(PointerAppend(base, key), std::string("expected ") + what + ", got " + it->type_name());
      return nullptr;
    }
    return &*it;
  }

  std::optional<std::string> String(const json& obj, const std::string& base, const char* key, bool required) {
    const json* v = Get(obj, base, key, json::value_t::string, "a string", required);
    if (!v) return std::nullopt;
    return v->get<std::string>();
  }
  std::optional<double> Number(const json& obj, const std::string& base, const char* key, bool required) {
    const json* v = Get(obj, base, key, json::value_t::number_float, "a number", required);
    if (!v) return std::nullopt;
    return v->get<double>();
  }
  std::optional<bool> Bool(const json& obj, const std::string& base, const char* key, bool required) {
    const json* v = Get(obj, base, key, json::value_t::boolean, "true or false", required);
    if (!v) return std::nullopt;
    return v->get<bool>();
  }
  const json* Array(const json& obj, const std::string& base, const char* key) {
    return Get(obj, base, key, json::value_t::array, "an array", false);
  }
  const json* Object(const json& obj, const std::string& base, const char* key) {
    return Get(obj, base, key, json::value_t::object, "an object", false);
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<FileProblem>& problems_;
};

std::optional<json> ParseJson(const std::string& text, Reader& reader) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    reader.Problem("", std::string("not valid JSON: ") + e.what());
  } catch (const std::exception& e) {
    reader.Problem("", std::string("not valid JSON: ") + e.what());
  }
  return std::nullopt;
}

std::string OwnerOf(const std::vector<std::string>& path) {
  if (path.size() == 4 && path[0] == "participants" && path[2] == "streams") return path[1] + " <- " + path[3];
  if (path.empty()) return "run";
  std::string out;
  for (const std::string& p : path) out += (out.empty() ? "" : "/") + p;
  return out;
}

void ReadSeries(const json& series, const std::string& pointer, const std::vector<std::string>& path, RunRecord& run,
                Reader& reader) {
  for (auto it = series.begin(); it != series.end(); ++it) {
    std::string p = PointerAppend(pointer, it.key());
    Series s;
    s.owner = OwnerOf(path);
    s.name = it.key();
    const json* values = nullptr;
    if (it->is_array()) {
      values = &*it;
    } else if (it->is_object()) {
      values = reader.Array(*it, p, "values");
      if (!values) {
        if (!it->contains("values")) reader.Problem(PointerAppend(p, "values"), "missing (expected an array)");
        continue;
      }
      if (auto start = reader.Number(*it, p, "start_s", false)) s.start_s = *start;
      std::optional<double> step = reader.Number(*it, p, "step_s", false);
      if (!step) step = reader.Number(*it, p, "interval_s", false);
      if (step) {
        if (*step > 0 && std::isfinite(*step)) {
          s.step_s = *step;
        } else {
          reader.Problem(PointerAppend(p, "step_s"), "expected a positive number, got " + Num(*step));
        }
      }
    } else {
      reader.Problem(p, std::string("expected a series object {start_s, values}, got ") + it->type_name());
      continue;
    }
    if (values->size() > kMaxSeriesValues) {
      reader.Problem(PointerAppend(p, "values"), "more than " + std::to_string(kMaxSeriesValues) + " values");
      continue;
    }
    s.values.reserve(values->size());
    std::size_t i = 0;
    for (const json& v : *values) {
      if (v.is_number()) {
        s.values.push_back(v.get<double>());
      } else {
        if (!v.is_null()) {
          reader.Problem(PointerAppend(PointerAppend(p, "values"), std::to_string(i)),
                         std::string("expected a number or null, got ") + v.type_name());
        }
        s.values.push_back(kNaN);
      }
      ++i;
    }
    run.series.push_back(std::move(s));
  }
}

void WalkMetrics(const json& node, const std::string& pointer, std::vector<std::string>& path, RunRecord& run,
                 Reader& reader) {
  if (path.size() > 32) return;  // deeper than any real result: stop rather than recurse forever
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& key = it.key();
    std::string p = PointerAppend(pointer, key);
    if (key == "series") {
      if (it->is_object()) {
        ReadSeries(*it, p, path, run, reader);
      } else {
        reader.Problem(p, std::string("expected an object of series, got ") + it->type_name());
      }
      continue;
    }
    if (it->is_number()) {
      std::string name;
      for (const std::string& part : path) name += part + "/";
      run.metrics[name + key] = it->get<double>();
    } else if (it->is_object()) {
      path.push_back(key);
      WalkMetrics(*it, p, path, run, reader);
      path.pop_back();
    }
  }
}

std::string SloKey(const json& slo) {
  auto str = [&](const char* k) {
    auto it = slo.find(k);
    return it != slo.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string key = str("metric");
  if (!str("participant").empty()) key += " participant=" + str("participant");
  if (!str("from").empty()) key += " from=" + str("from");
  if (!str("after").empty()) key += " after=" + str("after");
  return key;
}

void ReadVerdicts(const json& doc, RunRecord& run, Reader& reader) {
  if (const json* invariants = reader.Array(doc, "", "invariants")) {
    for (std::size_t i = 0; i < invariants->size(); ++i) {
      const json& v = (*invariants)[i];
      std::string p = "/invariants/" + std::to_string(i);
      if (!v.is_object()) {
        reader.Problem(p, "expected an object");
        continue;
      }
      auto name = reader.String(v, p, "name", true);
      auto passed = reader.Bool(v, p, "passed", true);
      if (!name || !passed) continue;
      run.verdicts["invariant/" + *name] = *passed;
      if (*passed) continue;
      std::string line = "invariant " + *name + " violated";
      if (const json* first = reader.Object(v, p, "first_violation")) {
        std::string fp = p + "/first_violation";
        if (auto at = reader.Number(*first, fp, "at_s", false)) line += " at " + Num(*at) + " s";
        if (auto detail = reader.String(*first, fp, "detail", false)) line += ": " + *detail;
      }
      run.failures.push_back(line);
    }
  }
  if (const json* slos = reader.Array(doc, "", "slo")) {
    for (std::size_t i = 0; i < slos->size(); ++i) {
      const json& s = (*slos)[i];
      std::string p = "/slo/" + std::to_string(i);
      if (!s.is_object()) {
        reader.Problem(p, "expected an object");
        continue;
      }
      auto metric = reader.String(s, p, "metric", true);
      auto passed = reader.Bool(s, p, "passed", true);
      if (!metric || !passed) continue;
      std::string key = SloKey(s);
      run.verdicts["slo/" + key] = *passed;
      std::optional<double> value = reader.Number(s, p, "value", false);
      if (value) run.metrics["slo/" + key] = *value;
      if (*passed) continue;
      std::string line = "slo " + key + ": value " + (value ? Num(*value) : std::string("null"));
      if (const json* bound = reader.Object(s, p, "bound")) {
        if (auto min = reader.Number(*bound, p + "/bound", "min", false)) line += ", min " + Num(*min);
        if (auto max = reader.Number(*bound, p + "/bound", "max", false)) line += ", max " + Num(*max);
      }
      if (auto note = reader.String(s, p, "note", false)) line += " (" + *note + ")";
      run.failures.push_back(line);
    }
  }
  if (const json* events = reader.Array(doc, "", "expected_events")) {
    for (std::size_t i = 0; i < events->size(); ++i) {
      const json& e = (*events)[i];
      std::string p = "/expected_events/" + std::to_string(i);
      if (!e.is_object()) {
        reader.Problem(p, "expected an object");
        continue;
      }
      auto name = reader.String(e, p, "name", true);
      auto passed = reader.Bool(e, p, "passed", true);
      if (!name || !passed) continue;
      std::string who = reader.String(e, p, "participant", false).value_or("");
      run.verdicts["event/" + *name + (who.empty() ? "" : " " + who)] = *passed;
      if (!*passed) run.failures.push_back("expected event " + *name + (who.empty() ? "" : " of " + who) + " did not happen");
    }
  }
}

void ReadEvents(const json& doc, RunRecord& run, Reader& reader) {
  const json* events = reader.Array(doc, "", "events");
  if (!events) return;
  for (std::size_t i = 0; i < events->size() && run.marks.size() < kMaxMarksPerRun; ++i) {
    const json& e = (*events)[i];
    std::string p = "/events/" + std::to_string(i);
    if (!e.is_object()) {
      reader.Problem(p, "expected an object");
      continue;
    }
    auto at = reader.Number(e, p, "at_s", true);
    auto name = reader.String(e, p, "name", true);
    if (!at || !name) continue;
    std::string label = *name;
    if (auto who = reader.String(e, p, "participant", false); who && !who->empty()) label = *who + ": " + label;
    if (auto reason = reader.String(e, p, "reason", false); reason && !reason->empty()) label += " (" + *reason + ")";
    run.marks.push_back({*at, "event", label});
  }
}

void ReadTimeline(const json& timeline, const std::string& base, RunRecord& run, Reader& reader) {
  for (std::size_t i = 0; i < timeline.size() && run.marks.size() < kMaxMarksPerRun; ++i) {
    const json& a = timeline[i];
    std::string p = base + "/" + std::to_string(i);
    if (!a.is_object()) continue;
    auto at = reader.Number(a, p, "at_s", false);
    auto action = reader.String(a, p, "action", false);
    if (!at || !action) continue;
    std::string label = *action;
    for (const char* k : {"participant", "link", "worker", "channel", "kind"}) {
      auto it = a.find(k);
      if (it == a.end()) continue;
      label += std::string(" ") + k + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
    }
    run.marks.push_back({*at, "action", label});
  }
}

std::optional<std::string> ReadFile(const std::string& path, Reader& reader) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) {
    reader.Problem("", "cannot read: " + ec.message());
    return std::nullopt;
  }
  if (size > kMaxResultFileBytes) {
    reader.Problem("", "larger than " + std::to_string(kMaxResultFileBytes) + " bytes");
    return std::nullopt;
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    reader.Problem("", "cannot open");
    return std::nullopt;
  }
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// The scenario file of a reproduce line "sfusim run FILE --seed N ...".
std::string ScenarioFromReproduce(const std::string& reproduce) {
  std::istringstream in(reproduce);
  std::string word;
  while (in >> word) {
    if (word == "run" || word == "check-determinism") {
      std::string file;
      if (in >> file) return file;
    }
  }
  return "";
}

// Timeline actions from the scenario file (parsed once per path).
void MarkTimelineFromScenario(RunRecord& run, std::map<std::string, std::optional<json>>& cache) {
  std::string path = !run.scenario_file.empty() ? run.scenario_file : ScenarioFromReproduce(run.reproduce);
  if (path.empty()) return;
  auto it = cache.find(path);
  if (it == cache.end()) {
    std::optional<json> timeline;
    std::vector<FileProblem> ignored;  // a scenario file that moved only costs the action marks
    Reader reader(path, ignored);
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      if (auto text = ReadFile(path, reader)) {
        if (auto doc = ParseJson(*text, reader); doc && doc->is_object()) {
          auto t = doc->find("timeline");
          if (t != doc->end() && t->is_array()) timeline = *t;
        }
      }
    }
    it = cache.emplace(path, std::move(timeline)).first;
  }
  if (it->second) {
    std::vector<FileProblem> ignored;
    Reader reader(path, ignored);
    ReadTimeline(*it->second, "/timeline", run, reader);
  }
}

void SortMarks(RunRecord& run) {
  std::stable_sort(run.marks.begin(), run.marks.end(),
                   [](const TimeMark& a, const TimeMark& b) { return a.at_s < b.at_s; });
}

bool ReadIdentity(const json& doc, RunRecord& run, Reader& reader) {
  auto scenario = reader.String(doc, "", "scenario", true);
  const json* seed = reader.Get(doc, "", "seed", json::value_t::number_unsigned, "a non-negative integer", true);
  if (!scenario || !seed) return false;
  run.scenario = *scenario;
  run.seed = seed->get<uint64_t>();
  run.mutant = reader.String(doc, "", "mutant", false).value_or("");
  run.reproduce = reader.String(doc, "", "reproduce", false).value_or("");
  return true;
}

std::optional<RunRecord> ParseOutcome(const std::string& text, const std::string& file,
                                      std::vector<FileProblem>& problems) {
  Reader reader(file, problems);
  std::optional<json> doc = ParseJson(text, reader);
  if (!doc) return std::nullopt;
  if (!doc->is_object()) {
    reader.Problem("", std::string("expected an object, got ") + doc->type_name());
    return std::nullopt;
  }
  RunRecord run;
  run.file = file;
  if (!ReadIdentity(*doc, run, reader)) return std::nullopt;
  run.status = reader.String(*doc, "", "status", true).value_or("error");
  run.passed = run.status == "passed";
  run.scenario_file = reader.String(*doc, "", "scenario_file", false).value_or("");
  run.wall_s = reader.Number(*doc, "", "wall_s", false).value_or(0);
  if (auto message = reader.String(*doc, "", "message", false); message && !message->empty()) {
    run.failures.push_back(*message);
  }
  return run;
}

}  // namespace

std::string FileProblem::ToString() const {
  return pointer.empty() ? file + ": " + message : file + ": " + pointer + ": " + message;
}

std::string RunRecord::Key() const {
  return scenario + " seed " + std::to_string(seed) + (mutant.empty() ? "" : " mutant " + mutant);
}

std::optional<RunRecord> ParseResultText(const std::string& text, const std::string& file,
                                         std::vector<FileProblem>& problems) {
  Reader reader(file, problems);
  std::optional<json> doc = ParseJson(text, reader);
  if (!doc) return std::nullopt;
  if (!doc->is_object()) {
    reader.Problem("", std::string("expected an object, got ") + doc->type_name());
    return std::nullopt;
  }
  RunRecord run;
  run.file = file;
  if (!ReadIdentity(*doc, run, reader)) return std::nullopt;
  run.passed = reader.Bool(*doc, "", "passed", true).value_or(false);
  run.status = run.passed ? "passed" : "failed";
  run.trace_hash = reader.String(*doc, "", "trace_hash", false).value_or("");
  run.sim_s = reader.Number(*doc, "", "sim_s", false).value_or(0);
  run.wall_s = reader.Number(*doc, "", "wall_s", false).value_or(0);
  ReadVerdicts(*doc, run, reader);
  ReadEvents(*doc, run, reader);
  if (const json* timeline = reader.Array(*doc, "", "timeline")) ReadTimeline(*timeline, "/timeline", run, reader);
  if (const json* metrics = reader.Object(*doc, "", "metrics")) {
    std::vector<std::string> path;
    WalkMetrics(*metrics, "/metrics", path, run, reader);
  }
  SortMarks(run);
  return run;
}

ResultSet LoadResults(const std::vector<std::string>& dirs) {
  ResultSet set;
  // directory -> (result.json, outcome.json), in path order
  std::vector<std::string> files;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    if (fs::is_regular_file(dir, ec)) {
      files.push_back(dir);
      continue;
    }
    if (!fs::is_directory(dir, ec)) {
      set.problems.push_back({dir, "", "not a file or directory of results"});
      continue;
    }
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      std::error_code fe;
      std::string name = it->path().filename().string();
      if ((name == "result.json" || name == "outcome.json") && it->is_regular_file(fe)) {
        found.push_back(it->path().string());
        if (found.size() > kMaxResultFiles) break;
      }
    }
    if (ec) set.problems.push_back({dir, "", "cannot read the directory: " + ec.message()});
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  if (files.size() > kMaxResultFiles) {
    set.problems.push_back({dirs.empty() ? "" : dirs.front(), "",
                            "more than " + std::to_string(kMaxResultFiles) + " result files; the rest are left out"});
    files.resize(kMaxResultFiles);
  }
  std::map<std::string, std::pair<std::string, std::string>> by_dir;  // dir -> (result, outcome)
  std::vector<std::string> dir_order;
  for (const std::string& f : files) {
    fs::path p(f);
    std::string d = p.parent_path().string();
    if (!by_dir.count(d)) dir_order.push_back(d);
    auto& slot = by_dir[d];
    if (p.filename() == "outcome.json") {
      slot.second = f;
    } else {
      slot.first = f;
    }
  }
  std::map<std::string, std::optional<json>> scenario_cache;
  std::set<std::string> seen;
  for (const std::string& d : dir_order) {
    const auto& [result_file, outcome_file] = by_dir[d];
    std::optional<RunRecord> outcome;
    if (!outcome_file.empty()) {
      Reader reader(outcome_file, set.problems);
      if (auto text = ReadFile(outcome_file, reader)) outcome = ParseOutcome(*text, outcome_file, set.problems);
    }
    std::optional<RunRecord> run;
    if (!result_file.empty()) {
      Reader reader(result_file, set.problems);
      if (auto text = ReadFile(result_file, reader)) run = ParseResultText(*text, result_file, set.problems);
    }
    if (run && outcome) {
      run->scenario_file = outcome->scenario_file;
      if (outcome->status != "passed" && outcome->status != "failed") {
        // The process died after writing its result: the death is what counts.
        run->status = outcome->status;
        run->passed = false;
        run->failures.insert(run->failures.begin(), outcome->failures.begin(), outcome->failures.end());
      }
    } else if (outcome) {
      if (outcome->status == "passed" || outcome->status == "failed") {
        outcome->status = "error";
        outcome->passed = false;
        outcome->failures.insert(outcome->failures.begin(), "the run wrote no result.json");
      }
      run = std::move(outcome);
    }
    if (!run) continue;
    if (!seen.insert(run->Key()).second) {
      set.problems.push_back({run->file, "", "a second result for " + run->Key() + " (the first by path is used)"});
      continue;
    }
    bool has_actions = std::any_of(run->marks.begin(), run->marks.end(),
                                   [](const TimeMark& m) { return m.kind == "action"; });
    if (!has_actions) {
      MarkTimelineFromScenario(*run, scenario_cache);
      SortMarks(*run);
    }
    set.runs.push_back(std::move(*run));
  }
  std::stable_sort(set.runs.begin(), set.runs.end(), [](const RunRecord& a, const RunRecord& b) {
    if (a.scenario != b.scenario) return a.scenario < b.scenario;
    if (a.mutant != b.mutant) return a.mutant < b.mutant;
    return a.seed < b.seed;
  });
  return set;
}

}  // namespace sfusim::reports
