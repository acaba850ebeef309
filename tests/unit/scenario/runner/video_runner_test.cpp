// ScenarioRunner with video on small scenarios: a camera reaches the other participant and is
// measured (PSNR, fps, series in result.json), the consumer checkers see video packets, and a
// native screen share that falls back on encoder failures is judged by fallback_iff_thresholds
// and no_stuck_state.
#include <catch2/catch.hpp>

#include "sfusim/scenario/result_json.h"
#include "sfusim/scenario/scenario_loader.h"
#include "sfusim/scenario/scenario_runner.h"

using namespace sfusim::scenario;

namespace {

Scenario Load(const std::string& text) {
  LoadResult r = LoadScenarioText(text);
  for (const Problem& p : r.problems) INFO(p.ToString());
  REQUIRE(r.ok());
  return *r.scenario;
}

const InvariantVerdict* Find(const RunResult& r, std::string_view name) {
  for (const auto& v : r.invariants) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

bool HasEvent(const RunResult& r, const std::string& participant, const std::string& name) {
  for (const RunEvent& e : r.events) {
    if (e.participant == participant && e.name == name) return true;
  }
  return false;
}

const char* kCamera = R"({
  "name": "camera", "duration_s": 5,
  "participants": [{"id": "alice", "publish": ["camera"], "camera": {"width": 320, "height": 180, "fps": 15, "bitrate_kbps": 300}},
                   {"id": "bob", "publish": ["microphone"]}],
  "network": {"default": {"delay_ms": 10, "capacity_kbps": 10000}},
  "timeline": [{"at_s": 4, "action": "camera_off", "participant": "alice"}],
  "expect": {"slo": [{"metric": "video.psnr_db_p50", "participant": "bob", "from": "alice", "min": 25},
                     {"metric": "video.fps", "participant": "bob", "from": "alice", "min": 5}]}
})";

const char* kNativeFallback = R"({
  "name": "native-fallback", "duration_s": 8,
  "participants": [{"id": "alice", "publish": ["microphone"]},
                   {"id": "carol", "client": "desktop", "publish": ["screen"], "screen": {"path": "native", "tier": "720p", "fps": 10}}],
  "network": {"default": {"delay_ms": 10, "capacity_kbps": 20000}},
  "timeline": [{"at_s": 3, "action": "encoder_faults", "participant": "carol", "kind": "encode_error", "for_s": 2}],
  "expect": {"slo": [{"metric": "screen.fallback_triggered_s", "participant": "carol", "max": 2}],
             "events": [{"name": "fallback_triggered", "participant": "carol", "between_s": [3, 5]}]}
})";

}  // namespace

TEST_CASE("a camera is received, measured and checked", "[runner][video]") {
  ScenarioRun run = RunScenario(Load(kCamera), RunOptions{});
  REQUIRE(run.ok);
  const RunResult& r = run.result;
  INFO(ResultJsonText(r));
  const auto& streams = r.metrics.participants.at("bob").streams;
  REQUIRE(streams.count("alice/camera") == 1);
  const StreamMetrics& cam = streams.at("alice/camera");
  REQUIRE(cam.video);
  CHECK(cam.kind == "video");
  CHECK(cam.video->frames_decoded > 0);
  CHECK(cam.video->width == 320);
  CHECK(cam.series.count("kbps") == 1);
  CHECK(cam.series.count("psnr_db") == 1);
  // The consumer checkers ran on video packets too.
  REQUIRE(r.metrics.sfu.count("video_consumer_rtp_checked") == 1);
  CHECK(r.metrics.sfu.at("video_consumer_rtp_checked") > 0);
  CHECK(Find(r, "paused_consumer_silent")->passed);
  CHECK(Find(r, "consumer_seq_continuous")->passed);
  // No native sender: fallback_iff_thresholds and degradation_ladder_order do not apply.
  REQUIRE(r.invariants_not_applicable.size() == 2);
  CHECK(r.invariants_not_applicable[0].name == "fallback_iff_thresholds");
  CHECK(r.invariants_not_applicable[1].name == "degradation_ladder_order");
  CHECK(r.passed);
}

TEST_CASE("a native share falls back on encoder failures, judged by the sender invariants", "[runner][video]") {
  ScenarioRun run = RunScenario(Load(kNativeFallback), RunOptions{});
  REQUIRE(run.ok);
  const RunResult& r = run.result;
  INFO(ResultJsonText(r));
  CHECK(r.invariants_not_applicable.empty());
  const InvariantVerdict* fallback = Find(r, "fallback_iff_thresholds");
  REQUIRE(fallback);
  CHECK(fallback->passed);
  REQUIRE(Find(r, "degradation_ladder_order"));
  CHECK(Find(r, "degradation_ladder_order")->passed);
  CHECK(Find(r, "no_stuck_state")->passed);
  CHECK(HasEvent(r, "carol", "sender_started"));
  CHECK(HasEvent(r, "carol", "encode_error"));
  CHECK(HasEvent(r, "carol", "fallback_triggered"));
  CHECK(HasEvent(r, "carol", "fallback_completed"));
  REQUIRE(r.metrics.participants.at("carol").native_sender);
  CHECK(r.metrics.participants.at("carol").native_sender->final_state == "fallen_back");
  CHECK(r.metrics.participants.at("alice").streams.count("carol/screen") == 1);
  CHECK(r.passed);
}
