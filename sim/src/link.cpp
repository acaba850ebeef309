#include "sfusim/sim/link.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace sfusim::sim {
namespace {

constexpr int64_t kPsPerUs = CapacitySchedule::kPsPerUs;
constexpr int64_t kMaxLinkTimePs = kMaxLinkTime.us() * kPsPerUs;
constexpr std::size_t kInitialRing = 64;

[[noreturn]] void Fatal(const char* what, long long a, long long b) {
  std::fprintf(stderr, "sfusim: link invariant broken: %s (%lld, %lld)\n", what, a, b);
  std::abort();
}

// Picoseconds to microseconds, rounding up (so a reported time is never earlier than the exact one).
inline int64_t CeilUs(int64_t ps) { return ps >= 0 ? (ps + kPsPerUs - 1) / kPsPerUs : -((-ps) / kPsPerUs); }

}  // namespace

Link::Link(LinkConfig config, Rng rng)
    : loss_rng_(rng.Fork("loss")),
      jitter_rng_(rng.Fork("jitter")),
      duplicate_rng_(rng.Fork("duplicate")),
      duplicate_jitter_rng_(rng.Fork("duplicate_jitter")) {
  auto errors = ValidateLinkConfig(config);
  if (!errors.empty()) throw std::invalid_argument("invalid link config: " + JoinLinkConfigErrors(errors));
  Apply(std::move(config));
}

void Link::SetConfig(Timestamp now, LinkConfig config) {
  auto errors = ValidateLinkConfig(config);
  if (!errors.empty()) throw std::invalid_argument("invalid link config: " + JoinLinkConfigErrors(errors));
  CheckTime(now);
  Apply(std::move(config));
}

void Link::Apply(LinkConfig config) {
  schedule_ = CapacitySchedule(config.capacity, config.capacity_trace);

  if (config.loss <= 0) {
    loss_mode_ = LossMode::kNone;
    gilbert_.reset();
  } else if (config.burst_len > 1) {
    loss_mode_ = LossMode::kGilbert;
    // Validated above, so the chain exists.
    GilbertElliott::Params params = *GilbertElliott::SimpleGilbert(config.loss, config.burst_len);
    if (gilbert_) {
      gilbert_->SetParams(params);
    } else {
      gilbert_.emplace(params, loss_rng_);
    }
  } else {
    loss_mode_ = LossMode::kBernoulli;
    gilbert_.reset();
  }

  const double jitter_us = static_cast<double>(config.jitter.us());
  jitter_scale_us_ =
      config.jitter_distribution == JitterDistribution::kUniform ? std::sqrt(12.0) * jitter_us : jitter_us;
  queue_time_ps_ = config.queue_time ? config.queue_time->us() * kPsPerUs : -1;
  queue_bytes_ = config.queue_bytes ? *config.queue_bytes : -1;
  max_size_bytes_ = config.mtu > 0 ? std::min<std::size_t>(static_cast<std::size_t>(config.mtu), kMaxPacketBytes)
                                   : kMaxPacketBytes;
  config_ = std::move(config);
}

void Link::CheckTime(Timestamp now) {
  if (now < last_now_) Fatal("time went backwards: now_us < previous now_us", now.us(), last_now_.us());
  if (now > kMaxLinkTime) Fatal("time beyond kMaxLinkTime: now_us, max_us", now.us(), kMaxLinkTime.us());
  last_now_ = now;
}

LinkResult Link::Drop(DropReason reason, std::size_t size_bytes) {
  auto i = static_cast<std::size_t>(reason);
  ++counters_.packets_dropped[i];
  counters_.bytes_dropped[i] += size_bytes;
  LinkResult r;
  r.drop = reason;
  return r;
}

int64_t Link::DrawJitterUs(Rng& rng) {
  double x = config_.jitter_distribution == JitterDistribution::kUniform ? rng.NextDouble() * jitter_scale_us_
                                                                         : rng.Exponential(jitter_scale_us_);
  return static_cast<int64_t>(x + 0.5);
}

Timestamp Link::Order(Timestamp arrival) {
  if (arrival < last_arrival_) {
    if (!config_.reorder) arrival = last_arrival_;
  } else {
    last_arrival_ = arrival;
  }
  return arrival;
}

void Link::DrainWaiting(int64_t now_ps) {
  const std::size_t mask = ring_.size() - 1;
  while (ring_size_ > 0 && ring_[ring_head_].start_ps <= now_ps) {
    waiting_bytes_ -= ring_[ring_head_].bytes;
    ring_head_ = (ring_head_ + 1) & mask;
    --ring_size_;
  }
}

bool Link::PushWaiting(int64_t start_ps, int64_t bytes) {
  if (ring_size_ == ring_.size()) {
    if (ring_.size() >= kMaxQueuedPackets) return false;
    // Grow (amortized; never in steady state): relinearize into a ring twice the size.
    std::vector<Waiting> grown(ring_.empty() ? kInitialRing : ring_.size() * 2);
    for (std::size_t k = 0; k < ring_size_; ++k) grown[k] = ring_[(ring_head_ + k) & (ring_.size() - 1)];
    ring_ = std::move(grown);
    ring_head_ = 0;
  }
  ring_[(ring_head_ + ring_size_) & (ring_.size() - 1)] = {start_ps, bytes};
  ++ring_size_;
  waiting_bytes_ += bytes;
  return true;
}

TimeDelta Link::QueueDelay(Timestamp now) const {
  int64_t now_ps = now.us() * kPsPerUs;
  return TimeDelta::Micros(busy_until_ps_ > now_ps ? CeilUs(busy_until_ps_ - now_ps) : 0);
}

LinkResult Link::Send(Timestamp now, std::size_t size_bytes) {
  CheckTime(now);
  ++counters_.packets_sent;
  counters_.bytes_sent += size_bytes;

  // 1, 2: MTU, then partition.
  if (size_bytes > max_size_bytes_) return Drop(DropReason::kMtu, size_bytes);
  if (!config_.up) return Drop(DropReason::kLinkDown, size_bytes);

  // 3: the bottleneck queue.
  const int64_t now_ps = now.us() * kPsPerUs;
  const auto bytes = static_cast<int64_t>(size_bytes);
  int64_t start_ps = now_ps;
  if (busy_until_ps_ > now_ps) {
    start_ps = busy_until_ps_;
    if (queue_time_ps_ >= 0 && start_ps - now_ps > queue_time_ps_) return Drop(DropReason::kQueueFull, size_bytes);
    DrainWaiting(now_ps);
    if (queue_bytes_ >= 0 && waiting_bytes_ + bytes > queue_bytes_) return Drop(DropReason::kQueueFull, size_bytes);
    if (ring_size_ >= kMaxQueuedPackets) return Drop(DropReason::kQueueFull, size_bytes);
  } else if (ring_size_ != 0) {
    // The transmitter is idle, so every waiting packet has started: the buffer is empty.
    ring_size_ = 0;
    waiting_bytes_ = 0;
  }
  const int64_t end_ps = schedule_.TransmitEnd(start_ps, static_cast<uint64_t>(size_bytes));
  // A queue reaching past the end of representable time: treat as full rather than overflow.
  if (end_ps > kMaxLinkTimePs) return Drop(DropReason::kQueueFull, size_bytes);
  if (start_ps > now_ps) PushWaiting(start_ps, bytes);  // room checked above
  busy_until_ps_ = end_ps;

  LinkResult result;
  result.queue_delay = TimeDelta::Micros(CeilUs(start_ps - now_ps));
  result.departure = Timestamp::Micros(CeilUs(end_ps));
  if (result.queue_delay > counters_.max_queue_delay) counters_.max_queue_delay = result.queue_delay;

  // 4-6: the random stage. Draw order is fixed and independent of the outcomes (see link.h).
  bool lost = false;
  if (loss_mode_ == LossMode::kBernoulli) {
    lost = loss_rng_.NextDouble() < config_.loss;
  } else if (loss_mode_ == LossMode::kGilbert) {
    lost = gilbert_->Step(loss_rng_);
  }
  const int64_t jitter_us = config_.jitter.IsZero() ? 0 : DrawJitterUs(jitter_rng_);
  const bool duplicated = config_.duplicate > 0 && duplicate_rng_.NextDouble() < config_.duplicate;

  if (lost) {
    LinkResult dropped = Drop(DropReason::kLoss, size_bytes);
    dropped.departure = result.departure;
    dropped.queue_delay = result.queue_delay;
    return dropped;
  }
  const Timestamp base = result.departure + config_.delay;
  result.arrival = Order(base + TimeDelta::Micros(jitter_us));
  ++counters_.packets_delivered;
  counters_.bytes_delivered += size_bytes;
  if (duplicated) {
    const int64_t dup_jitter_us = config_.jitter.IsZero() ? 0 : DrawJitterUs(duplicate_jitter_rng_);
    result.duplicate_arrival = Order(base + TimeDelta::Micros(dup_jitter_us));
    ++counters_.packets_duplicated;
    counters_.bytes_duplicated += size_bytes;
  }
  return result;
}

}  // namespace sfusim::sim
