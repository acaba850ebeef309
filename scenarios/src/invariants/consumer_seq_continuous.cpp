#include "sfusim/scenario/invariants/consumer_seq_continuous.h"

#include <algorithm>

namespace sfusim::scenario {

void ConsumerSeqContinuous::OnConsumerRtp(double at_s, const sfu::ConsumerRtpEvent& e) {
  if (e.retransmission) return;
  auto it = last_.find(e.consumer_id);
  if (it == last_.end()) {
    if (last_.size() < kMaxTrackedConsumers) {
      last_.emplace(std::string(e.consumer_id),
                    Last{std::string(e.producer_id), e.input_seq, e.output_seq, e.output_ssrc});
    }
    return;
  }
  Last& l = it->second;
  std::string id(e.consumer_id);
  if (e.output_ssrc != l.output_ssrc) {
    ViolateOnce(at_s, id, "consumer " + id + " changed its output SSRC from " + std::to_string(l.output_ssrc) +
                              " to " + std::to_string(e.output_ssrc));
  } else {
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
