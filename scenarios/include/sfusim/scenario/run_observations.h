// RunObservations: what a finished run observed, as plain values: the input of metrics.h and
// slo.h (so that both can be tested with hand-built observations, without running anything).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sfusim/clients/audio/audio_stream_stats.h"
#include "sfusim/clients/client_counters.h"
#include "sfusim/scenario/run_result.h"

namespace sfusim::scenario {

// One timeline action as it was played.
struct ActionOccurrence {
  std::string name;         // kActionNames
  double at_s = 0;          // when it happened
  double fault_end_s = 0;   // when the fault it caused ended: at_s + down_s (restart_sfu), at_s + for_s
                            // (partition), at_s otherwise
  std::string participant;  // the participant it targeted, if any
};

struct ClientObservation {
  std::map<std::string, clients::AudioStreamStats> audio;  // by sender
  clients::ClientCounters counters;
  // Error responses (media_signal errors, to any request id, also raw ones the client did not
  // issue) and `error` notices the client received, as the runner saw them.
  uint64_t errors_received = 0;
  std::string final_phase;
  bool media_complete = false;
};

struct RunObservations {
  double end_s = 0;
  std::vector<ActionOccurrence> actions;
  std::map<std::string, ClientObservation> clients;  // by participant id
  std::vector<RunEvent> events;                      // by time
  std::optional<double> consumers_leaked;            // nullopt when no SFU was running at the end
};

}  // namespace sfusim::scenario
