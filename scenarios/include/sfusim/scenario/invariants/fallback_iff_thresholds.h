// FallbackIffThresholds ("fallback_iff_thresholds"): a native screen-share sender falls back to
// the browser path when, and only when, its thresholds are crossed (PROTOCOL.md §3).
//
// The checker recomputes the sender's rolling windows from what the run observed, per participant,
// with that participant's thresholds (FallbackThresholdsView, the scenario's copy of
// clients::FallbackThresholds):
// - encode: more than `encode_failures` encode_error events within `window_s`;
// - send: more than `send_errors` transport_error events within `window_s`;
// - queue: drops / captured frames over the last `window_s` (from cumulative queue samples, when the
//   runner can observe them) above `queue_drop_fraction` continuously for `queue_pressure_for_s`
//   (strict: that + kQueueSampleSlackS, lenient: that - kQueueSampleSlackS, as samples are discrete).
// A window's counts restart at every sender_started and after every fallback (a new session).
// Violations:
// - a crossing (strict count: events in (t - window + kWindowToleranceS, t]) not followed by
//   fallback_triggered within kFallbackGraceS (unless the session stopped first);
// - a fallback_triggered with no crossing (lenient count: events in [t - window -
//   kWindowToleranceS, t]) at or before it. Events at the same instant as the fallback count for it
//   whatever their order. A fallback whose reason names queue pressure (it starts with "queue")
//   while the runner has no queue samples for the participant cannot be judged and is accepted
//   (unverified_fallbacks() counts those). A fallback for a fatal failure (reason "producer_failed..."
//   or "transport_closed...", PROTOCOL.md §3's fatal class) needs no threshold (fatal_fallbacks()).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sfusim/scenario/invariants/invariant_checker.h"

namespace sfusim::scenario {

inline constexpr double kFallbackGraceS = 0.5;      // a crossing must cause fallback this soon
inline constexpr double kWindowToleranceS = 0.001;  // window edges: the sender's clock vs ours
inline constexpr double kQueueSampleSlackS = 0.5;  // queue pressure is sampled: its duration is this uncertain
inline constexpr std::size_t kMaxWindowEvents = 100'000;  // per participant and kind (bounded memory)

struct FallbackThresholdsView {
  int encode_failures = 5;
  int send_errors = 20;
  double window_s = 2.0;
  double queue_drop_fraction = 0.5;
  double queue_pressure_for_s = 3.0;
};

class FallbackIffThresholds : public InvariantChecker {
 public:
  FallbackIffThresholds() : InvariantChecker("fallback_iff_thresholds") {}

  void SetThresholds(const std::string& participant, const FallbackThresholdsView& thresholds);
  void OnSenderStarted(double at_s, const std::string& participant);
  void OnSenderStopped(double at_s, const std::string& participant);
  void OnEncodeError(double at_s, const std::string& participant);
  void OnSendError(double at_s, const std::string& participant);
  // Cumulative counters of the running sender (frames captured, frames dropped before encode).
  void OnQueueSample(double at_s, const std::string& participant, uint64_t frames_captured, uint64_t frames_dropped);
  void OnFallback(double at_s, const std::string& participant, std::string_view reason);
  // Judges deadlines that passed by now_s (the runner calls it on every observation and poll).
  void Poll(double now_s);
  void Finish(double end_s) override;

  uint64_t crossings() const { return crossings_; }
  uint64_t fallbacks() const { return fallbacks_; }
  uint64_t unverified_fallbacks() const { return unverified_; }
  uint64_t fatal_fallbacks() const { return fatal_; }

 private:
  struct QueueSample {
    double at_s;
    uint64_t captured, dropped;
  };
  struct Sender {
    FallbackThresholdsView t;
    std::deque<double> encode_errors, send_errors;
    std::deque<QueueSample> queue;
    bool had_queue_samples = false;
    std::optional<double> pressure_since;
    std::optional<double> queue_crossed_at;  // lenient: the pressure lasted long enough
    std::optional<std::pair<double, std::string>> crossing;  // strict crossing awaiting fallback
    std::optional<std::pair<double, std::string>> fallback;  // fallback awaiting judgement
  };
  Sender& Get(const std::string& participant);
  void Reset(Sender& s);
  void CheckCounts(double at_s, const std::string& participant, Sender& s);
  void Judge(double now_s, const std::string& participant, Sender& s, bool final);
  static std::size_t CountSince(const std::deque<double>& times, double from_s, bool inclusive);

  std::map<std::string, Sender> senders_;
  uint64_t crossings_ = 0, fallbacks_ = 0, unverified_ = 0, fatal_ = 0;
};

}  // namespace sfusim::scenario
