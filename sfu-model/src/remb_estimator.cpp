#include "sfusim/sfu/remb_estimator.h"

#include <algorithm>
#include <cmath>

#include "sfusim/protocol/rtp/abs_send_time.h"

namespace sfusim::sfu {

namespace {

constexpr int64_t kAbsModulus = int64_t{1} << 24;
constexpr int64_t kAbsHalf = int64_t{1} << 23;
constexpr double kMicrosPerMilli = 1000.0;
constexpr double kMicrosPerSecond = 1'000'000.0;

}  // namespace

RembEstimator::RembEstimator(RembEstimatorConfig config) : config_(config) {
  if (config_.min_bps < 1) config_.min_bps = 1;
  if (config_.max_bps < config_.min_bps) config_.max_bps = config_.min_bps;
}

void RembEstimator::OnPacket(int64_t arrival_us, std::optional<uint32_t> abs_send_time, std::size_t size_bytes,
                             uint16_t sequence_number, bool retransmission) {
  const int64_t index = arrival_us >= 0 ? arrival_us / kRembRateBucketUs : 0;
  Bucket& b = buckets_[static_cast<std::size_t>(index) % kRembRateBuckets];
  if (b.index != index) {
    b.index = index;
    b.bytes = 0;
  }
  b.bytes += size_bytes;
  if (!first_packet_us_) first_packet_us_ = arrival_us;
  if (retransmission) return;
  const int64_t ext = unwrapper_.Unwrap(sequence_number);
  if (!highest_seq_ || ext > *highest_seq_) highest_seq_ = ext;
  if (!interval_base_seq_) interval_base_seq_ = ext - 1;
  ++interval_received_;
  if (abs_send_time) OnSendTime(arrival_us, *abs_send_time & protocol::AbsSendTime::kMaxValue);
}

void RembEstimator::OnSendTime(int64_t arrival_us, uint32_t abs) {
  int64_t send_us = send_unwrapped_us_;
  if (last_abs_) {
    int64_t diff = (static_cast<int64_t>(abs) - static_cast<int64_t>(*last_abs_) + kAbsModulus) % kAbsModulus;
    if (diff >= kAbsHalf) diff -= kAbsModulus;
    send_us += (diff * static_cast<int64_t>(kMicrosPerSecond)) >> protocol::AbsSendTime::kFractionBits;
    // Out of order in send time: no delay information (as GCC); the timeline stays where it was.
    if (send_us < send_unwrapped_us_) return;
  }
  last_abs_ = abs;
  send_unwrapped_us_ = send_us;
  if (!group_open_) {
    group_open_ = true;
    group_first_send_us_ = send_us;
  } else if (send_us - group_first_send_us_ > kRembGroupSpanUs) {
    CloseGroup(group_last_arrival_us_, group_last_send_us_);
    group_first_send_us_ = send_us;
  }
  group_last_send_us_ = send_us;
  group_last_arrival_us_ = std::max(arrival_us, group_last_arrival_us_);
}

void RembEstimator::CloseGroup(int64_t arrival_us, int64_t send_us) {
  if (!first_arrival_us_) first_arrival_us_ = arrival_us;
  if (have_prev_group_) {
    const double d_ms = static_cast<double>((arrival_us - prev_group_arrival_us_) - (send_us - prev_group_send_us_)) /
                        kMicrosPerMilli;
    accumulated_delay_ms_ += d_ms;
    smoothed_delay_ms_ = kRembDelaySmoothing * smoothed_delay_ms_ + (1.0 - kRembDelaySmoothing) * accumulated_delay_ms_;
    trend_[trend_next_] = TrendPoint{static_cast<double>(arrival_us - *first_arrival_us_) / kMicrosPerMilli,
                                     smoothed_delay_ms_};
    trend_next_ = (trend_next_ + 1) % kRembTrendWindowGroups;
    trend_count_ = std::min(trend_count_ + 1, kRembTrendWindowGroups);
    FitTrend();
  }
  have_prev_group_ = true;
  prev_group_send_us_ = send_us;
  prev_group_arrival_us_ = arrival_us;
}

// Least-squares slope of smoothed delay (ms) over arrival time (ms): dimensionless, "seconds of
// queueing added per second".
void RembEstimator::FitTrend() {
  if (trend_count_ < kRembMinTrendGroups) {
    slope_ = 0;
    delay_state_ = DelayState::kNormal;
    return;
  }
  double mean_t = 0;
  double mean_d = 0;
  for (std::size_t i = 0; i < trend_count_; ++i) {
    mean_t += trend_[i].time_ms;
    mean_d += trend_[i].smoothed_delay_ms;
  }
  const double n = static_cast<double>(trend_count_);
  mean_t /= n;
  mean_d /= n;
  double num = 0;
  double den = 0;
  for (std::size_t i = 0; i < trend_count_; ++i) {
    const double dt = trend_[i].time_ms - mean_t;
    num += dt * (trend_[i].smoothed_delay_ms - mean_d);
    den += dt * dt;
  }
  slope_ = den > 0 ? num / den : 0;
  if (slope_ > kRembOveruseSlope) {
    delay_state_ = DelayState::kOveruse;
  } else if (slope_ < -kRembOveruseSlope) {
    delay_state_ = DelayState::kUnderuse;
  } else {
    delay_state_ = DelayState::kNormal;
  }
}

int64_t RembEstimator::IncomingBps(int64_t now_us) const {
  const int64_t now_index = now_us >= 0 ? now_us / kRembRateBucketUs : 0;
  uint64_t bytes = 0;
  for (const Bucket& b : buckets_) {
    if (b.index >= 0 && b.index <= now_index && now_index - b.index < static_cast<int64_t>(kRembRateBuckets)) {
      bytes += b.bytes;
    }
  }
  // The window is the full buckets behind the current one plus the part of the current one that
  // has elapsed (its later part has not arrived yet).
  const int64_t covered_us =
      kRembRateWindowUs - kRembRateBucketUs + (now_us >= 0 ? now_us % kRembRateBucketUs : 0);
  return static_cast<int64_t>(static_cast<double>(bytes) * 8.0 * kMicrosPerSecond /
                              static_cast<double>(std::max<int64_t>(covered_us, 1)));
}

int64_t RembEstimator::Update(int64_t now_us) {
  const int64_t incoming = IncomingBps(now_us);
  // Loss over the interval since the last Update.
  double loss = 0;
  if (highest_seq_ && interval_base_seq_) {
    const int64_t expected = *highest_seq_ - *interval_base_seq_;
    if (expected > 0 && interval_received_ < expected) {
      loss = static_cast<double>(expected - interval_received_) / static_cast<double>(expected);
    }
    interval_base_seq_ = *highest_seq_;
  }
  interval_received_ = 0;
  last_loss_ = loss;
  const int64_t dt_us =
      std::clamp<int64_t>(last_update_us_ ? now_us - *last_update_us_ : 0, 0, kRembMaxIncreaseIntervalUs);
  last_update_us_ = now_us;

  if (incoming <= 0) {
    last_rule_ = started_ ? Rule::kHold : Rule::kNone;
    return estimate_bps_;
  }
  // The first estimate waits for a full window, so a stream that started mid-window does not
  // begin (and then only slowly grow) from a fraction of its rate.
  if (!started_ && first_packet_us_ && now_us - *first_packet_us_ < kRembRateWindowUs - kRembRateBucketUs) {
    last_rule_ = Rule::kNone;
    return estimate_bps_;
  }
  double est = static_cast<double>(estimate_bps_);
  if (!started_) {
    started_ = true;
    est = static_cast<double>(incoming);
    last_rule_ = Rule::kStart;
  } else if (loss > kRembLossHighFraction) {
    est *= 1.0 - kRembLossDecreaseGain * loss;
    last_rule_ = Rule::kLossDecrease;
  } else if (delay_state_ == DelayState::kOveruse) {
    est = kRembOveruseBackoff * static_cast<double>(incoming);
    last_rule_ = Rule::kOveruseDecrease;
  } else if (delay_state_ == DelayState::kUnderuse) {
    last_rule_ = Rule::kHold;
  } else {
    const double grown = est * std::pow(kRembIncreasePerSecond, static_cast<double>(dt_us) / kMicrosPerSecond);
    const double cap = std::max(est, kRembIncomingCapFactor * static_cast<double>(incoming));
    est = std::min(grown, cap);
    last_rule_ = Rule::kIncrease;
  }
  est = std::clamp(est, static_cast<double>(config_.min_bps), static_cast<double>(config_.max_bps));
  estimate_bps_ = static_cast<int64_t>(est);
  return estimate_bps_;
}

}  // namespace sfusim::sfu
