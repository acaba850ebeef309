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
// Video (one stream = (receiver, sender, source), VideoStreamObservation; `participant` is the
// receiver, `from` the sender, both sources count):
// - video.psnr_db_p50: nearest-rank median of the stream's per-frame luma-weighted PSNR samples
//   (one per decoded frame whose frame stamp was read; compared with the regenerated source frame).
//   Worst = lowest. No samples: not measured.
// - video.freeze_count / video.freeze_total_s: the receiver's freezes (clients::VideoStreamStats'
//   definition: a gap between rendered frames longer than max(150 ms, 3 x the mean frame interval)).
//   Worst = highest.
// - video.fps: rendered frames / active seconds. Worst = lowest. Nothing rendered: not measured.
// - video.delay_ms_p95: nearest-rank p95 of end-to-end delay samples (decode time - capture time).
// - video.keyframe_after_pli_ms_max: the longest time from the first PLI of an unanswered key-frame
//   request to the first decodable key frame; 0 when the stream never sent a PLI; not measured when
//   it sent PLIs but none was answered. Worst = highest.
// - video.kbps_mean: the mean of the stream's per-second received kbps over a window: with `after`
//   = A, from the first occurrence of A plus kAdaptSettleS to the next timeline action (of any kind)
//   or the end of the run; without `after`, the whole run. Worst = lowest. Received kbps is the
//   sender's send rate as the SFU forwards it, so it shows the encoder following the capacity.
// - video.kbps_end_mean: the mean per-second received kbps over the last kTailS seconds of the run
//   (the rate a stream recovered to). Worst = lowest.
// - video.first_frame_after_join_s: the stream's first rendered frame minus the receiver's first
//   voice_joined event (setup, consume, resume and the first key frame). No frame or no join: not
//   measured. Worst = highest.
// - video.key_frames_sent (sender side, `participant` = the sender): key frames its camera and
//   browser screen senders encoded (ClientCounters::video_key_frames_sent; the native sender is not
//   included). Worst = highest.
// - sfu.key_frame_requests_throttled: PLI/FIR from consumers that the SFU did not forward to the
//   producer because one was forwarded recently (its throttle). Not measured without a running SFU.
// Screen share (sender side, `participant` = the sharer):
// - screen.fallback_triggered_s: from a reference time R to the participant's first
//   fallback_triggered event at or after R. R is the first occurrence of `after` (aimed at the
//   participant when the action has one) when the SLO gives `after`, else the first encoder_faults
//   action aimed at the participant, else the start of the run (0). No such event: not measured.
//   Worst = highest.
// - screen.degradation_level_max: the highest degradation level of the participant's native
//   sender over the run (polled status and degradation_changed events). No native sender: not
//   measured. Worst = highest.
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
inline constexpr double kAdaptSettleS = 3.0;          // video.kbps_mean: the encoder's time to adapt
inline constexpr double kTailS = 5.0;                 // video.kbps_end_mean: the last seconds of the run

// Nearest-rank percentile (p in [0, 100]); nullopt for no samples.
std::optional<double> Percentile(std::vector<double> samples, double p);

// audio.recovery_s of one stream for one fault (see above). nullopt: the stream was not healthy
// before the action (not measured).
std::optional<double> AudioRecoveryS(const clients::AudioStreamStats& stats, double action_at_s, double fault_end_s);

// rejoin_s_max of one client from the run's events.
double RejoinSMax(const std::vector<RunEvent>& events, const std::string& participant, double end_s);

StreamMetrics ComputeStreamMetrics(const clients::AudioStreamStats& stats);
std::optional<double> StreamMos(const clients::AudioStreamStats& stats);

// Video metrics of one stream (see above). kbps windows are in run seconds.
std::optional<double> VideoKeyframeAfterPliMsMax(const VideoStreamObservation& v);
// Mean of the stream's "kbps" series over [from_s, to_s) (bins wholly inside). nullopt: no bin.
std::optional<double> VideoKbpsMean(const VideoStreamObservation& v, double from_s, double to_s);
// screen.fallback_triggered_s for one participant from the run's actions and events; `after` as the
// SLO's ("" = none).
std::optional<double> FallbackTriggeredS(const RunObservations& observations, const std::string& participant,
                                         const std::string& after);
StreamMetrics ComputeVideoStreamMetrics(const VideoStreamObservation& v);

// The metrics section of result.json (streams, counters, rejoin times).
RunMetrics ComputeRunMetrics(const RunObservations& observations);

}  // namespace sfusim::scenario
