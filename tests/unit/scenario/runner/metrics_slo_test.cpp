// Metrics and SLO verdicts from hand-built observations: percentiles, audio.recovery_s on
// hand-written frame logs, rejoin times, worst-over-all selection, null values, event matching.
#include <catch2/catch.hpp>

#include <cmath>

#include "sfusim/scenario/metrics.h"
#include "sfusim/scenario/slo.h"

using namespace sfusim::scenario;
using sfusim::clients::AudioStreamStats;
using sfusim::clients::FrameStatus;

namespace {

// A stream whose frame log starts at `start_s` and is given as a string: 'n' normal, 'f' fec,
// 'c' concealed, '.' no data; each character is one 20 ms slot. Counts and delays follow.
AudioStreamStats Stream(double start_s, const std::string& slots, double delay_ms = 40) {
  AudioStreamStats s;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    FrameStatus st = slots[i] == 'n' ? FrameStatus::kNormal
                     : slots[i] == 'f' ? FrameStatus::kFec
                     : slots[i] == 'c' ? FrameStatus::kConcealed
                                       : FrameStatus::kNoData;
    std::optional<double> d;
    if (st == FrameStatus::kNormal) d = delay_ms + static_cast<double>(i % 10);
    s.RecordFrame(sfusim::sim::Timestamp::SecondsF(start_s + static_cast<double>(i) * 0.02), st, d);
  }
  return s;
}

std::string Repeat(char c, int n) { return std::string(static_cast<std::size_t>(n), c); }

Slo MakeSlo(std::string metric, std::optional<double> min, std::optional<double> max, std::string participant = "",
            std::string from = "", std::string after = "") {
  Slo s;
  s.metric = std::move(metric);
  s.min = min;
  s.max = max;
  s.participant = std::move(participant);
  s.from = std::move(from);
  s.after = std::move(after);
  return s;
}

}  // namespace

TEST_CASE("Percentile is nearest-rank", "[metrics]") {
  CHECK_FALSE(Percentile({}, 50));
  CHECK(*Percentile({5}, 95) == 5);
  CHECK(*Percentile({4, 1, 3, 2}, 50) == 2);
  CHECK(*Percentile({4, 1, 3, 2}, 75) == 3);
  CHECK(*Percentile({4, 1, 3, 2}, 100) == 4);
  CHECK(*Percentile({4, 1, 3, 2}, 0) == 1);
}

TEST_CASE("audio.recovery_s from a frame log", "[metrics]") {
  // 10 s of normal audio, the fault at 10 s, 1 s of concealment, then normal again.
  AudioStreamStats s = Stream(0, Repeat('n', 500) + Repeat('c', 50) + Repeat('n', 200));
  CHECK(*AudioRecoveryS(s, 10.0, 10.0) == Approx(1.0));
  // Measured from the fault's end (a restart with down_s = 0.4).
  CHECK(*AudioRecoveryS(s, 10.0, 10.4) == Approx(0.6));
  // A short glitch (< 5 slots) is not an outage; the good run must last 5 slots.
  AudioStreamStats glitch = Stream(0, Repeat('n', 500) + "cc" + Repeat('n', 300));
  CHECK(*AudioRecoveryS(glitch, 10.0, 10.0) == 0);
  AudioStreamStats flicker = Stream(0, Repeat('n', 500) + Repeat('.', 10) + "nn" + Repeat('c', 10) + Repeat('n', 50));
  CHECK(*AudioRecoveryS(flicker, 10.0, 10.0) == Approx(0.44));
  // FEC frames count as good.
  AudioStreamStats fec = Stream(0, Repeat('n', 500) + Repeat('c', 25) + Repeat('f', 100));
  CHECK(*AudioRecoveryS(fec, 10.0, 10.0) == Approx(0.5));
  // Never recovered: infinity. Not playing before: not measured.
  AudioStreamStats dead = Stream(0, Repeat('n', 500) + Repeat('.', 100));
  CHECK(std::isinf(*AudioRecoveryS(dead, 10.0, 10.0)));
  AudioStreamStats silent = Stream(0, Repeat('.', 600));
  CHECK_FALSE(AudioRecoveryS(silent, 10.0, 10.0));
  // An outage that begins later than the window after the fault is not this fault's.
  AudioStreamStats later = Stream(0, Repeat('n', 700) + Repeat('c', 20) + Repeat('n', 50));
  CHECK(*AudioRecoveryS(later, 10.0, 10.0) == 0);
}

TEST_CASE("rejoin_s_max from events", "[metrics]") {
  std::vector<RunEvent> events = {{1, "alice", "voice_joined", ""},
                                  {10, "alice", "signaling_disconnected", ""},
                                  {10.2, "bob", "signaling_disconnected", ""},
                                  {11.5, "alice", "voice_joined", ""},
                                  {20, "alice", "signaling_disconnected", ""},
                                  {22.25, "alice", "voice_joined", ""}};
  CHECK(RejoinSMax(events, "alice", 30) == Approx(2.25));
  CHECK(std::isinf(RejoinSMax(events, "bob", 30)));
  CHECK(RejoinSMax(events, "carol", 30) == 0);
}

TEST_CASE("SLOs: worst over all, selection by participant/from, nulls fail with a reason", "[slo]") {
  RunObservations o;
  o.end_s = 30;
  o.clients["alice"].audio["bob"] = Stream(0, Repeat('n', 95) + Repeat('c', 5), 40);
  o.clients["alice"].audio["carol"] = Stream(0, Repeat('n', 100), 90);
  o.clients["bob"].audio["alice"] = Stream(0, Repeat('n', 100), 20);
  o.clients["bob"].errors_received = 3;
  o.clients["carol"].counters.timeouts = 4;
  o.consumers_leaked = 0;

  SloVerdict delay = EvaluateSlo(MakeSlo("audio.delay_ms_p95", std::nullopt, 80), o);
  CHECK_FALSE(delay.passed);
  CHECK(*delay.value == 99);
  CHECK(delay.note == "worst: alice<-carol");
  SloVerdict bob_delay = EvaluateSlo(MakeSlo("audio.delay_ms_p50", std::nullopt, 80, "bob"), o);
  CHECK(bob_delay.passed);
  CHECK(*bob_delay.value == 24);

  SloVerdict concealed = EvaluateSlo(MakeSlo("audio.concealed_ratio", std::nullopt, 0.01, "", "bob"), o);
  CHECK(*concealed.value == Approx(0.05));
  CHECK_FALSE(concealed.passed);

  SloVerdict mos = EvaluateSlo(MakeSlo("audio.mos", 4.0, std::nullopt), o);
  CHECK(mos.note == "worst: alice<-bob");  // the lowest MOS (5 % concealment)
  CHECK(*mos.value < 4.0);
  CHECK_FALSE(mos.passed);

  SloVerdict errors = EvaluateSlo(MakeSlo("signaling.errors", std::nullopt, 0), o);
  CHECK(*errors.value == 3);
  CHECK(errors.note == "worst: bob");
  SloVerdict min_errors = EvaluateSlo(MakeSlo("signaling.errors", 1, std::nullopt, "alice"), o);
  CHECK(*min_errors.value == 0);
  CHECK_FALSE(min_errors.passed);
  CHECK(*EvaluateSlo(MakeSlo("signaling.timeouts", std::nullopt, 0), o).value == 4);
  CHECK(EvaluateSlo(MakeSlo("sfu.consumers_leaked", std::nullopt, 0), o).passed);

  SloVerdict nobody = EvaluateSlo(MakeSlo("audio.delay_ms_p50", std::nullopt, 50, "zed"), o);
  CHECK_FALSE(nobody.value);
  CHECK_FALSE(nobody.passed);
  CHECK(nobody.note == "no audio stream at zed from anyone");

  SloVerdict no_action = EvaluateSlo(MakeSlo("audio.recovery_s", std::nullopt, 3, "", "", "restart_sfu"), o);
  CHECK_FALSE(no_action.passed);
  CHECK(no_action.note == "the action restart_sfu never happened");

  RunObservations down = o;
  down.consumers_leaked.reset();
  SloVerdict leaked = EvaluateSlo(MakeSlo("sfu.consumers_leaked", std::nullopt, 0), down);
  CHECK_FALSE(leaked.passed);
  CHECK(leaked.note == "not measured: no SFU was running at the end of the run");

  SloVerdict video = EvaluateSlo(MakeSlo("video.fps", 20, std::nullopt), o);
  CHECK_FALSE(video.passed);
  CHECK(video.note == "no video stream at anyone from anyone");  // measured since the video issue
}

TEST_CASE("SLO audio.recovery_s: worst over streams and occurrences; never recovered is null", "[slo]") {
  RunObservations o;
  o.end_s = 20;
  o.actions.push_back({"restart_sfu", 10, 10, ""});
  o.clients["alice"].audio["bob"] = Stream(0, Repeat('n', 500) + Repeat('c', 50) + Repeat('n', 200));
  o.clients["bob"].audio["alice"] = Stream(0, Repeat('n', 500) + Repeat('c', 100) + Repeat('n', 200));
  SloVerdict v = EvaluateSlo(MakeSlo("audio.recovery_s", std::nullopt, 3, "", "", "restart_sfu"), o);
  CHECK(*v.value == Approx(2.0));
  CHECK(v.note == "worst: bob<-alice");
  CHECK(v.passed);
  o.clients["carol"].audio["alice"] = Stream(0, Repeat('n', 500) + Repeat('.', 100));
  SloVerdict never = EvaluateSlo(MakeSlo("audio.recovery_s", std::nullopt, 3, "", "", "restart_sfu"), o);
  CHECK_FALSE(never.value);
  CHECK_FALSE(never.passed);
  CHECK(never.note == "carol<-alice: never recovered before the end of the run");
}

TEST_CASE("expected events match by name, participant and window", "[slo]") {
  std::vector<RunEvent> events = {{0.03, "alice", "voice_joined", "lobby"}, {15.2, "carol", "signaling_reconnected", ""}};
  EventExpectation x{"voice_joined", "alice", std::pair{0.0, 5.0}};
  EventVerdict v = EvaluateEventExpectation(x, events);
  CHECK(v.passed);
  CHECK(*v.matched_at_s == Approx(0.03));
  CHECK_FALSE(EvaluateEventExpectation({"voice_joined", "bob", std::nullopt}, events).passed);
  CHECK_FALSE(EvaluateEventExpectation({"signaling_reconnected", "", std::pair{15.3, 18.0}}, events).passed);
  CHECK(EvaluateEventExpectation({"signaling_reconnected", "", std::nullopt}, events).passed);
}
