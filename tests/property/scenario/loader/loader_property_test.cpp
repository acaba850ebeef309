// Properties of the scenario loader and the command line over mutated input:
//   - LoadScenarioJson never throws or crashes on a valid scenario after random deletions,
//     replacements (any JSON value, NaN and infinities included, invalid UTF-8 strings) and
//     insertions of (often known) keys; it returns a model exactly when it returns no problem;
//   - every problem's pointer is "" (whole-file problems) or starts with "/", and resolves in the
//     document, except for a missing required field, whose parent resolves;
//   - LoadScenarioText does the same on the mutated document's text after byte-level damage
//     (truncation, flipped and inserted bytes), and its pointers are "" or "/...";
//   - a loaded model is stable: loading the same input twice gives the same model and problems;
//   - RunCli never throws on any argument list and answers 0 or 2, saying why when it refuses.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sfusim/scenario/cli.h"
#include "sfusim/scenario/scenario_limits.h"
#include "sfusim/scenario/scenario_loader.h"
#include "sfusim/scenario/vocabulary.h"

using nlohmann::json;
using namespace sfusim::scenario;  // NOLINT: test file
namespace fs = std::filesystem;

namespace {

const fs::path kLibraryDir = fs::path(SFUSIM_SOURCE_DIR) / "scenarios" / "library";

// Valid starting points: the library, plus one with every action (video allowed or not, the
// loader must survive it).
const std::vector<json>& Seeds() {
  static const std::vector<json> seeds = [] {
    std::vector<json> out;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kLibraryDir)) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      std::ifstream in(f);
      std::stringstream text;
      text << in.rdbuf();
      out.push_back(json::parse(text.str()));
    }
    out.push_back(json::parse(R"({
      "name": "all-actions", "duration_s": 60,
      "sfu": {"workers": 3, "channels": [{"id": "lobby"}, {"id": "stage", "opus": {"bitrate": 24000}}]},
      "participants": [{"id": "a"}, {"id": "b", "client": "desktop", "publish": ["microphone", "screen"],
                        "screen": {"path": "native", "tier": "720p"}},
                       {"id": "c", "publish": ["microphone", "camera"], "camera": {"width": 320, "height": 180}},
                       {"id": "d", "join_at_s": 50}],
      "network": {"default": {"delay_ms": 10, "capacity_kbps": 5000, "queue_ms": 100},
                  "links": {"a->sfu": {"loss": 0.1, "burst_len": 2, "capacity_trace": [[1, 500], [2, 900]]}}},
      "timeline": [
        {"at_s": 1, "action": "set_link", "link": "sfu->b", "jitter_ms": 5, "reorder": true},
        {"at_s": 2, "action": "partition", "participant": "c", "for_s": 1},
        {"at_s": 3, "action": "restart_sfu", "down_s": 1},
        {"at_s": 4, "action": "crash_worker", "worker": 2},
        {"at_s": 5, "action": "disconnect_signaling", "participant": "a"},
        {"at_s": 6, "action": "join", "participant": "d", "channel": "stage"},
        {"at_s": 7, "action": "leave", "participant": "d"},
        {"at_s": 8, "action": "switch_channel", "participant": "a", "channel": "stage"},
        {"at_s": 9, "action": "mute", "participant": "b"},
        {"at_s": 10, "action": "unmute", "participant": "b"},
        {"at_s": 11, "action": "camera_on", "participant": "c"},
        {"at_s": 12, "action": "camera_off", "participant": "c"},
        {"at_s": 13, "action": "screen_on", "participant": "b", "path": "browser"},
        {"at_s": 14, "action": "screen_off", "participant": "b"},
        {"at_s": 15, "action": "set_channel_codec", "channel": "lobby", "opus": {"dtx": true}},
        {"at_s": 16, "action": "encoder_faults", "participant": "b", "kind": "send_error", "for_s": 2},
        {"at_s": 17, "action": "send_raw", "participant": "a", "message": {"type": "x"}, "count": 5, "interval_ms": 100}
      ],
      "expect": {"invariants": ["ssrc_unique"],
                 "slo": [{"metric": "audio.recovery_s", "after": "restart_sfu", "max": 3},
                         {"metric": "video.fps", "participant": "a", "from": "c", "min": 20}],
                 "events": [{"name": "media_restored", "participant": "a", "between_s": [3, 6]}]}
    })"));
    return out;
  }();
  return seeds;
}

// Words the loader knows, so that mutations often land on meaningful keys and values.
std::vector<std::string> KnownWords() {
  std::vector<std::string> words = {"all", "lobby", "stage", "a", "b", "alice", "bob", "sfu", "a->sfu", "sfu->a",
                                    "sfu->", "->sfu", "", "native", "browser", "720p", "x/y~z"};
  for (auto list : {std::span<const std::string_view>(kScenarioFields), std::span<const std::string_view>(kSfuFields),
                    std::span<const std::string_view>(kParticipantFields), std::span<const std::string_view>(kLinkFields),
                    std::span<const std::string_view>(kActionNames), std::span<const std::string_view>(kSloFields),
                    std::span<const std::string_view>(kPublishKindNames), std::span<const std::string_view>(kInvariantNames)}) {
    for (std::string_view w : list) words.emplace_back(w);
  }
  for (const MetricInfo& m : kMetrics) words.emplace_back(m.name);
  for (const char* w : {"participant", "channel", "for_s", "down_s", "worker", "link", "message", "count",
                        "interval_ms", "kind", "opus", "path", "between_s", "id", "at_s", "action"}) {
    words.emplace_back(w);
  }
  return words;
}

rc::Gen<std::string> GenWord() {
  return rc::gen::oneOf(rc::gen::elementOf(KnownWords()), rc::gen::arbitrary<std::string>());
}

rc::Gen<json> GenScalar() {
  return rc::gen::oneOf(
      rc::gen::just(json(nullptr)), rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return json(b); }),
      rc::gen::map(rc::gen::arbitrary<int64_t>(), [](int64_t v) { return json(v); }),
      rc::gen::map(rc::gen::inRange<int64_t>(-3, 70), [](int64_t v) { return json(v); }),
      rc::gen::map(rc::gen::arbitrary<uint64_t>(), [](uint64_t v) { return json(v); }),
      rc::gen::map(rc::gen::arbitrary<double>(), [](double v) { return json(v); }),
      rc::gen::map(rc::gen::element(0.0, 0.5, 1.0, -1.0, 1.5, 2.0, 30.0, 1e300, -1e300,
                                    std::numeric_limits<double>::quiet_NaN(),
                                    std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity()),
                   [](double v) { return json(v); }),
      rc::gen::map(GenWord(), [](std::string s) { return json(std::move(s)); }));
}

rc::Gen<json> GenValue() {
  return rc::gen::oneOf(
      GenScalar(), rc::gen::exec([] {
        json a = json::array();
        int n = *rc::gen::inRange(0, 4);
        for (int i = 0; i < n; ++i) a.push_back(*GenScalar());
        return a;
      }),
      rc::gen::exec([] {
        json o = json::object();
        int n = *rc::gen::inRange(0, 4);
        for (int i = 0; i < n; ++i) o[*GenWord()] = *GenScalar();
        return o;
      }));
}

void Collect(const json& v, const json::json_pointer& at, std::vector<json::json_pointer>& out) {
  out.push_back(at);
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) Collect(*it, at / it.key(), out);
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i) Collect(v[i], at / i, out);
  }
}

// One random edit somewhere in the document.
void Mutate(json& doc) {
  std::vector<json::json_pointer> places;
  Collect(doc, json::json_pointer(), places);
  const json::json_pointer& at = places[*rc::gen::inRange<std::size_t>(0, places.size())];
  switch (*rc::gen::inRange(0, 4)) {
    case 0: {  // delete
      if (at.empty()) return;
      json& parent = doc[at.parent_pointer()];
      if (parent.is_object()) {
        parent.erase(at.back());
      } else if (parent.is_array()) {
        parent.erase(static_cast<std::size_t>(std::stoul(at.back())));
      }
      return;
    }
    case 1:  // replace with anything
      doc[at] = *GenValue();
      return;
    case 2: {  // add a key (often a known one) to an object, or an element to an array
      json& target = doc[at];
      if (target.is_object()) {
        target[*GenWord()] = *GenValue();
      } else if (target.is_array()) {
        target.push_back(target.empty() ? *GenValue() : target[*rc::gen::inRange<std::size_t>(0, target.size())]);
      }
      return;
    }
    default: {  // copy one value over another (keeps the values plausible)
      const json::json_pointer& from = places[*rc::gen::inRange<std::size_t>(0, places.size())];
      json copy = doc[from];
      doc[at] = std::move(copy);
      return;
    }
  }
}

bool Resolves(const json& doc, const std::string& pointer) {
  try {
    return doc.contains(json::json_pointer(pointer));
  } catch (const json::exception&) {
    return false;
  }
}

std::string ParentOf(const std::string& pointer) { return pointer.substr(0, pointer.rfind('/')); }

void CheckResult(const LoadResult& r) {
  RC_ASSERT(r.ok() == r.problems.empty());
  RC_ASSERT(r.problems.size() <= kMaxProblems + 1);
  for (const Problem& p : r.problems) {
    RC_ASSERT(!p.code.empty());
    RC_ASSERT(!p.message.empty());
    RC_ASSERT((p.pointer.empty() || p.pointer[0] == '/'));
  }
}

}  // namespace

TEST_CASE("loader: mutated scenarios never crash, and every problem points into the document", "[property][loader]") {
  rc::prop("LoadScenarioJson on a mutated scenario", [] {
    json doc = *rc::gen::elementOf(Seeds());
    int edits = *rc::gen::inRange(1, 6);
    for (int i = 0; i < edits; ++i) Mutate(doc);
    LoadOptions options{.allow_unsupported = *rc::gen::arbitrary<bool>()};
    LoadResult r = LoadScenarioJson(doc, options);
    RC_TAG(r.problems.empty() ? std::string("valid") : r.problems.front().code);
    CheckResult(r);
    for (const Problem& p : r.problems) {
      if (p.code == "too_many_problems") continue;
      RC_LOG() << p.code << " " << p.ToString() << "\n";
      if (p.code == "missing_field") {
        RC_ASSERT(Resolves(doc, ParentOf(p.pointer)));
      } else {
        RC_ASSERT(Resolves(doc, p.pointer));
      }
    }
    // Deterministic: the same input, the same answer.
    LoadResult again = LoadScenarioJson(doc, options);
    RC_ASSERT(again.problems == r.problems);
    RC_ASSERT(again.scenario == r.scenario);
  });
}

TEST_CASE("loader: damaged text never crashes", "[property][loader]") {
  rc::prop("LoadScenarioText on mutated, then byte-damaged text", [] {
    json doc = *rc::gen::elementOf(Seeds());
    if (*rc::gen::arbitrary<bool>()) Mutate(doc);
    std::string text = doc.dump(*rc::gen::element(-1, 2), ' ', false, json::error_handler_t::replace);
    int damage = *rc::gen::inRange(0, 4);
    for (int i = 0; i < damage && !text.empty(); ++i) {
      std::size_t at = *rc::gen::inRange<std::size_t>(0, text.size());
      switch (*rc::gen::inRange(0, 3)) {
        case 0: text.resize(at); break;
        case 1: text[at] = *rc::gen::arbitrary<char>(); break;
        default: text.insert(at, *rc::gen::element<std::string>("{", "}", "[", "]", ",", "\"", "\\", ":", "\xff", "1e999")); break;
      }
    }
    LoadResult r = LoadScenarioText(text);
    RC_TAG(r.problems.empty() ? std::string("valid") : r.problems.front().code);
    CheckResult(r);
    for (const Problem& p : r.problems) {
      if (p.code == "invalid_json") RC_ASSERT(p.message.rfind("line ", 0) == 0);
    }
  });
}

TEST_CASE("loader: undamaged seeds load (the property starts from valid input)", "[property][loader]") {
  for (const json& seed : Seeds()) {
    LoadResult r = LoadScenarioJson(seed, LoadOptions{.allow_unsupported = true});
    INFO(seed.value("name", std::string("?")));
    for (const Problem& p : r.problems) INFO(p.ToString());
    CHECK(r.ok());
  }
}

TEST_CASE("cli: no argument list throws, and every refusal says why", "[property][cli]") {
  rc::prop("RunCli on random argument lists", [] {
    std::vector<std::string> alphabet = {"run", "sweep", "validate", "list", "report", "mutants", "check-determinism",
                                         "demo", "help", "--help", "-h", "--", "-", "--seed", "--seeds", "--shard",
                                         "--jobs", "--out", "--mutant", "--pcap", "--trace", "--junit", "--baseline",
                                         "1", "0..5", "5..0", "1/2", "2/2", "=", "--seed=", "--seeds=1..2",
                                         (kLibraryDir / "audio-clean-call.json").string(), kLibraryDir.string()};
    std::vector<std::string> args;
    int n = *rc::gen::inRange(0, 7);
    for (int i = 0; i < n; ++i) {
      args.push_back(*rc::gen::oneOf(rc::gen::elementOf(alphabet), rc::gen::arbitrary<std::string>()));
    }
    std::ostringstream out;
    std::ostringstream err;
    CliEnvironment env;
    env.library_dir = kLibraryDir.string();
    env.run_demo = [](const DemoOptions&, std::ostream&, std::ostream&) { return 0; };
    int code = RunCli(args, out, err, env);
    RC_ASSERT((code == 0 || code == 2));
    if (code == 2) RC_ASSERT(!err.str().empty());
  });
}
