#include "sfusim/scenario/result_json.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace sfusim::scenario {
namespace {

using Json = nlohmann::ordered_json;

constexpr double kRoundScale = 1e6;  // 6 decimals: microseconds for times

// Non-finite numbers have no JSON form: they become null.
Json Number(double v) {
  if (!std::isfinite(v)) return nullptr;
  double r = std::round(v * kRoundScale) / kRoundScale;
  if (r == std::floor(r) && std::fabs(r) < 9e15) return static_cast<int64_t>(r);
  return r;
}

Json Optional(const std::optional<double>& v) { return v ? Number(*v) : Json(nullptr); }

Json SeriesJson(const TimeSeries& s) {
  Json j = Json::object();
  j["start_s"] = Number(s.start_s);
  Json values = Json::array();
  for (double v : s.values) values.push_back(Number(v));
  j["values"] = std::move(values);
  return j;
}

Json VideoStreamJson(const StreamMetrics& s) {
  const VideoMetrics& v = *s.video;
  Json j = Json::object();
  j["kind"] = s.kind;
  j["source"] = v.source;
  j["frames"] = {{"received", v.frames_received},
                 {"decoded", v.frames_decoded},
                 {"lost", v.frames_lost},
                 {"key", v.key_frames},
                 {"decode_errors", v.decode_errors}};
  j["packets"] = {{"received", s.packets_received}, {"lost", s.packets_lost}, {"retransmitted", v.packets_retransmitted}};
  j["feedback"] = {{"nacks_sent", v.nacks_sent}, {"nack_packets", v.nack_packets}, {"plis_sent", v.plis_sent}};
  j["psnr_db_p50"] = Optional(v.psnr_db_p50);
  j["freeze_count"] = v.freeze_count;
  j["freeze_total_s"] = Number(v.freeze_total_s);
  j["fps"] = Optional(v.fps);
  j["delay_ms_p50"] = Optional(s.delay_ms_p50);
  j["delay_ms_p95"] = Optional(s.delay_ms_p95);
  j["keyframe_after_pli_ms_max"] = Optional(v.keyframe_after_pli_ms_max);
  j["first_frame_s"] = Optional(v.first_frame_s);
  j["resolution"] = {{"width", v.width}, {"height", v.height}};
  Json series = Json::object();
  for (const auto& [name, ts] : s.series) series[name] = SeriesJson(ts);
  j["series"] = std::move(series);
  return j;
}

Json StreamJson(const StreamMetrics& s) {
  if (s.video) return VideoStreamJson(s);
  Json j = Json::object();
  j["kind"] = s.kind;
  j["frames"] = {{"normal", s.frames_normal},
                 {"fec", s.frames_fec},
                 {"concealed", s.frames_concealed},
                 {"no_data", s.frames_no_data}};
  j["packets"] = {{"received", s.packets_received}, {"lost", s.packets_lost}, {"late", s.packets_late}};
  j["delay_ms_p50"] = Optional(s.delay_ms_p50);
  j["delay_ms_p95"] = Optional(s.delay_ms_p95);
  j["concealed_ratio"] = Optional(s.concealed_ratio);
  j["mos"] = Optional(s.mos);
  Json series = Json::object();
  for (const auto& [name, ts] : s.series) series[name] = SeriesJson(ts);
  j["series"] = std::move(series);
  return j;
}

Json CountersJson(const std::map<std::string, double>& counters) {
  Json j = Json::object();
  for (const auto& [k, v] : counters) j[k] = Number(v);
  return j;
}

Json MetricsJson(const RunMetrics& m) {
  Json participants = Json::object();
  for (const auto& [id, p] : m.participants) {
    Json pj = Json::object();
    pj["final_phase"] = p.final_phase;
    pj["media_complete"] = p.media_complete;
    pj["counters"] = CountersJson(p.counters);
    pj["rejoin_s_max"] = Optional(p.rejoin_s_max);
    Json streams = Json::object();
    for (const auto& [from, s] : p.streams) streams[from] = StreamJson(s);
    pj["streams"] = std::move(streams);
    if (p.native_sender) {
      const auto& n = *p.native_sender;
      Json nj = Json::object();
      nj["final_state"] = n.final_state;
      nj["last_fallback_reason"] = n.last_fallback_reason;
      nj["degradation_level"] = n.degradation_level;
      nj["degradation_level_max"] = n.degradation_level_max;
      nj["transport_connected"] = n.transport_connected;
      nj["producer_connected"] = n.producer_connected;
      nj["series"] = {{"degradation_level", SeriesJson(n.degradation_level_series)}};
      pj["native_sender"] = std::move(nj);
    }
    participants[id] = std::move(pj);
  }
  Json links = Json::object();
  for (const auto& [name, counters] : m.links) links[name] = CountersJson(counters);
  Json j = Json::object();
  j["participants"] = std::move(participants);
  j["sfu"] = CountersJson(m.sfu);
  j["links"] = std::move(links);
  return j;
}

}  // namespace

std::string HexHash(uint64_t hash) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

Json ResultToJson(const RunResult& r, bool include_wall_time) {
  Json j = Json::object();
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["mutant"] = r.mutant ? Json(*r.mutant) : Json(nullptr);
  j["passed"] = r.passed;
  j["trace_hash"] = HexHash(r.trace_hash);
  // A real-network run's trace follows the wall clock: its hash identifies that run only.
  if (r.real) j["real"] = true;
  j["trace_records"] = r.trace_records;
  j["sim_s"] = Number(r.sim_s);
  if (include_wall_time) j["wall_s"] = Number(r.wall_s);

  Json invariants = Json::array();
  for (const InvariantVerdict& v : r.invariants) {
    Json iv = Json::object();
    iv["name"] = v.name;
    iv["passed"] = v.passed;
    if (v.first_violation) {
      iv["first_violation"] = {{"at_s", Number(v.first_violation->at_s)}, {"detail", v.first_violation->detail}};
    } else {
      iv["first_violation"] = nullptr;
    }
    iv["violations"] = v.violations;
    invariants.push_back(std::move(iv));
  }
  j["invariants"] = std::move(invariants);

  Json na = Json::array();
  for (const NotApplicable& n : r.invariants_not_applicable) na.push_back({{"name", n.name}, {"reason", n.reason}});
  j["invariants_not_applicable"] = std::move(na);

  Json slo = Json::array();
  for (const SloVerdict& s : r.slo) {
    Json sj = Json::object();
    sj["metric"] = s.metric;
    if (!s.participant.empty()) sj["participant"] = s.participant;
    if (!s.from.empty()) sj["from"] = s.from;
    if (!s.after.empty()) sj["after"] = s.after;
    sj["value"] = Optional(s.value);
    Json bound = Json::object();
    if (s.min) bound["min"] = Number(*s.min);
    if (s.max) bound["max"] = Number(*s.max);
    sj["bound"] = std::move(bound);
    sj["passed"] = s.passed;
    if (!s.note.empty()) sj["note"] = s.note;
    slo.push_back(std::move(sj));
  }
  j["slo"] = std::move(slo);

  Json events = Json::array();
  for (const RunEvent& e : r.events) {
    events.push_back(
        {{"at_s", Number(e.at_s)}, {"participant", e.participant}, {"name", e.name}, {"reason", e.reason}});
  }
  j["events"] = std::move(events);

  Json expected = Json::array();
  for (const EventVerdict& e : r.expected_events) {
    Json ej = Json::object();
    ej["name"] = e.name;
    if (!e.participant.empty()) ej["participant"] = e.participant;
    if (e.between_s) ej["between_s"] = {Number(e.between_s->first), Number(e.between_s->second)};
    ej["passed"] = e.passed;
    ej["matched_at_s"] = Optional(e.matched_at_s);
    expected.push_back(std::move(ej));
  }
  j["expected_events"] = std::move(expected);
  j["metrics"] = MetricsJson(r.metrics);
  j["reproduce"] = r.reproduce;
  // Only in swarm / fault-point runs (ordinary results stay as they were).
  if (!r.fault_points.empty()) j["fault_points"] = Json::parse(r.fault_points, nullptr, false);
  if (!r.swarm.empty()) j["swarm"] = Json::parse(r.swarm, nullptr, false);
  return j;
}

std::string ResultJsonText(const RunResult& result, bool include_wall_time) {
  // Replace invalid UTF-8 (a detail may quote raw bytes a client sent) instead of throwing.
  return ResultToJson(result, include_wall_time).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

bool WriteResultFile(const std::string& path, const RunResult& result, std::string* error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p(path);
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) {
    if (error) *error = "cannot write '" + path + "'";
    return false;
  }
  f << ResultJsonText(result);
  f.flush();
  if (!f) {
    if (error) *error = "write failed for '" + path + "'";
    return false;
  }
  return true;
}

}  // namespace sfusim::scenario
