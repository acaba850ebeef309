// NackGenerator: which input sequence numbers of one incoming video stream the SFU asks its
// producer to resend (upstream NACK, RFC 4585 generic NACK; VIDEO_DESIGN.md V4), so that uplink
// loss is repaired before the packets fan out.
//
// Model: every sequence number skipped by an arriving packet becomes "missing" (a jump of more
// than kNackMaxGap is a restarted stream or a long outage: nothing is tracked for it). A missing
// number is NACKed once it has been missing for kNackReorderWaitUs (mere reordering fills it
// before that and is never NACKed), then again every retry interval (max(kNackMinRetryIntervalUs,
// 1.25 x RTT)), at most kNackMaxRetries times; after that, or when it falls kNackHistory numbers
// behind the newest, it is given up. RTT starts at kNackDefaultRttUs and is learnt from packets
// recovered after exactly one NACK (the NACK -> retransmission time, EWMA 1/8), or set by SetRtt().
//
// Contract: pure and deterministic (time is the caller's microseconds), no allocation after
// construction. OnPacket() is O(1) amortized (O(gap) for the numbers a jump skips, gap bounded);
// Collect() is O(kNackHistory) at worst and appends at most kNackMaxPerCollect numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sfusim/protocol/rtp/sequence_number_unwrapper.h"

namespace sfusim::sfu {

// Sequence numbers tracked behind the newest (at most this many can be missing at once). Below
// the retransmission buffer of a producer (kRetransmissionBufferPackets), as a sender's history.
inline constexpr std::size_t kNackHistory = 256;
// A forward jump of more than this is not loss to repair.
inline constexpr int64_t kNackMaxGap = 128;
inline constexpr int64_t kNackReorderWaitUs = 10'000;
inline constexpr int kNackMaxRetries = 6;
inline constexpr int64_t kNackMinRetryIntervalUs = 20'000;
inline constexpr int64_t kNackDefaultRttUs = 100'000;
inline constexpr int64_t kNackMaxRttUs = 2'000'000;
// Sequence numbers one Collect() returns (one NACK packet's worth).
inline constexpr std::size_t kNackMaxPerCollect = 64;

class NackGenerator {
 public:
  enum class Arrival {
    kInOrder,     // the newest so far (possibly after a gap)
    kReordered,   // filled a missing number before it was NACKed
    kRecovered,   // filled a missing number that was NACKed: a retransmission
    kOld,         // a duplicate, or older than anything tracked
  };
  struct Counters {
    uint64_t nacked = 0;     // sequence numbers put in NACKs (retries count again)
    uint64_t recovered = 0;  // missing numbers that arrived after a NACK
    uint64_t reordered = 0;  // missing numbers that arrived before any NACK
    uint64_t given_up = 0;   // missing numbers dropped (retries exhausted or too old)
  };

  NackGenerator();

  Arrival OnPacket(uint16_t sequence_number, int64_t now_us);
  // Appends the sequence numbers due for a NACK at `now_us` (oldest first) and marks them sent.
  void Collect(int64_t now_us, std::vector<uint16_t>& out);
  // The earliest time something becomes due, nullopt when nothing is missing.
  std::optional<int64_t> NextDueUs() const;
  void SetRtt(int64_t rtt_us);
  int64_t rtt_us() const { return rtt_us_; }
  int64_t retry_interval_us() const;
  std::size_t missing() const { return missing_; }
  const Counters& counters() const { return counters_; }

 private:
  struct Entry {
    int64_t ext_seq = -1;  // -1: slot free
    int64_t missing_since_us = 0;
    int64_t last_sent_us = 0;
    int retries = 0;
  };
  Entry& Slot(int64_t ext_seq) { return entries_[static_cast<std::size_t>(ext_seq) % entries_.size()]; }
  void Clear();
  void Free(Entry& e) {
    e.ext_seq = -1;
    --missing_;
  }

  protocol::SequenceNumberUnwrapper unwrapper_;
  std::optional<int64_t> highest_;
  std::vector<Entry> entries_;
  std::size_t missing_ = 0;
  int64_t rtt_us_ = kNackDefaultRttUs;
  bool rtt_learnt_ = false;
  Counters counters_;
};

}  // namespace sfusim::sfu
