#include "sfusim/scenario/invariants/fallback_iff_thresholds.h"

#include <cstdio>

namespace sfusim::scenario {
namespace {

constexpr double kSameInstantS = 1e-6;  // events this close to the fallback belong to its instant

std::string Fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

void Push(std::deque<double>& d, double at_s) {
  if (d.size() >= kMaxWindowEvents) d.pop_front();
  d.push_back(at_s);
}

}  // namespace

FallbackIffThresholds::Sender& FallbackIffThresholds::Get(const std::string& participant) {
  return senders_[participant];  // default thresholds until SetThresholds
}

void FallbackIffThresholds::SetThresholds(const std::string& participant, const FallbackThresholdsView& t) {
  Get(participant).t = t;
}

void FallbackIffThresholds::Reset(Sender& s) {
  s.encode_errors.clear();
  s.send_errors.clear();
  s.queue.clear();
  s.pressure_since.reset();
  s.queue_crossed_at.reset();
  s.crossing.reset();
}

std::size_t FallbackIffThresholds::CountSince(const std::deque<double>& times, double from_s, bool inclusive) {
  std::size_t n = 0;
  for (double t : times) {
    if (inclusive ? t >= from_s : t > from_s) ++n;
  }
  return n;
}

void FallbackIffThresholds::OnSenderStarted(double at_s, const std::string& participant) {
  Poll(at_s);
  Sender& s = Get(participant);
  Judge(at_s, participant, s, true);
  Reset(s);
}

void FallbackIffThresholds::OnSenderStopped(double at_s, const std::string& participant) {
  Poll(at_s);
  Get(participant).crossing.reset();  // a stopped session owes no fallback
}

void FallbackIffThresholds::OnEncodeError(double at_s, const std::string& participant) {
  Poll(at_s);
  Sender& s = Get(participant);
  Push(s.encode_errors, at_s);
  CheckCounts(at_s, participant, s);
}

void FallbackIffThresholds::OnSendError(double at_s, const std::string& participant) {
  Poll(at_s);
  Sender& s = Get(participant);
  Push(s.send_errors, at_s);
  CheckCounts(at_s, participant, s);
}

void FallbackIffThresholds::OnQueueSample(double at_s, const std::string& participant, uint64_t captured,
                                          uint64_t dropped) {
  Poll(at_s);
  Sender& s = Get(participant);
  s.had_queue_samples = true;
  if (s.queue.size() >= kMaxWindowEvents) s.queue.pop_front();
  s.queue.push_back(QueueSample{at_s, captured, dropped});
  // Keep one sample at or before the window's start as the base.
  while (s.queue.size() > 1 && s.queue[1].at_s <= at_s - s.t.window_s + kWindowToleranceS) s.queue.pop_front();
  const QueueSample& base = s.queue.front();
  bool pressure = false;
  if (captured > base.captured && dropped >= base.dropped) {
    double fraction = static_cast<double>(dropped - base.dropped) / static_cast<double>(captured - base.captured);
    pressure = fraction > s.t.queue_drop_fraction;
  }
  if (!pressure) {
    s.pressure_since.reset();
    return;
  }
  if (!s.pressure_since) s.pressure_since = at_s;
  double lasted = at_s - *s.pressure_since;
  if (lasted >= s.t.queue_pressure_for_s - kQueueSampleSlackS) s.queue_crossed_at = at_s;
  if (lasted >= s.t.queue_pressure_for_s + kQueueSampleSlackS && !s.crossing && !s.fallback) {
    ++crossings_;
    s.crossing = std::make_pair(at_s, "queue drops above " + Fmt(s.t.queue_drop_fraction) + " for " + Fmt(lasted) +
                                          " s (threshold " + Fmt(s.t.queue_pressure_for_s) + " s)");
  }
}

void FallbackIffThresholds::CheckCounts(double at_s, const std::string& participant, Sender& s) {
  (void)participant;
  if (s.crossing || s.fallback) return;
  const double strict_from = at_s - s.t.window_s + kWindowToleranceS;
  std::size_t enc = CountSince(s.encode_errors, strict_from, false);
  std::size_t snd = CountSince(s.send_errors, strict_from, false);
  std::string what;
  if (static_cast<int64_t>(enc) > s.t.encode_failures) {
    what = "encode_failures: " + std::to_string(enc) + " in " + Fmt(s.t.window_s) + " s > " +
           std::to_string(s.t.encode_failures);
  } else if (static_cast<int64_t>(snd) > s.t.send_errors) {
    what = "send_errors: " + std::to_string(snd) + " in " + Fmt(s.t.window_s) + " s > " +
           std::to_string(s.t.send_errors);
  }
  if (what.empty()) return;
  ++crossings_;
  s.crossing = std::make_pair(at_s, what);
}

void FallbackIffThresholds::OnFallback(double at_s, const std::string& participant, std::string_view reason) {
  Poll(at_s);
  Sender& s = Get(participant);
  if (s.fallback) Judge(at_s, participant, s, true);  // two fallbacks at one instant: judge the first
  s.fallback = std::make_pair(at_s, std::string(reason));
}

void FallbackIffThresholds::Judge(double now_s, const std::string& participant, Sender& s, bool final) {
  if (s.fallback) {
    const double t_f = s.fallback->first;
    if (!final && now_s <= t_f + kSameInstantS) return;  // more events of its instant may come
    ++fallbacks_;
    const double lenient_from = t_f - s.t.window_s - kWindowToleranceS;
    std::size_t enc = CountSince(s.encode_errors, lenient_from, true);
    std::size_t snd = CountSince(s.send_errors, lenient_from, true);
    bool justified = s.crossing || static_cast<int64_t>(enc) > s.t.encode_failures ||
                     static_cast<int64_t>(snd) > s.t.send_errors || s.queue_crossed_at.has_value();
    const std::string& reason = s.fallback->second;
    if (!justified && (reason.rfind("producer_failed", 0) == 0 || reason.rfind("transport_closed", 0) == 0)) {
      ++fatal_;  // a fatal failure (PROTOCOL.md §3), not a threshold
      justified = true;
    }
    if (!justified && !s.had_queue_samples && reason.rfind("queue", 0) == 0) {
      ++unverified_;
      justified = true;
    }
    if (!justified) {
      Violate(t_f, participant + ": fallback_triggered (\"" + s.fallback->second + "\") without a threshold crossing: " +
                       std::to_string(enc) + " encode errors and " + std::to_string(snd) + " send errors in the " +
                       Fmt(s.t.window_s) + " s before it (thresholds " + std::to_string(s.t.encode_failures) + ", " +
                       std::to_string(s.t.send_errors) + ")");
    }
    s.fallback.reset();
    bool had_samples = s.had_queue_samples;
    Reset(s);
    s.had_queue_samples = had_samples;
    return;
  }
  if (s.crossing && (final || now_s > s.crossing->first + kFallbackGraceS)) {
    if (now_s > s.crossing->first + kFallbackGraceS) {
      Violate(s.crossing->first, participant + ": thresholds crossed (" + s.crossing->second +
                                     ") but no fallback_triggered within " + Fmt(kFallbackGraceS) + " s");
    }
    // A crossing too close to the end of the run is not judged.
    s.crossing.reset();
    s.encode_errors.clear();
    s.send_errors.clear();
    s.pressure_since.reset();
    s.queue_crossed_at.reset();
  }
}

void FallbackIffThresholds::Poll(double now_s) {
  for (auto& [participant, s] : senders_) Judge(now_s, participant, s, false);
}

void FallbackIffThresholds::Finish(double end_s) {
  for (auto& [participant, s] : senders_) Judge(end_s, participant, s, true);
}

}  // namespace sfusim::scenario
