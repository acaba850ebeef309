// RtpRewriter: one consumer's mapping from its producer's stream to its own output stream:
// SSRC, sequence number and timestamp (PROTOCOL.md §2: "continuous across producer changes and
// pauses").
//
// Model (mediasoup's SeqManager, simplified): the output sequence is the input's extended
// sequence plus an offset. The offset is fixed while the consumer forwards, so input losses show
// as output gaps, and re-chosen at a re-sync (first packet, resume after a pause, a restarted
// input stream), so that the first packet after it is the last output + 1 and its timestamp moves
// on by the time that passed (at least 1 tick). Packets older than the latest re-sync point are
// dropped (they would go backwards). Each re-sync starts a segment; the last kMaxRewriteSegments
// are kept so that a NACKed output sequence maps back to its input packet.
//
// Contract: pure state machine, no allocation after construction except segment bookkeeping
// (bounded); time is the caller's (microseconds).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

namespace sfusim::sfu {

class RtpRewriter {
 public:
  struct Output {
    uint16_t seq = 0;
    uint32_t timestamp = 0;
  };

  // resync_on_restart false is the seq_not_rewritten mutant (sfu_mutants.h): a restarted input
  // stream keeps the old offset; only RequestResync() (resume) re-syncs.
  RtpRewriter(uint32_t clock_rate_hz, uint16_t initial_seq, uint32_t initial_timestamp,
              bool resync_on_restart = true);

  // The next packet starts a new segment continuing the output (resume, restarted input).
  void RequestResync() { resync_pending_ = true; }
  bool resync_pending() const { return resync_pending_; }

  // Maps a forwarded packet; nullopt when it must be dropped (older than the re-sync point).
  std::optional<Output> Map(int64_t input_ext_seq, uint32_t input_timestamp, int64_t now_us);

  // The input extended sequence number that produced output `seq` (a NACKed one), if known and
  // already sent.
  std::optional<int64_t> InputForOutput(uint16_t output_seq) const;
  // The output of an input packet sent before (for a retransmission), if its segment is known.
  std::optional<Output> MapSent(int64_t input_ext_seq, uint32_t input_timestamp) const;

  bool has_output() const { return highest_output_ext_ >= 0; }
  uint16_t last_output_seq() const { return static_cast<uint16_t>(highest_output_ext_); }
  uint32_t last_output_timestamp() const { return last_output_ts_; }
  int64_t last_output_time_us() const { return last_output_time_us_; }
  uint64_t packets() const { return packets_; }

 private:
  struct Segment {
    int64_t input_start = 0;  // first input extended seq of the segment
    int64_t seq_offset = 0;   // output_ext = input_ext + seq_offset
    uint32_t ts_offset = 0;   // output_ts = input_ts + ts_offset (mod 2^32)
  };
  const Segment* SegmentFor(int64_t input_ext_seq) const;

  uint32_t clock_rate_hz_;
  uint16_t initial_seq_;
  uint32_t initial_ts_;
  bool resync_on_restart_;
  bool resync_pending_ = true;
  std::deque<Segment> segments_;
  int64_t highest_output_ext_ = -1;
  int64_t highest_input_ext_ = -1;  // in the current segment
  uint32_t last_output_ts_ = 0;
  int64_t last_output_time_us_ = 0;
  uint64_t packets_ = 0;
};

}  // namespace sfusim::sfu
