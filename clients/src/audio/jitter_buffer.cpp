#include "sfusim/clients/audio/jitter_buffer.h"

#include <algorithm>
#include <iterator>

namespace sfusim::clients {
namespace {

constexpr int64_t kHalfFrame = JitterBuffer::kFrameTimestampUnits / 2;

size_t HistorySlot(int64_t ext_seq) {
  const int64_t n = JitterBuffer::kSeqHistory;
  return static_cast<size_t>(((ext_seq % n) + n) % n);
}

}  // namespace

void JitterBuffer::Reset() {
  started_ = false;
  consecutive_late_ = 0;
  discarded_ += packets_.size();
  packets_.clear();
  std::fill(seq_seen_.begin(), seq_seen_.end(), -1);
  transit_us_.clear();
  sorted_transit_us_.clear();
  target_delay_ = kInitialTargetDelay;
  last_played_seq_ = -1;
  last_voice_ = true;
  empty_conceal_run_ = 0;
}

int64_t JitterBuffer::ExtendTimestamp(uint32_t ts) {
  const int64_t ext = last_ext_ts_ + static_cast<int32_t>(ts - last_ts_);
  if (ext > last_ext_ts_) {
    last_ext_ts_ = ext;
    last_ts_ = ts;
  }
  return ext;
}

int64_t JitterBuffer::ExtendSeq(uint16_t seq) {
  const int64_t ext = last_ext_seq_ + static_cast<int16_t>(static_cast<uint16_t>(seq - last_seq_));
  if (ext > last_ext_seq_) {
    last_ext_seq_ = ext;
    last_seq_ = seq;
  }
  return ext;
}

void JitterBuffer::UpdateTarget() {
  // Runs once per packet: the window is kept sorted as packets come and go (Insert), so the minimum
  // and the percentile are read off directly.
  const std::vector<int64_t>& sorted = sorted_transit_us_;
  const int64_t min = sorted.front();
  const size_t rank = std::clamp<size_t>(
      static_cast<size_t>(kDelayPercentile / 100.0 * static_cast<double>(sorted.size()) + 0.999999), 1, sorted.size());
  const auto at_rank = sorted.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  min_transit_ = sim::TimeDelta::Micros(min);
  target_delay_ = std::clamp(sim::TimeDelta::Micros(*at_rank - min) + kTargetMargin, kMinTargetDelay, kMaxTargetDelay);
}

JitterBuffer::InsertResult JitterBuffer::Insert(JitterPacket packet) {
  if (!started_) {
    started_ = true;
    last_ts_ = packet.timestamp;
    last_seq_ = packet.sequence_number;
    last_ext_ts_ = 0;
    last_ext_seq_ = 0;
    playout_ts_ = 0;
    last_played_seq_ = -1;
    const sim::TimeDelta transit = packet.arrival - sim::Timestamp::Zero();
    min_transit_ = transit;
    offset_ = transit + kInitialTargetDelay;
    first_playout_ = packet.arrival + kInitialTargetDelay;
  }
  const int64_t ext_ts = ExtendTimestamp(packet.timestamp);
  const int64_t ext_seq = ExtendSeq(packet.sequence_number);
  const size_t slot = HistorySlot(ext_seq);
  if (seq_seen_[slot] == ext_seq) return InsertResult::kDuplicate;
  // Late packets count most: they are what the target delay must cover.
  const int64_t transit_us = (packet.arrival - sim::Timestamp::Zero() - TsToTime(ext_ts)).us();
  transit_us_.push_back(transit_us);
  sorted_transit_us_.insert(std::upper_bound(sorted_transit_us_.begin(), sorted_transit_us_.end(), transit_us),
                            transit_us);
  if (transit_us_.size() > kDelayWindowPackets) {
    sorted_transit_us_.erase(
        std::lower_bound(sorted_transit_us_.begin(), sorted_transit_us_.end(), transit_us_.front()));
    transit_us_.pop_front();
  }
  UpdateTarget();
  if (ext_ts <= playout_ts_ - kHalfFrame || ext_seq <= last_played_seq_) {
    seq_seen_[slot] = ext_seq;
    if (++consecutive_late_ >= kResyncLatePackets) {
      ++resyncs_;
      Reset();
      return Insert(std::move(packet));
    }
    return InsertResult::kLate;
  }
  consecutive_late_ = 0;
  if (packets_.size() >= kMaxPackets) return InsertResult::kOverflow;
  seq_seen_[slot] = ext_seq;
  if (!packets_.insert_or_assign(ext_ts, std::make_pair(ext_seq, std::move(packet))).second) ++discarded_;
  return InsertResult::kInserted;
}

JitterBuffer::Frame JitterBuffer::NextFrame(sim::Timestamp now) {
  Frame f;
  if (!started_) return f;
  offset_ = (now - sim::Timestamp::Zero()) - TsToTime(playout_ts_);
  const auto stale_end = packets_.lower_bound(playout_ts_ - kHalfFrame + 1);
  discarded_ += static_cast<uint64_t>(std::distance(packets_.begin(), stale_end));
  packets_.erase(packets_.begin(), stale_end);

  // The slot's packet: within half a frame of the playout position. A sender whose timestamps
  // moved off our 960-unit grid (restarted off-grid) is followed: the position snaps to it.
  auto it = packets_.lower_bound(playout_ts_ - kHalfFrame + 1);
  if (it != packets_.end() && it->first < playout_ts_ + kHalfFrame) {
    playout_ts_ = it->first;
  } else {
    it = packets_.end();
  }
  if (!packets_.empty()) empty_conceal_run_ = 0;
  if (it != packets_.end()) {
    const bool silent = it->second.second.voice_activity.has_value() && !*it->second.second.voice_activity;
    if (silent && buffer_delay() < target_delay_ - kShrinkHysteresis) {
      // Grow: play one frame of silence before this packet (it plays at the next tick).
      f.status = FrameStatus::kNoData;
      return f;
    }
    if (silent && buffer_delay() > target_delay_ + kShrinkHysteresis &&
        packets_.count(playout_ts_ + kFrameTimestampUnits) != 0) {
      // Shrink: skip this silent frame.
      const int64_t seq = it->second.first;
      if (last_played_seq_ >= 0 && seq > last_played_seq_ + 1)
        f.newly_lost += static_cast<uint64_t>(seq - last_played_seq_ - 1);
      last_played_seq_ = seq;
      packets_.erase(it);
      playout_ts_ += kFrameTimestampUnits;
      offset_ -= kAudioFrameDuration;
      f.dropped_one = true;
      it = packets_.find(playout_ts_);
    }
    const int64_t seq = it->second.first;
    if (last_played_seq_ >= 0 && seq > last_played_seq_ + 1)
      f.newly_lost += static_cast<uint64_t>(seq - last_played_seq_ - 1);
    last_played_seq_ = seq;
    last_voice_ = it->second.second.voice_activity.value_or(true);
    f.status = FrameStatus::kNormal;
    f.packet = std::move(it->second.second);
    packets_.erase(it);
    playout_ts_ += kFrameTimestampUnits;
    return f;
  }

  auto next = packets_.lower_bound(playout_ts_);
  if (next != packets_.end()) {
    const int64_t next_seq = next->second.first;
    if (last_played_seq_ >= 0 && next_seq == last_played_seq_ + 1) {
      // A timestamp gap without a sequence gap: the sender sent nothing for this slot (DTX/mute).
      f.status = FrameStatus::kNoData;
    } else if (buffer_delay() + kAudioFrameDuration <= target_delay_) {
      // Missing, maybe only late, and the observed jitter asks for more delay: wait a frame.
      f.status = last_voice_ ? FrameStatus::kConcealed : FrameStatus::kNoData;
      return f;
    } else if (use_fec_ && next->first == playout_ts_ + kFrameTimestampUnits) {
      // The slot's packet is lost and the next one carries its in-band FEC.
      f.status = FrameStatus::kFec;
      f.packet = next->second.second;
      if (last_played_seq_ >= 0 && next_seq - 1 > last_played_seq_) {
        f.newly_lost += static_cast<uint64_t>(next_seq - 1 - last_played_seq_);
      }
      last_played_seq_ = next_seq - 1;
    } else {
      f.status = FrameStatus::kConcealed;
    }
    playout_ts_ += kFrameTimestampUnits;
    return f;
  }

  // Nothing buffered.
  if (last_voice_ && ++empty_conceal_run_ <= kMaxEmptyConcealFrames) {
    f.status = FrameStatus::kConcealed;
    // Stretch (wait for the packet, the delay grows a frame) only when the observed jitter asks for
    // more delay: a loss burst empties the buffer too, and must not inflate the delay.
    if (buffer_delay() + kAudioFrameDuration <= target_delay_) return f;
  } else {
    f.status = FrameStatus::kNoData;
  }
  playout_ts_ += kFrameTimestampUnits;
  return f;
}

}  // namespace sfusim::clients
