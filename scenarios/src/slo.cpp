#include "sfusim/scenario/slo.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

#include "sfusim/scenario/metrics.h"
#include "sfusim/scenario/vocabulary.h"

namespace sfusim::scenario {
namespace {

constexpr double kTimeEpsilon = 1e-9;

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

struct Candidate {
  std::optional<double> value;  // nullopt: not measurable for this candidate (skipped)
  std::string label;            // "alice<-bob", "carol"
  std::string missing;          // why not measurable / infinite
};

// Picks the worst finite-or-infinite candidate value; infinity means "never recovered".
void Pick(const std::vector<Candidate>& candidates, bool higher_is_better, SloVerdict& v,
          const std::string& nothing_selected) {
  std::optional<double> worst;
  std::string worst_label;
  std::string first_missing;
  for (const Candidate& c : candidates) {
    if (!c.value) {
      if (first_missing.empty()) first_missing = c.label + ": " + c.missing;
      continue;
    }
    bool worse = !worst || (higher_is_better ? *c.value < *worst : *c.value > *worst);
    if (worse) {
      worst = c.value;
      worst_label = c.label;
    }
  }
  if (!worst) {
    v.note = candidates.empty() ? nothing_selected : "not measured (" + first_missing + ")";
    return;
  }
  if (!std::isfinite(*worst)) {
    v.note = worst_label + ": never recovered before the end of the run";
    return;
  }
  v.value = worst;
  v.note = "worst: " + worst_label;
}

bool Selected(const std::string& wanted, const std::string& actual) { return wanted.empty() || wanted == actual; }

}  // namespace

SloVerdict EvaluateSlo(const Slo& slo, const RunObservations& o) {
  SloVerdict v;
  v.metric = slo.metric;
  v.participant = slo.participant;
  v.from = slo.from;
  v.after = slo.after;
  v.min = slo.min;
  v.max = slo.max;
  const MetricInfo* info = FindMetric(slo.metric);
  std::vector<Candidate> candidates;
  std::string nothing = "nothing selected";

  auto per_stream = [&](const std::function<Candidate(const clients::AudioStreamStats&)>& f) {
    for (const auto& [receiver, c] : o.clients) {
      if (!Selected(slo.participant, receiver)) continue;
      for (const auto& [sender, stats] : c.audio) {
        if (!Selected(slo.from, sender)) continue;
        Candidate cand = f(stats);
        cand.label = receiver + "<-" + sender;
        candidates.push_back(std::move(cand));
      }
    }
    nothing = "no audio stream " + (slo.participant.empty() ? std::string("at anyone") : "at " + slo.participant) +
              (slo.from.empty() ? std::string(" from anyone") : " from " + slo.from);
  };
  auto per_client = [&](const std::function<std::optional<double>(const std::string&, const ClientObservation&)>& f) {
    for (const auto& [id, c] : o.clients) {
      if (!Selected(slo.participant, id)) continue;
      Candidate cand;
      cand.value = f(id, c);
      cand.label = id;
      cand.missing = "no value";
      candidates.push_back(std::move(cand));
    }
    nothing = slo.participant.empty() ? "no participants" : "no participant " + slo.participant;
  };

  auto per_video = [&](const std::function<Candidate(const VideoStreamObservation&)>& f) {
    for (const auto& [receiver, c] : o.clients) {
      if (!Selected(slo.participant, receiver)) continue;
      for (const auto& [key, stats] : c.video) {
        std::string sender = key.substr(0, key.find('/'));
        if (!Selected(slo.from, sender)) continue;
        Candidate cand = f(stats);
        cand.label = receiver + "<-" + key;
        candidates.push_back(std::move(cand));
      }
    }
    nothing = "no video stream " + (slo.participant.empty() ? std::string("at anyone") : "at " + slo.participant) +
              (slo.from.empty() ? std::string(" from anyone") : " from " + slo.from);
  };
  auto video_value = [&](bool higher_is_better, std::string missing,
                         const std::function<std::optional<double>(const VideoStreamObservation&)>& f) {
    per_video([&](const VideoStreamObservation& s) {
      Candidate c;
      c.value = f(s);
      c.missing = missing;
      return c;
    });
    Pick(candidates, higher_is_better, v, nothing);
  };

  if (!info) {
    v.note = "unknown metric";
  } else if (slo.metric == "video.psnr_db_p50") {
    video_value(true, "no PSNR samples", [](const VideoStreamObservation& s) { return Percentile(s.psnr_db, 50); });
  } else if (slo.metric == "video.freeze_count") {
    video_value(false, "", [](const VideoStreamObservation& s) {
      return std::optional<double>(static_cast<double>(s.freeze_count));
    });
  } else if (slo.metric == "video.freeze_total_s") {
    video_value(false, "", [](const VideoStreamObservation& s) { return std::optional<double>(s.freeze_total_s); });
  } else if (slo.metric == "video.fps") {
    video_value(true, "no frame rendered", [](const VideoStreamObservation& s) { return s.fps; });
  } else if (slo.metric == "video.delay_ms_p95") {
    video_value(false, "no delay samples", [](const VideoStreamObservation& s) { return Percentile(s.delay_ms, 95); });
  } else if (slo.metric == "video.keyframe_after_pli_ms_max") {
    video_value(false, "PLIs sent but no key frame answered them",
                [](const VideoStreamObservation& s) { return VideoKeyframeAfterPliMsMax(s); });
  } else if (slo.metric == "video.first_frame_after_resume_ms_max") {
    video_value(false, "no frame rendered after a resume", [](const VideoStreamObservation& s) -> std::optional<double> {
      if (s.first_frame_after_resume_ms.empty()) return std::nullopt;
      return *std::max_element(s.first_frame_after_resume_ms.begin(), s.first_frame_after_resume_ms.end());
    });
  } else if (slo.metric == "video.nacks_sent") {
    video_value(false, "", [](const VideoStreamObservation& s) {
      return std::optional<double>(static_cast<double>(s.nacks_sent));
    });
  } else if (slo.metric == "video.kbps_mean") {
    double from = 0;
    double to = o.end_s;
    bool ok = true;
    if (!slo.after.empty()) {
      ok = false;
      for (std::size_t i = 0; i < o.actions.size(); ++i) {
        if (o.actions[i].name != slo.after) continue;
        ok = true;
        from = o.actions[i].at_s + kAdaptSettleS;
        for (std::size_t j = i + 1; j < o.actions.size(); ++j) {
          if (o.actions[j].at_s > o.actions[i].at_s + 1e-9) {
            to = o.actions[j].at_s;
            break;
          }
        }
        break;
      }
    }
    if (!ok) {
      v.note = "the action " + slo.after + " never happened";
    } else {
      video_value(true, "no whole second in [" + Fmt(from) + ", " + Fmt(to) + ") s",
                  [&](const VideoStreamObservation& s) { return VideoKbpsMean(s, from, to); });
    }
  } else if (slo.metric == "video.kbps_end_mean") {
    const double from = o.end_s - kTailS;
    video_value(true, "no whole second in the last " + Fmt(kTailS) + " s",
                [&](const VideoStreamObservation& s) { return VideoKbpsMean(s, from, o.end_s); });
  } else if (slo.metric == "video.first_frame_after_join_s") {
    for (const auto& [receiver, c] : o.clients) {
      if (!Selected(slo.participant, receiver)) continue;
      std::optional<double> joined;
      for (const RunEvent& e : o.events) {
        if (e.participant == receiver && e.name == "voice_joined") {
          joined = e.at_s;
          break;
        }
      }
      for (const auto& [key, stats] : c.video) {
        if (!Selected(slo.from, key.substr(0, key.find('/')))) continue;
        Candidate cand;
        if (joined && stats.first_frame_s) cand.value = std::max(0.0, *stats.first_frame_s - *joined);
        cand.label = receiver + "<-" + key;
        cand.missing = "no frame rendered or no voice_joined";
        candidates.push_back(std::move(cand));
      }
    }
    nothing = "no video stream " + (slo.participant.empty() ? std::string("at anyone") : "at " + slo.participant);
    Pick(candidates, false, v, nothing);
  } else if (slo.metric == "video.key_frames_sent") {
    per_client([](const std::string&, const ClientObservation& c) {
      return std::optional<double>(static_cast<double>(c.counters.video_key_frames_sent));
    });
    Pick(candidates, false, v, nothing);
  } else if (slo.metric == "sfu.key_frame_requests_throttled") {
    auto it = o.sfu_counters.find("key_frame_requests_throttled");
    if (it != o.sfu_counters.end()) {
      v.value = it->second;
    } else {
      v.note = "not measured: no SFU was running at the end of the run";
    }
  } else if (slo.metric == "screen.fallback_triggered_s") {
    for (const auto& [id, c] : o.clients) {
      if (!Selected(slo.participant, id)) continue;
      if (slo.participant.empty() && !c.native) continue;  // worst over the native sharers
      Candidate cand;
      cand.value = FallbackTriggeredS(o, id, slo.after);
      cand.label = id;
      cand.missing = "no fallback_triggered";
      candidates.push_back(std::move(cand));
    }
    nothing = slo.participant.empty() ? "no participant with a native sender" : "no participant " + slo.participant;
    Pick(candidates, false, v, nothing);
  } else if (slo.metric == "screen.degradation_level_max") {
    for (const auto& [id, c] : o.clients) {
      if (!Selected(slo.participant, id)) continue;
      if (slo.participant.empty() && !c.native) continue;
      Candidate cand;
      if (c.native) cand.value = static_cast<double>(c.native->degradation_level_max);
      cand.label = id;
      cand.missing = "no native sender";
      candidates.push_back(std::move(cand));
    }
    nothing = slo.participant.empty() ? "no participant with a native sender" : "no participant " + slo.participant;
    Pick(candidates, false, v, nothing);
  } else if (slo.metric == "audio.delay_ms_p50" || slo.metric == "audio.delay_ms_p95") {
    double p = slo.metric == "audio.delay_ms_p50" ? 50 : 95;
    per_stream([&](const clients::AudioStreamStats& s) {
      Candidate c;
      c.value = s.delay_percentile(p);
      c.missing = "no delay samples";
      return c;
    });
    Pick(candidates, false, v, nothing);
  } else if (slo.metric == "audio.concealed_ratio") {
    per_stream([&](const clients::AudioStreamStats& s) {
      Candidate c;
      if (s.frames_normal + s.frames_fec + s.frames_concealed > 0) c.value = s.concealed_ratio();
      c.missing = "no frames played";
      return c;
    });
    Pick(candidates, false, v, nothing);
  } else if (slo.metric == "audio.no_data_ratio") {
    per_stream([&](const clients::AudioStreamStats& s) {
      Candidate c;
      if (s.frames_total() > 0) c.value = static_cast<double>(s.frames_no_data) / static_cast<double>(s.frames_total());
      c.missing = "no frames played";
      return c;
    });
    Pick(candidates, false, v, nothing);
  } else if (slo.metric == "audio.mos") {
    per_stream([&](const clients::AudioStreamStats& s) {
      Candidate c;
      c.value = StreamMos(s);
      c.missing = "no delay samples";
      return c;
    });
    Pick(candidates, true, v, nothing);
  } else if (slo.metric == "audio.recovery_s") {
    std::vector<const ActionOccurrence*> occurrences;
    for (const ActionOccurrence& a : o.actions) {
      if (slo.after.empty() || a.name == slo.after) occurrences.push_back(&a);
    }
    if (occurrences.empty()) {
      v.note = slo.after.empty() ? "audio.recovery_s needs `after` (an action)" : "the action " + slo.after +
                                                                                       " never happened";
    } else {
      for (const ActionOccurrence* a : occurrences) {
        per_stream([&](const clients::AudioStreamStats& s) {
          Candidate c;
          c.value = AudioRecoveryS(s, a->at_s, a->fault_end_s);
          c.missing = "not playing normally before " + a->name + " at " + Fmt(a->at_s) + " s";
          return c;
        });
      }
      Pick(candidates, false, v, nothing);
    }
  } else if (slo.metric == "signaling.errors") {
    per_client([](const std::string&, const ClientObservation& c) {
      return std::optional<double>(static_cast<double>(c.errors_received));
    });
    Pick(candidates, false, v, nothing);
  } else if (slo.metric == "signaling.timeouts") {
    per_client([](const std::string&, const ClientObservation& c) {
      return std::optional<double>(static_cast<double>(c.counters.timeouts));
    });
    Pick(candidates, false, v, nothing);
  } else if (slo.metric == "rejoin_s_max") {
    per_client([&](const std::string& id, const ClientObservation&) {
      return std::optional<double>(RejoinSMax(o.events, id, o.end_s));
    });
    Pick(candidates, false, v, nothing);
  } else if (slo.metric == "sfu.consumers_leaked") {
    if (o.consumers_leaked) {
      v.value = o.consumers_leaked;
    } else {
      v.note = "not measured: no SFU was running at the end of the run";
    }
  } else {
    v.note = "not measured: this build does not compute " + slo.metric;
  }

  if (v.value) {
    v.passed = (!slo.min || *v.value >= *slo.min) && (!slo.max || *v.value <= *slo.max);
  } else {
    v.passed = false;
  }
  return v;
}

std::vector<SloVerdict> EvaluateSlos(const std::vector<Slo>& slos, const RunObservations& o) {
  std::vector<SloVerdict> out;
  out.reserve(slos.size());
  for (const Slo& s : slos) out.push_back(EvaluateSlo(s, o));
  return out;
}

EventVerdict EvaluateEventExpectation(const EventExpectation& x, const std::vector<RunEvent>& events) {
  EventVerdict v;
  v.name = x.name;
  v.participant = x.participant;
  v.between_s = x.between_s;
  for (const RunEvent& e : events) {
    if (e.name != x.name || !Selected(x.participant, e.participant)) continue;
    if (x.between_s && (e.at_s < x.between_s->first - kTimeEpsilon || e.at_s > x.between_s->second + kTimeEpsilon)) {
      continue;
    }
    v.passed = true;
    v.matched_at_s = e.at_s;
    break;
  }
  return v;
}

}  // namespace sfusim::scenario
