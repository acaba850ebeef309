// Per-metric thresholds: which direction is better and how large a change in the bad direction is
// a regression against a baseline. Used by the baseline diff and for "worst seed" in distributions.
//
// Contract:
// - A rule matches a metric by the last component of its name: the part after the last '/'
//   ("participants/alice/streams/bob/delay_ms_p95" -> "delay_ms_p95"), and for an SLO value
//   ("slo/audio.recovery_s after=restart_sfu") the part after the last '.' of the metric name
//   ("recovery_s"). The first rule of kMetricRules whose pattern matches wins: a pattern "x*"
//   matches names starting with x, "*x" names ending with x, otherwise the whole name.
// - A change is a regression when it goes the bad way by more than abs_tolerance AND by more than
//   rel_tolerance * |baseline| (both). Changes the good way are improvements, never regressions.
//   A metric without a rule is informational: its changes are listed, never a regression.
// - The runs are deterministic (same code, same seed -> same bytes), so any change comes from a
//   code change; the tolerances say how much of a change is worth failing CI over, not noise.
// - Verdicts are stricter: a run, invariant, SLO or expected event that passed in the baseline and
//   fails now is always a regression, and so is a baseline run that is now missing or crashed.
//
// The table (also in the README):
//   metric (by name)                 better   regression when worse by more than
//   mos                              higher   0.05 (absolute)
//   psnr_db*                         higher   0.5 dB
//   fps*                             higher   1 frame/s and 5 %
//   *delay_ms*                       lower    5 ms and 10 %
//   concealed_ratio                  lower    0.01
//   recovery_s, rejoin_s*            lower    0.25 s and 20 %
//   keyframe_after_pli_ms*           lower    50 ms and 20 %
//   fallback_triggered_s             lower    0.5 s
//   freeze_count                     lower    0 (any increase)
//   freeze_total_s                   lower    0.1 s
//   degradation_level*               lower    0 (any increase)
//   consumers_leaked, *errors, timeouts   lower 0 (any increase)
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sfusim::reports {

enum class Better { kHigher, kLower };

struct MetricRule {
  std::string_view pattern;
  Better better;
  double abs_tolerance;
  double rel_tolerance;
};

inline constexpr MetricRule kMetricRules[] = {
    {"mos", Better::kHigher, 0.05, 0.0},
    {"psnr_db*", Better::kHigher, 0.5, 0.0},
    {"fps*", Better::kHigher, 1.0, 0.05},
    {"*delay_ms*", Better::kLower, 5.0, 0.10},
    {"concealed_ratio", Better::kLower, 0.01, 0.0},
    {"recovery_s", Better::kLower, 0.25, 0.20},
    {"rejoin_s*", Better::kLower, 0.25, 0.20},
    {"keyframe_after_pli_ms*", Better::kLower, 50.0, 0.20},
    {"fallback_triggered_s", Better::kLower, 0.5, 0.0},
    {"freeze_count", Better::kLower, 0.0, 0.0},
    {"freeze_total_s", Better::kLower, 0.1, 0.0},
    {"degradation_level*", Better::kLower, 0.0, 0.0},
    {"consumers_leaked", Better::kLower, 0.0, 0.0},
    {"*errors", Better::kLower, 0.0, 0.0},
    {"timeouts", Better::kLower, 0.0, 0.0},
};

// The short name a rule is matched against (see above).
std::string_view MetricLeaf(std::string_view metric);
// The first rule matching `metric`, or nullopt (informational).
std::optional<MetricRule> FindRule(std::string_view metric, std::span<const MetricRule> rules = kMetricRules);
// True when going from `before` to `after` is a regression under `rule`.
bool IsRegression(const MetricRule& rule, double before, double after);
// True when `a` is worse than `b` under `rule`.
bool IsWorse(const MetricRule& rule, double a, double b);

}  // namespace sfusim::reports
