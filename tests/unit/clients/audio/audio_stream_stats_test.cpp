// AudioStreamStats: frame log across receivers, percentiles, bins, concealed ratio and bursts.
#include "sfusim/clients/audio/audio_stream_stats.h"

#include <catch2/catch.hpp>

using namespace sfusim::clients;
using sfusim::sim::Timestamp;

TEST_CASE("frame log: one byte per 20 ms slot, gaps between receivers are no_data", "[stats]") {
  AudioStreamStats s;
  s.RecordFrame(Timestamp::Millis(1000), FrameStatus::kNormal, 80.0);
  s.RecordFrame(Timestamp::Millis(1020), FrameStatus::kConcealed, std::nullopt);
  // A new receiver on another phase, 107 ms later: slots 2..6 are missing.
  s.RecordFrame(Timestamp::Millis(1147), FrameStatus::kFec, std::nullopt);
  REQUIRE(s.first_slot_time == Timestamp::Millis(1000));
  REQUIRE(s.frame_log.size() == 8);  // (147 + 10) / 20 = 7 -> index 7
  CHECK(s.frame_log[0] == uint8_t(FrameStatus::kNormal));
  CHECK(s.frame_log[1] == uint8_t(FrameStatus::kConcealed));
  for (int i = 2; i < 7; ++i) CHECK(s.frame_log[i] == uint8_t(FrameStatus::kNoData));
  CHECK(s.frame_log[7] == uint8_t(FrameStatus::kFec));
  CHECK(s.frames_normal == 1);
  CHECK(s.frames_concealed == 1);
  CHECK(s.frames_fec == 1);
  CHECK(s.frames_no_data == 0);  // gap filling is not a played frame
  CHECK(s.concealed_ratio() == Approx(1.0 / 3));
  CHECK(std::string(FrameStatusName(FrameStatus::kFec)) == "fec");
}

TEST_CASE("delay percentiles (nearest rank) and per-second bins", "[stats]") {
  AudioStreamStats s;
  CHECK(!s.delay_percentile(50));
  for (int i = 1; i <= 100; ++i) s.RecordFrame(Timestamp::Millis(20 * i), FrameStatus::kNormal, double(i));
  CHECK(*s.delay_percentile(50) == 50);
  CHECK(*s.delay_percentile(95) == 95);
  CHECK(*s.delay_percentile(100) == 100);
  CHECK(*s.delay_percentile(0) == 1);
  CHECK(*s.mean_delay_ms() == Approx(50.5));
  REQUIRE(s.seconds.size() == 3);  // 20 ms .. 2000 ms
  CHECK(s.seconds[0].delay_samples == 49);
  CHECK(s.seconds[0].mean_delay_ms() == Approx(25));
  s.RecordBytes(Timestamp::Millis(2500), 100);
  s.RecordBytes(Timestamp::Millis(2600), 50);
  CHECK(s.seconds[2].bytes_received == 150);
  CHECK(s.bytes_received == 150);
}

TEST_CASE("mean concealed burst", "[stats]") {
  AudioStreamStats s;
  const FrameStatus pattern[] = {FrameStatus::kNormal,    FrameStatus::kConcealed, FrameStatus::kConcealed,
                                 FrameStatus::kConcealed, FrameStatus::kNormal,    FrameStatus::kConcealed};
  int64_t t = 0;
  for (auto st : pattern) s.RecordFrame(Timestamp::Millis(t += 20), st, std::nullopt);
  CHECK(s.mean_concealed_burst() == Approx(2.0));
  CHECK(s.seconds[0].frames_concealed == 4);
}
