// RunObservations: what a finished run observed, as plain values: the input of metrics.h and
// slo.h (so that both can be tested with hand-built observations, without running anything).
// Video streams and the native sender are copied into scenario-owned plain structs
// (VideoStreamObservation, NativeSenderObservation) by the runner, so metrics and SLOs do not
// depend on the client's classes.
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

// One received video stream (receiver, sender, source), from clients::VideoStreamStats.
struct VideoStreamObservation {
  std::string source = "camera";  // "camera" | "screen"
  uint64_t packets_received = 0, packets_lost = 0, packets_retransmitted = 0;
  uint64_t frames_received = 0, frames_decoded = 0, frames_lost = 0, key_frames = 0, decode_errors = 0;
  uint64_t nacks_sent = 0, nack_packets = 0, plis_sent = 0;
  std::vector<double> psnr_db;                // one per decoded frame whose stamp was read
  std::vector<double> delay_ms;               // end-to-end: decode time - abs-capture-time
  std::vector<double> keyframe_after_pli_ms;  // first PLI of an unanswered request -> decodable key frame
  uint64_t freeze_count = 0;
  double freeze_total_s = 0;
  std::optional<double> fps;             // rendered frames / active seconds; nullopt: none rendered
  std::optional<double> first_frame_s;   // when the first frame was rendered
  // Per resume of a consumer of this stream (the SFU's state showed it unpaused): the time to the
  // first frame rendered after it (a resumed video consumer asks for a key frame, PROTOCOL.md §1).
  std::vector<double> first_frame_after_resume_ms;
  int width = 0, height = 0;             // of the last decoded frame
  std::map<std::string, TimeSeries> series;  // "kbps", "fps", "psnr_db", "delay_ms"
};

// A participant's native screen-share sender over the run (all its sessions).
struct NativeSenderObservation {
  std::string final_state;  // "running", "stopped", "fallen_back", ... ("" = none at the end)
  std::string last_fallback_reason;
  int degradation_level = 0;      // at the end
  int degradation_level_max = 0;  // over the run (polled and from degradation_changed)
  TimeSeries degradation_level_series;  // per second: the highest level seen in the second
  bool transport_connected = false;
  bool producer_connected = false;
};

struct ClientObservation {
  std::map<std::string, clients::AudioStreamStats> audio;  // by sender
  std::map<std::string, VideoStreamObservation> video;     // by "<sender>/<camera|screen>"
  std::optional<NativeSenderObservation> native;           // when the client ever had a native sender
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
  std::map<std::string, double> sfu_counters;        // the final SFU's counters (result.json metrics.sfu)
};

}  // namespace sfusim::scenario
