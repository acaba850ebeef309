// EModel: ITU-T G.107 reference points and monotonicity.
#include "sfusim/clients/audio/audio_stream_stats.h"
#include "sfusim/clients/audio/e_model.h"

#include <catch2/catch.hpp>

using sfusim::clients::EModel;
using sfusim::clients::EModelParameters;

TEST_CASE("G.107 default R 93.2 gives MOS about 4.41", "[emodel]") {
  CHECK(EModel::RFactor(0, 0) == Approx(93.2));
  CHECK(EModel::MosFromR(93.2) == Approx(4.41).margin(0.005));
  CHECK(EModel::Mos(50, 0) == Approx(4.41).margin(0.005));  // Idd is zero up to 100 ms
}

TEST_CASE("MOS mapping end points (G.107 Annex B)", "[emodel]") {
  CHECK(EModel::MosFromR(-5) == 1.0);
  CHECK(EModel::MosFromR(0) == 1.0);
  CHECK(EModel::MosFromR(100) == Approx(4.5));
  CHECK(EModel::MosFromR(120) == 4.5);
  CHECK(EModel::MosFromR(50) == Approx(1 + 1.75 + 50 * -10 * 50 * 7e-6));  // 2.575
}

TEST_CASE("Idd: G.107 delay impairment values", "[emodel]") {
  CHECK(EModel::DelayImpairment(100) == 0);
  // X = log2(Ta/100): Ta = 200 ms -> X = 1: 25 * (2^(1/6) - 3 (1 + 1/729)^(1/6) + 2) = 3.0444.
  CHECK(EModel::DelayImpairment(200) == Approx(3.0444).margin(0.001));
  // Ta = 400 ms -> X = 2: 25 * (65^(1/6) - 3 (1 + 64/729)^(1/6) + 2) = 24.070.
  CHECK(EModel::DelayImpairment(400) == Approx(24.070).margin(0.01));
  CHECK(EModel::RFactor(400, 0) == Approx(93.2 - 24.070).margin(0.01));
}

TEST_CASE("Ie,eff: G.107 eq. 7-29", "[emodel]") {
  const EModelParameters g711_plc{0, 25.1};
  // 2 % random loss: 95 * 2 / (2 + 25.1) = 7.011.
  CHECK(EModel::EffectiveEquipmentImpairment(0.02, 1, g711_plc) == Approx(7.011).margin(0.001));
  // Bursty loss hurts more: BurstR = 2.
  CHECK(EModel::EffectiveEquipmentImpairment(0.02, 2, g711_plc) > 7.011);
  CHECK(EModel::EffectiveEquipmentImpairment(1.0, 1, g711_plc) == Approx(95 * 100 / 125.1));
  CHECK(EModel::EffectiveEquipmentImpairment(0, 1, EModelParameters{11, 19}) == 11);
}

TEST_CASE("MOS is monotonic in delay and loss", "[emodel]") {
  double prev = 5;
  for (double d = 0; d <= 1000; d += 25) {
    const double m = EModel::Mos(d, 0.01);
    CHECK(m <= prev + 1e-12);
    prev = m;
  }
  prev = 5;
  for (double p = 0; p <= 0.5; p += 0.01) {
    const double m = EModel::Mos(150, p);
    CHECK(m <= prev + 1e-12);
    prev = m;
  }
  CHECK(EModel::Mos(150, 0.05) < EModel::Mos(150, 0.01));
  CHECK(EModel::Mos(600, 0) < EModel::Mos(150, 0));
}

TEST_CASE("burst ratio", "[emodel]") {
  CHECK(EModel::BurstRatio(0, 0) == 1);
  CHECK(EModel::BurstRatio(1.0 / (1 - 0.1), 0.1) == Approx(1.0));  // random loss
  CHECK(EModel::BurstRatio(3, 0.1) == Approx(2.7));
}

TEST_CASE("estimate from a stream's stats", "[emodel]") {
  using namespace sfusim::clients;
  AudioStreamStats s;
  CHECK(!EModel::Estimate(s));
  int64_t t = 0;
  for (int i = 0; i < 90; ++i) s.RecordFrame(sfusim::sim::Timestamp::Millis(t += 20), FrameStatus::kNormal, 250.0);
  for (int i = 0; i < 10; ++i) {
    s.RecordFrame(sfusim::sim::Timestamp::Millis(t += 20), FrameStatus::kConcealed, std::nullopt);
  }
  auto e = EModel::Estimate(s);
  REQUIRE(e);
  CHECK(e->delay_ms == 250);
  CHECK(e->loss_ratio == Approx(0.1));
  CHECK(e->burst_ratio == Approx(10 * 0.9));  // one burst of 10
  CHECK(e->r == Approx(EModel::RFactor(250, 0.1, 9.0)));
  CHECK(e->mos == Approx(EModel::MosFromR(e->r)));
  CHECK(e->mos < EModel::Mos(250, 0.1, 1.0));  // bursty loss scores lower than random loss
}
