#include "sfusim/scenario/invariants/paused_consumer_silent.h"

#include <string>

namespace sfusim::scenario {

void PausedConsumerSilent::OnConsumerRtp(double at_s, const sfu::ConsumerRtpEvent& e) {
  if (!e.paused) return;
  std::string id(e.consumer_id);
  ViolateOnce(at_s, id, "paused consumer " + id + " sent RTP (output seq " + std::to_string(e.output_seq) + ", " +
                            (e.retransmission ? "a retransmission" : "forwarded") + " from producer " +
                            std::string(e.producer_id) + ")");
}

}  // namespace sfusim::scenario
