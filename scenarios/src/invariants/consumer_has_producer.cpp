#include "sfusim/scenario/invariants/consumer_has_producer.h"

namespace sfusim::scenario {

void ConsumerHasProducer::Check(double at_s, const sfu::SfuSnapshot& s) {
  for (const auto& [id, c] : s.consumers) {
    auto it = s.producers.find(c.producer_id);
    if (it == s.producers.end()) {
      ViolateOnce(at_s, id, "consumer " + id + " (of " + c.user_id + ") has producer " + c.producer_id +
                                ", which does not exist");
    } else if (it->second.channel != c.channel) {
      ViolateOnce(at_s, id, "consumer " + id + " is in channel " + c.channel + " but its producer " + c.producer_id +
                                " is in channel " + it->second.channel);
    }
  }
}

}  // namespace sfusim::scenario
