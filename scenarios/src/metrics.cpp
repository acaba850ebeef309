#include "sfusim/scenario/metrics.h"

#include "sfusim/clients/audio/e_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sfusim::scenario {
namespace {

using clients::AudioStreamStats;
using clients::FrameStatus;

constexpr double kInf = std::numeric_limits<double>::infinity();

bool Bad(uint8_t slot) {
  auto s = static_cast<FrameStatus>(slot);
  return s == FrameStatus::kConcealed || s == FrameStatus::kNoData;
}
bool Good(uint8_t slot) { return !Bad(slot); }

}  // namespace

std::optional<double> Percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return std::nullopt;
  std::sort(samples.begin(), samples.end());
  p = std::clamp(p, 0.0, 100.0);
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  if (rank == 0) rank = 1;
  return samples[rank - 1];
}

std::optional<double> StreamMos(const AudioStreamStats& stats) {
  auto delay = stats.mean_delay_ms();
  if (!delay) return std::nullopt;
  // The loss after FEC and the jitter buffer: concealed frames (EModel's contract).
  double loss = stats.concealed_ratio();
  return clients::EModel::Mos(*delay, loss, clients::EModel::BurstRatio(stats.mean_concealed_burst(), loss));
}

std::optional<double> AudioRecoveryS(const AudioStreamStats& stats, double action_at_s, double fault_end_s) {
  if (!stats.first_slot_time || stats.frame_log.empty()) return std::nullopt;
  const double first = stats.first_slot_time->seconds();
  const auto& log = stats.frame_log;
  auto index_at = [&](double t) -> std::ptrdiff_t {
    return static_cast<std::ptrdiff_t>(std::ceil((t - first) / kSlotS - 1e-9));
  };
  const auto n = static_cast<std::ptrdiff_t>(log.size());
  // Healthy before: a normal frame in [action - kHealthyBeforeS, action).
  std::ptrdiff_t a = std::clamp<std::ptrdiff_t>(index_at(action_at_s), 0, n);
  std::ptrdiff_t h = std::clamp<std::ptrdiff_t>(index_at(action_at_s - kHealthyBeforeS), 0, n);
  bool healthy = false;
  for (std::ptrdiff_t i = h; i < a; ++i) healthy |= static_cast<FrameStatus>(log[i]) == FrameStatus::kNormal;
  if (!healthy) return std::nullopt;
  // The outage: a run of >= kOutageMinSlots bad slots beginning in [action, fault_end + window].
  std::ptrdiff_t window_end = index_at(fault_end_s + kOutageStartWindowS);
  std::ptrdiff_t i = a;
  std::ptrdiff_t outage = -1;
  while (i < n && i <= window_end) {
    if (!Bad(log[i])) {
      ++i;
      continue;
    }
    std::ptrdiff_t j = i;
    while (j < n && Bad(log[j])) ++j;
    if (j - i >= static_cast<std::ptrdiff_t>(kOutageMinSlots) || j == n) {
      outage = i;
      break;
    }
    i = j;
  }
  if (outage < 0) return 0.0;
  // Its end: the first good slot that starts kRecoveredSlots good ones.
  for (std::ptrdiff_t k = outage; k < n; ++k) {
    if (!Good(log[k])) continue;
    std::ptrdiff_t m = k;
    while (m < n && m - k < static_cast<std::ptrdiff_t>(kRecoveredSlots) && Good(log[m])) ++m;
    if (m - k >= static_cast<std::ptrdiff_t>(kRecoveredSlots)) {
      return std::max(0.0, first + static_cast<double>(k) * kSlotS - fault_end_s);
    }
    k = m;
  }
  return kInf;
}

double RejoinSMax(const std::vector<RunEvent>& events, const std::string& participant, double end_s) {
  double worst = 0;
  // A flag and a value rather than std::optional<double>: GCC 12 at -O2/-O3 reports a false
  // -Wmaybe-uninitialized on the optional's payload.
  bool down = false;
  double down_since = 0;
  for (const RunEvent& e : events) {
    if (e.participant != participant) continue;
    if (e.name == "signaling_disconnected") {
      if (!down) {
        down = true;
        down_since = e.at_s;
      }
    } else if (e.name == "voice_joined" && down) {
      worst = std::max(worst, e.at_s - down_since);
      down = false;
    }
  }
  if (down) {
    (void)end_s;
    return kInf;
  }
  return worst;
}

StreamMetrics ComputeStreamMetrics(const AudioStreamStats& s) {
  StreamMetrics m;
  m.kind = "audio";
  m.frames_normal = s.frames_normal;
  m.frames_fec = s.frames_fec;
  m.frames_concealed = s.frames_concealed;
  m.frames_no_data = s.frames_no_data;
  m.packets_received = s.packets_received;
  m.packets_lost = s.packets_lost;
  m.packets_late = s.packets_late;
  m.delay_ms_p50 = s.delay_percentile(50);
  m.delay_ms_p95 = s.delay_percentile(95);
  if (s.frames_normal + s.frames_fec + s.frames_concealed > 0) m.concealed_ratio = s.concealed_ratio();
  m.mos = StreamMos(s);
  TimeSeries kbps, concealed, delay;
  for (const auto& bin : s.seconds) {
    kbps.values.push_back(static_cast<double>(bin.bytes_received) * 8.0 / 1000.0);
    concealed.values.push_back(bin.frames_concealed);
    delay.values.push_back(bin.mean_delay_ms());
  }
  m.series["kbps"] = std::move(kbps);
  m.series["concealed_frames"] = std::move(concealed);
  m.series["delay_ms"] = std::move(delay);
  return m;
}

std::optional<double> VideoKeyframeAfterPliMsMax(const VideoStreamObservation& v) {
  if (!v.keyframe_after_pli_ms.empty()) {
    return *std::max_element(v.keyframe_after_pli_ms.begin(), v.keyframe_after_pli_ms.end());
  }
  if (v.plis_sent == 0) return 0.0;
  return std::nullopt;
}

std::optional<double> VideoKbpsMean(const VideoStreamObservation& v, double from_s, double to_s) {
  auto it = v.series.find("kbps");
  if (it == v.series.end()) return std::nullopt;
  const TimeSeries& ts = it->second;
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < ts.values.size(); ++i) {
    double bin_start = ts.start_s + static_cast<double>(i);
    if (bin_start < from_s - 1e-9 || bin_start + 1 > to_s + 1e-9) continue;
    sum += ts.values[i];
    ++n;
  }
  if (n == 0) return std::nullopt;
  return sum / static_cast<double>(n);
}

std::optional<double> FallbackTriggeredS(const RunObservations& o, const std::string& participant,
                                         const std::string& after) {
  double reference = 0;
  bool found = false;
  for (const ActionOccurrence& a : o.actions) {
    bool name_ok = after.empty() ? a.name == "encoder_faults" : a.name == after;
    bool target_ok = a.participant.empty() ? !after.empty() : a.participant == participant;
    if (name_ok && target_ok) {
      reference = a.at_s;
      found = true;
      break;
    }
  }
  if (!found && !after.empty()) return std::nullopt;  // the action never happened
  for (const RunEvent& e : o.events) {
    if (e.participant == participant && e.name == "fallback_triggered" && e.at_s >= reference - 1e-9) {
      return std::max(0.0, e.at_s - reference);
    }
  }
  return std::nullopt;
}

StreamMetrics ComputeVideoStreamMetrics(const VideoStreamObservation& v) {
  StreamMetrics m;
  m.kind = "video";
  m.packets_received = v.packets_received;
  m.packets_lost = v.packets_lost;
  m.delay_ms_p50 = Percentile(v.delay_ms, 50);
  m.delay_ms_p95 = Percentile(v.delay_ms, 95);
  m.series = v.series;
  VideoMetrics x;
  x.source = v.source;
  x.packets_retransmitted = v.packets_retransmitted;
  x.frames_received = v.frames_received;
  x.frames_decoded = v.frames_decoded;
  x.frames_lost = v.frames_lost;
  x.key_frames = v.key_frames;
  x.decode_errors = v.decode_errors;
  x.nacks_sent = v.nacks_sent;
  x.nack_packets = v.nack_packets;
  x.plis_sent = v.plis_sent;
  x.freeze_count = v.freeze_count;
  x.freeze_total_s = v.freeze_total_s;
  x.psnr_db_p50 = Percentile(v.psnr_db, 50);
  x.fps = v.fps;
  x.keyframe_after_pli_ms_max = VideoKeyframeAfterPliMsMax(v);
  x.first_frame_s = v.first_frame_s;
  x.width = v.width;
  x.height = v.height;
  m.video = std::move(x);
  return m;
}

RunMetrics ComputeRunMetrics(const RunObservations& o) {
  RunMetrics m;
  for (const auto& [id, c] : o.clients) {
    ParticipantMetrics& p = m.participants[id];
    p.final_phase = c.final_phase;
    p.media_complete = c.media_complete;
    const auto& k = c.counters;
    p.counters = {{"requests", static_cast<double>(k.requests_sent)},
                  {"responses", static_cast<double>(k.responses)},
                  {"error_responses", static_cast<double>(k.error_responses)},
                  {"server_errors", static_cast<double>(k.server_errors)},
                  {"timeouts", static_cast<double>(k.timeouts)},
                  {"unknown_responses", static_cast<double>(k.unknown_responses)},
                  {"late_responses", static_cast<double>(k.late_responses)},
                  {"signaling_drops", static_cast<double>(k.signaling_drops)},
                  {"reconnects", static_cast<double>(k.reconnects)},
                  {"joins", static_cast<double>(k.joins)},
                  {"media_setups", static_cast<double>(k.media_setups)},
                  {"router_resets", static_cast<double>(k.router_resets)},
                  {"rtp_sent", static_cast<double>(k.rtp_sent)},
                  {"rtp_received", static_cast<double>(k.rtp_received)},
                  {"srtp_errors", static_cast<double>(k.srtp_errors)},
                  {"decode_errors", static_cast<double>(k.decode_errors)},
                  {"errors_received", static_cast<double>(c.errors_received)}};
    if (k.video_rtp_sent + k.video_rtp_received + k.native_sessions > 0) {
      // Video counters only for participants that sent or received video (audio results unchanged).
      p.counters["video_frames_sent"] = static_cast<double>(k.video_frames_sent);
      p.counters["video_key_frames_sent"] = static_cast<double>(k.video_key_frames_sent);
      p.counters["video_rtp_sent"] = static_cast<double>(k.video_rtp_sent);
      p.counters["video_retransmissions"] = static_cast<double>(k.video_retransmissions);
      p.counters["nacks_received"] = static_cast<double>(k.nacks_received);
      p.counters["plis_received"] = static_cast<double>(k.plis_received);
      p.counters["rembs_received"] = static_cast<double>(k.rembs_received);
      p.counters["video_rtp_received"] = static_cast<double>(k.video_rtp_received);
      p.counters["nacks_sent"] = static_cast<double>(k.nacks_sent);
      p.counters["plis_sent"] = static_cast<double>(k.plis_sent);
      p.counters["camera_produces"] = static_cast<double>(k.camera_produces);
      p.counters["screen_produces"] = static_cast<double>(k.screen_produces);
      p.counters["native_sessions"] = static_cast<double>(k.native_sessions);
      p.counters["fallbacks"] = static_cast<double>(k.fallbacks);
    }
    p.rejoin_s_max = RejoinSMax(o.events, id, o.end_s);
    for (const auto& [from, stats] : c.audio) p.streams[from] = ComputeStreamMetrics(stats);
    for (const auto& [key, v] : c.video) p.streams[key] = ComputeVideoStreamMetrics(v);
    if (c.native) {
      ParticipantMetrics::NativeSender n;
      n.final_state = c.native->final_state;
      n.last_fallback_reason = c.native->last_fallback_reason;
      n.degradation_level = c.native->degradation_level;
      n.degradation_level_max = c.native->degradation_level_max;
      n.transport_connected = c.native->transport_connected;
      n.producer_connected = c.native->producer_connected;
      n.degradation_level_series = c.native->degradation_level_series;
      p.native_sender = std::move(n);
    }
  }
  if (o.consumers_leaked) m.sfu["consumers_leaked"] = *o.consumers_leaked;
  return m;
}

}  // namespace sfusim::scenario
