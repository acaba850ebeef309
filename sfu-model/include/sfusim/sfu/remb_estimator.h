// RembEstimator: the SFU's receive-side bandwidth estimate for one incoming video stream, sent to
// its producer as REMB about once a second (VIDEO_DESIGN.md V4). A simplification of GCC
// (draft-ietf-rmcat-gcc-02) without the Kalman/trendline machinery's details:
//
//   incoming rate  bytes that arrived over the last kRembRateWindowUs (buckets of kRembRateBucketUs,
//                  O(1) per packet; the current bucket counts for the part of it that elapsed);
//   loss           1 - received / expected over the interval since the previous Update() (only
//                  first transmissions count as received, so NACK repair does not hide loss);
//   delay trend    packets are grouped by abs-send-time (a group spans kRembGroupSpan of send
//                  time, like a GCC burst); per group pair the delay variation
//                  d = (arrival delta) - (send delta) is accumulated, smoothed (EWMA,
//                  kRembDelaySmoothing) and the slope of that smoothed one-way delay over arrival
//                  time is fitted by least squares on the last kRembTrendWindowGroups groups.
//                  slope > kRembOveruseSlope: overuse (the queue grows); < -kRembOveruseSlope:
//                  underuse (it drains).
//
// Update(now) applies one rule, in this order:
//   loss > kRembLossHighFraction   estimate *= 1 - kRembLossDecreaseGain * loss   (GCC loss rule)
//   overuse                        estimate = kRembOveruseBackoff * incoming rate
//   underuse                       hold (let the queue drain, as GCC's "hold" state)
//   otherwise                      estimate *= kRembIncreasePerSecond ^ dt (dt <= 1 s), but an
//                                  increase never lifts it above kRembIncomingCapFactor x incoming
// and clamps to [min_bps, max_bps]. The first estimate is the incoming rate, at the first Update()
// once packets have arrived for (about) a whole window; before that has_estimate() is false.
// Without any packet in the window the estimate holds.
//
// Contract: pure, deterministic, no clock (the caller passes microseconds on one monotonic clock),
// no allocation after construction; OnPacket() is O(1) (amortized: O(kRembTrendWindowGroups) once
// per packet group). Bad input (a non-positive size, a config with min > max) never crashes: sizes
// are taken as given (0 adds nothing), the config is normalised by the constructor.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "sfusim/protocol/rtp/sequence_number_unwrapper.h"

namespace sfusim::sfu {

// Bounds of the estimate (the SFU's own choice: PROTOCOL.md gives none).
inline constexpr int64_t kRembMinBitrateBps = 30'000;
inline constexpr int64_t kRembMaxBitrateBps = 20'000'000;
// Incoming-rate window: kRembRateBuckets buckets of kRembRateBucketUs.
inline constexpr int64_t kRembRateBucketUs = 100'000;
inline constexpr std::size_t kRembRateBuckets = 10;
inline constexpr int64_t kRembRateWindowUs = kRembRateBucketUs * static_cast<int64_t>(kRembRateBuckets);
// Loss-based rule (GCC): above 10 % loss the estimate drops by half the loss fraction.
inline constexpr double kRembLossHighFraction = 0.10;
inline constexpr double kRembLossDecreaseGain = 0.5;
// Delay-based rule.
inline constexpr int64_t kRembGroupSpanUs = 5'000;           // GCC's burst time
inline constexpr std::size_t kRembTrendWindowGroups = 20;    // GCC's trendline window
inline constexpr std::size_t kRembMinTrendGroups = 8;        // fewer: no delay verdict yet
inline constexpr double kRembDelaySmoothing = 0.9;           // GCC's trendline smoothing coefficient
inline constexpr double kRembOveruseSlope = 0.02;            // 20 ms of queue growth per second
inline constexpr double kRembOveruseBackoff = 0.85;          // estimate = 0.85 x incoming
// Increase: multiplicative, per second, capped relative to what actually arrives.
inline constexpr double kRembIncreasePerSecond = 1.08;
inline constexpr int64_t kRembMaxIncreaseIntervalUs = 1'000'000;
inline constexpr double kRembIncomingCapFactor = 1.5;

struct RembEstimatorConfig {
  int64_t min_bps = kRembMinBitrateBps;
  int64_t max_bps = kRembMaxBitrateBps;
};

class RembEstimator {
 public:
  enum class DelayState { kNormal, kOveruse, kUnderuse };
  enum class Rule { kNone, kStart, kLossDecrease, kOveruseDecrease, kHold, kIncrease };

  explicit RembEstimator(RembEstimatorConfig config = {});

  // One arriving RTP packet: arrival time, its abs-send-time (24-bit 6.18 value, nullopt when the
  // packet has none), its size in bytes and sequence number. A retransmission (a packet the SFU
  // NACKed) adds to the incoming rate only.
  void OnPacket(int64_t arrival_us, std::optional<uint32_t> abs_send_time, std::size_t size_bytes,
                uint16_t sequence_number, bool retransmission = false);

  // Computes the estimate at `now_us` (call about once a second) and starts the next loss interval.
  int64_t Update(int64_t now_us);

  int64_t estimate_bps() const { return estimate_bps_; }
  bool has_estimate() const { return started_; }
  // Bytes that arrived over the window ending at `now_us`, as bits per second.
  int64_t IncomingBps(int64_t now_us) const;
  // The values the last Update() used.
  double last_loss_fraction() const { return last_loss_; }
  Rule last_rule() const { return last_rule_; }
  DelayState delay_state() const { return delay_state_; }
  double delay_slope() const { return slope_; }
  const RembEstimatorConfig& config() const { return config_; }

 private:
  struct Bucket {
    int64_t index = -1;  // arrival_us / kRembRateBucketUs of the bytes it holds
    uint64_t bytes = 0;
  };
  struct TrendPoint {
    double time_ms = 0;
    double smoothed_delay_ms = 0;
  };
  void OnSendTime(int64_t arrival_us, uint32_t abs_send_time);
  void CloseGroup(int64_t arrival_us, int64_t send_us);
  void FitTrend();

  RembEstimatorConfig config_;
  std::array<Bucket, kRembRateBuckets> buckets_{};
  // Loss over the interval.
  protocol::SequenceNumberUnwrapper unwrapper_;
  std::optional<int64_t> highest_seq_;
  std::optional<int64_t> interval_base_seq_;  // highest seq at the previous Update()
  int64_t interval_received_ = 0;
  // Delay trend. Send times are unwrapped from the 64 s abs-send-time cycle.
  std::optional<uint32_t> last_abs_;
  int64_t send_unwrapped_us_ = 0;
  bool group_open_ = false;
  int64_t group_first_send_us_ = 0;
  int64_t group_last_send_us_ = 0;
  int64_t group_last_arrival_us_ = 0;
  bool have_prev_group_ = false;
  int64_t prev_group_send_us_ = 0;
  int64_t prev_group_arrival_us_ = 0;
  std::optional<int64_t> first_arrival_us_;
  double accumulated_delay_ms_ = 0;
  double smoothed_delay_ms_ = 0;
  std::array<TrendPoint, kRembTrendWindowGroups> trend_{};
  std::size_t trend_count_ = 0;
  std::size_t trend_next_ = 0;
  double slope_ = 0;
  DelayState delay_state_ = DelayState::kNormal;
  // Estimate.
  std::optional<int64_t> first_packet_us_;
  bool started_ = false;
  int64_t estimate_bps_ = 0;
  std::optional<int64_t> last_update_us_;
  double last_loss_ = 0;
  Rule last_rule_ = Rule::kNone;
};

}  // namespace sfusim::sfu
