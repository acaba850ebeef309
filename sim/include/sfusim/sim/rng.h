// Rng: the one source of randomness (DESIGN.md rules 2 and 5).
//
// A run has one root seed. Every component draws from its own named substream, derived from the
// root seed and the name alone (SplitMix64 over the seed and a 64-bit FNV-1a hash of the name), so
// adding a participant or a link never changes another component's draws. The generator is
// xoshiro256** and the distributions are our own code, because std::*_distribution differ between
// standard libraries and results must be identical on every machine.
//
// Floating-point distributions use std::log/std::sqrt/std::cos/std::pow from the C library; those
// are deterministic for a given libm (the supported platform is Debian 12's glibc).
#pragma once

#include <cstdint>
#include <string_view>

namespace sfusim::sim {

class Rng {
 public:
  explicit Rng(uint64_t seed);
  // The substream `name` of the root seed `root_seed`; the same (seed, name) gives the same stream.
  static Rng Stream(uint64_t root_seed, std::string_view name);
  // A child substream of this stream's seed (for nesting: rng.Fork("video") of "participant/alice").
  Rng Fork(std::string_view name) const { return Stream(seed_, name); }

  uint64_t seed() const { return seed_; }

  uint64_t NextU64();
  // Uniform in [0, 1) with 53 random bits.
  double NextDouble();
  // Uniform integer in [0, n), unbiased (Lemire's method). n must be > 0.
  uint64_t UniformInt(uint64_t n);
  // Uniform integer in [lo, hi] inclusive.
  int64_t UniformRange(int64_t lo, int64_t hi);
  double Uniform(double lo, double hi) { return lo + (hi - lo) * NextDouble(); }
  bool Bernoulli(double p) { return p > 0 && NextDouble() < p; }
  // Normal(mean, stddev) by the Box-Muller transform (the spare value is kept for the next call).
  double Normal(double mean, double stddev);
  // Exponential with the given mean (mean = 1/lambda).
  double Exponential(double mean);
  // Pareto with scale x_m > 0 and shape alpha > 0 (support [x_m, inf); mean x_m*alpha/(alpha-1)).
  double Pareto(double x_m, double alpha);

  static uint64_t HashName(std::string_view name);

 private:
  uint64_t seed_;
  uint64_t s_[4];
  bool has_spare_normal_ = false;
  double spare_normal_ = 0;
};

}  // namespace sfusim::sim
