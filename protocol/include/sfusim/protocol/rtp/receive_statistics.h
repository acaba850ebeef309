// ReceiveStatistics: RFC 3550 receiver statistics for one incoming RTP stream (one SSRC), turned
// into RTCP report blocks.
//
//   A.1  extended highest sequence number: 16-bit max_seq plus a cycle count (wrap-around), a
//        source is valid after MIN_SEQUENTIAL in-order packets (probation), a jump of more than
//        MAX_DROPOUT (or back more than MAX_MISORDER) is ignored unless the next packet confirms
//        it, in which case the sequence restarts.
//   A.3  expected = extended max - base + 1, lost = expected - received (negative with
//        duplicates; clamped to 24 bits in the block), fraction lost over the interval since the
//        previous report block, in 1/256 (0 when the interval lost nothing or gained packets).
//   A.8  interarrival jitter J += (|D| - J) / 16 in RTP timestamp units, kept scaled by 16 as in
//        the RFC's integer version.
//
// Time: arrival times are int64 microseconds on any monotonic clock the caller chooses (nothing
// here reads a clock). The clock rate (Hz) of the stream is fixed at construction.
// Contract: OnRtpPacket() returns whether the packet counted (false while on probation or for an
// unconfirmed jump). Packets seen before the source became valid are not in expected/received:
// base_seq is the packet that ended probation (min_sequential = 1 counts from the first packet;
// values below 1 act as 1). Jitter is updated for every counted packet after the first. GenerateReportBlock()
// starts a new fraction-lost interval; it needs no prior packet (an empty stream reports zeros).
#pragma once

#include <cstdint>
#include <optional>

#include "sfusim/protocol/rtcp/report_block.h"

namespace sfusim::protocol {

class ReceiveStatistics {
 public:
  static constexpr int kMinSequential = 2;         // RFC 3550 A.1 MIN_SEQUENTIAL
  static constexpr uint16_t kMaxDropout = 3000;    // RFC 3550 A.1 MAX_DROPOUT
  static constexpr uint16_t kMaxMisorder = 100;    // RFC 3550 A.1 MAX_MISORDER
  static constexpr int64_t kSeqMod = 1 << 16;      // RTP_SEQ_MOD
  static constexpr int64_t kMicrosPerSecond = 1'000'000;
  static constexpr int kJitterScaleShift = 4;      // J is kept x16 (RFC 3550 A.8)
  static constexpr int64_t kDlsrUnitsPerSecond = 65536;

  struct Config {
    uint32_t ssrc = 0;
    uint32_t clock_rate_hz = 90'000;
    int min_sequential = kMinSequential;
    uint16_t max_dropout = kMaxDropout;
    uint16_t max_misorder = kMaxMisorder;
  };

  explicit ReceiveStatistics(const Config& config) : config_(config) {
    if (config_.min_sequential < 1) config_.min_sequential = 1;
  }
  ReceiveStatistics(uint32_t ssrc, uint32_t clock_rate_hz) : ReceiveStatistics(Config{ssrc, clock_rate_hz}) {}

  bool OnRtpPacket(uint16_t sequence_number, uint32_t rtp_timestamp, int64_t arrival_time_us);
  // Remembers the last SR from this source, for LSR/DLSR in the next report blocks.
  void OnSenderReport(uint64_t ntp_timestamp, int64_t arrival_time_us);

  bool valid() const { return probation_ == 0 && seen_; }
  uint32_t ssrc() const { return config_.ssrc; }
  uint16_t max_sequence() const { return max_seq_; }
  // cycles * 2^16 + max_seq, as 32 bits on the wire.
  uint32_t extended_highest_sequence() const { return static_cast<uint32_t>(cycles_ + max_seq_); }
  int64_t expected() const { return valid() ? cycles_ + max_seq_ - base_seq_ + 1 : 0; }
  int64_t received() const { return received_; }
  int64_t cumulative_lost() const { return expected() - received_; }
  // Interarrival jitter in RTP timestamp units.
  uint32_t jitter() const { return static_cast<uint32_t>(jitter_q4_ >> kJitterScaleShift); }

  // A report block for this source at time `now_us`; starts the next fraction-lost interval.
  rtcp::ReportBlock GenerateReportBlock(int64_t now_us);

 private:
  void InitSequence(uint16_t seq);
  bool UpdateSequence(uint16_t seq);
  void UpdateJitter(uint32_t rtp_timestamp, int64_t arrival_time_us);

  Config config_;
  bool seen_ = false;
  int probation_ = 0;
  uint16_t max_seq_ = 0;
  int64_t cycles_ = 0;  // shifted count of wraps (multiple of 2^16)
  int64_t base_seq_ = 0;
  uint32_t bad_seq_ = kSeqMod + 1;
  int64_t received_ = 0;
  int64_t expected_prior_ = 0;
  int64_t received_prior_ = 0;
  std::optional<uint32_t> last_transit_;
  int64_t jitter_q4_ = 0;
  std::optional<uint32_t> last_sr_;  // middle 32 bits of its NTP timestamp
  int64_t last_sr_arrival_us_ = 0;
};

}  // namespace sfusim::protocol
