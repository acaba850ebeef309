#include "sfusim/scenario/invariants/no_consumer_outlives_producer.h"

namespace sfusim::scenario {

void NoConsumerOutlivesProducer::Check(double at_s, const sfu::SfuSnapshot& s) {
  for (const auto& [id, c] : s.consumers) {
    if (c.closed_producer) {
      ViolateOnce(at_s, id, "consumer " + id + " (of " + c.user_id + ") outlived its closed producer " + c.producer_id);
    } else if (s.producers.count(c.producer_id) == 0) {
      ViolateOnce(at_s, id, "consumer " + id + " (of " + c.user_id + ") is still open but its producer " +
                                c.producer_id + " is gone");
    }
  }
}

}  // namespace sfusim::scenario
