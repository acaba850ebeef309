#include "sfusim/scenario/mutant_names.h"

namespace sfusim::scenario {

bool ApplyMutant(std::string_view name, sfu::SfuMutants& m) {
  if (name == "consumer-leak") {
    m.consumer_leak = true;
  } else if (name == "transport-replace") {
    m.transport_replace = true;
  } else if (name == "producer-limit-race") {
    m.producer_limit_race = true;
  } else if (name == "router-cache") {
    m.router_cache = true;
  } else if (name == "no-worker-health") {
    m.no_worker_health = true;
  } else {
    return false;
  }
  return true;
}

}  // namespace sfusim::scenario
