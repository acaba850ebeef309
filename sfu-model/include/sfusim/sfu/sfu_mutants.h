// SfuMutants: the known defects of PROTOCOL.md as switches (DESIGN.md "Mutants"). All off means the
// reference (correct) behaviour; each switch turns exactly one defect on:
//   consumer_leak        consumers stay in the map when their producer closes
//   transport_replace    a second transport for a direction silently replaces the first
//   producer_limit_race  the camera/screen limit is checked before an asynchronous step and the
//                        producer created after it, so two requests in flight both pass
//   router_cache         a channel's router is built once and never rebuilt on a codec change
//   no_worker_health     nothing notices a crashed worker
#pragma once

namespace sfusim::sfu {

struct SfuMutants {
  bool consumer_leak = false;
  bool transport_replace = false;
  bool producer_limit_race = false;
  bool router_cache = false;
  bool no_worker_health = false;

  bool operator==(const SfuMutants&) const = default;
};

}  // namespace sfusim::sfu
