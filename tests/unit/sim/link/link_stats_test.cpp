// Link: statistical tests of the random knobs (loss, bursts, jitter, reordering, duplication).
//
// How the tolerances are set. Each check compares a statistic of n >= 100k packets with its
// expected value and allows 5 standard deviations of that statistic. For a sum of n independent
// indicators with probability p (binomial), sd(count) = sqrt(n p (1 - p)); for a sample mean of n
// i.i.d. values with stddev s, sd(mean) = s / sqrt(n); for a sample variance, sd(s^2) =
// sqrt((mu4 - sigma^4) / n) (mu4 the fourth central moment: 9 sigma^4 for the exponential, 1.8
// sigma^4 for the uniform). By the central limit theorem these statistics are ~normal at this n,
// so a correct link fails a 5-sigma check with probability ~6e-7. Correlated samples (the Gilbert
// chain) get their variance derived where used. The seeds are fixed: a test is deterministic, and
// fails only when the code changes; the bounds are wide enough that changing a seed keeps them
// passing, and narrow enough that a wrong formula (e.g. q = p / L instead of p / (L (1 - p)),
// or a normal instead of an exponential jitter) fails.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <vector>

#include "sfusim/sim/link.h"

using namespace sfusim::sim;

namespace {

double BinomialSd(double n, double p) { return std::sqrt(n * p * (1 - p)); }

// Sends n packets of `size` bytes, one every `spacing`, starting at t = 0.
std::vector<LinkResult> Run(Link& link, int n, TimeDelta spacing, std::size_t size = 1200,
                            std::vector<Timestamp>* sent = nullptr) {
  std::vector<LinkResult> out;
  out.reserve(static_cast<std::size_t>(n));
  Timestamp t = Timestamp::Zero();
  for (int i = 0; i < n; ++i) {
    out.push_back(link.Send(t, size));
    if (sent) sent->push_back(t);
    t += spacing;
  }
  return out;
}

// Kolmogorov-Smirnov distance between microsecond-rounded samples and a continuous CDF. A sample
// value v (an integer) stands for the continuous interval [v - 0.5, v + 0.5), so the empirical CDF
// just below v is compared with F(v - 0.5) and just above with F(v + 0.5).
double KsDistance(std::vector<int64_t> xs, const std::function<double(double)>& cdf) {
  std::sort(xs.begin(), xs.end());
  const double n = static_cast<double>(xs.size());
  double d = 0;
  std::size_t i = 0;
  while (i < xs.size()) {
    std::size_t j = i;
    while (j < xs.size() && xs[j] == xs[i]) ++j;
    double v = static_cast<double>(xs[i]);
    d = std::max(d, std::abs(static_cast<double>(i) / n - cdf(v - 0.5)));
    d = std::max(d, std::abs(static_cast<double>(j) / n - cdf(v + 0.5)));
    i = j;
  }
  return d;
}
// KS critical value: P(sqrt(n) D_n > c) ~ 2 exp(-2 c^2); c = 2.7 gives ~9e-7.
double KsBound(std::size_t n) { return 2.7 / std::sqrt(static_cast<double>(n)); }

struct Moments {
  double mean = 0;
  double var = 0;
};
Moments MomentsOf(const std::vector<int64_t>& xs) {
  Moments m;
  for (int64_t x : xs) m.mean += static_cast<double>(x);
  m.mean /= static_cast<double>(xs.size());
  for (int64_t x : xs) m.var += (static_cast<double>(x) - m.mean) * (static_cast<double>(x) - m.mean);
  m.var /= static_cast<double>(xs.size() - 1);
  return m;
}

}  // namespace

TEST_CASE("Bernoulli loss: rate p, and losses independent of each other", "[link][stats][loss]") {
  const int n = 1000000;  // 5 sd = 2.2 % of n p: a 3 % error in the rate fails
  const double p = 0.05;
  LinkConfig c;
  c.loss = p;
  Link link(c, Rng(101));
  auto results = Run(link, n, TimeDelta::Millis(1));
  int lost = 0, lost_after_lost = 0, after_lost = 0;
  for (int i = 0; i < n; ++i) {
    bool l = results[i].drop == DropReason::kLoss;
    CHECK((l || results[i].delivered()));
    lost += l;
    if (i > 0 && results[i - 1].drop == DropReason::kLoss) {
      ++after_lost;
      lost_after_lost += l;
    }
  }
  CHECK(std::abs(lost - n * p) < 5 * BinomialSd(n, p));
  CHECK(link.counters().dropped(DropReason::kLoss) == static_cast<uint64_t>(lost));
  // Independence: P(lost | previous lost) = p too (a Gilbert chain would give 1 - 1/L). Given the
  // count of packets after a loss, the losses among them are binomial.
  CHECK(std::abs(lost_after_lost - after_lost * p) < 5 * BinomialSd(after_lost, p));
}

TEST_CASE("Gilbert-Elliott loss: loss rate, mean burst length and mean gap", "[link][stats][loss]") {
  const int n = 1000000;
  const double p = 0.05, L = 3;
  LinkConfig c;
  c.loss = p;
  c.burst_len = L;
  Link link(c, Rng(202));
  auto results = Run(link, n, TimeDelta::Millis(1));

  // Loss rate. The loss indicator is the state of a stationary two-state chain with r = 1/L,
  // q = p / (L (1 - p)); its autocorrelation at lag j is lambda^j with lambda = 1 - q - r, so
  // Var(mean) = p (1 - p) (1 + 2 sum_{j>=1} lambda^j) / n = p (1 - p) (1 + lambda) / ((1 - lambda) n)
  // (an upper bound at finite n). Here lambda ~ 0.649 and the factor ~ 4.7: a binomial bound would
  // be ~2.2x too tight.
  const double r = 1 / L, q = p / (L * (1 - p)), lambda = 1 - q - r;
  int lost = 0;
  for (const auto& res : results) lost += res.drop == DropReason::kLoss;
  double sd_rate = std::sqrt(p * (1 - p) * (1 + lambda) / ((1 - lambda) * n));
  CHECK(std::abs(static_cast<double>(lost) / n - p) < 5 * sd_rate);

  // Runs: a burst is a maximal run of losses, a gap a maximal run of deliveries. In the chain a
  // burst is a stay in Bad: geometric on {1, 2, ...} with success probability r, mean 1/r = L,
  // variance (1 - r) / r^2; a gap is a stay in Good, geometric with q. Runs are independent, so
  // the mean of N runs has sd = sqrt((1 - r) / r^2 / N). The first and last runs are cut by the
  // window and skipped.
  std::vector<int> bursts, gaps;
  int i = 0;
  while (i < n) {
    int j = i;
    bool l = results[i].drop == DropReason::kLoss;
    while (j < n && (results[j].drop == DropReason::kLoss) == l) ++j;
    if (i > 0 && j < n) (l ? bursts : gaps).push_back(j - i);
    i = j;
  }
  auto mean = [](const std::vector<int>& v) {
    double s = 0;
    for (int x : v) s += x;
    return s / static_cast<double>(v.size());
  };
  REQUIRE(bursts.size() > 15000);  // ~ n p / L = 16667 bursts
  double nb = static_cast<double>(bursts.size());
  CHECK(std::abs(mean(bursts) - L) < 5 * std::sqrt((1 - r) / (r * r) / nb));
  double ng = static_cast<double>(gaps.size());
  CHECK(std::abs(mean(gaps) - 1 / q) < 5 * std::sqrt((1 - q) / (q * q) / ng));
  // The burst lengths are geometric: P(length 1) = r (binomial over the bursts).
  double ones = static_cast<double>(std::count(bursts.begin(), bursts.end(), 1));
  CHECK(std::abs(ones - nb * r) < 5 * BinomialSd(nb, r));
}

TEST_CASE("exponential jitter: extra delay >= 0 with mean = stddev = jitter, exponential shape",
          "[link][stats][jitter]") {
  const int n = 200000;
  const int64_t J = 5000;  // us
  LinkConfig c;
  c.delay = TimeDelta::Millis(20);
  c.jitter = TimeDelta::Micros(J);
  c.reorder = true;  // no FIFO clamp: we look at the raw distribution
  Link link(c, Rng(303));
  std::vector<Timestamp> sent;
  auto results = Run(link, n, TimeDelta::Millis(1), 1200, &sent);
  std::vector<int64_t> extra;
  for (int i = 0; i < n; ++i) {
    REQUIRE(results[i].delivered());
    extra.push_back((results[i].arrival - (sent[i] + c.delay)).us());
  }
  CHECK(*std::min_element(extra.begin(), extra.end()) >= 0);
  Moments m = MomentsOf(extra);
  const double s = static_cast<double>(J);
  CHECK(std::abs(m.mean - s) < 5 * s / std::sqrt(n));
  CHECK(std::abs(m.var - s * s) < 5 * s * s * std::sqrt(8.0 / n));
  auto exp_cdf = [s](double x) { return x <= 0 ? 0.0 : 1 - std::exp(-x / s); };
  CHECK(KsDistance(extra, exp_cdf) < KsBound(extra.size()));
  // The test has power: the same sample is far from a half-normal of the same stddev.
  double sigma_hn = s / std::sqrt(1 - 2 / std::numbers::pi);
  auto half_normal_cdf = [sigma_hn](double x) { return x <= 0 ? 0.0 : std::erf(x / (sigma_hn * std::sqrt(2.0))); };
  CHECK(KsDistance(extra, half_normal_cdf) > 10 * KsBound(extra.size()));

  // RFC 3550: with independent extra delays, |D| between consecutive packets has mean J (the
  // difference of two Exponential(J) is Laplace(0, J)). Non-overlapping pairs are independent;
  // |D| is Exponential(J), sd J.
  double sum_abs = 0;
  int pairs = 0;
  for (int k = 0; k + 1 < n; k += 2) {
    sum_abs += std::abs(static_cast<double>(extra[k + 1] - extra[k]));
    ++pairs;
  }
  CHECK(std::abs(sum_abs / pairs - s) < 5 * s / std::sqrt(pairs));
}

TEST_CASE("uniform jitter: extra delay uniform on [0, sqrt(12) J], stddev J", "[link][stats][jitter]") {
  const int n = 200000;
  const int64_t J = 4000;
  LinkConfig c;
  c.delay = TimeDelta::Millis(30);
  c.jitter = TimeDelta::Micros(J);
  c.jitter_distribution = JitterDistribution::kUniform;
  c.reorder = true;
  Link link(c, Rng(404));
  std::vector<Timestamp> sent;
  auto results = Run(link, n, TimeDelta::Millis(1), 1200, &sent);
  std::vector<int64_t> extra;
  for (int i = 0; i < n; ++i) extra.push_back((results[i].arrival - (sent[i] + c.delay)).us());
  const double s = static_cast<double>(J), w = std::sqrt(12.0) * s;
  CHECK(*std::min_element(extra.begin(), extra.end()) >= 0);
  CHECK(static_cast<double>(*std::max_element(extra.begin(), extra.end())) <= w + 0.5);
  Moments m = MomentsOf(extra);
  // Uniform on [0, w]: mean w/2 = sqrt(3) J, sd J, mu4 = 1.8 J^4.
  CHECK(std::abs(m.mean - w / 2) < 5 * s / std::sqrt(n));
  CHECK(std::abs(m.var - s * s) < 5 * s * s * std::sqrt(0.8 / n));
  auto uniform_cdf = [w](double x) { return x <= 0 ? 0.0 : x >= w ? 1.0 : x / w; };
  CHECK(KsDistance(extra, uniform_cdf) < KsBound(extra.size()));
  auto exp_cdf = [s](double x) { return x <= 0 ? 0.0 : 1 - std::exp(-x / s); };
  CHECK(KsDistance(extra, exp_cdf) > 10 * KsBound(extra.size()));
}

TEST_CASE("without reorder, arrivals never go backwards, even with jitter far above the spacing",
          "[link][stats][reorder]") {
  const int n = 200000;
  LinkConfig c;
  c.delay = TimeDelta::Millis(10);
  c.jitter = TimeDelta::Millis(50);  // 50x the spacing
  c.duplicate = 0.1;
  c.loss = 0.01;
  Link link(c, Rng(505));
  auto results = Run(link, n, TimeDelta::Millis(1));
  Timestamp last = Timestamp::Zero();
  int64_t backwards = 0;
  for (const auto& r : results) {
    if (!r.delivered()) continue;
    backwards += r.arrival < last;
    last = r.arrival;
    if (r.duplicate_arrival) {
      backwards += *r.duplicate_arrival < last;
      last = *r.duplicate_arrival;
    }
  }
  CHECK(backwards == 0);
  // The same link with reorder on does reorder: the check above can fail.
  c.reorder = true;
  Link reordering(c, Rng(505));
  auto r2 = Run(reordering, 1000, TimeDelta::Millis(1));
  int swaps = 0;
  for (std::size_t i = 1; i < r2.size(); ++i) {
    swaps += r2[i].delivered() && r2[i - 1].delivered() && r2[i].arrival < r2[i - 1].arrival;
  }
  CHECK(swaps > 100);
}

TEST_CASE("with reorder, adjacent packets swap with probability exp(-s/J) / 2", "[link][stats][reorder]") {
  // Extra delays X_i i.i.d. Exponential(J), spacing s: packet i+1 arrives first iff
  // X_i - X_{i+1} > s, and X_i - X_{i+1} ~ Laplace(0, J), so P = exp(-s/J) / 2. Adjacent pair
  // indicators share a draw; by the Harris inequality (one indicator increasing, the other
  // decreasing in the shared X) their covariance is <= 0, so the binomial sd bounds the sd of
  // the count. Microsecond rounding moves P by O(1/J_us) = O(2e-4), well inside 5 sd (~8e-3).
  const int n = 200000;
  const double s = 1000, J = 5000;
  LinkConfig c;
  c.delay = TimeDelta::Millis(20);
  c.jitter = TimeDelta::Micros(5000);
  c.reorder = true;
  Link link(c, Rng(606));
  auto results = Run(link, n, TimeDelta::Micros(1000));
  int swaps = 0;
  for (int i = 1; i < n; ++i) swaps += results[i].arrival < results[i - 1].arrival;
  const double p = std::exp(-s / J) / 2;
  CHECK(std::abs(swaps - (n - 1) * p) < 5 * BinomialSd(n - 1, p));
}

TEST_CASE("duplication: rate d of delivered packets, copy jitter independent of the original's",
          "[link][stats][duplicate]") {
  const int n = 200000;
  const double d = 0.1;
  LinkConfig c;
  c.delay = TimeDelta::Millis(20);
  c.jitter = TimeDelta::Millis(3);
  c.reorder = true;
  c.duplicate = d;
  c.loss = 0.1;
  Link link(c, Rng(707));
  std::vector<Timestamp> sent;
  auto results = Run(link, n, TimeDelta::Millis(1), 1200, &sent);
  int delivered = 0, dups = 0;
  std::vector<double> a, b;
  for (int i = 0; i < n; ++i) {
    const auto& r = results[i];
    if (r.drop == DropReason::kLoss) {
      CHECK_FALSE(r.duplicate_arrival.has_value());
      continue;
    }
    ++delivered;
    if (r.duplicate_arrival) {
      ++dups;
      CHECK(*r.duplicate_arrival >= sent[i] + c.delay);
      a.push_back(static_cast<double>((r.arrival - sent[i]).us()));
      b.push_back(static_cast<double>((*r.duplicate_arrival - sent[i]).us()));
    }
  }
  CHECK(std::abs(dups - delivered * d) < 5 * BinomialSd(delivered, d));
  CHECK(link.counters().packets_duplicated == static_cast<uint64_t>(dups));
  CHECK(link.counters().bytes_duplicated == static_cast<uint64_t>(dups) * 1200);
  // Independence: the sample correlation of the two copies' delays is ~N(0, 1/m) for independent
  // draws; allow 5 / sqrt(m). (A copy reusing the original's jitter would give 1.)
  double ma = 0, mb = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    ma += a[k];
    mb += b[k];
  }
  ma /= static_cast<double>(a.size());
  mb /= static_cast<double>(b.size());
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    sab += (a[k] - ma) * (b[k] - mb);
    saa += (a[k] - ma) * (a[k] - ma);
    sbb += (b[k] - mb) * (b[k] - mb);
  }
  CHECK(std::abs(sab / std::sqrt(saa * sbb)) < 5 / std::sqrt(static_cast<double>(a.size())));
}

TEST_CASE("changing one knob leaves the other knobs' draws alone (common random numbers)", "[link][stats]") {
  LinkConfig c;
  c.delay = TimeDelta::Millis(20);
  c.jitter = TimeDelta::Millis(5);
  c.reorder = true;
  c.loss = 0.02;
  LinkConfig more_loss = c;
  more_loss.loss = 0.2;
  more_loss.duplicate = 0.3;
  Link a(c, Rng(808)), b(more_loss, Rng(808));
  auto ra = Run(a, 100000, TimeDelta::Millis(1));
  auto rb = Run(b, 100000, TimeDelta::Millis(1));
  int both = 0;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    if (ra[i].delivered() && rb[i].delivered()) {
      ++both;
      REQUIRE(ra[i].arrival == rb[i].arrival);
    }
    // Bernoulli with the same uniforms: a loss at 2 % is also a loss at 20 %.
    if (ra[i].drop == DropReason::kLoss) REQUIRE(rb[i].drop == DropReason::kLoss);
  }
  CHECK(both > 70000);
}
