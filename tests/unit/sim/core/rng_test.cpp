#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "sfusim/sim/rng.h"

using namespace sfusim::sim;

// Tolerances: for n i.i.d. draws the sample mean's standard error is sigma/sqrt(n); we allow
// 6 standard errors, which a correct generator exceeds with probability ~2e-9 per check. The
// seeds are fixed, so a test is deterministic: it fails only if the code changes.
namespace {
constexpr int kN = 200000;
double Tol(double sigma) { return 6.0 * sigma / std::sqrt(static_cast<double>(kN)); }
}  // namespace

TEST_CASE("the same seed and name give the same stream; different names differ", "[rng]") {
  Rng a = Rng::Stream(7, "link/alice->sfu");
  Rng b = Rng::Stream(7, "link/alice->sfu");
  Rng c = Rng::Stream(7, "link/bob->sfu");
  Rng d = Rng::Stream(8, "link/alice->sfu");
  bool all_same = true, any_c = false, any_d = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.NextU64();
    all_same &= x == b.NextU64();
    any_c |= x != c.NextU64();
    any_d |= x != d.NextU64();
  }
  CHECK(all_same);
  CHECK(any_c);
  CHECK(any_d);
}

TEST_CASE("a known seed gives known values (catches accidental changes to the generator)", "[rng]") {
  Rng r(12345);
  uint64_t first = r.NextU64();
  Rng r2(12345);
  CHECK(first == r2.NextU64());
  // Recorded from this implementation (xoshiro256** seeded by SplitMix64). A change here changes
  // every trace hash: bump it only on purpose.
  Rng r3(0);
  CHECK(r3.NextU64() == 0x99ec5f36cb75f2b4ULL);
}

TEST_CASE("uniform doubles and integers have the right range and mean", "[rng]") {
  Rng r(1);
  double sum = 0;
  uint64_t counts[10] = {};
  for (int i = 0; i < kN; ++i) {
    double u = r.NextDouble();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    counts[r.UniformInt(10)]++;
  }
  CHECK(std::abs(sum / kN - 0.5) < Tol(std::sqrt(1.0 / 12)));
  double p = 0.1, sigma = std::sqrt(kN * p * (1 - p));
  for (uint64_t c : counts) CHECK(std::abs(static_cast<double>(c) - kN * p) < 6 * sigma);
  for (int i = 0; i < 1000; ++i) {
    int64_t v = r.UniformRange(-3, 3);
    REQUIRE(v >= -3);
    REQUIRE(v <= 3);
  }
}

TEST_CASE("normal, exponential and Pareto have the right moments", "[rng]") {
  Rng r(2);
  double s = 0, s2 = 0, e = 0, p = 0;
  for (int i = 0; i < kN; ++i) {
    double x = r.Normal(10.0, 2.0);
    s += x;
    s2 += x * x;
    e += r.Exponential(5.0);
    p += r.Pareto(1.0, 3.0);
  }
  double mean = s / kN, var = s2 / kN - mean * mean;
  CHECK(std::abs(mean - 10.0) < Tol(2.0));
  // Var of the sample variance of a normal: 2 sigma^4 / n.
  CHECK(std::abs(var - 4.0) < 6 * std::sqrt(2 * 16.0 / kN));
  CHECK(std::abs(e / kN - 5.0) < Tol(5.0));
  // Pareto(1, 3): mean 1.5, variance 3/4 (alpha > 2).
  CHECK(std::abs(p / kN - 1.5) < Tol(std::sqrt(0.75)));
}

TEST_CASE("Bernoulli rate matches p", "[rng]") {
  Rng r(3);
  int hits = 0;
  for (int i = 0; i < kN; ++i) hits += r.Bernoulli(0.05);
  double sigma = std::sqrt(kN * 0.05 * 0.95);
  CHECK(std::abs(hits - kN * 0.05) < 6 * sigma);
  CHECK_FALSE(r.Bernoulli(0.0));
}
