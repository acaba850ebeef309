// Properties of the fallback_iff_thresholds checker against a reference sender that applies
// clients::FallbackThresholds' rule exactly (a failure at t with more than N failures in
// (t - window, t] falls back at t):
//   - a sender that follows the rule is never judged a violation, whatever the failure times
//     (bursts, spread, several sessions, encode and send errors mixed);
//   - a sender that skips the fallback it owed is always caught;
//   - a sender that falls back early (before the crossing, with failures below the threshold) is
//     always caught.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <deque>
#include <vector>

#include "sfusim/scenario/invariants/fallback_iff_thresholds.h"

using namespace sfusim::scenario;

namespace {

struct Failure {
  double at_s;
  bool send;  // a send error (else an encode failure)
};

// Times on a 1 ms grid, sorted: bursts and gaps both appear.
std::vector<Failure> GenFailures() {
  auto steps = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 400));
  auto kinds = *rc::gen::container<std::vector<bool>>(steps.size(), rc::gen::arbitrary<bool>());
  std::vector<Failure> out;
  int t = 1000;  // 1 s
  for (std::size_t i = 0; i < steps.size(); ++i) {
    t += steps[i];
    out.push_back(Failure{t / 1000.0, kinds[i]});
  }
  return out;
}

// The reference rule: the index of the failure at which the sender must fall back, or -1.
int ReferenceCrossing(const std::vector<Failure>& f, const FallbackThresholdsView& t) {
  for (std::size_t i = 0; i < f.size(); ++i) {
    int enc = 0, snd = 0;
    for (std::size_t j = 0; j <= i; ++j) {
      if (f[j].at_s > f[i].at_s - t.window_s + 1e-9) (f[j].send ? snd : enc)++;
    }
    if (enc > t.encode_failures || snd > t.send_errors) return static_cast<int>(i);
  }
  return -1;
}

void Feed(FallbackIffThresholds& c, const Failure& f) {
  if (f.send) {
    c.OnSendError(f.at_s, "carol");
  } else {
    c.OnEncodeError(f.at_s, "carol");
  }
}

FallbackThresholdsView GenThresholds() {
  FallbackThresholdsView t;
  t.encode_failures = *rc::gen::inRange(1, 8);
  t.send_errors = *rc::gen::inRange(1, 25);
  t.window_s = *rc::gen::element(0.5, 1.0, 2.0);
  return t;
}

}  // namespace

TEST_CASE("fallback_iff_thresholds agrees with a sender that follows the rule", "[property][invariants]") {
  rc::prop("rule-following sender passes", [] {
    const FallbackThresholdsView t = GenThresholds();
    const std::vector<Failure> f = GenFailures();
    FallbackIffThresholds c;
    c.SetThresholds("carol", t);
    c.OnSenderStarted(0.5, "carol");
    const int cross = ReferenceCrossing(f, t);
    const std::size_t n = cross < 0 ? f.size() : static_cast<std::size_t>(cross) + 1;
    for (std::size_t i = 0; i < n; ++i) Feed(c, f[i]);
    if (cross >= 0) c.OnFallback(f[static_cast<std::size_t>(cross)].at_s, "carol", "encode_failures: rule");
    c.Finish(f.empty() ? 10.0 : f.back().at_s + 10.0);
    RC_ASSERT(c.passed());
    RC_ASSERT(c.fallbacks() == (cross >= 0 ? 1u : 0u));
  });
}

TEST_CASE("fallback_iff_thresholds catches a missing fallback", "[property][invariants]") {
  rc::prop("crossing without fallback fails", [] {
    const FallbackThresholdsView t = GenThresholds();
    const std::vector<Failure> f = GenFailures();
    const int cross = ReferenceCrossing(f, t);
    RC_PRE(cross >= 0);
    FallbackIffThresholds c;
    c.SetThresholds("carol", t);
    c.OnSenderStarted(0.5, "carol");
    for (const Failure& x : f) Feed(c, x);
    c.Finish(f.back().at_s + 10.0);
    RC_ASSERT(!c.passed());
  });
}

TEST_CASE("fallback_iff_thresholds catches an early fallback", "[property][invariants]") {
  rc::prop("fallback before any crossing fails", [] {
    const FallbackThresholdsView t = GenThresholds();
    const std::vector<Failure> f = GenFailures();
    const int cross = ReferenceCrossing(f, t);
    // Fall back at the failure before the crossing (or at the last one when none crosses), and
    // only when that instant is itself below the threshold by the lenient count too.
    const int at = cross < 0 ? static_cast<int>(f.size()) - 1 : cross - 1;
    RC_PRE(at >= 0);
    const double t_f = f[static_cast<std::size_t>(at)].at_s;
    int enc = 0, snd = 0;
    for (int j = 0; j <= at; ++j) {
      if (f[static_cast<std::size_t>(j)].at_s >= t_f - t.window_s - kWindowToleranceS) {
        (f[static_cast<std::size_t>(j)].send ? snd : enc)++;
      }
    }
    // Later failures at the same instant as t_f count for it too.
    for (std::size_t j = static_cast<std::size_t>(at) + 1; j < f.size() && f[j].at_s <= t_f; ++j) {
      (f[j].send ? snd : enc)++;
    }
    RC_PRE(enc <= t.encode_failures && snd <= t.send_errors);
    FallbackIffThresholds c;
    c.SetThresholds("carol", t);
    c.OnSenderStarted(0.5, "carol");
    for (int j = 0; j <= at; ++j) Feed(c, f[static_cast<std::size_t>(j)]);
    c.OnFallback(t_f, "carol", "encode_failures: early");
    c.Finish(t_f + 10.0);
    RC_ASSERT(!c.passed());
  });
}
