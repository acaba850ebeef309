// DegradationLadder: rungs in the order fps -> tier -> bitrate, sustain/hold timing, bounds.
#include <catch2/catch.hpp>

#include <vector>

#include "sfusim/clients/native/degradation_ladder.h"
#include "sfusim/clients/native/encode_time_model.h"

using namespace sfusim;
using namespace sfusim::clients;

namespace {
sim::Timestamp Ms(int64_t ms) { return sim::Timestamp::Millis(ms); }
}  // namespace

TEST_CASE("DegradationLadder rungs from 1080p at 30 fps") {
  auto ladder = DegradationLadder::Create(DegradationLadderConfig{}, 30, 2);  // 1080p
  REQUIRE(ladder.ok());
  const auto& rungs = ladder->rungs();
  // 0: 30/1080p, 1: 20, 2: 15, 3: 10, 4: 720p, 5..7: bitrate steps.
  REQUIRE(rungs.size() == 8);
  CHECK(ladder->max_level() == 7);
  CHECK(rungs[1].fps == 20);
  CHECK(rungs[3].fps == 10);
  CHECK(rungs[3].tier_index == 2);
  CHECK(rungs[4].tier_index == 3);
  CHECK(rungs[4].changed == LadderDimension::kTier);
  CHECK(rungs[5].bitrate_step == 1);
  CHECK(rungs[7].bitrate_step == 3);
  CHECK(rungs[7].fps == 10);
}

TEST_CASE("DegradationLadder at 720p and 15 fps has fewer rungs") {
  auto ladder = DegradationLadder::Create(DegradationLadderConfig{}, 15, 3);
  REQUIRE(ladder.ok());
  REQUIRE(ladder->rungs().size() == 5);  // 15, 10, bitrate x3
  CHECK(ladder->rungs()[1].changed == LadderDimension::kFps);
  CHECK(ladder->rungs()[2].changed == LadderDimension::kBitrate);
}

TEST_CASE("DegradationLadder steps down under sustained pressure, in order, and climbs back") {
  DegradationLadderConfig cfg;
  cfg.sustain = sim::TimeDelta::Millis(400);
  cfg.hold = sim::TimeDelta::Seconds(2);
  auto created = DegradationLadder::Create(cfg, 30, 2);
  REQUIRE(created.ok());
  DegradationLadder ladder = std::move(created).value();
  std::vector<DegradationChange> changes;
  int64_t t = 0;
  for (; t <= 10'000; t += 100) {
    if (auto c = ladder.Update(Ms(t), true)) changes.push_back(*c);
  }
  REQUIRE(changes.size() == 7);  // bounded: stays at the bottom
  CHECK(ladder.level() == 7);
  CHECK(changes[0].what == LadderDimension::kFps);
  CHECK(changes[0].reason == "level 1 (down): fps 30->20");
  CHECK(changes[2].what == LadderDimension::kFps);
  CHECK(changes[3].what == LadderDimension::kTier);
  CHECK(changes[3].reason == "level 4 (down): tier 1080p->720p");
  CHECK(changes[4].what == LadderDimension::kBitrate);
  CHECK(changes[6].reason == "level 7 (down): bitrate step 2->3");
  // First step 400 ms after the first pressured sample.
  changes.clear();
  for (; t <= 40'000; t += 100) {
    if (auto c = ladder.Update(Ms(t), false)) changes.push_back(*c);
  }
  REQUIRE(changes.size() == 7);
  CHECK(ladder.level() == 0);
  CHECK_FALSE(changes[0].down);
  CHECK(changes[0].what == LadderDimension::kBitrate);
  CHECK(changes[6].reason == "level 0 (up): fps 20->30");
  CHECK(ladder.fps() == 30);
  CHECK(ladder.tier().name == "1080p");
}

TEST_CASE("DegradationLadder: a break in pressure restarts the sustain clock") {
  auto created = DegradationLadder::Create(DegradationLadderConfig{}, 30, 3);
  REQUIRE(created.ok());
  DegradationLadder ladder = std::move(created).value();
  for (int64_t t = 0; t < 20'000; t += 100) {
    // 300 ms of pressure, then one calm sample: never 400 ms without a break.
    CHECK_FALSE(ladder.Update(Ms(t), (t / 100) % 4 != 3));
  }
  CHECK(ladder.level() == 0);
}

TEST_CASE("DegradationLadder: climbing can be vetoed; bitrate is applied with its floor") {
  DegradationLadderConfig cfg;
  cfg.bitrate_steps = 2;
  cfg.bitrate_step_factor = 0.5;
  cfg.min_bitrate_bps = 300'000;
  auto created = DegradationLadder::Create(cfg, 10, 3);  // no fps or tier rungs
  REQUIRE(created.ok());
  DegradationLadder ladder = std::move(created).value();
  CHECK(ladder.ApplyBitrate(1'000'000) == 1'000'000);
  for (int64_t t = 0; t <= 1000; t += 100) (void)ladder.Update(Ms(t), true);
  CHECK(ladder.level() == 2);
  CHECK(ladder.ApplyBitrate(2'000'000) == 500'000);
  CHECK(ladder.ApplyBitrate(1'000'000) == 300'000);  // floor
  CHECK(ladder.ApplyBitrate(200'000) == 200'000);    // never above the target
  for (int64_t t = 1100; t <= 10'000; t += 100) CHECK_FALSE(ladder.Update(Ms(t), false, false));
  CHECK(ladder.level() == 2);
  CHECK(ladder.Update(Ms(10'100), false, true));  // calm clock kept running
  ladder.Reset();
  CHECK(ladder.level() == 0);
}

TEST_CASE("DegradationLadder::Create rejects bad configs") {
  CHECK(DegradationLadder::Create({}, 0, 3).error().code == "invalid_argument");
  CHECK_FALSE(DegradationLadder::Create({}, 30, 4).ok());
  CHECK_FALSE(DegradationLadder::Create({}, 30, -1).ok());
  DegradationLadderConfig c;
  c.bitrate_step_factor = 1.0;
  CHECK_FALSE(DegradationLadder::Create(c, 30, 3).ok());
  c = {};
  c.bitrate_steps = kMaxLadderBitrateSteps + 1;
  CHECK_FALSE(DegradationLadder::Create(c, 30, 3).ok());
  c = {};
  c.hold = sim::TimeDelta::Zero();
  CHECK_FALSE(DegradationLadder::Create(c, 30, 3).ok());
}

TEST_CASE("EncodeTimeModel is calibrated on OpenH264 720p at 240 fps") {
  EncodeTimeModel m;
  CHECK(m.EncodeTime(1280, 720).us() == 4167);
  CHECK(m.EncodeTime(3840, 2160).us() == 37'500);
  CHECK(m.EncodeTime(1280, 720, 32.0).us() == 133'333);
  CHECK(m.EncodeTime(1280, 720, 0.5).us() == 4167);  // slowdown below 1 is 1
  CHECK(m.EncodeTime(0, 0) == kMinModelledEncodeTime);
}
