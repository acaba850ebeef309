#include "sfusim/sim/gilbert_elliott.h"

#include <cmath>

namespace sfusim::sim {

std::optional<GilbertElliott::Params> GilbertElliott::SimpleGilbert(double loss, double burst_len) {
  if (!(std::isfinite(burst_len) && burst_len >= 1)) return std::nullopt;
  if (!(loss >= 0 && loss <= MaxLossForBurst(burst_len))) return std::nullopt;
  Params p;
  p.p_bad_to_good = 1.0 / burst_len;
  // loss < 1 here (MaxLossForBurst < 1 for finite L), so the division is safe; clamp the rounding
  // at the boundary loss == L / (L + 1).
  double q = loss / (burst_len * (1.0 - loss));
  p.p_good_to_bad = q > 1.0 ? 1.0 : q;
  p.loss_in_good = 0;
  p.loss_in_bad = 1;
  return p;
}

GilbertElliott::GilbertElliott(const Params& params, Rng& rng) : params_(params) {
  bad_ = rng.NextDouble() < StationaryBad();
}

double GilbertElliott::StationaryBad() const {
  double sum = params_.p_good_to_bad + params_.p_bad_to_good;
  if (sum <= 0) return bad_ ? 1.0 : 0.0;  // the chain never moves: it stays where it is
  return params_.p_good_to_bad / sum;
}

double GilbertElliott::MeanLoss() const {
  double pb = StationaryBad();
  return (1 - pb) * params_.loss_in_good + pb * params_.loss_in_bad;
}

bool GilbertElliott::Step(Rng& rng) {
  double loss_p = bad_ ? params_.loss_in_bad : params_.loss_in_good;
  bool lost;
  if (loss_p <= 0) {
    lost = false;
  } else if (loss_p >= 1) {
    lost = true;
  } else {
    lost = rng.NextDouble() < loss_p;
  }
  double u = rng.NextDouble();
  if (bad_) {
    if (u < params_.p_bad_to_good) bad_ = false;
  } else {
    if (u < params_.p_good_to_bad) bad_ = true;
  }
  return lost;
}

}  // namespace sfusim::sim
