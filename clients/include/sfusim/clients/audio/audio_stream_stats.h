// AudioStreamStats: what one receiver measured of one remote sender over a whole run. It is owned
// by the web client (keyed by remote username) and handed to each AudioReceiver by pointer, so it
// survives receiver re-creation across reconnects and re-consumes.
//
// Contract:
// - frame_log holds one byte (a FrameStatus) per 20 ms playout slot starting at first_slot_time;
//   slots between two receivers' lifetimes are filled with kNoData, so index i is always the slot
//   at first_slot_time + i * 20 ms. Bounded by kMaxFrameLogSlots (then frames are counted only).
// - delay_ms: one mouth-to-ear sample per normally decoded frame (playout time - abs-capture-time),
//   bounded by kMaxDelaySamples.
// - seconds: per-second bins indexed by absolute simulated second (bin i covers [i s, i+1 s)).
// - Packet ledger: every inserted packet (packets_received) is played normally (frames_normal +
//   frames_undecodable), dropped by a shrink (frames_dropped), discarded (packets_discarded), or
//   still in a live receiver's jitter buffer (at most JitterBuffer::kMaxPackets).
// - concealed_ratio() = concealed / (normal + fec + concealed): frames that should have carried
//   audio and were concealed; no_data frames (before the first packet, DTX/mute silence, nothing
//   arriving while the sender was silent) are outside the ratio.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

enum class FrameStatus : uint8_t { kNoData = 0, kNormal = 1, kFec = 2, kConcealed = 3 };
const char* FrameStatusName(FrameStatus s);

struct AudioSecondBin {
  uint64_t bytes_received = 0;  // RTP bytes (plaintext) that arrived in this second
  uint32_t frames_concealed = 0;
  uint32_t delay_samples = 0;
  double delay_sum_ms = 0;
  double mean_delay_ms() const { return delay_samples ? delay_sum_ms / delay_samples : 0.0; }
};

struct AudioStreamStats {
  static constexpr size_t kMaxFrameLogSlots = 50 * 3600 * 6;  // 6 h of 20 ms slots
  static constexpr size_t kMaxDelaySamples = 50 * 3600 * 6;
  static constexpr size_t kMaxSecondBins = 3600 * 6;

  uint64_t frames_normal = 0;
  uint64_t frames_fec = 0;
  uint64_t frames_concealed = 0;
  uint64_t frames_no_data = 0;
  uint64_t frames_dropped = 0;  // decoded-never frames skipped to shrink the buffer (silence only)

  std::optional<sim::Timestamp> first_slot_time;
  std::vector<uint8_t> frame_log;
  std::vector<float> delay_ms;

  uint64_t packets_received = 0;  // unique, in time, any status
  uint64_t packets_lost = 0;      // not there when their slot was played (late ones included)
  uint64_t packets_late = 0;      // arrived after their playout slot (discarded)
  uint64_t packets_overflow = 0;  // discarded because the jitter buffer was full
  uint64_t packets_duplicate = 0;
  uint64_t packets_invalid = 0;  // unparsable, wrong pt, undecodable
  uint64_t frames_undecodable = 0;  // a played packet the decoder rejected (played as concealed)
  // Inserted packets that were never played: discarded by the jitter buffer (JitterBuffer::discarded)
  // or still buffered when their receiver stopped or was destroyed.
  uint64_t packets_discarded = 0;
  uint64_t bytes_received = 0;
  uint32_t receivers = 0;  // AudioReceivers that wrote here (1 + re-creations)
  std::optional<sim::Timestamp> last_packet_time;  // arrival of the last accepted packet

  std::vector<AudioSecondBin> seconds;

  // Recording helpers used by AudioReceiver (public so tests and tools can build stats too).
  void RecordFrame(sim::Timestamp slot_time, FrameStatus status, std::optional<double> delay_ms);
  void RecordBytes(sim::Timestamp at, size_t bytes);
  AudioSecondBin& BinAt(sim::Timestamp at);  // grows `seconds` (bounded: the last bin absorbs overflow)

  uint64_t frames_total() const { return frames_normal + frames_fec + frames_concealed + frames_no_data; }
  double concealed_ratio() const;
  // Nearest-rank percentile (p in [0, 100]) of delay_ms; nullopt when there are no samples.
  std::optional<double> delay_percentile(double p) const;
  std::optional<double> mean_delay_ms() const;
  // Mean length of runs of consecutive kConcealed slots in frame_log (0 when none).
  double mean_concealed_burst() const;
};

}  // namespace sfusim::clients
