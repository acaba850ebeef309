// VideoStreamStats: what one receiver measured of one remote video source (camera or screen) over
// a whole run. Owned by the web client (keyed "<username>/<camera|screen>") and handed to each
// VideoReceiver by pointer, so it survives receiver re-creation across reconnects/re-consumes.
// Plain data plus small accessors: the runner only reads it.
//
// Definitions (one per metric):
// - packets_received: RTP packets accepted (right SSRC/pt, parsable, not a duplicate), including
//   retransmissions. packets_retransmitted_received: those of them whose seq had been NACKed.
//   packets_lost: packets the receiver gave up on (never arrived within the packet-buffer wait or
//   were pushed out of a bound). packets_duplicate: a seq already held or already handed on;
//   packets_late: a seq that arrived after the receiver had given up on it (not in received).
//   packets_depacketized: accepted packets handed to the depacketizer (in seq order).
//   packets_discarded: accepted packets still held (waiting for a gap) when their receiver was
//   stopped or destroyed, so never depacketized. Ledger: packets_received = packets_depacketized
//   + packets_discarded + the packets a live receiver still holds (at most kPacketBufferMaxPackets + 1).
// - frames_received: access units completed from packets (all their packets present).
//   frames_decoded: access units the decoder turned into a picture (= rendered frames).
//   frames_lost: access units given up because packets were missing.
//   frames_skipped: complete access units not decoded because the receiver was waiting for a key
//   frame after a loss or a decode error. decode_errors: access units the decoder rejected.
//   frames_no_output: access units the decoder accepted without returning a picture (a decoder
//   with output delay; OpenH264 in our configuration has none). Ledger: frames_received =
//   frames_decoded + frames_skipped + decode_errors + frames_no_output, exactly.
//   key_frames: decoded IDR access units.
// - nacks_sent: sequence numbers requested (a retry counts again); nack_packets: NACK RTCP packets;
//   plis_sent: PLI RTCP packets (first and repeated).
// - psnr_db: one sample per decoded frame whose FrameStamp was read: PSNR (luma, PsnrY) of the
//   decoded picture against SyntheticVideoSource::Render(stamp, decoded w, decoded h).
//   stamp_unreadable: decoded frames whose stamp could not be read (no PSNR sample).
// - delay_ms: one sample per decoded frame that carried abs-capture-time: decode time (the
//   simulated time the frame was decoded = rendered) - capture time, in ms.
// - render_times_us: the simulated time of every rendered frame (bounded, kMaxRenderTimes).
// - Freeze: a gap between two consecutive rendered frames longer than
//   max(kFreezeMinGap = 150 ms, kFreezeMeanIntervalFactor = 3 x the mean inter-frame interval of
//   the gaps before it); the gap itself is the freeze's duration. freeze_count, freeze_total
//   (sum of durations) and freeze_durations_ms (bounded). The very first gap is not judged (there
//   is no mean yet: a 5 fps screen share's first 200 ms gap is no freeze). Gaps longer than
//   kFpsInactiveGap (the stream was away: no consumer, reconnect) are neither freezes nor part of
//   the mean, and are counted in `absences`.
// - received_fps(): rendered frames per active second = (number of inter-frame gaps counted in the
//   mean) / (their total duration). 0 with fewer than two rendered frames.
// - key_frame_after_pli_ms: one sample per answered key-frame request: from the first PLI of a
//   request (repeats of the same request do not restart the clock) to the decode of the first key
//   frame after it.
// - seconds: per-second bins indexed by absolute simulated second (bin i covers [i s, i+1 s)):
//   kbps (RTP bytes received x 8 / 1000), fps (frames rendered in the bin), psnr_db (mean of the
//   bin's PSNR samples, nullopt if none), delay_ms (mean of the bin's delay samples, nullopt if none).
// - last_width/last_height: resolution of the last decoded frame (0 before any).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sfusim/clients/video/video_receive_constants.h"
#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

struct VideoSecondBin {
  uint64_t bytes_received = 0;  // RTP bytes (plaintext, header included) that arrived in this second
  uint32_t frames_rendered = 0;
  uint32_t psnr_samples = 0;
  double psnr_sum_db = 0;
  uint32_t delay_samples = 0;
  double delay_sum_ms = 0;
  double kbps() const { return static_cast<double>(bytes_received) * 8.0 / 1000.0; }
  std::optional<double> mean_psnr_db() const;
  std::optional<double> mean_delay_ms() const;
};

// Gaps between rendered frames longer than this mean the stream was absent (not a freeze).
inline constexpr sim::TimeDelta kFpsInactiveGap = sim::TimeDelta::Seconds(5);

struct VideoStreamStats {
  static constexpr size_t kMaxSamples = 30 * 3600 * 6;  // 6 h at 30 fps, per sample vector
  static constexpr size_t kMaxRenderTimes = 30 * 3600 * 6;
  static constexpr size_t kMaxFreezeDurations = 100000;
  static constexpr size_t kMaxSecondBins = 3600 * 6;

  // Packets
  uint64_t packets_received = 0;
  uint64_t packets_retransmitted_received = 0;
  uint64_t packets_lost = 0;
  uint64_t packets_duplicate = 0;
  uint64_t packets_late = 0;     // arrived after the receiver had given up on them (not counted received)
  uint64_t packets_invalid = 0;  // unparsable, wrong pt/ssrc, bad H.264 payload
  uint64_t packets_depacketized = 0;
  uint64_t packets_discarded = 0;  // held when the receiver stopped (never depacketized)
  uint64_t bytes_received = 0;
  std::optional<sim::Timestamp> last_packet_time;

  // Frames
  uint64_t frames_received = 0;
  uint64_t frames_decoded = 0;
  uint64_t frames_lost = 0;
  uint64_t frames_skipped = 0;
  uint64_t decode_errors = 0;
  uint64_t frames_no_output = 0;
  uint64_t key_frames = 0;
  uint64_t stamp_unreadable = 0;

  // Feedback
  uint64_t nacks_sent = 0;
  uint64_t nack_packets = 0;
  uint64_t plis_sent = 0;

  // Samples
  std::vector<float> psnr_db;
  std::vector<float> delay_ms;
  std::vector<float> key_frame_after_pli_ms;
  std::vector<int64_t> render_times_us;

  // Freezes and frame rate
  uint64_t freeze_count = 0;
  sim::TimeDelta freeze_total = sim::TimeDelta::Zero();
  std::vector<float> freeze_durations_ms;
  uint64_t absences = 0;
  uint64_t frames_rendered = 0;                            // == frames_decoded when fed by VideoReceiver
  uint64_t intervals_counted = 0;                          // gaps in the mean (not absences)
  sim::TimeDelta intervals_total = sim::TimeDelta::Zero();  // their sum
  std::optional<sim::Timestamp> last_render_time;

  int last_width = 0;
  int last_height = 0;
  uint32_t receivers = 0;  // VideoReceivers that wrote here (1 + re-creations)

  std::vector<VideoSecondBin> seconds;

  // --- Recording (used by VideoReceiver; public so tests and tools can build stats too) ---
  void RecordPacket(sim::Timestamp at, size_t bytes, bool retransmitted);
  // A decoded (rendered) frame: updates freezes, fps, bins, samples and the resolution.
  void RecordRenderedFrame(sim::Timestamp at, int width, int height, std::optional<double> psnr_db,
                           std::optional<double> delay_ms);
  void RecordKeyFrameAfterPli(sim::TimeDelta elapsed);
  VideoSecondBin& BinAt(sim::Timestamp at);  // grows `seconds` (bounded: the last bin absorbs overflow)

  // --- Accessors ---
  double received_fps() const;
  // max(kFreezeMinGap, 3 x mean interval so far): the gap above which the next gap is a freeze
  // (kFreezeMinGap before any interval; the first gap is not judged).
  sim::TimeDelta freeze_threshold() const;
  std::optional<double> mean_interval_ms() const;
  double freeze_total_ms() const { return freeze_total.ms_f(); }
  // Nearest-rank percentile (p in [0, 100]); nullopt when there are no samples.
  static std::optional<double> Percentile(const std::vector<float>& samples, double p);
  static std::optional<double> Mean(const std::vector<float>& samples);
  std::optional<double> psnr_percentile(double p) const { return Percentile(psnr_db, p); }
  std::optional<double> delay_percentile(double p) const { return Percentile(delay_ms, p); }
  std::optional<double> key_frame_after_pli_percentile(double p) const {
    return Percentile(key_frame_after_pli_ms, p);
  }
  std::optional<double> mean_psnr_db() const { return Mean(psnr_db); }
  std::optional<double> mean_delay_ms() const { return Mean(delay_ms); }
  // Per-second series, one entry per bin of `seconds` (bins with no sample give nullopt for psnr
  // and delay; kbps and fps are 0 there).
  std::vector<double> kbps_series() const;
  std::vector<double> fps_series() const;
  std::vector<std::optional<double>> psnr_db_series() const;
  std::vector<std::optional<double>> delay_ms_series() const;
};

}  // namespace sfusim::clients
