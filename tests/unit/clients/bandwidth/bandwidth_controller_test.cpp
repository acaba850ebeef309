// BandwidthController (clients/bandwidth/bandwidth_controller.h): PROTOCOL.md §5's rule at its
// boundaries, the multiplications and the clamp, the REMB cap, RTT from report blocks with
// byte-exact Q16.16 values, and the error codes for bad input.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "sfusim/clients/bandwidth/bandwidth_controller.h"

namespace sfusim::clients {
namespace {

using sim::TimeDelta;
using Decision = BandwidthController::Decision;

TEST_CASE("the rule at its boundaries (PROTOCOL.md §5)", "[clients][bandwidth]") {
  const auto ms = [](int64_t v) { return TimeDelta::Millis(v); };
  CHECK(BandwidthController::Decide(ms(201), 0.0) == Decision::kDecrease);
  CHECK(BandwidthController::Decide(ms(200), 0.02) == Decision::kHold);  // not > 200 ms
  CHECK(BandwidthController::Decide(TimeDelta::Micros(200'001), 0.0) == Decision::kDecrease);
  CHECK(BandwidthController::Decide(ms(100), 0.05) == Decision::kHold);  // not > 5 %
  CHECK(BandwidthController::Decide(ms(100), 0.0501) == Decision::kDecrease);
  CHECK(BandwidthController::Decide(ms(10), 0.06) == Decision::kDecrease);  // loss alone
  CHECK(BandwidthController::Decide(TimeDelta::Micros(49'999), 0.0099) == Decision::kIncrease);
  CHECK(BandwidthController::Decide(ms(50), 0.0) == Decision::kHold);     // not < 50 ms
  CHECK(BandwidthController::Decide(ms(10), 0.01) == Decision::kHold);    // not < 1 %
  CHECK(BandwidthController::Decide(ms(0), 0.0) == Decision::kIncrease);
  CHECK(BandwidthController::Decide(ms(120), 0.03) == Decision::kHold);
}

TEST_CASE("x0.8 / x1.2 / hold, clamped to [min, max]", "[clients][bandwidth]") {
  BandwidthController bc({700'000, 100'000, 1'000'000});
  CHECK(bc.target_bps() == 700'000);
  CHECK(bc.Update(TimeDelta::Millis(20), 0.0).value() == 840'000);
  CHECK(bc.last_decision() == Decision::kIncrease);
  CHECK(bc.Update(TimeDelta::Millis(300), 0.0).value() == 672'000);
  CHECK(bc.Update(TimeDelta::Millis(100), 0.02).value() == 672'000);
  CHECK(bc.last_decision() == Decision::kHold);
  CHECK(bc.Update(TimeDelta::Millis(20), 0.0).value() == 806'400);
  CHECK(bc.Update(TimeDelta::Millis(20), 0.0).value() == 967'680);
  CHECK(bc.Update(TimeDelta::Millis(20), 0.0).value() == 1'000'000);  // clamped to max
  CHECK(bc.Update(TimeDelta::Millis(20), 0.0).value() == 1'000'000);
  for (int i = 0; i < 20; ++i) (void)bc.Update(TimeDelta::Millis(20), 0.5);
  CHECK(bc.target_bps() == 100'000);  // clamped to min
  CHECK(bc.updates() == 27);
}

TEST_CASE("the initial target is clamped", "[clients][bandwidth]") {
  CHECK(BandwidthController({5'000'000, 100'000, 1'000'000}).target_bps() == 1'000'000);
  CHECK(BandwidthController({1, 100'000, 1'000'000}).target_bps() == 100'000);
  BandwidthController defaults;
  CHECK(defaults.target_bps() == kBandwidthDefaultInitialBps);
  CHECK(defaults.min_bps() == kBandwidthDefaultMinBps);
  CHECK(defaults.max_bps() == kBandwidthDefaultMaxBps);
}

TEST_CASE("REMB caps the target, and increases stay under the last REMB", "[clients][bandwidth]") {
  BandwidthController bc({700'000, 100'000, 2'000'000});
  CHECK(bc.OnRemb(500'000).value() == 500'000);
  CHECK(bc.remb_cap_bps() == 500'000);
  CHECK(bc.Update(TimeDelta::Millis(10), 0.0).value() == 500'000);
  CHECK(bc.OnRemb(1'000'000).value() == 500'000);  // a higher REMB does not raise it by itself
  CHECK(bc.Update(TimeDelta::Millis(10), 0.0).value() == 600'000);
  CHECK(bc.OnRemb(50'000).value() == 100'000);  // never below min
  CHECK(bc.Update(TimeDelta::Millis(300), 0.0).value() == 100'000);
}

TEST_CASE("RttFromReportBlock: A - LSR - DLSR in Q16.16, byte exact", "[clients][bandwidth]") {
  // RFC 3550 §6.4.1's example: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125 s),
  // DLSR = 0x0005:4000 (5.250 s) -> 0x0006:2000 = 6.125 s.
  CHECK(RttFromReportBlock(0xB7108000u, 0xB7052000u, 0x00054000u).value() == TimeDelta::Micros(6'125'000));
  // 0x0000:0CCD = 3277 / 65536 s = 50003.05 us, rounded down.
  CHECK(RttFromReportBlock(0x00010CCDu, 0x00010000u, 0).value() == TimeDelta::Micros(50'003));
  // One unit: 15.26 us -> 15 us.
  CHECK(RttFromReportBlock(0x00020001u, 0x00010000u, 0x00010000u).value() == TimeDelta::Micros(15));
  // Across the 32-bit wrap of the compact NTP time: 0x2000 = 125 ms.
  CHECK(RttFromReportBlock(0x00001000u, 0xFFFFF000u, 0).value() == TimeDelta::Micros(125'000));
  // Zero.
  CHECK(RttFromReportBlock(0x12345678u, 0x12340000u, 0x5678u).value() == TimeDelta::Zero());
  // Errors.
  CHECK(RttFromReportBlock(0x12345678u, 0, 0).error().code == "no_last_sr");
  CHECK(RttFromReportBlock(0x00010000u, 0x00010000u, 1).error().code == "negative_rtt");
}

TEST_CASE("OnReportBlock: RTT from LSR/DLSR and loss from fraction lost", "[clients][bandwidth]") {
  BandwidthController bc({1'000'000, 100'000, 2'000'000});
  protocol::rtcp::ReportBlock block;
  block.fraction_lost = 26;  // 10.2 %
  block.last_sr = 0x00010000u;
  block.delay_since_last_sr = 0x00000800u;  // 31.25 ms
  CHECK(bc.OnReportBlock(0x00010C00u, block).value() == 800'000);  // RTT 15.6 ms, but 10 % loss
  block.fraction_lost = 0;
  CHECK(bc.OnReportBlock(0x00010C00u, block).value() == 960'000);  // RTT 15.6 ms, no loss
  block.fraction_lost = 2;                                           // 0.78 %
  block.delay_since_last_sr = 0;                                     // RTT 46.9 ms
  CHECK(bc.OnReportBlock(0x00010C00u, block).value() == 1'152'000);
  block.delay_since_last_sr = 0;                                     // RTT 250 ms
  CHECK(bc.OnReportBlock(0x00014000u, block).value() == 921'600);
  block.last_sr = 0;
  CHECK(bc.OnReportBlock(0x00014000u, block).error().code == "no_last_sr");
  CHECK(bc.target_bps() == 921'600);
}

TEST_CASE("bad input: stable codes, target unchanged", "[clients][bandwidth]") {
  CHECK(BandwidthController::Create({700'000, 0, 1'000'000}).error().code == "invalid_config");
  CHECK(BandwidthController::Create({700'000, 2'000'000, 1'000'000}).error().code == "invalid_config");
  auto ok = BandwidthController::Create({700'000, 100'000, 1'000'000});
  REQUIRE(ok.ok());
  BandwidthController& bc = *ok;
  CHECK(bc.Update(TimeDelta::Millis(-1), 0.0).error().code == "invalid_rtt");
  CHECK(bc.Update(TimeDelta::Millis(10), -0.1).error().code == "invalid_loss");
  CHECK(bc.Update(TimeDelta::Millis(10), 1.5).error().code == "invalid_loss");
  CHECK(bc.Update(TimeDelta::Millis(10), std::numeric_limits<double>::quiet_NaN()).error().code == "invalid_loss");
  CHECK(bc.OnRemb(-1).error().code == "invalid_remb");
  CHECK(bc.target_bps() == 700'000);
  CHECK(bc.updates() == 0);
  // The constructor normalises an invalid config instead.
  BandwidthController odd({700'000, -5, -10});
  CHECK(odd.min_bps() == 1);
  CHECK(odd.max_bps() == 1);
  CHECK(odd.target_bps() == 1);
}

}  // namespace
}  // namespace sfusim::clients
