#include "sfusim/protocol/rtp/receive_statistics.h"

#include <algorithm>

namespace sfusim::protocol {

void ReceiveStatistics::InitSequence(uint16_t seq) {
  base_seq_ = seq;
  max_seq_ = seq;
  bad_seq_ = kSeqMod + 1;  // so seq == bad_seq is false
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
}

// RFC 3550 A.1 update_seq(), kept line for line so it can be checked against the RFC.
bool ReceiveStatistics::UpdateSequence(uint16_t seq) {
  const uint16_t udelta = static_cast<uint16_t>(seq - max_seq_);
  if (probation_ > 0) {
    // Packet is in sequence.
    if (seq == static_cast<uint16_t>(max_seq_ + 1)) {
      probation_--;
      max_seq_ = seq;
      if (probation_ == 0) {
        InitSequence(seq);
        received_++;
        return true;
      }
    } else {
      probation_ = config_.min_sequential - 1;
      max_seq_ = seq;
    }
    return false;
  } else if (udelta < config_.max_dropout) {
    // In order, with permissible gap.
    if (seq < max_seq_) cycles_ += kSeqMod;  // sequence number wrapped
    max_seq_ = seq;
  } else if (udelta <= kSeqMod - config_.max_misorder) {
    // The sequence number made a very large jump.
    if (seq == bad_seq_) {
      // Two sequential packets: assume the other side restarted without telling us.
      InitSequence(seq);
    } else {
      bad_seq_ = (seq + 1) & (kSeqMod - 1);
      return false;
    }
  } else {
    // Duplicate or reordered packet.
  }
  received_++;
  return true;
}

void ReceiveStatistics::UpdateJitter(uint32_t rtp_timestamp, int64_t arrival_time_us) {
  // Arrival in RTP units, split to avoid overflow for any realistic time; only differences of the
  // transit time matter, so wrapping to 32 bits is harmless.
  const int64_t secs = arrival_time_us / kMicrosPerSecond;
  const int64_t rem = arrival_time_us % kMicrosPerSecond;
  const int64_t arrival_rtp = secs * config_.clock_rate_hz + rem * config_.clock_rate_hz / kMicrosPerSecond;
  const uint32_t transit = static_cast<uint32_t>(arrival_rtp) - rtp_timestamp;
  if (last_transit_) {
    int64_t d = static_cast<int32_t>(transit - *last_transit_);
    if (d < 0) d = -d;
    // J += (|D| - J) / 16 with J kept x16 (RFC 3550 A.8).
    jitter_q4_ += d - ((jitter_q4_ + 8) >> kJitterScaleShift);
  }
  last_transit_ = transit;
}

bool ReceiveStatistics::OnRtpPacket(uint16_t sequence_number, uint32_t rtp_timestamp, int64_t arrival_time_us) {
  if (!seen_) {
    // RFC 3550 A.1: a new source starts on probation, as if the previous packet were seq - 1.
    seen_ = true;
    InitSequence(sequence_number);
    max_seq_ = static_cast<uint16_t>(sequence_number - 1);
    probation_ = config_.min_sequential;
  }
  if (!UpdateSequence(sequence_number)) return false;
  UpdateJitter(rtp_timestamp, arrival_time_us);
  return true;
}

void ReceiveStatistics::OnSenderReport(uint64_t ntp_timestamp, int64_t arrival_time_us) {
  last_sr_ = static_cast<uint32_t>(ntp_timestamp >> 16);
  last_sr_arrival_us_ = arrival_time_us;
}

rtcp::ReportBlock ReceiveStatistics::GenerateReportBlock(int64_t now_us) {
  rtcp::ReportBlock b;
  b.source_ssrc = config_.ssrc;
  const int64_t expected_now = expected();
  const int64_t expected_interval = expected_now - expected_prior_;
  const int64_t received_interval = received_ - received_prior_;
  const int64_t lost_interval = expected_interval - received_interval;
  expected_prior_ = expected_now;
  received_prior_ = received_;
  if (expected_interval > 0 && lost_interval > 0) {
    b.fraction_lost = static_cast<uint8_t>(std::min<int64_t>((lost_interval << 8) / expected_interval, 255));
  }
  b.cumulative_lost = static_cast<int32_t>(std::clamp<int64_t>(cumulative_lost(), rtcp::ReportBlock::kMinCumulativeLost,
                                                                rtcp::ReportBlock::kMaxCumulativeLost));
  b.extended_highest_sequence = valid() ? extended_highest_sequence() : 0;
  b.jitter = jitter();
  if (last_sr_) {
    b.last_sr = *last_sr_;
    const int64_t delay_us = std::max<int64_t>(now_us - last_sr_arrival_us_, 0);
    b.delay_since_last_sr = static_cast<uint32_t>(delay_us * kDlsrUnitsPerSecond / kMicrosPerSecond);
  }
  return b;
}

}  // namespace sfusim::protocol
