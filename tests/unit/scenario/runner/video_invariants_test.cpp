// The video invariant checkers with hand-built histories: fallback_iff_thresholds (a fallback
// without a crossing, a crossing without a fallback, boundary tolerance, same-instant ordering,
// queue pressure, fatal reasons), no_stuck_state's sender part, and the consumer checkers on
// video consumers.
#include <catch2/catch.hpp>

#include <algorithm>

#include "sfusim/scenario/invariants/consumer_seq_continuous.h"
#include "sfusim/scenario/invariants/fallback_iff_thresholds.h"
#include "sfusim/scenario/invariants/no_stuck_state.h"
#include "sfusim/scenario/invariants/paused_consumer_silent.h"

using namespace sfusim::scenario;

namespace {

// n encode errors for `who`, 1/30 s apart from `from_s`.
void EncodeErrors(FallbackIffThresholds& c, const std::string& who, double from_s, int n) {
  for (int i = 0; i < n; ++i) c.OnEncodeError(from_s + i / 30.0, who);
}

}  // namespace

TEST_CASE("fallback_iff_thresholds: a crossing followed by fallback passes", "[invariants][video]") {
  FallbackIffThresholds c;
  c.OnSenderStarted(1.0, "carol");
  EncodeErrors(c, "carol", 5.0, 6);  // the 6th (> 5 in 2 s) crosses
  c.OnFallback(5.0 + 5 / 30.0, "carol", "encode_failures: 6 in 2 s > 5");
  c.OnSenderStarted(12.0, "carol");  // a retry later
  c.Finish(20.0);
  CHECK(c.passed());
  CHECK(c.crossings() == 1);
  CHECK(c.fallbacks() == 1);
}

TEST_CASE("fallback_iff_thresholds: the fallback event may come before its last error", "[invariants][video]") {
  FallbackIffThresholds c;
  c.OnSenderStarted(1.0, "carol");
  EncodeErrors(c, "carol", 5.0, 5);
  const double t = 5.0 + 5 / 30.0;
  c.OnFallback(t, "carol", "encode_failures: 6 in 2 s > 5");
  c.OnEncodeError(t, "carol");  // the same instant, reported after the fallback
  c.Finish(20.0);
  CHECK(c.passed());
}

TEST_CASE("fallback_iff_thresholds: a fallback without a crossing is a violation", "[invariants][video]") {
  FallbackIffThresholds c;
  c.OnSenderStarted(1.0, "carol");
  EncodeErrors(c, "carol", 5.0, 5);  // exactly the threshold: not more than it
  c.OnFallback(5.5, "carol", "encode_failures: 5 in 2 s > 5");
  c.Finish(20.0);
  REQUIRE_FALSE(c.passed());
  CHECK(c.first_violation()->at_s == Approx(5.5));
  CHECK_THAT(c.first_violation()->detail, Catch::Contains("carol") && Catch::Contains("without a threshold crossing"));
}

TEST_CASE("fallback_iff_thresholds: errors spread wider than the window do not justify a fallback",
          "[invariants][video]") {
  FallbackIffThresholds c;
  c.OnSenderStarted(0.0, "carol");
  for (int i = 0; i < 10; ++i) c.OnEncodeError(1.0 + i * 0.5, "carol");  // at most 4 in any 2 s
  c.OnFallback(5.6, "carol", "encode_failures: 6 in 2 s > 5");
  c.Finish(20.0);
  CHECK_FALSE(c.passed());
}

TEST_CASE("fallback_iff_thresholds: a crossing without a fallback is a violation", "[invariants][video]") {
  FallbackIffThresholds c;
  c.OnSenderStarted(1.0, "carol");
  for (int i = 0; i < 21; ++i) c.OnSendError(4.0 + i * 0.001, "carol");  // 21 > 20 send errors
  c.Poll(4.0 + kFallbackGraceS + 0.1);
  REQUIRE_FALSE(c.passed());
  CHECK(c.first_violation()->at_s == Approx(4.020));
  CHECK_THAT(c.first_violation()->detail, Catch::Contains("send_errors: 21") && Catch::Contains("no fallback"));
}

TEST_CASE("fallback_iff_thresholds: a session that stops before the grace owes no fallback", "[invariants][video]") {
  FallbackIffThresholds c;
  c.OnSenderStarted(1.0, "carol");
  EncodeErrors(c, "carol", 5.0, 6);
  c.OnSenderStopped(5.3, "carol");
  c.Finish(20.0);
  CHECK(c.passed());
}

TEST_CASE("fallback_iff_thresholds: counts restart with every session and are per participant",
          "[invariants][video]") {
  FallbackIffThresholds c;
  c.OnSenderStarted(1.0, "carol");
  EncodeErrors(c, "carol", 2.0, 3);
  c.OnSenderStopped(2.2, "carol");
  c.OnSenderStarted(2.3, "carol");
  EncodeErrors(c, "carol", 2.4, 3);  // 6 within 2 s, but over two sessions
  EncodeErrors(c, "dave", 2.4, 3);
  c.Finish(20.0);
  CHECK(c.passed());
  CHECK(c.crossings() == 0);
}

TEST_CASE("fallback_iff_thresholds: the participant's own thresholds apply", "[invariants][video]") {
  FallbackIffThresholds c;
  FallbackThresholdsView strict;
  strict.encode_failures = 2;
  c.SetThresholds("carol", strict);
  c.OnSenderStarted(1.0, "carol");
  EncodeErrors(c, "carol", 2.0, 3);  // 3 > 2
  c.Finish(20.0);
  CHECK_FALSE(c.passed());  // crossed, never fell back
}

TEST_CASE("fallback_iff_thresholds: queue pressure for long enough, sampled", "[invariants][video]") {
  // 30 frames/s captured (3 per 0.1 s sample), 2 of every 3 dropped (2/3 > 0.5) from the start:
  // pressure from the second sample (0.1 s) on.
  auto feed = [](FallbackIffThresholds& c, int samples) {
    c.OnSenderStarted(0.0, "carol");
    for (int i = 0; i <= samples; ++i) {
      c.OnQueueSample(i * 0.1, "carol", static_cast<uint64_t>(3 * (i + 1)), static_cast<uint64_t>(2 * (i + 1)));
    }
  };
  FallbackIffThresholds none;  // pressure for 6 s, no fallback
  feed(none, 60);
  none.Poll(7.0);
  CHECK(none.crossings() == 1);
  REQUIRE_FALSE(none.passed());
  CHECK_THAT(none.first_violation()->detail, Catch::Contains("queue drops"));

  FallbackIffThresholds ok;  // fallback after 3.1 s of pressure
  feed(ok, 32);
  ok.OnFallback(3.2, "carol", "queue_drops: 40/60 in 2 s > 0.5 for 3 s");
  ok.Finish(10.0);
  CHECK(ok.passed());
  CHECK(ok.unverified_fallbacks() == 0);

  FallbackIffThresholds early;  // the same fallback after 1.4 s of pressure
  feed(early, 15);
  early.OnFallback(1.5, "carol", "queue_drops: 20/60 in 2 s > 0.5 for 3 s");
  early.Finish(10.0);
  CHECK_FALSE(early.passed());

  FallbackIffThresholds relieved;  // pressure that ends (no drops any more) before 3 s
  relieved.OnSenderStarted(0.0, "carol");
  for (int i = 0; i <= 60; ++i) {
    uint64_t dropped = static_cast<uint64_t>(2 * (std::min(i, 20) + 1));
    relieved.OnQueueSample(i * 0.1, "carol", static_cast<uint64_t>(3 * (i + 1)), dropped);
  }
  relieved.Finish(10.0);
  CHECK(relieved.passed());
  CHECK(relieved.crossings() == 0);
}

TEST_CASE("fallback_iff_thresholds: fatal reasons need no threshold; queue reasons without samples are unverified",
          "[invariants][video]") {
  FallbackIffThresholds c;
  c.OnSenderStarted(0.0, "carol");
  c.OnFallback(1.0, "carol", "transport_closed: socket closed");
  c.OnSenderStarted(2.0, "carol");
  c.OnFallback(6.0, "carol", "queue_drops: 31/60 in 2 s > 0.5 for 3 s");
  c.Finish(10.0);
  CHECK(c.passed());
  CHECK(c.fatal_fallbacks() == 1);
  CHECK(c.unverified_fallbacks() == 1);
}

TEST_CASE("no_stuck_state: senders end running, stopped or fallen back; a fallback has its browser path",
          "[invariants][video]") {
  NoStuckState ok;
  ok.OnSenderEnd(30, "carol", true, "running", false, false, 5);
  ok.OnSenderEnd(30, "dave", true, "fallen_back", true, true, 5);
  ok.OnSenderEnd(30, "erin", true, "stopped", false, false, 5);
  ok.OnSenderEnd(30, "fred", false, "", false, false, 5);
  CHECK(ok.passed());

  NoStuckState stuck;
  stuck.OnSenderEnd(30, "carol", true, "starting", false, false, 5);
  REQUIRE_FALSE(stuck.passed());
  CHECK_THAT(stuck.first_violation()->detail, Catch::Contains("carol") && Catch::Contains("starting"));

  NoStuckState no_browser;
  no_browser.OnSenderEnd(30, "dave", true, "fallen_back", true, false, 5);
  REQUIRE_FALSE(no_browser.passed());
  CHECK_THAT(no_browser.first_violation()->detail, Catch::Contains("browser"));

  NoStuckState settling;  // disturbed 2 s before the end: may still be on its way
  settling.OnSenderEnd(30, "carol", true, "stopping", true, false, 28);
  CHECK(settling.passed());
}

TEST_CASE("consumer checkers hold for video consumers too (many packets per frame)", "[invariants][video]") {
  auto rtp = [](const char* consumer, int64_t in, uint16_t out, bool paused = false, bool rtx = false) {
    sfusim::sfu::ConsumerRtpEvent e;
    e.consumer_id = consumer;
    e.producer_id = "p-cam";
    e.input_seq = in;
    e.output_seq = out;
    e.output_ssrc = 7777;
    e.paused = paused;
    e.retransmission = rtx;
    return e;
  };
  ConsumerSeqContinuous seq;
  PausedConsumerSilent paused;
  // A key frame of 40 packets, a NACKed retransmission, an input loss of 3 packets.
  for (int i = 0; i < 40; ++i) seq.OnConsumerRtp(1.0, rtp("c-v", 100 + i, static_cast<uint16_t>(5000 + i)));
  seq.OnConsumerRtp(1.1, rtp("c-v", 120, 5020, false, true));
  seq.OnConsumerRtp(1.2, rtp("c-v", 143, 5043));
  for (int i = 0; i < 40; ++i) paused.OnConsumerRtp(1.0, rtp("c-v", 100 + i, static_cast<uint16_t>(5000 + i)));
  CHECK(seq.passed());
  CHECK(paused.passed());
  seq.OnConsumerRtp(1.3, rtp("c-v", 144, 5050));  // output jumps by 7 for an input step of 1
  CHECK_FALSE(seq.passed());
  paused.OnConsumerRtp(1.4, rtp("c-v", 145, 5051, true));
  CHECK_FALSE(paused.passed());
}
