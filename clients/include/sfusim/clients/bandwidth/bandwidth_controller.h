// BandwidthController: a sender's target bitrate from RTCP feedback, PROTOCOL.md §5 exactly:
// from RTT and loss, multiply the target by kBandwidthDecreaseFactor (0.8) when RTT >
// kBandwidthRttHighUs (200 ms) or loss > kBandwidthLossHighFraction (5 %), by
// kBandwidthIncreaseFactor (1.2) when RTT < kBandwidthRttLowUs (50 ms) and loss <
// kBandwidthLossLowFraction (1 %), leave it otherwise, and clamp to [min, max]. A REMB caps the
// target (target = min(target, remb)); the cap stays until the next REMB replaces it, so an
// increase never climbs above what the receiver last allowed (min still wins over a REMB below it).
//
// How a sender uses it (VIDEO_DESIGN.md V4/V5; the web client and the native sender):
//   - once per received RR (or SR) report block whose source_ssrc is its own SSRC:
//       OnReportBlock(NtpMiddle32(NtpFromTimestamp(now)), block)
//     i.e. RTT = A - LSR - DLSR (RttFromReportBlock, RFC 3550 §6.4.1, the clock its own SRs use)
//     and loss = fraction_lost / 256, then Update(rtt, loss). A block without LSR (no SR of ours
//     reached the far end yet) changes nothing;
//   - on every REMB that lists its SSRC (or none): OnRemb(bitrate);
//   - then gives target_bps() to its encoder (VideoSender::SetTargetBitrate).
//
// Contract: pure and deterministic (no clock, no randomness). Bad input returns a
// protocol::Result error and leaves the target unchanged: "invalid_config" (min < 1 or min >
// max), "invalid_rtt" (negative), "invalid_loss" (outside [0, 1] or NaN), "invalid_remb"
// (negative), "no_last_sr" (LSR 0), "negative_rtt" (A - LSR - DLSR wraps below zero).
// Invariant: min_bps <= target_bps() <= max_bps always.
#pragma once

#include <cstdint>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtcp/report_block.h"
#include "sfusim/protocol/result.h"
#include "sfusim/sim/time_delta.h"

namespace sfusim::clients {

// Default bounds (PROTOCOL.md §5 clamps to [min, max] without numbers: these are sfusim's).
inline constexpr int64_t kBandwidthDefaultMinBps = 100'000;
inline constexpr int64_t kBandwidthDefaultMaxBps = 2'500'000;
inline constexpr int64_t kBandwidthDefaultInitialBps = 700'000;
// RFC 3550: DLSR and the compact NTP time are in units of 1/65536 s (Q16.16).
inline constexpr int64_t kNtpCompactUnitsPerSecond = 65536;
// Report blocks carry fraction lost in 1/256.
inline constexpr double kFractionLostDenominator = 256.0;

struct BandwidthControllerConfig {
  int64_t initial_bps = kBandwidthDefaultInitialBps;  // clamped into [min, max]
  int64_t min_bps = kBandwidthDefaultMinBps;
  int64_t max_bps = kBandwidthDefaultMaxBps;
};

// RFC 3550 §6.4.1: RTT = A - LSR - DLSR, all in the middle 32 bits of NTP (Q16.16 seconds),
// modular 32-bit arithmetic; `now_ntp_middle32` is A, the middle 32 bits of the receiving
// sender's NTP clock at arrival. Rounded down to whole microseconds.
protocol::Result<sim::TimeDelta> RttFromReportBlock(uint32_t now_ntp_middle32, uint32_t lsr, uint32_t dlsr);

class BandwidthController {
 public:
  enum class Decision { kDecrease, kIncrease, kHold };

  static protocol::Result<BandwidthController> Create(const BandwidthControllerConfig& config);
  // For a config known to be valid; an invalid one is normalised (min >= 1, max >= min).
  explicit BandwidthController(const BandwidthControllerConfig& config = {});

  // PROTOCOL.md §5 step; returns the new target.
  protocol::Result<int64_t> Update(sim::TimeDelta rtt, double loss_fraction);
  // The same from one report block about the sender's own SSRC (see the header comment).
  protocol::Result<int64_t> OnReportBlock(uint32_t now_ntp_middle32, const protocol::rtcp::ReportBlock& block);
  // Caps the target at `remb_bps` (still at least min); returns the new target.
  protocol::Result<int64_t> OnRemb(int64_t remb_bps);

  // The rule alone (no state): what Update() would do for these values.
  static Decision Decide(sim::TimeDelta rtt, double loss_fraction);

  int64_t target_bps() const { return target_bps_; }
  int64_t min_bps() const { return config_.min_bps; }
  int64_t max_bps() const { return config_.max_bps; }
  // The cap of the last REMB (max_bps before any).
  int64_t remb_cap_bps() const { return remb_cap_bps_; }
  Decision last_decision() const { return last_decision_; }
  uint64_t updates() const { return updates_; }

 private:
  int64_t Clamp(double bps) const;

  BandwidthControllerConfig config_;
  int64_t target_bps_ = 0;
  int64_t remb_cap_bps_ = 0;
  Decision last_decision_ = Decision::kHold;
  uint64_t updates_ = 0;
};

}  // namespace sfusim::clients
