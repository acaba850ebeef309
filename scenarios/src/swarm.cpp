#include "sfusim/scenario/swarm.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <variant>

#include "sfusim/scenario/scenario_limits.h"
#include "sfusim/sim/rng.h"
#include "text_util.h"

namespace sfusim::scenario {
namespace {

using Json = nlohmann::ordered_json;

// Fault-point ranges a swarm run draws from (their kinds are switched on or off per seed).
// Lost responses: the web client now repeats only the request that timed out (request_retry.h;
// before, every lost response cost a full re-setup of about 2N+5 requests and a 20-party call at
// 5 % never converged). A lost response still costs the 10 s request timeout, and two on one
// client's setup path (or on a speaker everyone waits for) exceed restart_recovers' 20 s bound:
// measured on audio-join-leave-churn --swarm seeds 1..6 with the range up to 5 %, the runs that
// drew 3.0, 4.2 and 5.0 % failed it (so did two at 0 and 2 % for other reasons), so the drawn rate
// stays at or below 2 %.
constexpr double kLostResponseMin = 0.002, kLostResponseMax = 0.02;
constexpr double kSlowWorkerMsMin = 20, kSlowWorkerMsMax = 500;
constexpr double kNotificationDelayMin = 0.05, kNotificationDelayMax = 0.5;
constexpr double kNotificationDelayMaxMsMin = 50, kNotificationDelayMaxMsMax = 2000;
// What --fault-points turns on.
constexpr double kDefaultLostResponse = 0.02;
constexpr double kDefaultSlowWorkerMs = 100;
constexpr double kDefaultNotificationDelay = 0.2;
constexpr double kDefaultNotificationDelayMaxMs = 1000;
// A capacity step's way back when the base link has no capacity (unlimited): 1 Gbit/s.
constexpr double kUnlimitedKbps = 1'000'000;
constexpr double kStepQueueMs = kSwarmStepQueueMs;
constexpr double kPartitionMinS = kSwarmPartitionMinS;
constexpr double kStepMinS = kSwarmStepMinS;
constexpr int kMaxPlacementTries = 1000;

// v rounded to a multiple of unit (a power of ten), as the nearest double to that decimal (so that
// the JSON shows 0.1261, not 0.12610000000000002).
double Round(double v, double unit) {
  const double scale = std::round(1.0 / unit);
  return scale >= 1 ? std::round(v * scale) / scale : std::round(v / unit) * unit;
}

bool On(const std::map<std::string, bool>& kinds, std::string_view kind) {
  auto it = kinds.find(std::string(kind));
  return it != kinds.end() && it->second;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A span of the timeline already taken by a fault (the base's or a drawn one).
struct Busy {
  double from = 0;
  double to = 0;
};

// The base's own faults, as spans.
std::vector<Busy> BaseFaults(const Scenario& base, std::set<std::string>& set_links) {
  std::vector<Busy> busy;
  for (const TimelineEntry& e : base.timeline) {
    std::visit(
        [&](const auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, RestartSfu>) busy.push_back({e.at_s, e.at_s + a.down_s});
          if constexpr (std::is_same_v<T, Partition>) busy.push_back({e.at_s, e.at_s + a.for_s});
          if constexpr (std::is_same_v<T, CrashWorker> || std::is_same_v<T, DisconnectSignaling>) {
            busy.push_back({e.at_s, e.at_s});
          }
          if constexpr (std::is_same_v<T, SetLink>) set_links.insert(a.link);
        },
        e.action);
  }
  return busy;
}

}  // namespace

FaultPointSettings DefaultFaultPoints(double duration_s) {
  FaultPointSettings f;
  f.lost_response = kDefaultLostResponse;
  f.slow_worker = FaultPointSettings::kAllWorkers;
  f.slow_worker_ms = kDefaultSlowWorkerMs;
  f.notification_delay = kDefaultNotificationDelay;
  f.notification_delay_max_ms = kDefaultNotificationDelayMaxMs;
  f.until_s = std::max(0.0, duration_s - kFaultQuietTailS);
  return f;
}

protocol::Result<std::vector<std::string>> ParseSwarmKinds(std::string_view text) {
  std::vector<std::string> kinds;
  std::vector<std::string_view> names(kSwarmKinds.begin(), kSwarmKinds.end());
  if (text.empty()) return protocol::MakeError("bad_swarm_kinds", "expected kinds separated by commas, got ''");
  std::string_view rest = text;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view kind = rest.substr(0, comma);
    if (std::find(names.begin(), names.end(), kind) == names.end()) {
      std::string_view close = ClosestMatch(kind, names);
      return protocol::MakeError("bad_swarm_kinds", "unknown kind " + Quote(kind) +
                                                        (close.empty() ? "" : " (did you mean " + std::string(close) + "?)") +
                                                        "; kinds: " + JoinNames(names));
    }
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) {
      return protocol::MakeError("bad_swarm_kinds", "kind " + Quote(kind) + " is given twice");
    }
    kinds.emplace_back(kind);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return kinds;
}

SwarmDraw DrawSwarm(const Scenario& base, const Json& base_json, uint64_t seed, const SwarmRanges& ranges) {
  SwarmDraw out;
  Json doc = base_json;
  Json& record = out.record;
  record["seed"] = seed;
  std::vector<std::string> summary_on;
  std::vector<std::string> summary_faults;

  // ---- kinds: each drawn, then kept only if allowed ----
  std::map<std::string, bool> on;
  sim::Rng kinds_rng = sim::Rng::Stream(seed, "swarm/kinds");
  Json kinds_json = Json::object();
  for (std::string_view kind : kSwarmKinds) {
    const bool drawn = kinds_rng.Bernoulli(0.5);
    const bool allowed = std::find(ranges.kinds.begin(), ranges.kinds.end(), kind) != ranges.kinds.end();
    on[std::string(kind)] = drawn && allowed;
    kinds_json[std::string(kind)] = drawn && allowed;
    if (drawn && allowed) summary_on.emplace_back(kind);
  }
  record["kinds"] = kinds_json;
  record["judge"] = ranges.judge_all ? "all" : "invariants";

  // ---- links ----
  sim::Rng links_rng = sim::Rng::Stream(seed, "swarm/links");
  Json links_record = Json::object();
  if (!doc.contains("network") || !doc["network"].is_object()) doc["network"] = Json::object();
  Json& net = doc["network"];
  if (!net.contains("links") || !net["links"].is_object()) net["links"] = Json::object();
  for (const Participant& p : base.participants) {
    for (auto dir : {LinkName::Direction::kUp, LinkName::Direction::kDown}) {
      const std::string name = LinkName{p.id, dir}.ToString();
      const double loss = Round(links_rng.Uniform(0, ranges.loss_max), 1e-4);
      const double burst = Round(links_rng.Uniform(1, ranges.burst_len_max), 1e-2);
      const double jitter = Round(links_rng.Uniform(0, ranges.jitter_ms_max), 1e-1);
      const bool reorder = links_rng.Bernoulli(0.5);
      Json fields = Json::object();
      if (On(on, "loss")) fields["loss"] = loss;
      if (On(on, "burst")) fields["burst_len"] = burst;
      if (On(on, "jitter")) fields["jitter_ms"] = jitter;
      if (On(on, "reorder")) fields["reorder"] = reorder;
      if (fields.empty()) continue;
      Json& link = net["links"][name];
      if (!link.is_object()) link = Json::object();
      for (auto it = fields.begin(); it != fields.end(); ++it) link[it.key()] = it.value();
      links_record[name] = fields;
    }
  }
  if (net["links"].empty()) net.erase("links");
  if (net.empty()) doc.erase("network");
  record["links"] = links_record;

  // ---- timeline faults ----
  sim::Rng tl = sim::Rng::Stream(seed, "swarm/timeline");
  std::vector<std::string> timeline_kinds;
  for (std::string_view k : {"capacity", "partition", "restart_sfu", "crash_worker", "disconnect_signaling"}) {
    if (On(on, k)) timeline_kinds.emplace_back(k);
  }
  std::set<std::string> set_links;
  std::vector<Busy> busy = BaseFaults(base, set_links);
  std::vector<std::string> step_links;  // links a capacity step may use
  for (const Participant& p : base.participants) {
    for (auto dir : {LinkName::Direction::kUp, LinkName::Direction::kDown}) {
      const std::string name = LinkName{p.id, dir}.ToString();
      if (!set_links.count(name)) step_links.push_back(name);
    }
  }
  const double window_end = base.duration_s - ranges.quiet_tail_s;
  std::vector<std::pair<double, Json>> added;  // (at_s, entry)
  Json faults_record = Json::array();
  double t = kSwarmStartS + tl.Uniform(0, ranges.min_gap_s / 2);
  int placed = 0;
  for (int tries = 0; !timeline_kinds.empty() && placed < ranges.faults_max && tries < kMaxPlacementTries; ++tries) {
    const std::string kind = timeline_kinds[tl.UniformInt(timeline_kinds.size())];
    double length = 0;
    Json entry = Json::object();
    if (kind == "partition") {
      length = Round(tl.Uniform(kPartitionMinS, ranges.partition_s_max), 1e-3);
      entry["action"] = "partition";
      entry["participant"] = base.participants[tl.UniformInt(base.participants.size())].id;
      entry["for_s"] = length;
    } else if (kind == "restart_sfu") {
      length = Round(tl.Uniform(0, ranges.down_s_max), 1e-3);
      entry["action"] = "restart_sfu";
      entry["down_s"] = length;
    } else if (kind == "crash_worker") {
      entry["action"] = "crash_worker";
      entry["worker"] = static_cast<int>(tl.UniformInt(static_cast<uint64_t>(base.sfu.workers)));
    } else if (kind == "disconnect_signaling") {
      entry["action"] = "disconnect_signaling";
      entry["participant"] = base.participants[tl.UniformInt(base.participants.size())].id;
    } else {  // capacity: a step down for `length`, then back
      length = Round(tl.Uniform(kStepMinS, std::max(kStepMinS, ranges.step_s_max)), 1e-3);
      const double kbps = Round(tl.Uniform(ranges.capacity_kbps_min, ranges.capacity_kbps_max), 1);
      if (step_links.empty()) continue;
      const std::string link = step_links[tl.UniformInt(step_links.size())];
      entry["action"] = "set_link";
      entry["link"] = link;
      entry["capacity_kbps"] = std::max(1.0, kbps);
      const sim::LinkConfig config = base.LinkConfigFor(*ParseLinkName(link));
      if (!config.queue_time && !config.queue_bytes) entry["queue_ms"] = kStepQueueMs;
      Json back = Json::object();
      back["action"] = "set_link";
      back["link"] = link;
      back["capacity_kbps"] = config.capacity ? static_cast<double>(config.capacity->bps()) / 1000.0 : kUnlimitedKbps;
      entry["__back"] = back;
    }
    const double at = Round(t, 1e-3);
    if (at + length > window_end) break;
    // Keep min_gap_s from every fault already there (the base's and the drawn ones).
    bool clash = false;
    for (const Busy& b : busy) {
      if (at < b.to + ranges.min_gap_s && b.from < at + length + ranges.min_gap_s) {
        t = std::max(t, b.to + ranges.min_gap_s);
        clash = true;
      }
    }
    if (clash) continue;
    busy.push_back({at, at + length});
    ++placed;
    if (entry.contains("__back")) {
      Json back = entry["__back"];
      entry.erase("__back");
      Json e = Json::object();
      e["at_s"] = at;
      for (auto it = entry.begin(); it != entry.end(); ++it) e[it.key()] = it.value();
      added.emplace_back(at, e);
      faults_record.push_back(e);
      Json b = Json::object();
      b["at_s"] = Round(at + length, 1e-3);
      for (auto it = back.begin(); it != back.end(); ++it) b[it.key()] = it.value();
      added.emplace_back(b["at_s"].get<double>(), b);
      faults_record.push_back(b);
      summary_faults.push_back("capacity " + entry["link"].get<std::string>() + " " + Num(entry["capacity_kbps"].get<double>()) +
                               " kbps @" + Num(at) + "s for " + Num(length) + "s");
    } else {
      Json e = Json::object();
      e["at_s"] = at;
      for (auto it = entry.begin(); it != entry.end(); ++it) e[it.key()] = it.value();
      added.emplace_back(at, e);
      faults_record.push_back(e);
      std::string s = kind + " @" + Num(at) + "s";
      if (e.contains("participant")) s += " " + e["participant"].get<std::string>();
      if (e.contains("worker")) s += " worker " + std::to_string(e["worker"].get<int>());
      if (kind == "partition") s += " for " + Num(length) + "s";
      if (kind == "restart_sfu") s += " down " + Num(length) + "s";
      summary_faults.push_back(s);
    }
    t = at + length + ranges.min_gap_s + tl.Uniform(0, ranges.min_gap_s / 2);
  }
  if (!added.empty()) {
    // Merge: the base's entries first at equal times, each side in its own order.
    std::vector<std::pair<double, Json>> merged;
    if (doc.contains("timeline") && doc["timeline"].is_array()) {
      for (const Json& e : doc["timeline"]) merged.emplace_back(e.value("at_s", 0.0), e);
    }
    const std::size_t base_count = merged.size();
    merged.insert(merged.end(), added.begin(), added.end());
    std::vector<std::size_t> order(merged.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (merged[a].first != merged[b].first) return merged[a].first < merged[b].first;
      return (a < base_count) && !(b < base_count);
    });
    Json timeline = Json::array();
    for (std::size_t i : order) timeline.push_back(merged[i].second);
    doc["timeline"] = timeline;
  }
  record["timeline"] = faults_record;

  // ---- fault points ----
  sim::Rng fp = sim::Rng::Stream(seed, "swarm/fault_points");
  const double lost = Round(fp.Uniform(kLostResponseMin, kLostResponseMax), 1e-4);
  const auto worker = static_cast<int>(fp.UniformInt(static_cast<uint64_t>(base.sfu.workers) + 1));
  const double slow_ms = Round(fp.Uniform(kSlowWorkerMsMin, kSlowWorkerMsMax), 1);
  const double delay_p = Round(fp.Uniform(kNotificationDelayMin, kNotificationDelayMax), 1e-3);
  const double delay_ms = Round(fp.Uniform(kNotificationDelayMaxMsMin, kNotificationDelayMaxMsMax), 1);
  Json points = Json::object();
  if (On(on, "lost_response")) {
    points["lost_response"] = lost;
    summary_faults.push_back("lost_response p=" + Num(lost));
  }
  if (On(on, "slow_worker")) {
    if (worker == base.sfu.workers) {
      points["slow_worker"] = "all";
    } else {
      points["slow_worker"] = worker;
    }
    points["slow_worker_ms"] = slow_ms;
    summary_faults.push_back("slow_worker " + (worker == base.sfu.workers ? std::string("all") : std::to_string(worker)) +
                             " " + Num(slow_ms) + "ms");
  }
  if (On(on, "notification_delay")) {
    points["notification_delay"] = delay_p;
    points["notification_delay_max_ms"] = delay_ms;
    summary_faults.push_back("notification_delay p=" + Num(delay_p) + " max " + Num(delay_ms) + "ms");
  }
  if (!points.empty()) {
    points["until_s"] = Round(std::max(0.0, window_end), 1e-3);
    doc["fault_points"] = points;
    record["fault_points"] = points;
  } else {
    record["fault_points"] = nullptr;
  }

  // ---- expectations, name ----
  if (!ranges.judge_all && doc.contains("expect") && doc["expect"].is_object()) {
    doc["expect"].erase("slo");
    doc["expect"].erase("events");
  }
  doc.erase("swarm");
  doc.erase("$schema");
  doc["name"] = base.name + "-swarm-" + std::to_string(seed);
  std::string description = "swarm draw of " + base.name + ", seed " + std::to_string(seed) + " (run it with --seed " +
                            std::to_string(seed) + ")";
  doc["description"] = description.substr(0, kMaxDescriptionChars);

  std::string summary = "kinds on: ";
  for (std::size_t i = 0; i < summary_on.size(); ++i) summary += (i ? "," : "") + summary_on[i];
  if (summary_on.empty()) summary += "none";
  if (!summary_faults.empty()) {
    summary += "; ";
    for (std::size_t i = 0; i < summary_faults.size(); ++i) summary += (i ? ", " : "") + summary_faults[i];
  }
  out.summary = summary;
  record["summary"] = summary;
  out.scenario = std::move(doc);
  return out;
}

}  // namespace sfusim::scenario
