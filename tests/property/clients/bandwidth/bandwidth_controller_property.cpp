// Properties of BandwidthController over random feedback sequences (RTT, loss, REMB, report
// blocks): the target is always within [min, max]; it never increases on a step where RTT >
// 200 ms or loss > 5 %; it never exceeds the last REMB unless that REMB is below min; and it
// matches an independent model of PROTOCOL.md §5.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sfusim/clients/bandwidth/bandwidth_controller.h"

using namespace sfusim;
using namespace sfusim::clients;

namespace {

struct Step {
  int kind = 0;  // 0: Update, 1: OnRemb, 2: OnReportBlock
  int64_t rtt_us = 0;
  int loss_permille = 0;
  int64_t remb_bps = 0;
  uint32_t a = 0, lsr = 0, dlsr = 0;
  uint8_t fraction = 0;
};

rc::Gen<Step> GenStep() {
  return rc::gen::build<Step>(rc::gen::set(&Step::kind, rc::gen::inRange(0, 3)),
                              rc::gen::set(&Step::rtt_us, rc::gen::inRange<int64_t>(0, 600'000)),
                              rc::gen::set(&Step::loss_permille, rc::gen::inRange(0, 1001)),
                              rc::gen::set(&Step::remb_bps, rc::gen::inRange<int64_t>(0, 5'000'000)),
                              rc::gen::set(&Step::a, rc::gen::arbitrary<uint32_t>()),
                              rc::gen::set(&Step::lsr, rc::gen::arbitrary<uint32_t>()),
                              rc::gen::set(&Step::dlsr, rc::gen::inRange<uint32_t>(0, 0x00100000u)),
                              rc::gen::set(&Step::fraction, rc::gen::arbitrary<uint8_t>()));
}

}  // namespace

TEST_CASE("bandwidth controller properties", "[clients][bandwidth][property]") {
  rc::prop("target within [min, max]; no increase when RTT > 200 ms or loss > 5 %; model agrees", [] {
    const int64_t min_bps = *rc::gen::inRange<int64_t>(1, 1'000'000);
    const int64_t max_bps = min_bps + *rc::gen::inRange<int64_t>(0, 5'000'000);
    const int64_t initial = *rc::gen::inRange<int64_t>(0, 8'000'000);
    const auto steps = *rc::gen::container<std::vector<Step>>(GenStep());
    BandwidthController bc({initial, min_bps, max_bps});
    double model = std::clamp<double>(static_cast<double>(initial), static_cast<double>(min_bps),
                                      static_cast<double>(max_bps));
    int64_t cap = max_bps;
    RC_ASSERT(bc.target_bps() == static_cast<int64_t>(model));
    for (const Step& s : steps) {
      const int64_t before = bc.target_bps();
      int64_t rtt_us = s.rtt_us;
      double loss = s.loss_permille / 1000.0;
      bool updated = true;
      if (s.kind == 0) {
        RC_ASSERT(bc.Update(sim::TimeDelta::Micros(rtt_us), loss).ok());
      } else if (s.kind == 1) {
        RC_ASSERT(bc.OnRemb(s.remb_bps).ok());
        cap = s.remb_bps;
        updated = false;
        RC_ASSERT(bc.target_bps() <= std::max(before, min_bps));
      } else {
        protocol::rtcp::ReportBlock block;
        block.last_sr = s.lsr;
        block.delay_since_last_sr = s.dlsr;
        block.fraction_lost = s.fraction;
        const auto rtt = RttFromReportBlock(s.a, s.lsr, s.dlsr);
        const auto r = bc.OnReportBlock(s.a, block);
        RC_ASSERT(r.ok() == rtt.ok());
        if (!r.ok()) {
          RC_ASSERT(bc.target_bps() == before);
          continue;
        }
        rtt_us = rtt->us();
        loss = s.fraction / 256.0;
      }
      // The model: PROTOCOL.md §5 written out, then the REMB cap, then [min, max].
      if (updated) {
        if (rtt_us > 200'000 || loss > 0.05) {
          model = static_cast<double>(before) * 0.8;
          RC_ASSERT(bc.target_bps() <= before);
        } else if (rtt_us < 50'000 && loss < 0.01) {
          model = static_cast<double>(before) * 1.2;
        } else {
          model = static_cast<double>(before);
          RC_ASSERT(bc.target_bps() <= before);
        }
      } else {
        model = static_cast<double>(before);
      }
      model = std::min(model, static_cast<double>(std::min(cap, max_bps)));
      model = std::clamp(model, static_cast<double>(min_bps), static_cast<double>(max_bps));
      RC_ASSERT(bc.target_bps() >= min_bps);
      RC_ASSERT(bc.target_bps() <= max_bps);
      RC_ASSERT(std::llabs(bc.target_bps() - std::llround(model)) <= 1);
      if (cap >= min_bps) RC_ASSERT(bc.target_bps() <= cap);
    }
  });
}
