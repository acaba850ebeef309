#include "sfusim/scenario/invariants/consumer_seq_continuous.h"

#include <algorithm>

namespace sfusim::scenario {

void ConsumerSeqContinuous::OnConsumerRtp(double at_s, const sfu::ConsumerRtpEvent& e) {
  if (e.retransmission) return;
  auto it = last_.find(e.consumer_id);
  if (it == last_.end()) {
    if (last_.size() < kMaxTrackedConsumers) {
      last_.emplace(std::string(e.consumer_id),
                    Last{std::string(e.producer_id), e.input_seq, e.output_seq, e.output_ssrc, e.output_seq});
    }
    return;
  }
  Last& l = it->second;
  std::string id(e.consumer_id);
  if (e.output_ssrc != l.output_ssrc) {
    ViolateOnce(at_s, id, "consumer " + id + " changed its output SSRC from " + std::to_string(l.output_ssrc) +
                              " to " + std::to_string(e.output_ssrc));
  } else {
    // Distance from the highest output so far, as the nearest 16-bit step (RFC 3550 A.1).
    const auto from_highest = static_cast<int16_t>(static_cast<uint16_t>(e.output_seq - l.highest_output));
    if (from_highest > kMaxOutputSeqJump || from_highest < -kMaxOutputSeqJump) {
      ViolateOnce(at_s, id, "consumer " + id + " output seq " + std::to_string(e.output_seq) + " is " +
                                std::to_string(from_highest < 0 ? -from_highest : from_highest) +
                                (from_highest < 0 ? " behind" : " ahead of") + " its highest sent (" +
                                std::to_string(static_cast<uint16_t>(l.highest_output)) + "), more than " +
                                std::to_string(kMaxOutputSeqJump) + " (RFC 3550 MAX_DROPOUT), while its input went " +
                                std::to_string(l.input_seq) + " -> " + std::to_string(e.input_seq) + " (producer " +
                                std::string(e.producer_id) + "): a restarted input stream not re-synced");
    }
    if (from_highest > 0) l.highest_output += from_highest;
    auto d = static_cast<uint16_t>(e.output_seq - l.output_seq);
    int64_t e_step = (l.producer_id == e.producer_id) ? e.input_seq - l.input_seq : 1;
    int64_t allowed = std::max<int64_t>(1, e_step);
    bool same_producer = l.producer_id == e.producer_id;
    bool mapped = same_producer && static_cast<int64_t>(static_cast<int16_t>(d)) == e_step;
    if (!mapped && (d == 0 || d >= 0x8000 || static_cast<int64_t>(d) > allowed)) {
      std::string what = d == 0 ? "repeated" : d >= 0x8000 ? "went back" : "jumped by " + std::to_string(d);
      ViolateOnce(at_s, id, "consumer " + id + " output seq " + what + " (" + std::to_string(l.output_seq) + " -> " +
                                std::to_string(e.output_seq) + ") while its input advanced by " +
                                std::to_string(e_step) + " (" + std::to_string(l.input_seq) + " -> " +
                                std::to_string(e.input_seq) + ", producer " + std::string(e.producer_id) + ")");
    }
  }
  l.producer_id.assign(e.producer_id);
  l.input_seq = e.input_seq;
  l.output_seq = e.output_seq;
  l.output_ssrc = e.output_ssrc;
}

}  // namespace sfusim::scenario
