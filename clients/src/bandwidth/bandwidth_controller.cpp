#include "sfusim/clients/bandwidth/bandwidth_controller.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace sfusim::clients {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr uint32_t kNegativeBit = 0x80000000u;

}  // namespace

protocol::Result<sim::TimeDelta> RttFromReportBlock(uint32_t now_ntp_middle32, uint32_t lsr, uint32_t dlsr) {
  if (lsr == 0) return protocol::MakeError("no_last_sr", "report block: LSR is 0 (no sender report received yet)");
  // Modular arithmetic: the compact NTP form wraps every 18 h; a result with the top bit set is
  // "negative" (the far end's DLSR is larger than the time since our SR: nonsense).
  const uint32_t rtt = now_ntp_middle32 - lsr - dlsr;
  if (rtt & kNegativeBit) {
    return protocol::MakeError("negative_rtt", "report block: A - LSR - DLSR is negative (" +
                                                   std::to_string(static_cast<int32_t>(rtt)) + "/65536 s)");
  }
  return sim::TimeDelta::Micros(static_cast<int64_t>(static_cast<uint64_t>(rtt) * kMicrosPerSecond /
                                                     static_cast<uint64_t>(kNtpCompactUnitsPerSecond)));
}

protocol::Result<BandwidthController> BandwidthController::Create(const BandwidthControllerConfig& config) {
  if (config.min_bps < 1 || config.min_bps > config.max_bps) {
    return protocol::MakeError("invalid_config", "bandwidth controller: need 1 <= min_bps <= max_bps (min " +
                                                     std::to_string(config.min_bps) + ", max " +
                                                     std::to_string(config.max_bps) + ")");
  }
  return BandwidthController(config);
}

BandwidthController::BandwidthController(const BandwidthControllerConfig& config) : config_(config) {
  config_.min_bps = std::max<int64_t>(config_.min_bps, 1);
  config_.max_bps = std::max(config_.max_bps, config_.min_bps);
  target_bps_ = std::clamp(config_.initial_bps, config_.min_bps, config_.max_bps);
  remb_cap_bps_ = config_.max_bps;
}

int64_t BandwidthController::Clamp(double bps) const {
  const double upper = static_cast<double>(std::min(config_.max_bps, remb_cap_bps_));
  double v = std::min(bps, upper);
  v = std::max(v, static_cast<double>(config_.min_bps));
  v = std::min(v, static_cast<double>(config_.max_bps));
  // Rounded, not truncated: 700000 x 1.2 is 839999.99999999997 in binary floating point.
  return std::llround(v);
}

BandwidthController::Decision BandwidthController::Decide(sim::TimeDelta rtt, double loss_fraction) {
  if (rtt.us() > protocol::kBandwidthRttHighUs || loss_fraction > protocol::kBandwidthLossHighFraction) {
    return Decision::kDecrease;
  }
  if (rtt.us() < protocol::kBandwidthRttLowUs && loss_fraction < protocol::kBandwidthLossLowFraction) {
    return Decision::kIncrease;
  }
  return Decision::kHold;
}

protocol::Result<int64_t> BandwidthController::Update(sim::TimeDelta rtt, double loss_fraction) {
  if (rtt.us() < 0) return protocol::MakeError("invalid_rtt", "rtt: negative (" + std::to_string(rtt.us()) + " us)");
  if (!(loss_fraction >= 0.0 && loss_fraction <= 1.0)) {
    return protocol::MakeError("invalid_loss", "loss_fraction: outside [0, 1]");
  }
  const Decision d = Decide(rtt, loss_fraction);
  double next = static_cast<double>(target_bps_);
  if (d == Decision::kDecrease) next *= protocol::kBandwidthDecreaseFactor;
  if (d == Decision::kIncrease) next *= protocol::kBandwidthIncreaseFactor;
  // Every step clamps (a hold too): target >= min, so a decrease or hold never raises it.
  target_bps_ = Clamp(next);
  last_decision_ = d;
  ++updates_;
  return target_bps_;
}

protocol::Result<int64_t> BandwidthController::OnReportBlock(uint32_t now_ntp_middle32,
                                                           const protocol::rtcp::ReportBlock& block) {
  auto rtt = RttFromReportBlock(now_ntp_middle32, block.last_sr, block.delay_since_last_sr);
  if (!rtt.ok()) return rtt.error();
  return Update(*rtt, static_cast<double>(block.fraction_lost) / kFractionLostDenominator);
}

protocol::Result<int64_t> BandwidthController::OnRemb(int64_t remb_bps) {
  if (remb_bps < 0) return protocol::MakeError("invalid_remb", "remb: negative bitrate");
  remb_cap_bps_ = remb_bps;
  target_bps_ = Clamp(static_cast<double>(target_bps_));
  return target_bps_;
}

}  // namespace sfusim::clients
