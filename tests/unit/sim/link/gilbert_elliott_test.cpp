// GilbertElliott on its own: the parameter derivation, and the statistics of the general chain
// (loss in both states), which the Link does not exercise.
#include <catch2/catch.hpp>

#include <cmath>

#include "sfusim/sim/gilbert_elliott.h"
#include "sfusim/sim/rng.h"

using namespace sfusim::sim;

TEST_CASE("SimpleGilbert derives r = 1/L and q = p / (L (1 - p))", "[gilbert]") {
  auto p = GilbertElliott::SimpleGilbert(0.05, 3);
  REQUIRE(p.has_value());
  CHECK(p->p_bad_to_good == Approx(1.0 / 3));
  CHECK(p->p_good_to_bad == Approx(0.05 / (3 * 0.95)));
  CHECK(p->loss_in_good == 0);
  CHECK(p->loss_in_bad == 1);
  Rng rng(1);
  GilbertElliott ge(*p, rng);
  CHECK(ge.MeanLoss() == Approx(0.05));

  CHECK(GilbertElliott::SimpleGilbert(0.75, 3).has_value());        // q = 1 exactly
  CHECK(GilbertElliott::SimpleGilbert(0.75, 3)->p_good_to_bad == 1);
  CHECK_FALSE(GilbertElliott::SimpleGilbert(0.7501, 3).has_value());  // q > 1
  CHECK_FALSE(GilbertElliott::SimpleGilbert(1.0, 1e9).has_value());   // p = 1 never, for finite L
  CHECK_FALSE(GilbertElliott::SimpleGilbert(0.1, 0.9).has_value());
  CHECK_FALSE(GilbertElliott::SimpleGilbert(-0.1, 2).has_value());
  CHECK(GilbertElliott::MaxLossForBurst(1) == 0.5);
}

TEST_CASE("the general chain loses packets at (1 - pi_B) k + pi_B h", "[gilbert][stats]") {
  // Elliott's model with loss in both states. Write the loss indicator of packet i as
  // Y_i = k + (h - k) B_i + e_i, with B_i the state (1 = Bad) and e_i the Bernoulli noise given the
  // state: E[e_i | states] = 0, Var(e_i | states) <= 1/4, the e_i uncorrelated with each other and
  // with the B's. So Var(mean Y) = (h - k)^2 Var(mean B) + Var(mean e), where Var(mean e) <= 1/(4n)
  // and, for a stationary two-state chain (autocorrelation lambda^j at lag j, lambda = 1 - q - r),
  // Var(mean B) = pi (1 - pi) (1 + 2 sum_j lambda^j) / n = pi (1 - pi) (1 + lambda) / ((1 - lambda) n).
  // We allow 5 standard deviations (two-sided normal tail ~6e-7).
  GilbertElliott::Params params{0.02, 0.25, 0.01, 0.6};
  Rng rng(5);
  GilbertElliott ge(params, rng);
  const int n = 400000;
  int lost = 0;
  for (int i = 0; i < n; ++i) lost += ge.Step(rng) ? 1 : 0;
  double pi = 0.02 / 0.27;
  double expected = (1 - pi) * 0.01 + pi * 0.6;
  CHECK(ge.MeanLoss() == Approx(expected));
  double lambda = 1 - 0.02 - 0.25;
  double var = (0.25 + 0.59 * 0.59 * pi * (1 - pi) * (1 + lambda) / (1 - lambda)) / n;
  CHECK(std::abs(static_cast<double>(lost) / n - expected) < 5 * std::sqrt(var));
}

TEST_CASE("a chain that cannot move stays in its state; SetParams keeps the state", "[gilbert]") {
  Rng rng(9);
  GilbertElliott ge(GilbertElliott::Params{0, 0, 0, 1}, rng);
  CHECK_FALSE(ge.bad());
  for (int i = 0; i < 1000; ++i) CHECK_FALSE(ge.Step(rng));
  ge.SetParams({1, 0, 0, 1});
  ge.Step(rng);  // Good -> Bad with certainty
  CHECK(ge.bad());
  ge.SetParams({0, 0, 0, 1});
  for (int i = 0; i < 100; ++i) CHECK(ge.Step(rng));
  CHECK(ge.StationaryBad() == 1.0);
}
