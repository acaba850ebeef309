// RunResult: everything one scenario run produced, as result.json carries it (../shared/SCENARIO.md,
// "A result"). Plain values; result_json.h turns it into text.
//
// Contract:
// - `passed` is true exactly when every checked invariant passed, every SLO passed (an SLO whose
//   value could not be measured fails) and every expected event was seen.
// - Everything except wall_s is a pure function of (scenario, seed, mutant): lists are in a fixed
//   order (invariants in kInvariantNames order, SLOs and expected events in file order, events by
//   time then participant order, metrics maps ordered by name).
// - Invariants that cannot be judged in this run (fallback_iff_thresholds when no participant has
//   a native screen-share sender) are listed in `invariants_not_applicable` with the reason, never
//   in `invariants` as passed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sfusim::scenario {

struct Violation {
  double at_s = 0;
  std::string detail;
  bool operator==(const Violation&) const = default;
};

struct InvariantVerdict {
  std::string name;  // kInvariantNames
  bool passed = true;
  std::optional<Violation> first_violation;
  uint64_t violations = 0;  // how many were seen in all (only the first is described)
  bool operator==(const InvariantVerdict&) const = default;
};

struct NotApplicable {
  std::string name;
  std::string reason;
  bool operator==(const NotApplicable&) const = default;
};

struct SloVerdict {
  std::string metric;
  std::string participant;  // "" = worst over all
  std::string from;
  std::string after;
  std::optional<double> min;
  std::optional<double> max;
  std::optional<double> value;  // nullopt: could not be measured (then passed is false)
  bool passed = false;
  std::string note;  // why the value is missing, which pair was the worst, ...
  bool operator==(const SloVerdict&) const = default;
};

struct RunEvent {
  double at_s = 0;
  std::string participant;  // "" for SFU-wide events
  std::string name;         // kEvents
  std::string reason;
  bool operator==(const RunEvent&) const = default;
};

struct EventVerdict {
  std::string name;
  std::string participant;
  std::optional<std::pair<double, double>> between_s;
  bool passed = false;
  std::optional<double> matched_at_s;
  bool operator==(const EventVerdict&) const = default;
};

// A per-second time series (bin i covers [start_s + i, start_s + i + 1)).
struct TimeSeries {
  double start_s = 0;
  std::vector<double> values;
  bool operator==(const TimeSeries&) const = default;
};

// The video part of a received video stream (kind "video"); metrics.h defines each value.
struct VideoMetrics {
  std::string source;  // "camera" | "screen"
  uint64_t packets_retransmitted = 0;
  uint64_t frames_received = 0, frames_decoded = 0, frames_lost = 0, key_frames = 0, decode_errors = 0;
  uint64_t nacks_sent = 0, nack_packets = 0, plis_sent = 0;
  uint64_t freeze_count = 0;
  double freeze_total_s = 0;
  std::optional<double> psnr_db_p50, fps, keyframe_after_pli_ms_max, first_frame_s;
  int width = 0, height = 0;
  bool operator==(const VideoMetrics&) const = default;
};

struct StreamMetrics {  // one received stream: (receiver, sender, kind)
  std::string kind = "audio";  // "audio" | "video"
  uint64_t frames_normal = 0, frames_fec = 0, frames_concealed = 0, frames_no_data = 0;
  uint64_t packets_received = 0, packets_lost = 0, packets_late = 0;
  std::optional<double> delay_ms_p50, delay_ms_p95, concealed_ratio, mos;
  std::map<std::string, TimeSeries> series;  // audio: "kbps", "concealed_frames", "delay_ms";
                                             // video: "kbps", "fps", "psnr_db", "delay_ms"
  std::optional<VideoMetrics> video;         // set for kind "video" (then the frame counts above are 0)
  bool operator==(const StreamMetrics&) const = default;
};

struct ParticipantMetrics {
  std::string final_phase;
  bool media_complete = false;
  std::map<std::string, double> counters;  // requests, responses, errors, timeouts, reconnects, ...
  std::optional<double> rejoin_s_max;
  std::map<std::string, StreamMetrics> streams;  // audio by sender, video by "<sender>/<camera|screen>"
  // The participant's native screen-share sender, when it had one.
  struct NativeSender {
    std::string final_state;
    std::string last_fallback_reason;
    int degradation_level = 0;
    int degradation_level_max = 0;
    bool transport_connected = false;
    bool producer_connected = false;
    TimeSeries degradation_level_series;
    bool operator==(const NativeSender&) const = default;
  };
  std::optional<NativeSender> native_sender;
  bool operator==(const ParticipantMetrics&) const = default;
};

struct RunMetrics {
  std::map<std::string, ParticipantMetrics> participants;
  std::map<std::string, double> sfu;  // consumers_leaked, counters
  std::map<std::string, std::map<std::string, double>> links;  // link name -> counter -> value
  bool operator==(const RunMetrics&) const = default;
};

struct RunResult {
  std::string scenario;
  uint64_t seed = 0;
  std::optional<std::string> mutant;
  bool passed = false;
  uint64_t trace_hash = 0;
  uint64_t trace_records = 0;
  double sim_s = 0;
  double wall_s = 0;
  std::vector<InvariantVerdict> invariants;
  std::vector<NotApplicable> invariants_not_applicable;
  std::vector<SloVerdict> slo;
  std::vector<RunEvent> events;
  std::vector<EventVerdict> expected_events;
  RunMetrics metrics;
  std::string reproduce;
  // Run on real sockets in real time (`run --real`): trace_hash is then not reproducible.
  bool real = false;
  // A swarm run's draw (swarm.h: DrawSwarm().record) as compact JSON text; "" = not a swarm run
  // (then result.json has no "swarm" field). Fault points in effect, as JSON text; "" = none.
  std::string swarm;
  std::string fault_points;

  // passed = every invariant, SLO and expected event passed.
  bool ComputePassed() const;
};

}  // namespace sfusim::scenario
