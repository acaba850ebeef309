#include "sfusim/sfu/rtp_rewriter.h"

#include "sfusim/sfu/sfu_constants.h"

namespace sfusim::sfu {

namespace {
constexpr int64_t kSeqModulus = 1 << 16;
}

RtpRewriter::RtpRewriter(uint32_t clock_rate_hz, uint16_t initial_seq, uint32_t initial_timestamp,
                         bool resync_on_restart)
    : clock_rate_hz_(clock_rate_hz == 0 ? 1 : clock_rate_hz),
      initial_seq_(initial_seq),
      initial_ts_(initial_timestamp),
      resync_on_restart_(resync_on_restart) {}

std::optional<RtpRewriter::Output> RtpRewriter::Map(int64_t input_ext_seq, uint32_t input_timestamp, int64_t now_us) {
  if (resync_on_restart_ && !resync_pending_ && !segments_.empty()) {
    const int64_t jump = input_ext_seq - highest_input_ext_;
    if (jump > kSequenceRestartThreshold || jump < -kSequenceRestartThreshold) resync_pending_ = true;
  }
  if (resync_pending_) {
    Segment seg;
    seg.input_start = input_ext_seq;
    uint32_t out_ts;
    int64_t out_ext;
    if (highest_output_ext_ < 0) {
      out_ext = initial_seq_;
      out_ts = initial_ts_;
    } else {
      out_ext = highest_output_ext_ + 1;
      const int64_t elapsed_us = now_us > last_output_time_us_ ? now_us - last_output_time_us_ : 0;
      int64_t ticks = elapsed_us * static_cast<int64_t>(clock_rate_hz_) / 1'000'000;
      if (ticks < 1) ticks = 1;
      out_ts = last_output_ts_ + static_cast<uint32_t>(ticks);
    }
    seg.seq_offset = out_ext - input_ext_seq;
    seg.ts_offset = out_ts - input_timestamp;
    segments_.push_back(seg);
    while (segments_.size() > kMaxRewriteSegments) segments_.pop_front();
    highest_input_ext_ = input_ext_seq;
    resync_pending_ = false;
  }
  const Segment& seg = segments_.back();
  if (input_ext_seq < seg.input_start) return std::nullopt;  // from before the re-sync point
  const int64_t out_ext = input_ext_seq + seg.seq_offset;
  Output out{static_cast<uint16_t>(out_ext), input_timestamp + seg.ts_offset};
  if (input_ext_seq > highest_input_ext_) highest_input_ext_ = input_ext_seq;
  if (out_ext > highest_output_ext_) {
    highest_output_ext_ = out_ext;
    last_output_ts_ = out.timestamp;
    last_output_time_us_ = now_us;
  }
  ++packets_;
  return out;
}

const RtpRewriter::Segment* RtpRewriter::SegmentFor(int64_t input_ext_seq) const {
  // Segments are in time order; a later segment wins for inputs it covers. An input that an
  // earlier segment sent before a later re-sync belongs to the earlier one only if it is below
  // the later segment's start.
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
    if (input_ext_seq >= it->input_start) return &*it;
  }
  return nullptr;
}

std::optional<int64_t> RtpRewriter::InputForOutput(uint16_t output_seq) const {
  if (highest_output_ext_ < 0) return std::nullopt;
  // Unwrap the 16-bit output seq to the extended value nearest the highest sent.
  int64_t diff = (static_cast<int64_t>(output_seq) - (highest_output_ext_ % kSeqModulus) + kSeqModulus) % kSeqModulus;
  if (diff >= kSeqModulus / 2) diff -= kSeqModulus;
  const int64_t out_ext = highest_output_ext_ + diff;
  if (out_ext > highest_output_ext_) return std::nullopt;
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
    const int64_t out_start = it->input_start + it->seq_offset;
    if (out_ext >= out_start) {
      const int64_t input = out_ext - it->seq_offset;
      if (SegmentFor(input) != &*it) return std::nullopt;
      return input;
    }
  }
  return std::nullopt;
}

std::optional<RtpRewriter::Output> RtpRewriter::MapSent(int64_t input_ext_seq, uint32_t input_timestamp) const {
  const Segment* seg = SegmentFor(input_ext_seq);
  if (seg == nullptr) return std::nullopt;
  const int64_t out_ext = input_ext_seq + seg->seq_offset;
  if (out_ext > highest_output_ext_) return std::nullopt;
  return Output{static_cast<uint16_t>(out_ext), input_timestamp + seg->ts_offset};
}

}  // namespace sfusim::sfu
