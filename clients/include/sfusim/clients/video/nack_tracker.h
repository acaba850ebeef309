// NackTracker: which RTP sequence numbers of one stream are missing, and when to ask for them.
//
// Contract:
// - OnPacket(seq, now) for every received packet (original or retransmission), in arrival order.
//   Sequence numbers are unwrapped (SequenceNumberUnwrapper), so 65535 -> 0 is a step of one.
//   A packet newer than the highest seen marks every sequence number in between missing (found
//   at `now`); a packet at or below the highest clears its seq from the list (late arrival or
//   retransmission) and, if it was missing and never NACKed, updates the observed reorder delay.
// - A missing seq is first NACKed once it has been missing for reorder_wait() =
//   clamp(kNackReorderWaitFactor x max observed reorder delay, kNackMinReorderWait,
//   kNackMaxReorderWait), so mere reordering within the wait never causes a NACK. It is then
//   retried at most kMaxNackRetries times, each retry_spacing() = max(RTT + kNackRetryMargin,
//   kNackRetryFloor) after the previous request; after the last request it stays listed (so a
//   late retransmission is still recognised) until it ages out.
// - Bounds: an entry is forgotten kNackMaxAge after it was found missing, or when it falls more
//   than kNackMaxSeqAge behind the newest seq, or (oldest first) when the list would exceed
//   kNackMaxListSize. A forward jump larger than kNackMaxGapJump clears the list (stream restart)
//   instead of listing the gap.
// - GetNacks(now) returns the sequence numbers due at `now` (oldest first, at most
//   kNackMaxSeqsPerPacket), marking them requested; BuildNack() packs them in a
//   protocol::rtcp::Nack. A seq that was received is never returned.
// - No timers of its own: the owner calls GetNacks() when it wants (e.g. at NextDueTime()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "sfusim/clients/video/video_receive_constants.h"
#include "sfusim/protocol/rtcp/nack.h"
#include "sfusim/protocol/rtp/sequence_number_unwrapper.h"
#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

struct NackTrackerCounters {
  uint64_t packets = 0;            // OnPacket calls
  uint64_t missing_found = 0;      // sequence numbers ever listed missing
  uint64_t recovered = 0;          // listed seqs that arrived later (after NACK or not)
  uint64_t recovered_after_nack = 0;
  uint64_t requests = 0;           // sequence numbers returned by GetNacks (retries count again)
  uint64_t given_up = 0;           // forgotten without arriving (age, size, seq age, reset)
  uint64_t resets = 0;             // forward jumps beyond kNackMaxGapJump
};

class NackTracker {
 public:
  enum class Arrival : uint8_t {
    kNew,            // newer than anything seen (or the first)
    kInOrderGap,     // ditto, but it opened a gap
    kRecovered,      // was listed missing, never NACKed (reordered / late)
    kRetransmitted,  // was listed missing and NACKed at least once
    kOld,            // at or below the highest, not listed (duplicate, or given up)
  };

  NackTracker() = default;
  // The nack_for_reorder mutant (client_mutants.h): no reorder wait, a gap is NACKed at once.
  explicit NackTracker(bool no_reorder_wait) : no_reorder_wait_(no_reorder_wait) {}

  Arrival OnPacket(uint16_t seq, sim::Timestamp now);
  void SetRtt(sim::TimeDelta rtt);
  // Stops tracking every listed seq at or before `seq` (the owner gave up on them); they count as
  // given up. Later arrivals of them are kOld.
  void ForgetUpTo(uint16_t seq);
  // Sequence numbers to request at `now`; marks them requested.
  std::vector<uint16_t> GetNacks(sim::Timestamp now);
  // Earliest time GetNacks() would return something, nullopt if nothing is listed as pending.
  std::optional<sim::Timestamp> NextDueTime() const;
  static protocol::rtcp::Nack BuildNack(uint32_t sender_ssrc, uint32_t media_ssrc, const std::vector<uint16_t>& seqs);

  sim::TimeDelta reorder_wait() const;
  sim::TimeDelta retry_spacing() const;
  sim::TimeDelta rtt() const { return rtt_; }
  size_t missing_count() const { return missing_.size(); }
  bool IsMissing(uint16_t seq) const;
  // Times `seq` has been requested (0 if not listed).
  int RequestCount(uint16_t seq) const;
  std::optional<int64_t> highest_unwrapped() const { return highest_; }
  const NackTrackerCounters& counters() const { return counters_; }

 private:
  struct Entry {
    sim::Timestamp found;
    std::optional<sim::Timestamp> last_sent;
    int requests = 0;
  };
  int64_t UnwrapNear(uint16_t seq) const;
  void Prune(sim::Timestamp now);
  std::optional<sim::Timestamp> DueTime(const Entry& e) const;

  std::optional<int64_t> highest_;
  std::map<int64_t, Entry> missing_;  // unwrapped seq -> entry, ordered
  sim::TimeDelta rtt_ = kDefaultVideoRtt;
  sim::TimeDelta max_reorder_ = sim::TimeDelta::Zero();
  NackTrackerCounters counters_;
  bool no_reorder_wait_ = false;
};

}  // namespace sfusim::clients
