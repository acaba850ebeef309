// GilbertElliott: the two-state Markov loss model (Gilbert 1960, Elliott 1963), stepped once per
// packet.
//
// States Good and Bad; in Good a packet is lost with probability loss_in_good, in Bad with
// loss_in_bad; after each packet the state moves Good->Bad with p_good_to_bad (q) and Bad->Good with
// p_bad_to_good (r). Stationary P(Bad) = q / (q + r).
//
// The simple Gilbert model (loss_in_good = 0, loss_in_bad = 1) is what LinkConfig's (loss, burst_len)
// mean: every Bad packet is lost, so a loss burst is a stay in Bad, geometric with mean L = 1/r, and
// the loss rate is p = q / (q + r). Solving: r = 1/L, q = p r / (1 - p) = p / (L (1 - p)).
// q is a probability iff p / (L (1 - p)) <= 1 <=> p <= L / (L + 1) (so p = 1 is impossible for any
// finite L: the link would sit in Bad forever and bursts would have no mean). At p = L / (L + 1),
// q = 1: every Good run is exactly one packet. For L = 1 the model would force single-packet
// bursts, which is not Bernoulli; LinkConfig therefore uses this model only for L > 1.
//
// Determinism: Step draws from the Rng it is given, in a fixed order: one uniform for the loss
// decision only when the current state's loss probability is strictly between 0 and 1, then one
// uniform for the transition, always. The initial state is drawn (one uniform) from the stationary
// distribution, so the loss rate is unbiased from the first packet on.
#pragma once

#include <optional>

#include "sfusim/sim/rng.h"

namespace sfusim::sim {

class GilbertElliott {
 public:
  struct Params {
    double p_good_to_bad = 0;  // q
    double p_bad_to_good = 1;  // r
    double loss_in_good = 0;
    double loss_in_bad = 1;
    bool operator==(const Params&) const = default;
  };

  // The simple Gilbert model with long-run loss rate `loss` and mean burst length `burst_len`;
  // nullopt when no such chain exists (loss outside [0, MaxLossForBurst], burst_len < 1 or not
  // finite).
  static std::optional<Params> SimpleGilbert(double loss, double burst_len);
  // The largest loss rate the simple Gilbert model reaches with mean burst length L: L / (L + 1).
  static double MaxLossForBurst(double burst_len) { return burst_len / (burst_len + 1); }

  // Params must be probabilities in [0, 1]. Draws the initial state from `rng`.
  GilbertElliott(const Params& params, Rng& rng);

  // Whether the current packet is lost; then moves the chain one step.
  bool Step(Rng& rng);
  // Changes the parameters and keeps the current state (a link setting changed mid-run).
  void SetParams(const Params& params) { params_ = params; }

  bool bad() const { return bad_; }
  const Params& params() const { return params_; }
  // Stationary P(Bad); 0 when the chain never leaves Good (q = 0).
  double StationaryBad() const;
  // Long-run loss rate.
  double MeanLoss() const;

 private:
  Params params_;
  bool bad_ = false;
};

}  // namespace sfusim::sim
