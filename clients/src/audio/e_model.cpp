#include "sfusim/clients/audio/e_model.h"

#include <algorithm>
#include <cmath>

#include "sfusim/clients/audio/audio_stream_stats.h"

namespace sfusim::clients {
namespace {

constexpr double kIeMaxImpairment = 95;  // G.107 eq. 7-29: Ie,eff tends to 95 at 100 % loss
constexpr double kMosRMin = 0;
constexpr double kMosRMax = 100;

}  // namespace

double EModel::DelayImpairment(double ta_ms) {
  // G.107 eq. 7-27/7-28: Idd = 0 for Ta <= 100 ms, else
  // 25 * ((1 + X^6)^(1/6) - 3 (1 + (X/3)^6)^(1/6) + 2), X = log2(Ta / 100).
  if (!(ta_ms > kIddThresholdMs)) return 0;
  const double x = std::log(ta_ms / kIddThresholdMs) / std::log(2.0);
  return 25 * (std::pow(1 + std::pow(x, 6), 1.0 / 6) - 3 * std::pow(1 + std::pow(x / 3, 6), 1.0 / 6) + 2);
}

double EModel::EffectiveEquipmentImpairment(double loss_ratio, double burst_ratio, const EModelParameters& p) {
  const double ppl = std::clamp(loss_ratio, 0.0, 1.0) * 100;
  const double burst = burst_ratio > 0 ? burst_ratio : 1.0;
  return p.ie + (kIeMaxImpairment - p.ie) * ppl / (ppl / burst + p.bpl);
}

double EModel::RFactor(double one_way_delay_ms, double loss_ratio, double burst_ratio, const EModelParameters& p) {
  return kDefaultR - DelayImpairment(one_way_delay_ms) - EffectiveEquipmentImpairment(loss_ratio, burst_ratio, p);
}

double EModel::MosFromR(double r) {
  if (r < kMosRMin) return 1.0;
  if (r > kMosRMax) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

double EModel::BurstRatio(double mean_burst_length, double loss_ratio) {
  if (loss_ratio <= 0 || mean_burst_length <= 0) return 1.0;
  if (loss_ratio >= 1) return mean_burst_length;  // random-loss bursts would be infinitely long
  return mean_burst_length * (1 - loss_ratio);
}

std::optional<EModelEstimate> EModel::Estimate(const AudioStreamStats& stats, const EModelParameters& p) {
  const auto delay = stats.mean_delay_ms();
  if (!delay) return std::nullopt;
  EModelEstimate e;
  e.delay_ms = *delay;
  e.loss_ratio = stats.concealed_ratio();
  e.burst_ratio = BurstRatio(stats.mean_concealed_burst(), e.loss_ratio);
  e.r = RFactor(e.delay_ms, e.loss_ratio, e.burst_ratio, p);
  e.mos = MosFromR(e.r);
  return e;
}

}  // namespace sfusim::clients
