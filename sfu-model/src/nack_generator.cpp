#include "sfusim/sfu/nack_generator.h"

#include <algorithm>
#include <limits>

namespace sfusim::sfu {

NackGenerator::NackGenerator() : entries_(kNackHistory) {}

void NackGenerator::Clear() {
  for (Entry& e : entries_) {
    if (e.ext_seq >= 0) {
      e.ext_seq = -1;
      ++counters_.given_up;
    }
  }
  missing_ = 0;
}

NackGenerator::Arrival NackGenerator::OnPacket(uint16_t sequence_number, int64_t now_us) {
  const int64_t ext = unwrapper_.Unwrap(sequence_number);
  if (ext < 0) return Arrival::kOld;  // only after stepping back a whole cycle: nothing tracked
  if (!highest_) {
    highest_ = ext;
    return Arrival::kInOrder;
  }
  if (ext > *highest_) {
    const int64_t gap = ext - *highest_ - 1;
    if (gap > kNackMaxGap) {
      Clear();
    } else {
      for (int64_t s = *highest_ + 1; s <= ext; ++s) {
        Entry& e = Slot(s);
        if (e.ext_seq >= 0) {  // kNackHistory behind: too old to repair
          Free(e);
          ++counters_.given_up;
        }
        if (s == ext) break;
        e.ext_seq = s;
        e.missing_since_us = now_us;
        e.last_sent_us = 0;
        e.retries = 0;
        ++missing_;
      }
    }
    highest_ = ext;
    return Arrival::kInOrder;
  }
  if (*highest_ - ext >= static_cast<int64_t>(entries_.size())) return Arrival::kOld;
  Entry& e = Slot(ext);
  if (e.ext_seq != ext) return Arrival::kOld;
  const bool nacked = e.retries > 0;
  if (nacked) {
    ++counters_.recovered;
    if (e.retries == 1) {
      // Unambiguous: the NACK -> retransmission time is one round trip.
      const int64_t sample = std::clamp<int64_t>(now_us - e.last_sent_us, 0, kNackMaxRttUs);
      rtt_us_ = rtt_learnt_ ? rtt_us_ + (sample - rtt_us_) / 8 : sample;
      rtt_learnt_ = true;
    }
  } else {
    ++counters_.reordered;
  }
  Free(e);
  return nacked ? Arrival::kRecovered : Arrival::kReordered;
}

int64_t NackGenerator::retry_interval_us() const {
  return std::max(kNackMinRetryIntervalUs, rtt_us_ + rtt_us_ / 4);
}

void NackGenerator::SetRtt(int64_t rtt_us) {
  rtt_us_ = std::clamp<int64_t>(rtt_us, 0, kNackMaxRttUs);
  rtt_learnt_ = true;
}

void NackGenerator::Collect(int64_t now_us, std::vector<uint16_t>& out) {
  if (missing_ == 0 || !highest_) return;
  const int64_t retry = retry_interval_us();
  std::size_t added = 0;
  const int64_t oldest = std::max<int64_t>(0, *highest_ - static_cast<int64_t>(entries_.size()) + 1);
  for (int64_t s = oldest; s < *highest_ && added < kNackMaxPerCollect; ++s) {
    Entry& e = Slot(s);
    if (e.ext_seq != s) continue;
    const bool due = e.retries == 0 ? now_us - e.missing_since_us >= kNackReorderWaitUs
                                    : now_us - e.last_sent_us >= retry;
    if (!due) continue;
    if (e.retries >= kNackMaxRetries) {
      Free(e);
      ++counters_.given_up;
      continue;
    }
    ++e.retries;
    e.last_sent_us = now_us;
    out.push_back(static_cast<uint16_t>(s));
    ++added;
    ++counters_.nacked;
  }
}

std::optional<int64_t> NackGenerator::NextDueUs() const {
  if (missing_ == 0 || !highest_) return std::nullopt;
  const int64_t retry = retry_interval_us();
  int64_t next = std::numeric_limits<int64_t>::max();
  for (const Entry& e : entries_) {
    if (e.ext_seq < 0) continue;
    next = std::min(next, e.retries == 0 ? e.missing_since_us + kNackReorderWaitUs : e.last_sent_us + retry);
  }
  return next;
}

}  // namespace sfusim::sfu
