#include "sfusim/scenario/scenario_loader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <utility>

#include "json_text.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/scenario/scenario_limits.h"
#include "sfusim/scenario/vocabulary.h"
#include "text_util.h"

namespace sfusim::scenario {
namespace {

using nlohmann::json;
using Names = std::span<const std::string_view>;

constexpr std::string_view kDefaultChannelId = "lobby";
constexpr double kMaxBurstLen = 1000;  // packets; far beyond any measured burst

std::string At(const std::string& pointer, std::string_view key) { return pointer + "/" + EscapePointerToken(key); }
std::string At(const std::string& pointer, std::size_t index) { return pointer + "/" + std::to_string(index); }

// "the string \"abc\"", "the number 2.5", "true", "null", "an array", "an object".
std::string Describe(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::string: return "the string " + Quote(v.get_ref<const std::string&>());
    case json::value_t::number_integer: return "the number " + std::to_string(v.get<int64_t>());
    case json::value_t::number_unsigned: return "the number " + std::to_string(v.get<uint64_t>());
    case json::value_t::number_float: return "the number " + FormatNumber(v.get<double>());
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "a binary value";
  }
}

// A number as the author wrote it (for "got ..." in range messages).
std::string NumberText(const json& v) {
  if (v.is_number_float()) return FormatNumber(v.get<double>());
  if (v.is_number()) return v.dump();
  return Describe(v);
}

std::string Range(double lo, double hi, bool lo_open = false) {
  return (lo_open ? "(" : "[") + FormatNumber(lo) + ", " + FormatNumber(hi) + "]";
}

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}

template <std::size_t N>
Names AsNames(const std::array<std::string_view, N>& names) {
  return Names(names.data(), names.size());
}

// Reads one scenario document into a Scenario, collecting every problem. One instance per load.
class Loader {
 public:
  explicit Loader(const LoadOptions& options) : options_(options) {}

  void Load(const json& root) {
    if (!root.is_object()) {
      Add("wrong_type", "", "a scenario must be a JSON object, got " + Describe(root));
      return;
    }
    CheckFields(root, "", AsNames(kScenarioFields));
    if (const json* v = Find(root, "$schema")) ReadString(*v, "/$schema", 1024);

    if (const json* v = Required(root, "", "name")) {
      if (auto name = ReadId(*v, "/name", kMaxScenarioNameChars)) s_.name = *name;
    }
    if (const json* v = Find(root, "description")) {
      if (auto d = ReadString(*v, "/description", kMaxDescriptionChars)) s_.description = *d;
    }
    if (const json* v = Required(root, "", "duration_s")) {
      if (auto d = ReadNumberIn(*v, "/duration_s", 0, kMaxDurationS, /*lo_open=*/true)) {
        s_.duration_s = *d;
        duration_known_ = true;
      }
    }
    LoadSfu(Find(root, "sfu"));
    if (const json* v = Required(root, "", "participants")) LoadParticipants(*v);
    LoadNetwork(Find(root, "network"));
    if (const json* v = Find(root, "timeline")) LoadTimeline(*v);
    CheckVoiceStates();
    if (const json* v = Find(root, "expect")) LoadExpect(*v);
    if (const json* v = Find(root, "fault_points")) LoadFaultPoints(*v);
    if (const json* v = Find(root, "swarm")) LoadSwarm(*v);
  }

  LoadResult Finish() {
    LoadResult result;
    if (overflow_) {
      problems_.push_back({"too_many_problems", "",
                           "more than " + std::to_string(kMaxProblems) + " problems; fix these first"});
    }
    result.problems = std::move(problems_);
    if (result.problems.empty()) result.scenario = std::move(s_);
    return result;
  }

 private:
  // ------------------------------------------------------------------------------------------
  // Problems and generic readers
  // ------------------------------------------------------------------------------------------
  void Add(std::string_view code, std::string pointer, std::string message) {
    if (problems_.size() >= kMaxProblems) {
      overflow_ = true;
      return;
    }
    problems_.push_back({std::string(code), std::move(pointer), std::move(message)});
  }

  static const json* Find(const json& object, std::string_view key) {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  }

  // The member, or null when absent (const json::operator[] must not be used on a missing key).
  static const json& Field(const json& object, std::string_view key) {
    static const json kNull;
    const json* v = Find(object, key);
    return v ? *v : kNull;
  }

  const json* Required(const json& object, const std::string& pointer, std::string_view key) {
    const json* v = Find(object, key);
    if (!v) Add("missing_field", At(pointer, key), "required field is missing");
    return v;
  }

  // Reports every key not in the allowed lists, with a suggestion when one is close.
  void CheckFields(const json& object, const std::string& pointer, Names a, Names b = {}, Names c = {}) {
    std::vector<std::string_view> allowed;
    for (Names names : {a, b, c}) allowed.insert(allowed.end(), names.begin(), names.end());
    for (auto it = object.begin(); it != object.end(); ++it) {
      const std::string& key = it.key();
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string_view close = ClosestMatch(key, allowed);
      std::string hint = close.empty() ? "expected one of: " + JoinNames(allowed) : "did you mean \"" + std::string(close) + "\"?";
      Add("unknown_field", At(pointer, key), "unknown field " + Quote(key) + " (" + hint + ")");
    }
  }

  bool ExpectObject(const json& v, const std::string& pointer) {
    if (v.is_object()) return true;
    Add("wrong_type", pointer, "expected an object, got " + Describe(v));
    return false;
  }

  bool ExpectArray(const json& v, const std::string& pointer, std::size_t max_items, std::size_t min_items = 0) {
    if (!v.is_array()) {
      Add("wrong_type", pointer, "expected an array, got " + Describe(v));
      return false;
    }
    if (v.size() > max_items) {
      Add("out_of_range", pointer, "at most " + std::to_string(max_items) + " entries, got " + std::to_string(v.size()));
    } else if (v.size() < min_items) {
      Add("out_of_range", pointer, "needs at least " + std::to_string(min_items) + " entr" + (min_items == 1 ? "y" : "ies"));
    }
    return true;
  }

  std::optional<std::string> ReadString(const json& v, const std::string& pointer, std::size_t max_chars) {
    if (!v.is_string()) {
      Add("wrong_type", pointer, "expected a string, got " + Describe(v));
      return std::nullopt;
    }
    const std::string& s = v.get_ref<const std::string&>();
    if (CountCodePoints(s) > max_chars) {
      Add("out_of_range", pointer, "at most " + std::to_string(max_chars) + " characters, got " +
                                       std::to_string(CountCodePoints(s)));
      return std::nullopt;
    }
    return s;
  }

  // Identifiers (scenario name, participant and channel ids) end up in file names and link names.
  std::optional<std::string> ReadId(const json& v, const std::string& pointer, std::size_t max_chars) {
    auto s = ReadString(v, pointer, max_chars);
    if (!s) return std::nullopt;
    if (s->empty() || !std::all_of(s->begin(), s->end(), IsIdChar)) {
      Add("invalid_value", pointer, "must be 1 to " + std::to_string(max_chars) +
                                        " characters from A-Z a-z 0-9 . _ -, got " + Quote(*s));
      return std::nullopt;
    }
    return s;
  }

  std::optional<double> ReadNumber(const json& v, const std::string& pointer) {
    if (!v.is_number()) {
      Add("wrong_type", pointer, "expected a number, got " + Describe(v));
      return std::nullopt;
    }
    double x = v.get<double>();
    if (!std::isfinite(x)) {  // only from a DOM built in code: JSON text has no NaN or infinity
      Add("out_of_range", pointer, "must be a finite number, got " + FormatNumber(x));
      return std::nullopt;
    }
    return x;
  }

  std::optional<double> ReadNumberIn(const json& v, const std::string& pointer, double lo, double hi,
                                     bool lo_open = false, std::string_view note = "") {
    auto x = ReadNumber(v, pointer);
    if (!x) return std::nullopt;
    if ((lo_open ? !(*x > lo) : !(*x >= lo)) || !(*x <= hi)) {
      Add("out_of_range", pointer, "must be in " + Range(lo, hi, lo_open) + std::string(note) + ", got " + FormatNumber(*x));
      return std::nullopt;
    }
    return x;
  }

  // A time in the scenario: [0, duration_s] (before the duration is known: [0, kMaxDurationS]).
  std::optional<double> ReadTime(const json& v, const std::string& pointer) {
    return ReadNumberIn(v, pointer, 0, TimeBound(), false, duration_known_ ? " (duration_s)" : "");
  }
  double TimeBound() const { return duration_known_ ? s_.duration_s : kMaxDurationS; }

  // JSON Schema's "integer": any number with no fractional part (2.0 included).
  std::optional<int64_t> ReadInteger(const json& v, const std::string& pointer, int64_t lo, int64_t hi) {
    std::optional<int64_t> x;
    if (v.is_number_integer() && !v.is_number_unsigned()) {
      x = v.get<int64_t>();
    } else if (v.is_number_unsigned()) {
      uint64_t u = v.get<uint64_t>();
      if (u <= static_cast<uint64_t>(hi)) x = static_cast<int64_t>(u);
    } else if (v.is_number_float()) {
      double d = v.get<double>();
      if (std::trunc(d) != d) {
        Add("wrong_type", pointer, "expected an integer, got " + Describe(v));
        return std::nullopt;
      }
      if (d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) x = static_cast<int64_t>(d);
    } else {
      Add("wrong_type", pointer, "expected an integer, got " + Describe(v));
      return std::nullopt;
    }
    if (!x || *x < lo || *x > hi) {
      Add("out_of_range", pointer, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                       "], got " + NumberText(v));
      return std::nullopt;
    }
    return x;
  }

  std::optional<bool> ReadBool(const json& v, const std::string& pointer) {
    if (!v.is_boolean()) {
      Add("wrong_type", pointer, "expected true or false, got " + Describe(v));
      return std::nullopt;
    }
    return v.get<bool>();
  }

  // The index of v's value in `names`. `noun` is "value" or "item" (array members).
  std::optional<std::size_t> ReadEnum(const json& v, const std::string& pointer, Names names,
                                      std::string_view noun = "value") {
    if (!v.is_string()) {
      Add("wrong_type", pointer, "expected a string (one of " + JoinNames(names) + "), got " + Describe(v));
      return std::nullopt;
    }
    const std::string& s = v.get_ref<const std::string&>();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == s) return i;
    }
    std::string_view close = ClosestMatch(s, names);
    std::string hint = "expected " + JoinNames(names);
    if (!close.empty()) hint += "; did you mean \"" + std::string(close) + "\"?";
    Add("unknown_value", pointer, "unknown " + std::string(noun) + " " + Quote(s) + " (" + hint + ")");
    return std::nullopt;
  }

  // ------------------------------------------------------------------------------------------
  // References
  // ------------------------------------------------------------------------------------------
  std::vector<std::string_view> ParticipantIds() const {
    std::vector<std::string_view> ids;
    for (const Participant& p : s_.participants) ids.push_back(p.id);
    return ids;
  }
  std::vector<std::string_view> ChannelIds() const {
    std::vector<std::string_view> ids;
    for (const Channel& c : s_.sfu.channels) ids.push_back(c.id);
    return ids;
  }

  std::string UnknownHint(const std::string& id, const std::vector<std::string_view>& known, std::string_view plural) {
    std::string_view close = ClosestMatch(id, known);
    if (!close.empty()) return " (did you mean \"" + std::string(close) + "\"?)";
    if (known.empty()) return "";
    return " (" + std::string(plural) + ": " + JoinNames(known, 10) + ")";
  }

  // Reads a participant reference; nullptr (after a problem, unless the cause was reported
  // already) when it names no participant.
  const Participant* ReadParticipantRef(const json& v, const std::string& pointer) {
    auto id = ReadString(v, pointer, kMaxParticipantIdChars);
    if (!id) return nullptr;
    const Participant* p = s_.FindParticipant(*id);
    if (!p && participants_complete_) {
      Add("unknown_reference", pointer, "unknown participant " + Quote(*id) + UnknownHint(*id, ParticipantIds(), "participants"));
    }
    return p;
  }

  const Channel* ReadChannelRef(const json& v, const std::string& pointer) {
    auto id = ReadString(v, pointer, protocol::kMaxChannelIdLength);
    if (!id) return nullptr;
    const Channel* c = s_.FindChannel(*id);
    if (!c && channels_complete_) {
      Add("unknown_reference", pointer, "unknown channel " + Quote(*id) + UnknownHint(*id, ChannelIds(), "channels in sfu.channels"));
    }
    return c;
  }

  // ------------------------------------------------------------------------------------------
  // fault_points and swarm (swarm_settings.h)
  // ------------------------------------------------------------------------------------------
  void LoadFaultPoints(const json& v) {
    const std::string pointer = "/fault_points";
    if (!ExpectObject(v, pointer)) return;
    CheckFields(v, pointer, AsNames(kFaultPointFields));
    FaultPointSettings f;
    f.until_s = std::max(0.0, s_.duration_s - kFaultQuietTailS);
    if (const json* x = Find(v, "lost_response")) f.lost_response = ReadNumberIn(*x, At(pointer, "lost_response"), 0, 1).value_or(0);
    if (const json* x = Find(v, "slow_worker")) {
      if (x->is_string()) {
        if (x->get_ref<const std::string&>() != "all") {
          Add("invalid_value", At(pointer, "slow_worker"), "expected a worker index or \"all\", got " + Describe(*x));
        }
      } else if (auto w = ReadInteger(*x, At(pointer, "slow_worker"), 0, s_.sfu.workers - 1)) {
        f.slow_worker = static_cast<int>(*w);
      }
    }
    if (const json* x = Find(v, "slow_worker_ms")) {
      f.slow_worker_ms = ReadNumberIn(*x, At(pointer, "slow_worker_ms"), 0, kMaxSlowWorkerMs).value_or(0);
    }
    if (const json* x = Find(v, "notification_delay")) {
      f.notification_delay = ReadNumberIn(*x, At(pointer, "notification_delay"), 0, 1).value_or(0);
    }
    if (const json* x = Find(v, "notification_delay_max_ms")) {
      f.notification_delay_max_ms =
          ReadNumberIn(*x, At(pointer, "notification_delay_max_ms"), 0, kMaxNotificationDelayMs).value_or(0);
    }
    if (const json* x = Find(v, "until_s")) f.until_s = ReadTime(*x, At(pointer, "until_s")).value_or(f.until_s);
    s_.fault_points = f;
  }

  void LoadSwarm(const json& v) {
    const std::string pointer = "/swarm";
    if (!ExpectObject(v, pointer)) return;
    CheckFields(v, pointer, AsNames(kSwarmFields));
    SwarmRanges r;
    if (const json* x = Find(v, "kinds"); x && ExpectArray(*x, At(pointer, "kinds"), kSwarmKinds.size())) {
      r.kinds.clear();
      for (std::size_t i = 0; i < x->size(); ++i) {
        if (auto k = ReadEnum((*x)[i], At(At(pointer, "kinds"), i), AsNames(kSwarmKinds), "item")) {
          std::string name(kSwarmKinds[*k]);
          if (std::find(r.kinds.begin(), r.kinds.end(), name) != r.kinds.end()) {
            Add("duplicate", At(At(pointer, "kinds"), i), "kind " + Quote(name) + " is listed twice");
          } else {
            r.kinds.push_back(name);
          }
        }
      }
    }
    auto number = [&](std::string_view key, double lo, double hi, double& out, bool lo_open = false) {
      if (const json* x = Find(v, key)) {
        if (auto d = ReadNumberIn(*x, At(pointer, key), lo, hi, lo_open)) out = *d;
      }
    };
    number("loss_max", 0, kMaxSwarmLoss, r.loss_max);
    number("burst_len_max", 1, kMaxSwarmBurstLen, r.burst_len_max);
    number("jitter_ms_max", 0, kMaxSwarmJitterMs, r.jitter_ms_max);
    number("capacity_kbps_min", 0, kMaxSwarmCapacityKbps, r.capacity_kbps_min, /*lo_open=*/true);
    number("capacity_kbps_max", 0, kMaxSwarmCapacityKbps, r.capacity_kbps_max, /*lo_open=*/true);
    if (r.capacity_kbps_min > r.capacity_kbps_max) {
      Add("out_of_range", At(pointer, Find(v, "capacity_kbps_min") ? "capacity_kbps_min" : "capacity_kbps_max"),
          "capacity_kbps_min (" + FormatNumber(r.capacity_kbps_min) + ") must be <= capacity_kbps_max (" +
              FormatNumber(r.capacity_kbps_max) + ")");
    }
    if (const json* x = Find(v, "faults_max")) {
      if (auto n = ReadInteger(*x, At(pointer, "faults_max"), 0, kMaxSwarmFaults)) r.faults_max = static_cast<int>(*n);
    }
    number("min_gap_s", 0, kMaxSwarmSpanS, r.min_gap_s);
    number("partition_s_max", 0.5, kMaxSwarmPartitionS, r.partition_s_max);
    number("down_s_max", 0, kMaxSfuDownS, r.down_s_max);
    number("step_s_max", 1, kMaxSwarmSpanS, r.step_s_max);
    number("quiet_tail_s", 0, kMaxSwarmSpanS, r.quiet_tail_s);
    if (const json* x = Find(v, "judge")) {
      static constexpr std::array<std::string_view, 2> kJudge = {"invariants", "all"};
      if (auto j = ReadEnum(*x, At(pointer, "judge"), AsNames(kJudge))) r.judge_all = *j == 1;
    }
    s_.swarm = r;
  }

  // ------------------------------------------------------------------------------------------
  // sfu
  // ------------------------------------------------------------------------------------------
  void LoadSfu(const json* sfu) {
    s_.sfu.workers = protocol::kDefaultWorkerCount;
    s_.sfu.channels = {Channel{std::string(kDefaultChannelId), OpusSettings{}}};
    if (!sfu) return;
    const std::string pointer = "/sfu";
    if (!ExpectObject(*sfu, pointer)) {
      channels_complete_ = false;
      workers_known_ = false;
      return;
    }
    CheckFields(*sfu, pointer, AsNames(kSfuFields));
    if (const json* v = Find(*sfu, "workers")) {
      auto w = ReadInteger(*v, At(pointer, "workers"), 1, kMaxWorkers);
      if (w) {
        s_.sfu.workers = static_cast<int>(*w);
      } else {
        workers_known_ = false;
      }
    }
    if (const json* v = Find(*sfu, "channels")) {
      const std::string channels_pointer = At(pointer, "channels");
      s_.sfu.channels.clear();
      if (!ExpectArray(*v, channels_pointer, kMaxChannels, 1)) {
        channels_complete_ = false;
        return;
      }
      std::map<std::string, std::size_t> seen;
      for (std::size_t i = 0; i < v->size() && i < kMaxChannels; ++i) {
        const std::string at = At(channels_pointer, i);
        const json& entry = (*v)[i];
        if (!ExpectObject(entry, at)) {
          channels_complete_ = false;
          continue;
        }
        CheckFields(entry, at, AsNames(kChannelFields));
        Channel channel;
        if (const json* id = Required(entry, at, "id")) {
          if (auto s = ReadId(*id, At(at, "id"), protocol::kMaxChannelIdLength)) {
            channel.id = *s;
          }
        }
        if (channel.id.empty()) {
          channels_complete_ = false;
          continue;
        }
        if (auto [it, inserted] = seen.emplace(channel.id, i); !inserted) {
          Add("duplicate", At(at, "id"), "duplicate channel id " + Quote(channel.id) + " (also " +
                                              At(channels_pointer, it->second) + "/id)");
          continue;
        }
        if (const json* opus = Find(entry, "opus")) LoadOpus(*opus, At(at, "opus"), channel.opus);
        s_.sfu.channels.push_back(std::move(channel));
      }
    }
  }

  void LoadOpus(const json& v, const std::string& pointer, OpusSettings& out) {
    OpusChange change = LoadOpusChange(v, pointer);
    if (change.bitrate) out.bitrate = *change.bitrate;
    if (change.dtx) out.dtx = *change.dtx;
    if (change.fec) out.fec = *change.fec;
  }

  OpusChange LoadOpusChange(const json& v, const std::string& pointer) {
    OpusChange change;
    if (!ExpectObject(v, pointer)) return change;
    CheckFields(v, pointer, AsNames(kOpusFields));
    if (const json* b = Find(v, "bitrate")) {
      change.bitrate = ReadInteger(*b, At(pointer, "bitrate"), protocol::kOpusMinBitrateBps, protocol::kOpusMaxBitrateBps);
    }
    if (const json* d = Find(v, "dtx")) change.dtx = ReadBool(*d, At(pointer, "dtx"));
    if (const json* f = Find(v, "fec")) change.fec = ReadBool(*f, At(pointer, "fec"));
    return change;
  }

  // ------------------------------------------------------------------------------------------
  // participants
  // ------------------------------------------------------------------------------------------
  void LoadParticipants(const json& v) {
    const std::string pointer = "/participants";
    if (!ExpectArray(v, pointer, kMaxParticipants, 1)) {
      participants_complete_ = false;
      return;
    }
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < v.size() && i < kMaxParticipants; ++i) {
      const json& entry = v[i];
      const std::string at = At(pointer, i);
      if (!ExpectObject(entry, at)) {
        participants_complete_ = false;
        continue;
      }
      Participant p;
      if (const json* id = Required(entry, at, "id")) {
        if (auto s = ReadId(*id, At(at, "id"), kMaxParticipantIdChars)) {
          if (*s == "sfu") {
            Add("invalid_value", At(at, "id"), "\"sfu\" is reserved (links are named \"<participant>->sfu\")");
          } else {
            p.id = *s;
          }
        }
      }
      if (p.id.empty()) {
        participants_complete_ = false;
        continue;
      }
      if (auto [it, inserted] = seen.emplace(p.id, i); !inserted) {
        Add("duplicate", At(at, "id"), "duplicate participant id " + Quote(p.id) + " (also " +
                                           At(pointer, it->second) + "/id)");
        continue;
      }
      LoadParticipant(entry, at, p);
      s_.participants.push_back(std::move(p));
      participant_pointers_.push_back(at);
    }
  }

  void LoadParticipant(const json& entry, const std::string& at, Participant& p) {
    CheckFields(entry, at, AsNames(kParticipantFields));
    if (const json* v = Find(entry, "client")) {
      if (auto k = ReadEnum(*v, At(at, "client"), AsNames(kClientKindNames))) p.client = static_cast<ClientKind>(*k);
    }
    if (!s_.sfu.channels.empty()) p.channel = s_.sfu.channels.front().id;
    if (const json* v = Find(entry, "channel")) {
      if (const Channel* c = ReadChannelRef(*v, At(at, "channel"))) {
        p.channel = c->id;
      } else {
        participant_voice_complete_ = false;
      }
    }
    if (const json* v = Find(entry, "publish")) LoadPublish(*v, At(at, "publish"), p);
    if (const json* v = Find(entry, "camera")) LoadCamera(*v, At(at, "camera"), p.camera);
    p.screen.path = p.client == ClientKind::kDesktop ? ScreenPath::kNative : ScreenPath::kBrowser;
    if (const json* v = Find(entry, "screen")) LoadScreen(*v, At(at, "screen"), p);
    if (const json* v = Find(entry, "join_at_s")) {
      if (auto t = ReadTime(*v, At(at, "join_at_s"))) {
        p.join_at_s = *t;
      } else {
        participant_voice_complete_ = false;
      }
    }
  }

  void LoadPublish(const json& v, const std::string& pointer, Participant& p) {
    p.publish.clear();
    if (!ExpectArray(v, pointer, kPublishKindNames.size())) return;
    for (std::size_t j = 0; j < v.size() && j < kPublishKindNames.size(); ++j) {
      const std::string at = At(pointer, j);
      auto k = ReadEnum(v[j], at, AsNames(kPublishKindNames), "item");
      if (!k) continue;
      auto kind = static_cast<PublishKind>(*k);
      if (p.Publishes(kind)) {
        Add("duplicate", at, "duplicate item " + Quote(ToString(kind)));
        continue;
      }
      p.publish.push_back(kind);
    }
  }

  void LoadCamera(const json& v, const std::string& pointer, CameraSettings& camera) {
    if (!ExpectObject(v, pointer)) return;
    CheckFields(v, pointer, AsNames(kCameraFields));
    auto dimension = [&](std::string_view key, int max, int& out) {
      const json* d = Find(v, key);
      if (!d) return;
      auto x = ReadInteger(*d, At(pointer, key), kMinVideoDimension, max);
      if (!x) return;
      if (*x % 2 != 0) {
        Add("invalid_value", At(pointer, key), "must be even (4:2:0 video), got " + std::to_string(*x));
        return;
      }
      out = static_cast<int>(*x);
    };
    dimension("width", kMaxVideoWidth, camera.width);
    dimension("height", kMaxVideoHeight, camera.height);
    if (const json* f = Find(v, "fps")) {
      if (auto x = ReadInteger(*f, At(pointer, "fps"), kMinFps, kMaxFps)) camera.fps = static_cast<int>(*x);
    }
    if (const json* b = Find(v, "bitrate_kbps")) {
      if (auto x = ReadInteger(*b, At(pointer, "bitrate_kbps"), kMinCameraBitrateKbps, kMaxCameraBitrateKbps)) {
        camera.bitrate_kbps = static_cast<int>(*x);
      }
    }
  }

  std::optional<ScreenPath> ReadScreenPath(const json& v, const std::string& pointer, ClientKind client) {
    auto k = ReadEnum(v, pointer, AsNames(kScreenPathNames));
    if (!k) return std::nullopt;
    auto path = static_cast<ScreenPath>(*k);
    if (path == ScreenPath::kNative && client != ClientKind::kDesktop) {
      Add("invalid_value", pointer, "\"native\" needs a desktop client (a web client shares its screen through the browser)");
      return std::nullopt;
    }
    return path;
  }

  void LoadScreen(const json& v, const std::string& pointer, Participant& p) {
    if (!ExpectObject(v, pointer)) return;
    CheckFields(v, pointer, AsNames(kScreenFields));
    if (const json* path = Find(v, "path")) {
      if (auto x = ReadScreenPath(*path, At(pointer, "path"), p.client)) p.screen.path = *x;
    }
    if (const json* tier = Find(v, "tier")) {
      std::array<std::string_view, protocol::kResolutionTiers.size()> tiers;
      for (std::size_t i = 0; i < tiers.size(); ++i) tiers[i] = protocol::kResolutionTiers[i].name;
      if (auto k = ReadEnum(*tier, At(pointer, "tier"), AsNames(tiers))) p.screen.tier = std::string(tiers[*k]);
    }
    if (const json* f = Find(v, "fps")) {
      if (auto x = ReadInteger(*f, At(pointer, "fps"), kMinFps, kMaxFps)) p.screen.fps = static_cast<int>(*x);
    }
    if (const json* r = Find(v, "restart_on_tier_change")) {
      const std::string at = At(pointer, "restart_on_tier_change");
      if (auto x = ReadBool(*r, at)) {
        if (*x && p.client != ClientKind::kDesktop) {
          Add("invalid_value", at, "true needs a desktop client (only the native sender has a pipeline to restart)");
        } else {
          p.screen.restart_on_tier_change = *x;
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // network
  // ------------------------------------------------------------------------------------------
  // Reads the link fields of `object` (the caller has checked which keys are allowed). Fields with
  // a problem are left unset, so that ValidateLinkConfig does not report them a second time.
  LinkSettings ReadLinkSettings(const json& object, const std::string& pointer) {
    LinkSettings s;
    auto number = [&](std::string_view key, double lo, double hi, std::optional<double>& out) {
      if (const json* v = Find(object, key)) out = ReadNumberIn(*v, At(pointer, key), lo, hi);
    };
    number("delay_ms", 0, kMaxLinkMs, s.delay_ms);
    number("jitter_ms", 0, kMaxLinkMs, s.jitter_ms);
    number("loss", 0, 1, s.loss);
    number("burst_len", 1, kMaxBurstLen, s.burst_len);
    number("duplicate", 0, 1, s.duplicate);
    number("queue_ms", 0, kMaxLinkMs, s.queue_ms);
    // The lower bound is ValidateLinkConfig's (its message explains why 0 is not a partition).
    number("capacity_kbps", -kMaxCapacityKbps, kMaxCapacityKbps, s.capacity_kbps);
    if (const json* v = Find(object, "reorder")) s.reorder = ReadBool(*v, At(pointer, "reorder"));
    if (const json* v = Find(object, "up")) s.up = ReadBool(*v, At(pointer, "up"));
    if (const json* v = Find(object, "queue_bytes")) s.queue_bytes = ReadInteger(*v, At(pointer, "queue_bytes"), 0, kMaxQueueBytes);
    if (const json* v = Find(object, "mtu")) {
      if (auto m = ReadInteger(*v, At(pointer, "mtu"), 0, kMaxMtuBytes)) s.mtu = static_cast<int>(*m);
    }
    if (const json* v = Find(object, "jitter_distribution")) {
      if (auto k = ReadEnum(*v, At(pointer, "jitter_distribution"), AsNames(kJitterDistributionNames))) {
        s.jitter_distribution = sim::ParseJitterDistribution(kJitterDistributionNames[*k]);
      }
    }
    if (const json* v = Find(object, "capacity_trace")) s.capacity_trace = ReadCapacityTrace(*v, At(pointer, "capacity_trace"));
    return s;
  }

  std::optional<std::vector<CapacityPoint>> ReadCapacityTrace(const json& v, const std::string& pointer) {
    if (!ExpectArray(v, pointer, kMaxCapacityTracePoints)) return std::nullopt;
    if (v.size() > kMaxCapacityTracePoints) return std::nullopt;
    std::vector<CapacityPoint> points;
    bool ok = true;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::string at = At(pointer, i);
      const json& step = v[i];
      if (!step.is_array() || step.size() != 2) {
        Add("wrong_type", at, "expected [at_s, kbps], got " + Describe(step) +
                                  (step.is_array() ? " of " + std::to_string(step.size()) + " entries" : ""));
        ok = false;
        continue;
      }
      auto t = ReadTime(step[0], At(at, 0));
      auto kbps = ReadNumberIn(step[1], At(at, 1), -kMaxCapacityKbps, kMaxCapacityKbps);
      if (!t || !kbps) {
        ok = false;
        continue;
      }
      if (!points.empty() && *t <= points.back().at_s) {
        Add("out_of_order", At(at, 0), "at_s " + FormatNumber(*t) + " must be after the previous step's " +
                                           FormatNumber(points.back().at_s) + " (steps are sorted by time)");
        ok = false;
        continue;
      }
      points.push_back({*t, *kbps});
    }
    if (!ok) return std::nullopt;
    return points;
  }

  static bool LayerSets(const LinkSettings& s, std::string_view field) {
    if (field == "delay_ms") return s.delay_ms.has_value();
    if (field == "jitter_ms") return s.jitter_ms.has_value();
    if (field == "reorder") return s.reorder.has_value();
    if (field == "loss") return s.loss.has_value();
    if (field == "burst_len") return s.burst_len.has_value();
    if (field == "duplicate") return s.duplicate.has_value();
    if (field == "capacity_kbps") return s.capacity_kbps.has_value();
    if (field == "queue_ms") return s.queue_ms.has_value();
    if (field == "queue_bytes") return s.queue_bytes.has_value();
    if (field == "mtu") return s.mtu.has_value();
    if (field == "capacity_trace") return s.capacity_trace.has_value();
    if (field == "up") return s.up.has_value();
    if (field == "jitter_distribution") return s.jitter_distribution.has_value();
    return false;
  }

  // sim::ValidateLinkConfig on `layer` applied over `base` (whose own problems were reported where
  // base was checked). A problem goes to the field of this layer that caused it; a combination
  // (this layer's loss with a burst_len from below) to the field this layer set; a problem only of
  // the layers below is not repeated.
  sim::LinkConfig CheckLinkLayer(const sim::LinkConfig& base, const LinkSettings& layer, const std::string& pointer) {
    sim::LinkConfig merged = ApplyLinkSettings(base, layer);
    std::vector<sim::LinkConfigError> below = sim::ValidateLinkConfig(base);
    for (const sim::LinkConfigError& e : sim::ValidateLinkConfig(merged)) {
      std::string field = LinkFieldForConfigField(e.field);
      std::string top = field.substr(0, field.find('/'));
      if (LayerSets(layer, top)) {
        Add("invalid_link", pointer + "/" + field, e.message);
      } else if (top == "burst_len" && layer.loss) {
        Add("invalid_link", pointer + "/loss", e.message);
      } else if (std::find(below.begin(), below.end(), e) == below.end()) {
        Add("invalid_link", pointer, field + ": " + e.message);
      }
    }
    return merged;
  }

  void LoadNetwork(const json* network) {
    sim::LinkConfig base = sim::LinkConfig{};
    if (network) {
      const std::string pointer = "/network";
      if (!ExpectObject(*network, pointer)) return;
      CheckFields(*network, pointer, AsNames(kNetworkFields));
      if (const json* d = Find(*network, "default")) {
        const std::string at = At(pointer, "default");
        if (ExpectObject(*d, at)) {
          CheckFields(*d, at, AsNames(kLinkFields));
          s_.network.defaults = ReadLinkSettings(*d, at);
          base = CheckLinkLayer(base, s_.network.defaults, at);
        }
      }
      if (const json* links = Find(*network, "links")) LoadLinks(*links, At(pointer, "links"), base);
    }
    default_config_ = base;
  }

  void LoadLinks(const json& links, const std::string& pointer, const sim::LinkConfig& base) {
    if (!ExpectObject(links, pointer)) return;
    for (auto it = links.begin(); it != links.end(); ++it) {
      const std::string at = At(pointer, it.key());
      if (!CheckLinkName(it.key(), at)) continue;
      if (!ExpectObject(*it, at)) continue;
      CheckFields(*it, at, AsNames(kLinkFields));
      LinkSettings settings = ReadLinkSettings(*it, at);
      CheckLinkLayer(base, settings, at);
      s_.network.links[it.key()] = std::move(settings);
    }
  }

  // A link name that parses and names an existing participant.
  bool CheckLinkName(const std::string& name, const std::string& pointer) {
    std::optional<LinkName> link = ParseLinkName(name);
    if (!link) {
      Add("invalid_value", pointer, "not a link name: " + Quote(name) + " (links are \"<participant>->sfu\" and \"sfu-><participant>\")");
      return false;
    }
    if (!s_.FindParticipant(link->participant)) {
      if (participants_complete_) {
        Add("unknown_reference", pointer, "link " + Quote(name) + " names unknown participant " + Quote(link->participant) +
                                              UnknownHint(link->participant, ParticipantIds(), "participants"));
      }
      return false;
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // timeline
  // ------------------------------------------------------------------------------------------
  struct ParsedEntry {
    std::size_t index;  // in the file's timeline
    TimelineEntry entry;
  };

  void LoadTimeline(const json& v) {
    const std::string pointer = "/timeline";
    if (!ExpectArray(v, pointer, kMaxTimelineEntries)) {
      actions_known_ = false;
      voice_actions_complete_ = false;
      return;
    }
    std::optional<double> previous_at;
    for (std::size_t i = 0; i < v.size() && i < kMaxTimelineEntries; ++i) {
      const std::string at = At(pointer, i);
      std::size_t before = problems_.size();
      std::optional<TimelineEntry> entry = LoadEntry(v[i], at);
      if (!entry || problems_.size() != before) {
        // A join/leave/switch that could not be read would make the voice-state check below report
        // consequences of a problem already reported.
        const json* action = v[i].is_object() ? Find(v[i], "action") : nullptr;
        if (!action || !action->is_string() || *action == "join" || *action == "leave" ||
            *action == "switch_channel" || !FindAction(action->get_ref<const std::string&>())) {
          voice_actions_complete_ = false;
        }
      }
      if (!entry) continue;
      if (previous_at && entry->at_s < *previous_at) {
        Add("out_of_order", At(at, "at_s"), "at " + FormatNumber(entry->at_s) + " s is before the previous action's " +
                                                FormatNumber(*previous_at) + " s (the timeline is in time order)");
        timeline_sorted_ = false;
      }
      previous_at = entry->at_s;
      if (problems_.size() == before) parsed_.push_back({i, *entry});
      s_.timeline.push_back(std::move(*entry));
    }
  }

  std::optional<TimelineEntry> LoadEntry(const json& v, const std::string& at) {
    if (!ExpectObject(v, at)) {
      actions_known_ = false;
      return std::nullopt;
    }
    const json* action_json = Required(v, at, "action");
    const ActionInfo* info = nullptr;
    if (action_json) {
      if (auto k = ReadEnum(*action_json, At(at, "action"), AsNames(kActionNames), "action")) info = &kActions[*k];
    }
    std::optional<double> at_s;
    if (const json* t = Required(v, at, "at_s")) at_s = ReadTime(*t, At(at, "at_s"));
    if (!info) {
      // Without the action its fields cannot be known; say so once instead of calling each unknown.
      actions_known_ = false;
      return std::nullopt;
    }
    seen_actions_.insert(std::string(info->name));
    bool is_set_link = info->name == "set_link";
    CheckFields(v, at, AsNames(kTimelineCommonFields), info->fields, is_set_link ? AsNames(kLinkFields) : Names{});
    bool fields_present = true;
    for (std::string_view key : info->required) {
      if (!Required(v, at, key)) fields_present = false;
    }
    if (!at_s || !fields_present) return std::nullopt;
    std::optional<Action> action = LoadAction(*info, v, at, *at_s);
    if (!action) return std::nullopt;
    return TimelineEntry{*at_s, std::move(*action)};
  }

  // The action's own fields; every required one is present (checked by the caller).
  std::optional<Action> LoadAction(const ActionInfo& info, const json& v, const std::string& at, double at_s) {
    const std::string_view name = info.name;
    std::size_t before = problems_.size();
    auto participant = [&]() -> std::string {
      const Participant* p = ReadParticipantRef(Field(v, "participant"), At(at, "participant"));
      return p ? p->id : std::string();
    };
    auto ok = [&](auto&& action) -> std::optional<Action> {
      if (problems_.size() != before) return std::nullopt;
      return Action(std::forward<decltype(action)>(action));
    };
    // A span starting at at_s must end by duration_s.
    auto span = [&](std::string_view key, bool zero_allowed, double max) -> std::optional<double> {
      auto x = ReadNumberIn(Field(v, key), At(at, key), 0, max, /*lo_open=*/!zero_allowed);
      if (x && duration_known_ && at_s + *x > s_.duration_s) {
        Add("out_of_range", At(at, key), "ends at " + FormatNumber(at_s + *x) + " s, after duration_s " +
                                             FormatNumber(s_.duration_s));
        return std::nullopt;
      }
      return x;
    };

    if (name == "set_link") {
      SetLink a;
      if (auto link = ReadString(Field(v, "link"), At(at, "link"), kMaxParticipantIdChars + 5)) {
        if (CheckLinkName(*link, At(at, "link"))) a.link = *link;
      }
      a.settings = ReadLinkSettings(v, at);
      if (a.settings.Empty() && problems_.size() == before) {
        Add("invalid_value", at, "set_link changes nothing (give at least one of: " + JoinNames(AsNames(kLinkFields)) + ")");
      }
      if (!a.link.empty()) {
        auto [it, inserted] = link_now_.emplace(a.link, sim::LinkConfig{});
        if (inserted) it->second = LinkConfigNow(a.link);
        it->second = CheckLinkLayer(it->second, a.settings, at);
      }
      return ok(std::move(a));
    }
    if (name == "partition") {
      Partition a;
      a.participant = participant();
      if (auto f = span("for_s", false, kMaxDurationS)) a.for_s = *f;
      return ok(std::move(a));
    }
    if (name == "restart_sfu") {
      RestartSfu a;
      if (v.contains("down_s")) {
        if (auto d = span("down_s", true, kMaxSfuDownS)) a.down_s = *d;
      }
      return ok(a);
    }
    if (name == "crash_worker") {
      CrashWorker a;
      int64_t max = (workers_known_ ? s_.sfu.workers : kMaxWorkers) - 1;
      const std::string wp = At(at, "worker");
      const json& w = Field(v, "worker");
      if (workers_known_ && w.is_number_integer() && !w.is_number_unsigned() && w.get<int64_t>() > max &&
          w.get<int64_t>() <= kMaxWorkers) {
        Add("unknown_reference", wp, "worker " + std::to_string(w.get<int64_t>()) + " does not exist: sfu.workers is " +
                                         std::to_string(s_.sfu.workers) + " (workers are numbered 0 to " +
                                         std::to_string(max) + ")");
      } else if (auto x = ReadInteger(w, wp, 0, max)) {
        a.worker = static_cast<int>(*x);
      }
      return ok(a);
    }
    if (name == "disconnect_signaling") return ok(DisconnectSignaling{participant()});
    if (name == "join") {
      Join a;
      a.participant = participant();
      if (const Participant* p = s_.FindParticipant(a.participant)) a.channel = p->channel;
      if (v.contains("channel")) {
        if (const Channel* c = ReadChannelRef(Field(v, "channel"), At(at, "channel"))) a.channel = c->id;
      }
      return ok(std::move(a));
    }
    if (name == "leave") return ok(Leave{participant()});
    if (name == "switch_channel") {
      SwitchChannel a;
      a.participant = participant();
      if (const Channel* c = ReadChannelRef(Field(v, "channel"), At(at, "channel"))) a.channel = c->id;
      return ok(std::move(a));
    }
    if (name == "mute" || name == "unmute") {
      std::string id = participant();
      const Participant* p = s_.FindParticipant(id);
      if (p && !p->Publishes(PublishKind::kMicrophone)) {
        Add("invalid_value", At(at, "participant"), Quote(id) + " does not publish the microphone (nothing to " +
                                                        std::string(name) + ")");
      }
      if (name == "mute") return ok(Mute{id});
      return ok(Unmute{id});
    }
    if (name == "camera_on") return ok(CameraOn{participant()});
    if (name == "camera_off") return ok(CameraOff{participant()});
    if (name == "screen_on") {
      ScreenOn a;
      a.participant = participant();
      if (v.contains("path")) {
        const Participant* p = s_.FindParticipant(a.participant);
        a.path = ReadScreenPath(Field(v, "path"), At(at, "path"), p ? p->client : ClientKind::kDesktop);
      }
      return ok(std::move(a));
    }
    if (name == "screen_off") return ok(ScreenOff{participant()});
    if (name == "set_channel_codec") {
      SetChannelCodec a;
      if (const Channel* c = ReadChannelRef(Field(v, "channel"), At(at, "channel"))) a.channel = c->id;
      a.opus = LoadOpusChange(Field(v, "opus"), At(at, "opus"));
      if (a.opus == OpusChange{} && problems_.size() == before) {
        Add("invalid_value", At(at, "opus"), "changes nothing (give at least one of: bitrate, dtx, fec)");
      }
      return ok(std::move(a));
    }
    if (name == "encoder_faults") {
      EncoderFaults a;
      a.participant = participant();
      const Participant* p = s_.FindParticipant(a.participant);
      if (p && p->client != ClientKind::kDesktop) {
        Add("invalid_value", At(at, "participant"), Quote(a.participant) + " is a web client: encoder faults need a "
                                                                            "desktop client (the native sender)");
      }
      if (auto k = ReadEnum(Field(v, "kind"), At(at, "kind"), AsNames(kEncoderFaultKindNames))) {
        a.kind = static_cast<EncoderFaultKind>(*k);
      }
      if (auto f = span("for_s", false, kMaxDurationS)) a.for_s = *f;
      return ok(std::move(a));
    }
    if (name == "send_raw") {
      SendRaw a;
      a.participant = participant();
      const json& message = Field(v, "message");
      a.payload = message.is_string()
                      ? message.get<std::string>()
                      : message.dump(-1, ' ', false, json::error_handler_t::replace);
      if (a.payload.size() > kMaxRawMessageBytes) {
        Add("out_of_range", At(at, "message"), "at most " + std::to_string(kMaxRawMessageBytes) + " bytes, got " +
                                                   std::to_string(a.payload.size()));
      }
      if (v.contains("count")) {
        if (auto c = ReadInteger(Field(v, "count"), At(at, "count"), 1, kMaxRawCount)) a.count = static_cast<int>(*c);
      }
      if (v.contains("interval_ms")) {
        if (auto i = ReadNumberIn(Field(v, "interval_ms"), At(at, "interval_ms"), 0, kMaxRawIntervalMs)) a.interval_ms = *i;
      }
      // In ms first, so that the message shows 31.99 s and not 31.990000000000002 s.
      double last = (at_s * 1000 + (a.count - 1) * a.interval_ms) / 1000;
      if (duration_known_ && last > s_.duration_s && problems_.size() == before) {
        Add("out_of_range", At(at, "count"), "the last of " + std::to_string(a.count) + " sends, " +
                                                 FormatNumber(a.interval_ms) + " ms apart, is at " + FormatNumber(last) +
                                                 " s, after duration_s " + FormatNumber(s_.duration_s));
      }
      return ok(std::move(a));
    }
    return std::nullopt;  // unreachable: every name of kActions is handled above
  }

  // The config of `link` before the timeline: default <- links[link].
  sim::LinkConfig LinkConfigNow(const std::string& link) const {
    auto it = s_.network.links.find(link);
    return it == s_.network.links.end() ? default_config_ : ApplyLinkSettings(default_config_, it->second);
  }

  // Joins, leaves and channel switches must make sense given who is in voice when: initial joins at
  // join_at_s (before the timeline's actions at the same time), then the timeline in order.
  void CheckVoiceStates() {
    if (!timeline_sorted_ || !participants_complete_ || !voice_actions_complete_ || !participant_voice_complete_) return;
    std::vector<std::size_t> order(s_.participants.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return s_.participants[a].join_at_s < s_.participants[b].join_at_s;
    });
    std::map<std::string, std::string> in_voice;  // participant -> channel
    std::size_t next_join = 0;
    auto initial_joins_until = [&](double t) {
      for (; next_join < order.size() && s_.participants[order[next_join]].join_at_s <= t; ++next_join) {
        const Participant& p = s_.participants[order[next_join]];
        if (in_voice.count(p.id)) {
          Add("invalid_state", At(participant_pointers_[order[next_join]], "join_at_s"),
              Quote(p.id) + " joins at " + FormatNumber(p.join_at_s) + " s but is in voice already (a timeline join "
                                                                       "came first)");
        }
        in_voice[p.id] = p.channel;
      }
    };
    for (const ParsedEntry& pe : parsed_) {
      initial_joins_until(pe.entry.at_s);
      const std::string at = At(std::string("/timeline"), pe.index);
      const std::string when = " at " + FormatNumber(pe.entry.at_s) + " s";
      if (const auto* join = std::get_if<Join>(&pe.entry.action)) {
        if (auto it = in_voice.find(join->participant); it != in_voice.end()) {
          Add("invalid_state", at, Quote(join->participant) + " is already in voice (channel " + Quote(it->second) + ")" +
                                       when + ": leave first, or use switch_channel");
        } else {
          in_voice[join->participant] = join->channel;
        }
      } else if (const auto* leave = std::get_if<Leave>(&pe.entry.action)) {
        if (!in_voice.erase(leave->participant)) {
          Add("invalid_state", at, Quote(leave->participant) + " is not in voice" + when + " (nothing to leave)");
        }
      } else if (const auto* sw = std::get_if<SwitchChannel>(&pe.entry.action)) {
        auto it = in_voice.find(sw->participant);
        if (it == in_voice.end()) {
          Add("invalid_state", at, Quote(sw->participant) + " is not in voice" + when + " (use join)");
        } else if (it->second == sw->channel) {
          Add("invalid_state", At(at, "channel"), Quote(sw->participant) + " is in channel " + Quote(sw->channel) +
                                                      " already" + when);
        } else {
          it->second = sw->channel;
        }
      }
    }
    initial_joins_until(kMaxDurationS);
  }

  // ------------------------------------------------------------------------------------------
  // expect
  // ------------------------------------------------------------------------------------------
  void LoadExpect(const json& v) {
    const std::string pointer = "/expect";
    if (!ExpectObject(v, pointer)) return;
    CheckFields(v, pointer, AsNames(kExpectFields));
    if (const json* inv = Find(v, "invariants")) LoadInvariants(*inv, At(pointer, "invariants"));
    if (const json* slo = Find(v, "slo")) {
      const std::string at = At(pointer, "slo");
      if (ExpectArray(*slo, at, kMaxSlos)) {
        for (std::size_t i = 0; i < slo->size() && i < kMaxSlos; ++i) LoadSlo((*slo)[i], At(at, i));
      }
    }
    if (const json* events = Find(v, "events")) {
      const std::string at = At(pointer, "events");
      if (ExpectArray(*events, at, kMaxEventExpectations)) {
        for (std::size_t i = 0; i < events->size() && i < kMaxEventExpectations; ++i) LoadEvent((*events)[i], At(at, i));
      }
    }
  }

  void LoadInvariants(const json& v, const std::string& pointer) {
    if (v.is_string()) {
      if (v.get_ref<const std::string&>() != "all") {
        Add("invalid_value", pointer, "expected \"all\" or a list of invariant names, got " + Describe(v));
      }
      return;
    }
    if (!v.is_array()) {
      Add("wrong_type", pointer, "expected \"all\" or a list of invariant names, got " + Describe(v));
      return;
    }
    s_.expect.all_invariants = false;
    if (!ExpectArray(v, pointer, kInvariantNames.size())) return;
    for (std::size_t i = 0; i < v.size() && i < kInvariantNames.size(); ++i) {
      const std::string at = At(pointer, i);
      auto k = ReadEnum(v[i], at, AsNames(kInvariantNames), "invariant");
      if (!k) continue;
      std::string name(kInvariantNames[*k]);
      if (std::find(s_.expect.invariants.begin(), s_.expect.invariants.end(), name) != s_.expect.invariants.end()) {
        Add("duplicate", at, "duplicate invariant " + Quote(name));
        continue;
      }
      s_.expect.invariants.push_back(std::move(name));
    }
  }

  void LoadSlo(const json& v, const std::string& at) {
    if (!ExpectObject(v, at)) return;
    CheckFields(v, at, AsNames(kSloFields));
    Slo slo;
    const MetricInfo* metric = nullptr;
    if (const json* m = Required(v, at, "metric")) {
      std::array<std::string_view, kMetrics.size()> names;
      for (std::size_t i = 0; i < names.size(); ++i) names[i] = kMetrics[i].name;
      if (auto k = ReadEnum(*m, At(at, "metric"), AsNames(names), "metric")) metric = &kMetrics[*k];
    }
    if (metric) slo.metric = std::string(metric->name);
    const Participant* receiver = nullptr;
    const Participant* sender = nullptr;
    if (const json* p = Find(v, "participant")) {
      receiver = ReadParticipantRef(*p, At(at, "participant"));
      if (metric && !metric->takes_participant) {
        Add("invalid_value", At(at, "participant"), slo.metric + " is measured on the SFU: participant does not apply");
      }
      if (receiver) slo.participant = receiver->id;
    }
    if (const json* f = Find(v, "from")) {
      sender = ReadParticipantRef(*f, At(at, "from"));
      if (metric && !metric->takes_from) {
        Add("invalid_value", At(at, "from"), slo.metric + " has no sender: from does not apply");
      } else if (sender && metric && slo.metric.rfind("audio.", 0) == 0 && !sender->Publishes(PublishKind::kMicrophone)) {
        Add("invalid_value", At(at, "from"), Quote(sender->id) + " does not publish the microphone (no audio to measure)");
      }
      if (receiver && sender && receiver == sender) {
        Add("invalid_value", At(at, "from"), "participant and from are both " + Quote(sender->id) +
                                                 " (a participant does not receive its own media)");
      }
      if (sender) slo.from = sender->id;
    }
    if (const json* a = Find(v, "after")) {
      if (auto k = ReadEnum(*a, At(at, "after"), AsNames(kActionNames), "action")) {
        slo.after = std::string(kActionNames[*k]);
        if (actions_known_ && !seen_actions_.count(slo.after)) {
          Add("unknown_reference", At(at, "after"), "the timeline has no " + slo.after + " action");
        }
      }
    }
    double lowest = metric ? metric->lowest : -kUnbounded;
    double highest = metric ? metric->highest : kUnbounded;
    auto bound = [&](std::string_view key, std::optional<double>& out) {
      const json* b = Find(v, key);
      if (!b) return;
      auto x = ReadNumber(*b, At(at, key));
      if (!x) return;
      if (*x < lowest || *x > highest) {
        Add("out_of_range", At(at, key), slo.metric + " lies in " + Range(lowest, highest) + ", so " +
                                             std::string(key) + " " + FormatNumber(*x) + " can never be " +
                                             (key == "min" ? "met" : "exceeded") + (*x < lowest ? " or missed" : ""));
        return;
      }
      out = x;
    };
    bound("min", slo.min);
    bound("max", slo.max);
    if (!Find(v, "min") && !Find(v, "max")) {
      Add("missing_field", At(at, "max"), "an SLO needs min or max (or both)");
    } else if (slo.min && slo.max && *slo.min > *slo.max) {
      Add("out_of_range", At(at, "min"), "min " + FormatNumber(*slo.min) + " is above max " + FormatNumber(*slo.max));
    }
    s_.expect.slo.push_back(std::move(slo));
  }

  void LoadEvent(const json& v, const std::string& at) {
    if (!ExpectObject(v, at)) return;
    CheckFields(v, at, AsNames(kEventFields));
    EventExpectation e;
    if (const json* n = Required(v, at, "name")) {
      std::array<std::string_view, kEvents.size()> names;
      for (std::size_t i = 0; i < names.size(); ++i) names[i] = kEvents[i].name;
      if (auto k = ReadEnum(*n, At(at, "name"), AsNames(names), "event")) e.name = std::string(names[*k]);
    }
    if (const json* p = Find(v, "participant")) {
      if (const Participant* q = ReadParticipantRef(*p, At(at, "participant"))) e.participant = q->id;
    }
    if (const json* b = Find(v, "between_s")) {
      const std::string bp = At(at, "between_s");
      if (!b->is_array() || b->size() != 2) {
        Add("wrong_type", bp, "expected [from_s, to_s], got " + Describe(*b) +
                                  (b->is_array() ? " of " + std::to_string(b->size()) + " entries" : ""));
      } else {
        auto lo = ReadTime((*b)[0], At(bp, 0));
        auto hi = ReadTime((*b)[1], At(bp, 1));
        if (lo && hi && *lo > *hi) {
          Add("out_of_range", bp, "the window starts at " + FormatNumber(*lo) + " s, after its end " + FormatNumber(*hi) + " s");
        } else if (lo && hi) {
          e.between_s = std::make_pair(*lo, *hi);
        }
      }
    }
    s_.expect.events.push_back(std::move(e));
  }

  const LoadOptions& options_;
  Scenario s_;
  std::vector<Problem> problems_;
  bool overflow_ = false;

  // What is known to be complete, so that a problem already reported does not cascade.
  bool duration_known_ = false;
  bool workers_known_ = true;
  bool channels_complete_ = true;
  bool participants_complete_ = true;
  bool actions_known_ = true;            // every timeline entry's action could be read
  bool voice_actions_complete_ = true;   // every join/leave/switch_channel was read without a problem
  bool participant_voice_complete_ = true;  // every participant's channel and join_at_s were read
  bool timeline_sorted_ = true;

  std::vector<std::string> participant_pointers_;  // index-aligned with s_.participants
  sim::LinkConfig default_config_;
  std::map<std::string, sim::LinkConfig> link_now_;  // each set_link target's config so far
  std::vector<ParsedEntry> parsed_;                 // timeline entries without any problem
  std::set<std::string> seen_actions_;
};

}  // namespace

LoadResult LoadScenarioJson(const nlohmann::json& json, const LoadOptions& options) {
  Loader loader(options);
  loader.Load(json);
  return loader.Finish();
}

LoadResult LoadScenarioText(std::string_view text, const LoadOptions& options) {
  if (text.size() > kMaxScenarioFileBytes) {
    return LoadResult{std::nullopt, {{"too_large", "", "the file is " + std::to_string(text.size()) +
                                                           " bytes; a scenario is at most " +
                                                           std::to_string(kMaxScenarioFileBytes) + " bytes"}}};
  }
  std::vector<Problem> syntax;
  std::optional<nlohmann::json> json = ParseJsonText(text, kMaxJsonDepth, syntax);
  if (!json) return LoadResult{std::nullopt, std::move(syntax)};
  LoadResult result = LoadScenarioJson(*json, options);
  if (!syntax.empty()) {  // duplicate keys: report them first, and there is no model
    result.problems.insert(result.problems.begin(), syntax.begin(), syntax.end());
    result.scenario.reset();
  }
  return result;
}

LoadResult LoadScenarioFile(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return LoadResult{std::nullopt, {{"io_error", "", "is a directory, not a scenario file"}}};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return LoadResult{std::nullopt, {{"io_error", "", "cannot open the file for reading"}}};
  std::string text;
  text.resize(kMaxScenarioFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return LoadResult{std::nullopt, {{"io_error", "", "cannot read the file"}}};
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxScenarioFileBytes) {
    return LoadResult{std::nullopt, {{"too_large", "", "the file is larger than " +
                                                           std::to_string(kMaxScenarioFileBytes) +
                                                           " bytes, the limit for a scenario"}}};
  }
  return LoadScenarioText(text, options);
}

protocol::Result<Scenario> LoadScenarioFileOrError(const std::string& path, const LoadOptions& options) {
  LoadResult result = LoadScenarioFile(path, options);
  if (result.scenario) return std::move(*result.scenario);
  std::string message;
  for (const Problem& p : result.problems) {
    if (!message.empty()) message += "\n";
    message += p.ToString();
  }
  return protocol::Error{result.problems.front().code, std::move(message)};
}

}  // namespace sfusim::scenario
