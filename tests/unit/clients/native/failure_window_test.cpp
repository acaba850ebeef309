// FailureWindow and FailureClassifier: the rolling-window fallback rules, exactly at their edges.
#include <catch2/catch.hpp>

#include "sfusim/clients/native/failure_classifier.h"
#include "sfusim/clients/native/failure_window.h"

using namespace sfusim;
using namespace sfusim::clients;

namespace {
sim::Timestamp Ms(int64_t ms) { return sim::Timestamp::Millis(ms); }
}  // namespace

TEST_CASE("FailureWindow counts events in (t - window, t]") {
  FailureWindow w(sim::TimeDelta::Seconds(2));
  CHECK(w.Add(Ms(0)) == 1);
  CHECK(w.Add(Ms(1000)) == 2);
  CHECK(w.Count(Ms(1999)) == 2);
  CHECK(w.Count(Ms(2000)) == 1);  // the event at 0 is exactly 2 s old: out
  CHECK(w.Count(Ms(3000)) == 0);
  CHECK(w.Add(Ms(3000)) == 1);
  w.Clear();
  CHECK(w.Count(Ms(3000)) == 0);
}

TEST_CASE("FailureWindow is bounded and tolerates a time going back") {
  FailureWindow w(sim::TimeDelta::Seconds(10), 4);
  for (int i = 0; i < 10; ++i) w.Add(Ms(i));
  CHECK(w.Count(Ms(10)) == 4);
  CHECK(w.Add(Ms(5)) == 4);  // an earlier time counts as the latest one seen
}

TEST_CASE("FailureClassifier: encode failures fall back at the (N+1)th in the window") {
  FallbackThresholds t;
  t.encode_failures = 5;
  t.window = sim::TimeDelta::Seconds(2);
  FailureClassifier c(t);
  for (int i = 0; i < 5; ++i) CHECK_FALSE(c.OnEncodeFailure(Ms(i * 100)));
  auto r = c.OnEncodeFailure(Ms(500));
  REQUIRE(r);
  CHECK(r->rule == "encode_failures");
  CHECK(r->count == 6);
  CHECK(r->window == sim::TimeDelta::Seconds(2));
  CHECK(r->text == "encode_failures: 6 in 2 s > 5");
}

TEST_CASE("FailureClassifier: failures spread wider than the window never fall back") {
  FailureClassifier c(FallbackThresholds{});
  // One failure every 401 ms: at most 5 in any 2 s window.
  for (int i = 0; i < 100; ++i) CHECK_FALSE(c.OnEncodeFailure(Ms(i * 401)));
  // 5 more inside 2 s from the last one -> the sixth in (t-2s, t] crosses.
  const int64_t base = 99 * 401;
  int crossed_at = -1;
  for (int i = 1; i <= 5 && crossed_at < 0; ++i) {
    if (c.OnEncodeFailure(Ms(base + i * 10))) crossed_at = i;
  }
  // The window already holds 5 (base-1604, base-1203, base-802, base-401, base): the first extra
  // failure is the sixth.
  CHECK(crossed_at == 1);
}

TEST_CASE("FailureClassifier: send errors") {
  FallbackThresholds t;
  t.send_errors = 20;
  FailureClassifier c(t);
  for (int i = 0; i < 20; ++i) CHECK_FALSE(c.OnSendError(Ms(10)));
  auto r = c.OnSendError(Ms(10));
  REQUIRE(r);
  CHECK(r->text == "send_errors: 21 in 2 s > 20");
  c.Reset();
  CHECK_FALSE(c.OnSendError(Ms(20)));
  CHECK(c.send_errors_in_window(Ms(20)) == 1);
}

TEST_CASE("FailureClassifier: queue drops above the fraction for queue_pressure_for") {
  FallbackThresholds t;
  t.window = sim::TimeDelta::Seconds(2);
  t.queue_drop_fraction = 0.5;
  t.queue_pressure_for = sim::TimeDelta::Seconds(3);
  FailureClassifier c(t);
  // Every tick at 10 fps drops: the fraction is 1 from the first tick (t = 0).
  std::optional<FallbackReason> r;
  int64_t at = -1;
  for (int i = 0; i <= 40 && !r; ++i) {
    r = c.OnFrameCaptured(Ms(i * 100), true);
    if (r) at = i * 100;
  }
  REQUIRE(r);
  CHECK(at == 3000);
  CHECK(r->rule == "queue_drops");
  CHECK(r->text == "queue_drops: 20/20 in 2 s > 0.5 for 3 s");
}

TEST_CASE("FailureClassifier: queue pressure that dips below the fraction starts over") {
  FailureClassifier c(FallbackThresholds{});
  // Alternating drop/no-drop: the fraction hovers at 0.5, which is not above 0.5.
  for (int i = 0; i < 200; ++i) CHECK_FALSE(c.OnFrameCaptured(Ms(i * 33), i % 2 == 0 && i > 0));
  CHECK_FALSE(c.queue_pressure_since());
}

TEST_CASE("FailureClassifier: classes and validation") {
  CHECK(FailureClassifier::Classify(FailureKind::kTransportClosed) == FailureClass::kFatal);
  CHECK(FailureClassifier::Classify(FailureKind::kProducerNegotiation) == FailureClass::kFatal);
  CHECK(FailureClassifier::Classify(FailureKind::kSendError) == FailureClass::kTransient);
  CHECK(FailureClassifier::Classify(FailureKind::kEncodeFailure) == FailureClass::kTransient);
  CHECK(FailureClassifier::Classify(FailureKind::kQueueDrop) == FailureClass::kTransient);
  CHECK(FailureClassifier::Fatal(FailureKind::kTransportClosed, "bye").text == "transport_closed: bye");
  CHECK(FailureClassifier::ValidateThresholds(FallbackThresholds{}).ok());
  FallbackThresholds bad;
  bad.window = sim::TimeDelta::Zero();
  CHECK(FailureClassifier::ValidateThresholds(bad).error().code == "invalid_argument");
  bad = {};
  bad.queue_drop_fraction = 1.5;
  CHECK(FailureClassifier::ValidateThresholds(bad).error().code == "invalid_argument");
  bad = {};
  bad.encode_failures = -1;
  CHECK_FALSE(FailureClassifier::ValidateThresholds(bad).ok());
  CHECK(FailureClassifier::FormatDuration(sim::TimeDelta::Millis(2500)) == "2.5 s");
  CHECK(FailureClassifier::FormatDuration(sim::TimeDelta::Millis(250)) == "250 ms");
}
