// Metrics: the numbers SLOs are judged on, computed from RunObservations (SCENARIO.md "Metrics").
//
// Definitions (the README documents them for users):
// - audio.delay_ms_p50 / p95: nearest-rank percentile of one stream's mouth-to-ear delay samples
//   (one per normally decoded frame: playout time - abs-capture-time). No samples: not measured.
// - audio.concealed_ratio: concealed / (normal + fec + concealed) frames of the stream
//   (AudioStreamStats::concealed_ratio; no_data frames are outside the ratio).
// - audio.mos: ITU-T G.107 E-model (clients::EModel, Opus parameters) from the stream's mean
//   mouth-to-ear delay, its loss after FEC (concealed_ratio) and its burst ratio (mean concealed
//   burst length against random loss).
// - audio.recovery_s after an action A: for each occurrence of A and each stream that was healthy
//   (a normal frame in the second before A), the outage A caused is the first run of at least
//   kOutageMinSlots consecutive bad slots (concealed or no_data) that begins at or after A and no
//   later than kOutageStartWindowS after the fault's end (A's fault_end_s). Its end is the first
//   good slot (normal or fec) that starts a run of kRecoveredSlots good slots. recovery_s = that
//   slot's time - fault_end_s (at least 0); 0 when no outage began in the window; +infinity
//   (reported as null: not recovered) when the log ends before the outage does.
// - rejoin_s_max (per client): the longest time from a signaling_disconnected event to the
//   client's next voice_joined; 0 when it never disconnected; +infinity when it never rejoined.
// - signaling.errors (per client): error responses (to any request id, raw ones included) and
//   `error` notices it received.
// - signaling.timeouts (per client): requests that timed out.
// - sfu.consumers_leaked: consumers in the SFU's final state whose producer is closed or gone.
#pragma once

#include <optional>
#include <string>

#include "sfusim/clients/audio/audio_stream_stats.h"
#include "sfusim/scenario/run_observations.h"
#include "sfusim/scenario/run_result.h"

namespace sfusim::scenario {

inline constexpr double kSlotS = 0.020;               // one playout slot
inline constexpr std::size_t kOutageMinSlots = 5;     // 100 ms of bad slots is an outage
inline constexpr std::size_t kRecoveredSlots = 5;     // 100 ms of good slots ends it
inline constexpr double kOutageStartWindowS = 2.0;    // an outage must begin this soon after the fault
inline constexpr double kHealthyBeforeS = 1.0;        // a stream must have played normally this recently

// Nearest-rank percentile (p in [0, 100]); nullopt for no samples.
std::optional<double> Percentile(std::vector<double> samples, double p);

// audio.recovery_s of one stream for one fault (see above). nullopt: the stream was not healthy
// before the action (not measured).
std::optional<double> AudioRecoveryS(const clients::AudioStreamStats& stats, double action_at_s, double fault_end_s);

// rejoin_s_max of one client from the run's events.
double RejoinSMax(const std::vector<RunEvent>& events, const std::string& participant, double end_s);

StreamMetrics ComputeStreamMetrics(const clients::AudioStreamStats& stats);
std::optional<double> StreamMos(const clients::AudioStreamStats& stats);

// The metrics section of result.json (streams, counters, rejoin times).
RunMetrics ComputeRunMetrics(const RunObservations& observations);

}  // namespace sfusim::scenario
