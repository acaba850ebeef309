// JitterBuffer: the adaptive playout buffer of one Opus stream (pure logic, no decoding).
//
// Contract:
// - Insert() takes a packet (already parsed) with its arrival time and says what became of it:
//   kInserted, kDuplicate (seq seen before, among the last kSeqHistory), kLate (its slot was
//   already played), kOverflow (buffer full: kMaxPackets), kBeforeStart is not a thing: the first
//   packet starts playout at arrival + kInitialTargetDelay (aligned to nothing else).
// - NextFrame(now) is called once per 20 ms playout tick and returns the decision for the slot:
//     normal     the packet of the slot is there;
//     fec        it is missing, a later packet proves it was lost (seq gap), and the packet right
//                after it (seq + 1, timestamp + 960) is there: decode that packet's in-band FEC;
//     concealed  it is missing and lost (seq gap, no FEC packet), or the buffer ran dry while the
//                sender was talking (last packet's audio-level VAD flag set, or no audio level),
//                for at most kMaxEmptyConcealFrames slots in a row;
//     no_data    before the first packet; a timestamp gap without a seq gap (DTX or muted
//                silence: the sender sent nothing); the buffer ran dry while the sender was silent;
//                the buffer stayed dry for more than kMaxEmptyConcealFrames slots (the stream
//                stopped or an outage: libopus's PLC has faded to silence by then; the packets
//                missed are still counted lost when the stream resumes with a seq gap).
//   Frames are assumed to be 20 ms (960 timestamp units), which is what our senders send. The
//   slot's packet is the one within half a frame of the playout position (the position snaps to
//   it), so a stream whose timestamps moved off the grid is followed; a packet half a frame or
//   more behind the position is late.
// - Adaptation: target delay = clamp(p95 of the relative transit delay over the last
//   kDelayWindowPackets packets (transit minus its minimum) + kTargetMargin, kMinTargetDelay,
//   kMaxTargetDelay). The buffer delay grows by one frame when the slot's packet is missing and the
//   delay is below target (the slot is concealed, or no_data if the sender was silent, without
//   advancing: the late packet can still play); a loss burst alone never grows it. It shrinks
//   by one frame when it exceeds target + kShrinkHysteresis and the slot's packet is silence (VAD
//   flag clear) and the next packet is there: the silent frame is dropped (dropped frames count);
//   and when the buffer delay is below target - kShrinkHysteresis at a silent packet, one
//   no_data frame is inserted before it (the delay grows by one frame, inaudibly).
// - Resync: kResyncLatePackets late packets in a row (the sender's clock jumped, e.g. a restarted
//   stream with the same SSRC) restart the buffer from the packet that arrived.
// - Lost packets are counted when a later packet is consumed (seq gap): a late packet is also lost.
// - use_fec = false (the stream has no in-band FEC): the fec case becomes concealed.
// - buffer_delay() is the current playout offset minus the smallest transit seen: with a constant
//   network delay D, a frame plays D + buffer_delay() after it was captured/sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "sfusim/clients/audio/audio_format.h"
#include "sfusim/clients/audio/audio_stream_stats.h"
#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

struct JitterPacket {
  uint16_t sequence_number = 0;
  uint32_t timestamp = 0;
  bool marker = false;
  std::optional<bool> voice_activity;          // ssrc-audio-level VAD flag, when present
  std::optional<sim::Timestamp> capture_time;  // abs-capture-time, when present
  sim::Timestamp arrival;
  std::vector<uint8_t> payload;
};

class JitterBuffer {
 public:
  static constexpr sim::TimeDelta kMinTargetDelay = sim::TimeDelta::Millis(40);  // tick phase + FEC lookahead
  static constexpr sim::TimeDelta kInitialTargetDelay = sim::TimeDelta::Millis(60);
  static constexpr sim::TimeDelta kMaxTargetDelay = sim::TimeDelta::Millis(500);
  static constexpr sim::TimeDelta kTargetMargin = sim::TimeDelta::Millis(40);
  static constexpr sim::TimeDelta kShrinkHysteresis = sim::TimeDelta::Millis(20);
  static constexpr size_t kDelayWindowPackets = 100;  // 2 s of 20 ms packets
  static constexpr double kDelayPercentile = 95;
  static constexpr size_t kMaxPackets = 64;  // > kMaxTargetDelay / 20 ms + margin
  static constexpr int64_t kSeqHistory = 1024;
  static constexpr uint32_t kFrameTimestampUnits = kAudioFrameSamples;
  static constexpr int kResyncLatePackets = 10;
  static constexpr int kMaxEmptyConcealFrames = 10;  // 200 ms

  enum class InsertResult { kInserted, kDuplicate, kLate, kOverflow };

  struct Frame {
    FrameStatus status = FrameStatus::kNoData;
    // kNormal: the slot's packet; kFec: the packet after it (decode its FEC); otherwise empty.
    std::optional<JitterPacket> packet;
    bool dropped_one = false;  // a silent frame was skipped before this one (buffer shrink)
    uint64_t newly_lost = 0;   // packets declared lost by this decision (seq gap)
  };

  explicit JitterBuffer(bool use_fec = true) : use_fec_(use_fec) {}

  InsertResult Insert(JitterPacket packet);
  Frame NextFrame(sim::Timestamp now);

  bool started() const { return started_; }
  // When the first playout tick is due (first arrival + kInitialTargetDelay); meaningful once started.
  sim::Timestamp first_playout_time() const { return first_playout_; }
  sim::TimeDelta target_delay() const { return target_delay_; }
  sim::TimeDelta buffer_delay() const { return offset_ - min_transit_; }
  size_t size() const { return packets_.size(); }
  // Inserted packets that left the buffer without being played or dropped by a shrink: left behind
  // the playout position, cleared by a resync, or replaced by another packet with the same
  // timestamp. With dropped frames, played packets and size(), this closes the packet ledger.
  uint64_t discarded() const { return discarded_; }
  uint64_t resyncs() const { return resyncs_; }

 private:
  // Extended (unwrapped) timestamp / seq relative to the first packet.
  int64_t ExtendTimestamp(uint32_t ts);
  int64_t ExtendSeq(uint16_t seq);
  sim::TimeDelta TsToTime(int64_t ext_ts) const { return sim::TimeDelta::Micros(ext_ts * 1000 / 48); }
  void UpdateTarget();

  void Reset();

  bool use_fec_ = true;
  uint64_t discarded_ = 0;
  bool started_ = false;
  int consecutive_late_ = 0;
  int empty_conceal_run_ = 0;
  uint64_t resyncs_ = 0;
  sim::Timestamp first_playout_;
  int64_t last_ext_ts_ = 0;
  int64_t last_ext_seq_ = 0;
  uint32_t last_ts_ = 0;
  uint16_t last_seq_ = 0;
  // Playout position: the extended timestamp of the next slot to play and the offset between
  // "media time" (TsToTime) and playout time.
  int64_t playout_ts_ = 0;
  sim::TimeDelta offset_;
  sim::TimeDelta min_transit_;
  sim::TimeDelta target_delay_ = kInitialTargetDelay;
  int64_t last_played_seq_ = -1;  // extended seq of the last packet consumed (played or FEC'd over)
  bool last_voice_ = true;        // VAD flag of the last packet consumed
  std::map<int64_t, std::pair<int64_t, JitterPacket>> packets_;  // ext ts -> (ext seq, packet)
  std::vector<int64_t> seq_seen_ = std::vector<int64_t>(kSeqHistory, -1);
  std::deque<int64_t> transit_us_;  // recent transit delays (arrival - media time)
  std::vector<int64_t> sorted_transit_us_;  // the same values kept sorted (an order statistic per packet)
};

}  // namespace sfusim::clients
