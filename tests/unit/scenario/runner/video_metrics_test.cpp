// Video and screen metrics and their SLOs from hand-built observations: PSNR median, freezes,
// fps, delay, key frame after PLI, kbps windows, fallback_triggered_s, degradation level, and
// the video parts of result.json.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "sfusim/scenario/metrics.h"
#include "sfusim/scenario/result_json.h"
#include "sfusim/scenario/slo.h"

using namespace sfusim::scenario;

namespace {

VideoStreamObservation Stream(double psnr, double fps, uint64_t freezes, std::vector<double> kbps = {}) {
  VideoStreamObservation v;
  v.psnr_db = {psnr - 1, psnr, psnr + 1};
  v.fps = fps;
  v.freeze_count = freezes;
  v.freeze_total_s = 0.2 * static_cast<double>(freezes);
  v.delay_ms = {40, 50, 60, 200};
  v.series["kbps"] = TimeSeries{0, std::move(kbps)};
  return v;
}

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

// alice and carol receive bob's camera; alice also dave's screen.
RunObservations TwoReceivers() {
  RunObservations o;
  o.end_s = 20;
  o.clients["alice"].video["bob/camera"] = Stream(38, 29.5, 0, {700, 700, 700});
  o.clients["alice"].video["dave/screen"] = Stream(41, 14, 2);
  o.clients["alice"].video["dave/screen"].source = "screen";
  o.clients["carol"].video["bob/camera"] = Stream(33, 27, 1);
  return o;
}

}  // namespace

TEST_CASE("video SLOs: worst over streams, by receiver and sender", "[slo][video]") {
  RunObservations o = TwoReceivers();
  SloVerdict psnr = EvaluateSlo(MakeSlo("video.psnr_db_p50", 35, std::nullopt), o);
  CHECK(psnr.value == 33.0);
  CHECK_FALSE(psnr.passed);
  CHECK(psnr.note == "worst: carol<-bob/camera");
  SloVerdict alice = EvaluateSlo(MakeSlo("video.psnr_db_p50", 35, std::nullopt, "alice", "bob"), o);
  CHECK(alice.value == 38.0);
  CHECK(alice.passed);
  CHECK(EvaluateSlo(MakeSlo("video.fps", 20, std::nullopt), o).value == 14.0);  // lowest
  CHECK(EvaluateSlo(MakeSlo("video.fps", 20, std::nullopt, "", "bob"), o).value == 27.0);
  CHECK(EvaluateSlo(MakeSlo("video.freeze_count", std::nullopt, 3), o).value == 2.0);  // highest
  CHECK(EvaluateSlo(MakeSlo("video.freeze_total_s", std::nullopt, 3), o).value == Approx(0.4));
  CHECK(EvaluateSlo(MakeSlo("video.delay_ms_p95", std::nullopt, 300), o).value == 200.0);
  SloVerdict none = EvaluateSlo(MakeSlo("video.fps", 20, std::nullopt, "", "erin"), o);
  CHECK_FALSE(none.value);
  CHECK_FALSE(none.passed);
  CHECK(none.note == "no video stream at anyone from erin");
}

TEST_CASE("video.keyframe_after_pli_ms_max: 0 without PLIs, null when unanswered", "[metrics][video]") {
  VideoStreamObservation v;
  CHECK(VideoKeyframeAfterPliMsMax(v) == 0.0);
  v.plis_sent = 3;
  CHECK_FALSE(VideoKeyframeAfterPliMsMax(v));
  v.keyframe_after_pli_ms = {120, 480, 90};
  CHECK(VideoKeyframeAfterPliMsMax(v) == 480.0);
  RunObservations o;
  o.end_s = 10;
  o.clients["alice"].video["bob/camera"] = v;
  SloVerdict s = EvaluateSlo(MakeSlo("video.keyframe_after_pli_ms_max", std::nullopt, 1000), o);
  CHECK(s.value == 480.0);
  CHECK(s.passed);
}

TEST_CASE("video.kbps_mean after an action, and video.kbps_end_mean", "[metrics][slo][video]") {
  RunObservations o;
  o.end_s = 20;
  // 20 one-second bins: 700 until 8 s, then 200 until 14 s, then 650.
  std::vector<double> kbps;
  for (int i = 0; i < 20; ++i) kbps.push_back(i < 8 ? 700 : i < 14 ? 200 : 650);
  VideoStreamObservation v;
  v.series["kbps"] = TimeSeries{0, kbps};
  o.clients["alice"].video["bob/camera"] = v;
  o.actions = {ActionOccurrence{"set_link", 8, 8, "bob"}, ActionOccurrence{"set_link", 14, 14, "bob"}};
  CHECK(VideoKbpsMean(v, 11, 14) == 200.0);
  CHECK(VideoKbpsMean(v, 0, 20) == Approx((8 * 700 + 6 * 200 + 6 * 650) / 20.0));
  CHECK_FALSE(VideoKbpsMean(v, 30, 40));
  // The window: [8 + kAdaptSettleS, 14) = [11, 14).
  SloVerdict drop = EvaluateSlo(MakeSlo("video.kbps_mean", std::nullopt, 300, "alice", "bob", "set_link"), o);
  CHECK(drop.value == 200.0);
  CHECK(drop.passed);
  SloVerdict end = EvaluateSlo(MakeSlo("video.kbps_end_mean", 500, std::nullopt, "alice", "bob"), o);
  CHECK(end.value == 650.0);
  CHECK(end.passed);
  SloVerdict missing = EvaluateSlo(MakeSlo("video.kbps_mean", std::nullopt, 300, "", "", "restart_sfu"), o);
  CHECK_FALSE(missing.value);
  CHECK(missing.note == "the action restart_sfu never happened");
}

TEST_CASE("screen.fallback_triggered_s: from the first encoder fault (or the start)", "[metrics][slo][video]") {
  RunObservations o;
  o.end_s = 30;
  o.clients["carol"].native = NativeSenderObservation{};
  o.clients["alice"];
  o.actions = {ActionOccurrence{"encoder_faults", 10, 13, "carol"}};
  o.events = {RunEvent{2, "carol", "sender_started", ""}, RunEvent{10.2, "carol", "fallback_triggered", "encode_failures: 6 in 2 s > 5"}};
  CHECK(FallbackTriggeredS(o, "carol", "") == Approx(0.2));
  CHECK_FALSE(FallbackTriggeredS(o, "alice", ""));  // alice never fell back (reference: start)
  SloVerdict s = EvaluateSlo(MakeSlo("screen.fallback_triggered_s", std::nullopt, 2.0), o);
  CHECK(s.value == Approx(0.2));  // over the native sharers only: alice is not one
  CHECK(s.passed);
  CHECK(s.note == "worst: carol");
  // Without an encoder fault the reference is the start of the run.
  o.actions.clear();
  CHECK(FallbackTriggeredS(o, "carol", "") == Approx(10.2));
  // A fallback before the fault does not count for it.
  o.actions = {ActionOccurrence{"encoder_faults", 12, 15, "carol"}};
  CHECK_FALSE(FallbackTriggeredS(o, "carol", ""));
}

TEST_CASE("screen.degradation_level_max: from the native sender; none is not measured", "[slo][video]") {
  RunObservations o;
  o.end_s = 30;
  NativeSenderObservation n;
  n.degradation_level_max = 4;
  o.clients["carol"].native = n;
  o.clients["alice"];
  CHECK(EvaluateSlo(MakeSlo("screen.degradation_level_max", 3, std::nullopt, "carol"), o).value == 4.0);
  SloVerdict alice = EvaluateSlo(MakeSlo("screen.degradation_level_max", 3, std::nullopt, "alice"), o);
  CHECK_FALSE(alice.value);
  CHECK_THAT(alice.note, Catch::Contains("no native sender"));
}

TEST_CASE("result.json: video streams beside audio ones, and the native sender", "[result][video]") {
  RunObservations o = TwoReceivers();
  o.clients["alice"].audio["bob"];  // an (empty) audio stream keeps its key and shape
  NativeSenderObservation n;
  n.final_state = "fallen_back";
  n.last_fallback_reason = "encode_failures: 6 in 2 s > 5";
  n.degradation_level_max = 2;
  n.degradation_level_series = TimeSeries{0, {0, 1, 2, 2}};
  o.clients["dave"].native = n;
  RunResult r;
  r.metrics = ComputeRunMetrics(o);
  nlohmann::json j = nlohmann::json::parse(ResultJsonText(r));
  const auto& streams = j["metrics"]["participants"]["alice"]["streams"];
  CHECK(streams["bob"]["kind"] == "audio");
  CHECK(streams["bob"].contains("mos"));
  const auto& cam = streams["bob/camera"];
  CHECK(cam["kind"] == "video");
  CHECK(cam["source"] == "camera");
  CHECK(cam["psnr_db_p50"] == 38);
  CHECK(cam["fps"] == 29.5);
  CHECK(cam["freeze_count"] == 0);
  CHECK(cam["delay_ms_p95"] == 200);
  CHECK(cam["series"]["kbps"]["values"] == nlohmann::json({700, 700, 700}));
  CHECK(streams["dave/screen"]["source"] == "screen");
  const auto& native = j["metrics"]["participants"]["dave"]["native_sender"];
  CHECK(native["final_state"] == "fallen_back");
  CHECK(native["degradation_level_max"] == 2);
  CHECK(native["series"]["degradation_level"]["values"] == nlohmann::json({0, 1, 2, 2}));
  CHECK_FALSE(j["metrics"]["participants"]["alice"].contains("native_sender"));
}
