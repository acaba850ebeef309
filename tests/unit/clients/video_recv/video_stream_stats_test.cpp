// VideoStreamStats: the freeze definition, fps over active time, per-second bins, percentiles.
#include <catch2/catch.hpp>

#include "sfusim/clients/video/video_stream_stats.h"

namespace c = sfusim::clients;
using sfusim::clients::VideoStreamStats;
using sfusim::sim::TimeDelta;
using sfusim::sim::Timestamp;

TEST_CASE("steady 30 fps: no freeze, fps 30", "[video_stats]") {
  VideoStreamStats s;
  for (int i = 0; i < 90; ++i) s.RecordRenderedFrame(Timestamp::Micros(i * 33'334), 640, 360, 40.0, 50.0);
  CHECK(s.freeze_count == 0);
  CHECK(s.received_fps() == Approx(30.0).epsilon(0.001));
  CHECK(s.render_times_us.size() == 90);
  CHECK(s.frames_rendered == 90);
  CHECK(s.last_width == 640);
  CHECK(s.last_height == 360);
  REQUIRE(s.seconds.size() == 3);
  CHECK(s.fps_series()[0] == 30);
  CHECK(s.psnr_db_series()[1] == Approx(40.0));
  CHECK(s.delay_ms_series()[2] == Approx(50.0));
  CHECK(s.psnr_percentile(50) == Approx(40.0));
}

TEST_CASE("freeze: a gap above max(150 ms, 3 x mean interval); duration = the gap", "[video_stats]") {
  VideoStreamStats s;
  Timestamp t = Timestamp::Zero();
  for (int i = 0; i < 10; ++i) {
    s.RecordRenderedFrame(t, 640, 360, std::nullopt, std::nullopt);
    t += TimeDelta::Millis(33);
  }
  CHECK(s.freeze_threshold() == c::kFreezeMinGap);  // 3 x 33 ms < 150 ms
  // A 140 ms gap is not a freeze, a 400 ms one is.
  t += TimeDelta::Millis(140 - 33);
  s.RecordRenderedFrame(t, 640, 360, std::nullopt, std::nullopt);
  CHECK(s.freeze_count == 0);
  t += TimeDelta::Millis(400);
  s.RecordRenderedFrame(t, 640, 360, std::nullopt, std::nullopt);
  CHECK(s.freeze_count == 1);
  CHECK(s.freeze_total == TimeDelta::Millis(400));
  REQUIRE(s.freeze_durations_ms.size() == 1);
  CHECK(s.freeze_durations_ms[0] == Approx(400.0));
}

TEST_CASE("freeze threshold follows a slow frame rate", "[video_stats]") {
  VideoStreamStats s;
  Timestamp t = Timestamp::Zero();
  for (int i = 0; i < 6; ++i) {  // 5 fps: mean interval 200 ms, threshold 600 ms
    s.RecordRenderedFrame(t, 320, 180, std::nullopt, std::nullopt);
    t += TimeDelta::Millis(200);
  }
  CHECK(s.freeze_threshold() == TimeDelta::Millis(600));
  t += TimeDelta::Millis(300);  // a 500 ms gap: no freeze at 5 fps
  s.RecordRenderedFrame(t, 320, 180, std::nullopt, std::nullopt);
  CHECK(s.freeze_count == 0);
  t += TimeDelta::Millis(800);  // above 3 x the mean (250 ms): a freeze
  s.RecordRenderedFrame(t, 320, 180, std::nullopt, std::nullopt);
  CHECK(s.freeze_count == 1);
}

TEST_CASE("the first gap is not judged", "[video_stats]") {
  VideoStreamStats s;
  s.RecordRenderedFrame(Timestamp::Millis(0), 640, 360, std::nullopt, std::nullopt);
  s.RecordRenderedFrame(Timestamp::Millis(400), 640, 360, std::nullopt, std::nullopt);
  CHECK(s.freeze_count == 0);
  s.RecordRenderedFrame(Timestamp::Millis(1700), 640, 360, std::nullopt, std::nullopt);  // 1300 > 3 x 400
  CHECK(s.freeze_count == 1);
}

TEST_CASE("an absence (gap > kFpsInactiveGap) is neither a freeze nor active time", "[video_stats]") {
  VideoStreamStats s;
  s.RecordRenderedFrame(Timestamp::Millis(0), 640, 360, std::nullopt, std::nullopt);
  s.RecordRenderedFrame(Timestamp::Millis(100), 640, 360, std::nullopt, std::nullopt);
  s.RecordRenderedFrame(Timestamp::Millis(100) + c::kFpsInactiveGap + TimeDelta::Millis(1), 640, 360, std::nullopt,
                        std::nullopt);
  CHECK(s.freeze_count == 0);
  CHECK(s.absences == 1);
  CHECK(s.received_fps() == Approx(10.0));
}

TEST_CASE("packets and bytes per second, percentiles", "[video_stats]") {
  VideoStreamStats s;
  s.RecordPacket(Timestamp::Millis(100), 1000, false);
  s.RecordPacket(Timestamp::Millis(900), 250, true);
  s.RecordPacket(Timestamp::Millis(1500), 125, false);
  CHECK(s.packets_received == 3);
  CHECK(s.packets_retransmitted_received == 1);
  CHECK(s.bytes_received == 1375);
  const auto kbps = s.kbps_series();
  REQUIRE(kbps.size() == 2);
  CHECK(kbps[0] == Approx(10.0));
  CHECK(kbps[1] == Approx(1.0));
  CHECK_FALSE(s.psnr_db_series()[0].has_value());
  CHECK_FALSE(VideoStreamStats::Percentile({}, 50).has_value());
  CHECK(VideoStreamStats::Percentile({5, 1, 3, 2, 4}, 50) == Approx(3.0));
  CHECK(VideoStreamStats::Percentile({5, 1, 3, 2, 4}, 95) == Approx(5.0));
  CHECK(VideoStreamStats::Percentile({5, 1, 3, 2, 4}, 0) == Approx(1.0));
  s.RecordKeyFrameAfterPli(TimeDelta::Millis(120));
  CHECK(s.key_frame_after_pli_percentile(50) == Approx(120.0));
}
