// ConsumerSeqContinuous ("consumer_seq_continuous"): a consumer's output sequence numbers are
// continuous, with gaps only where its input lost packets (PROTOCOL.md §2: the consumer rewrites
// SSRC, sequence numbers and timestamps so its output is continuous across producer changes and
// pauses).
//
// Per consumer, between two consecutive forwarded (non-retransmitted) packets: let d be the
// output step (16-bit, modulo 2^16) and e the input step (the producer's extended sequence
// numbers; taken as 1 when the producer changed). Allowed: 1 <= d <= max(1, e): the output may
// skip as many numbers as the input did (packets lost before the SFU), and after a producer change
// or a resume it must continue by 1 or at most by the input's own jump. Also allowed, within one
// producer: the output step equal to the input step as a signed 16-bit number (the consumer maps
// input to output by a fixed offset, so a reordered or duplicated input packet is forwarded as
// reordered or duplicated, never invented). Violations: d == 0 (a
// repeated number), d > max(1, e) (a gap larger than the input's), or d >= 2^15 (going back).
// Also: two output SSRCs for one consumer. Retransmissions are excepted (they repeat old numbers
// by design). Each consumer's first violation counts once (its later packets would repeat it).
//
// The signed-step exception has a bound: no output may land more than kMaxOutputSeqJump from the
// highest output seq the consumer sent so far, forward or back, whatever the input did. An input
// jump that large is not loss but a restarted stream (a sender that rebuilt its packetizer, with a
// new random sequence on the same SSRC), and a consumer that maps it straight through breaks the
// continuity PROTOCOL.md §2 promises: receivers see a gap of thousands (NACKs, or a new source) or
// numbers they already had. The bound is RFC 3550 A.1's MAX_DROPOUT, the largest forward jump a
// receiver still counts as loss (the SFU's kSequenceRestartThreshold is the same number).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "sfusim/scenario/invariants/invariant_checker.h"
#include "sfusim/sfu/consumer_rtp_event.h"

namespace sfusim::scenario {

inline constexpr std::size_t kMaxTrackedConsumers = 1 << 20;
inline constexpr int64_t kMaxOutputSeqJump = 3000;  // RFC 3550 A.1 MAX_DROPOUT

class ConsumerSeqContinuous : public InvariantChecker {
 public:
  ConsumerSeqContinuous() : InvariantChecker("consumer_seq_continuous") {}
  void OnConsumerRtp(double at_s, const sfu::ConsumerRtpEvent& event);
  // A new SFU instance (after a restart) numbers its consumers from scratch: forget the old ones.
  void OnSfuRestarted() { last_.clear(); }

 private:
  struct Last {
    std::string producer_id;
    int64_t input_seq = 0;
    uint16_t output_seq = 0;
    uint32_t output_ssrc = 0;
    int64_t highest_output = 0;  // extended (unwrapped) highest output seq sent
  };
  std::map<std::string, Last, std::less<>> last_;
};

}  // namespace sfusim::scenario
