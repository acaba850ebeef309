// The checks added to kill mutants (DESIGN.md "Mutants"), each fed a clean and a violating input:
// degradation_ladder_order, no_internal_error_text, and the SLOs video.first_frame_after_resume_ms_max
// and video.nacks_sent.
#include <catch2/catch.hpp>

#include <string>

#include "sfusim/scenario/invariants/degradation_ladder_order.h"
#include "sfusim/scenario/invariants/no_internal_error_text.h"
#include "sfusim/scenario/slo.h"

using namespace sfusim::scenario;

TEST_CASE("degradation_ladder_order: fps, tier, bitrate down; reverse up", "[invariants]") {
  DegradationLadderOrder c;
  c.OnSenderStarted("carol");
  c.OnDegradationChanged(1.0, "carol", "level 1 (down): fps 30->20");
  c.OnDegradationChanged(1.4, "carol", "level 2 (down): fps 20->15");
  c.OnDegradationChanged(1.8, "carol", "level 3 (down): tier 1080p->720p");
  c.OnDegradationChanged(2.2, "carol", "level 4 (down): bitrate step 0->1");
  c.OnDegradationChanged(4.2, "carol", "level 3 (up): bitrate step 1->0");
  c.OnDegradationChanged(6.2, "carol", "level 2 (up): tier 720p->1080p");
  c.OnDegradationChanged(8.2, "carol", "level 1 (up): fps 15->20");
  // A ladder without fps rungs starts with the tier.
  c.OnDegradationChanged(9.0, "dana", "level 1 (down): tier 1440p->1080p");
  c.OnDegradationChanged(9.4, "dana", "level 2 (down): bitrate step 0->1");
  CHECK(c.passed());
  CHECK(c.steps() == 9);
}

TEST_CASE("degradation_ladder_order: bitrate before fps is a violation", "[invariants]") {
  DegradationLadderOrder c;
  c.OnSenderStarted("carol");
  c.OnDegradationChanged(1.0, "carol", "level 1 (down): bitrate step 0->1");
  c.OnDegradationChanged(1.4, "carol", "level 2 (down): tier 1080p->720p");
  REQUIRE_FALSE(c.passed());
  CHECK(c.first_violation()->at_s == 1.4);
  CHECK(c.first_violation()->detail.find("carol lowered tier after bitrate") != std::string::npos);
}

TEST_CASE("degradation_ladder_order: climbing in the wrong dimension or from nothing", "[invariants]") {
  DegradationLadderOrder wrong_dim;
  wrong_dim.OnDegradationChanged(1.0, "carol", "level 1 (down): fps 30->20");
  wrong_dim.OnDegradationChanged(1.4, "carol", "level 2 (down): tier 1080p->720p");
  wrong_dim.OnDegradationChanged(3.4, "carol", "level 1 (up): fps 20->30");
  REQUIRE_FALSE(wrong_dim.passed());
  CHECK(wrong_dim.first_violation()->detail.find("restored fps before tier") != std::string::npos);

  DegradationLadderOrder from_nothing;
  from_nothing.OnDegradationChanged(1.0, "carol", "level 0 (up): fps 20->30");
  CHECK_FALSE(from_nothing.passed());

  DegradationLadderOrder unreadable;
  unreadable.OnDegradationChanged(1.0, "carol", "level 1: something");
  CHECK_FALSE(unreadable.passed());
}

TEST_CASE("degradation_ladder_order: a new sender session starts a new ladder", "[invariants]") {
  DegradationLadderOrder c;
  c.OnSenderStarted("carol");
  c.OnDegradationChanged(1.0, "carol", "level 1 (down): bitrate step 0->1");  // fine on its own
  c.OnSenderStarted("carol");
  c.OnDegradationChanged(5.0, "carol", "level 1 (down): fps 30->20");
  CHECK(c.passed());
}

TEST_CASE("no_internal_error_text: stable codes in sfusim's own words pass", "[invariants]") {
  NoInternalErrorText c;
  c.OnError(1, "mallory", "producer_limit", "/source: at most one camera and one screen producer");
  c.OnError(2, "mallory", "invalid_json", "not valid JSON (error at byte 0)");
  c.OnError(3, "mallory", "cannot_consume", "/rtp_capabilities: cannot receive this producer");
  CHECK(c.passed());
  CHECK(c.errors_seen() == 3);
}

TEST_CASE("no_internal_error_text: library text, unknown codes, long or control text", "[invariants]") {
  NoInternalErrorText leak;
  leak.OnError(1, "mallory", "cannot_consume",
               "protocol::GetConsumerRtpParameters() failed: cannot_consume: rtp_capabilities: no codec");
  leak.OnError(1.5, "mallory", "cannot_consume",
               "protocol::GetConsumerRtpParameters() failed: cannot_consume: rtp_capabilities: no codec");
  REQUIRE_FALSE(leak.passed());
  CHECK(leak.violations() == 1);  // the same error twice counts once
  CHECK(leak.first_violation()->detail.find("internal text") != std::string::npos);

  NoInternalErrorText code;
  code.OnError(1, "mallory", "invalid_argument", "ladder: start fps out of range");
  REQUIRE_FALSE(code.passed());
  CHECK(code.first_violation()->detail.find("not a stable error code") != std::string::npos);

  NoInternalErrorText exception;
  exception.OnError(1, "bob", "internal_error", "[json.exception.parse_error.101] parse error");
  CHECK_FALSE(exception.passed());

  NoInternalErrorText long_text;
  long_text.OnError(1, "bob", "internal_error", std::string(kMaxClientErrorChars + 1, 'x'));
  CHECK_FALSE(long_text.passed());

  NoInternalErrorText control;
  control.OnError(1, "bob", "internal_error", "line one\nline two");
  CHECK_FALSE(control.passed());
}

namespace {
Slo VideoSlo(std::string metric, double max) {
  Slo s;
  s.metric = std::move(metric);
  s.participant = "bob";
  s.from = "alice";
  s.max = max;
  return s;
}
}  // namespace

TEST_CASE("video.first_frame_after_resume_ms_max: the slowest resume of the stream", "[slo]") {
  RunObservations o;
  o.end_s = 10;
  o.clients["bob"].video["alice/camera"].first_frame_after_resume_ms = {180, 420};
  SloVerdict pass = EvaluateSlo(VideoSlo("video.first_frame_after_resume_ms_max", 500), o);
  CHECK(pass.passed);
  REQUIRE(pass.value);
  CHECK(*pass.value == 420);
  CHECK_FALSE(EvaluateSlo(VideoSlo("video.first_frame_after_resume_ms_max", 400), o).passed);

  RunObservations none;
  none.clients["bob"].video["alice/camera"];
  SloVerdict missing = EvaluateSlo(VideoSlo("video.first_frame_after_resume_ms_max", 500), none);
  CHECK_FALSE(missing.passed);
  CHECK(missing.note.find("no frame rendered after a resume") != std::string::npos);
}

TEST_CASE("video.nacks_sent: the receiver's NACKed sequence numbers", "[slo]") {
  RunObservations o;
  o.clients["bob"].video["alice/camera"].nacks_sent = 12;
  CHECK(EvaluateSlo(VideoSlo("video.nacks_sent", 20), o).passed);
  CHECK_FALSE(EvaluateSlo(VideoSlo("video.nacks_sent", 10), o).passed);
}
