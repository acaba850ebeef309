#include "sfusim/clients/video/nack_tracker.h"

#include <algorithm>

namespace sfusim::clients {

int64_t NackTracker::UnwrapNear(uint16_t seq) const {
  if (!highest_) return seq;
  // Closest to the highest seen; a step of exactly 2^15 counts as backward (as the unwrapper).
  const auto diff = static_cast<int16_t>(static_cast<uint16_t>(seq - static_cast<uint16_t>(*highest_ & 0xFFFF)));
  return *highest_ + diff;
}

NackTracker::Arrival NackTracker::OnPacket(uint16_t seq, sim::Timestamp now) {
  ++counters_.packets;
  if (!highest_) {
    highest_ = seq;
    return Arrival::kNew;
  }
  const int64_t u = UnwrapNear(seq);
  if (u > *highest_) {
    const int64_t step = u - *highest_;
    if (step > kNackMaxGapJump) {
      counters_.given_up += missing_.size();
      missing_.clear();
      ++counters_.resets;
      highest_ = u;
      return Arrival::kNew;
    }
    for (int64_t s = *highest_ + 1; s < u; ++s) {
      missing_.emplace(s, Entry{now, std::nullopt, 0});
      ++counters_.missing_found;
    }
    highest_ = u;
    Prune(now);
    return step > 1 ? Arrival::kInOrderGap : Arrival::kNew;
  }
  auto it = missing_.find(u);
  if (it == missing_.end()) return Arrival::kOld;
  const bool nacked = it->second.requests > 0;
  if (!nacked) max_reorder_ = std::max(max_reorder_, now - it->second.found);
  missing_.erase(it);
  ++counters_.recovered;
  if (nacked) {
    ++counters_.recovered_after_nack;
    return Arrival::kRetransmitted;
  }
  return Arrival::kRecovered;
}

void NackTracker::SetRtt(sim::TimeDelta rtt) { rtt_ = std::max(rtt, sim::TimeDelta::Zero()); }

void NackTracker::ForgetUpTo(uint16_t seq) {
  if (!highest_) return;
  const int64_t u = UnwrapNear(seq);
  while (!missing_.empty() && missing_.begin()->first <= u) {
    missing_.erase(missing_.begin());
    ++counters_.given_up;
  }
}

void NackTracker::Prune(sim::Timestamp now) {
  for (auto it = missing_.begin(); it != missing_.end();) {
    const bool too_old = now - it->second.found >= kNackMaxAge;
    const bool too_far = highest_ && *highest_ - it->first > kNackMaxSeqAge;
    if (too_old || too_far) {
      it = missing_.erase(it);
      ++counters_.given_up;
    } else {
      ++it;
    }
  }
  while (missing_.size() > kNackMaxListSize) {
    missing_.erase(missing_.begin());
    ++counters_.given_up;
  }
}

sim::TimeDelta NackTracker::reorder_wait() const {
  if (no_reorder_wait_) return sim::TimeDelta::Zero();
  const auto scaled = sim::TimeDelta::MillisF(max_reorder_.ms_f() * kNackReorderWaitFactor);
  return std::clamp(scaled, kNackMinReorderWait, kNackMaxReorderWait);
}

sim::TimeDelta NackTracker::retry_spacing() const { return std::max(rtt_ + kNackRetryMargin, kNackRetryFloor); }

std::optional<sim::Timestamp> NackTracker::DueTime(const Entry& e) const {
  if (e.requests >= kMaxNackRequests) return std::nullopt;
  if (e.requests == 0 || !e.last_sent) return e.found + reorder_wait();
  return *e.last_sent + retry_spacing();
}

std::vector<uint16_t> NackTracker::GetNacks(sim::Timestamp now) {
  Prune(now);
  std::vector<uint16_t> out;
  for (auto& [seq, entry] : missing_) {
    if (out.size() >= kNackMaxSeqsPerPacket) break;
    const auto due = DueTime(entry);
    if (!due || *due > now) continue;
    out.push_back(static_cast<uint16_t>(seq & 0xFFFF));
    ++entry.requests;
    entry.last_sent = now;
  }
  counters_.requests += out.size();
  return out;
}

std::optional<sim::Timestamp> NackTracker::NextDueTime() const {
  std::optional<sim::Timestamp> best;
  for (const auto& [seq, entry] : missing_) {
    const auto due = DueTime(entry);
    if (due && (!best || *due < *best)) best = due;
  }
  return best;
}

protocol::rtcp::Nack NackTracker::BuildNack(uint32_t sender_ssrc, uint32_t media_ssrc,
                                            const std::vector<uint16_t>& seqs) {
  return protocol::rtcp::Nack::FromSequenceNumbers(sender_ssrc, media_ssrc, seqs);
}

bool NackTracker::IsMissing(uint16_t seq) const {
  if (!highest_) return false;
  return missing_.count(UnwrapNear(seq)) != 0;
}

int NackTracker::RequestCount(uint16_t seq) const {
  if (!highest_) return 0;
  auto it = missing_.find(UnwrapNear(seq));
  return it == missing_.end() ? 0 : it->second.requests;
}

}  // namespace sfusim::clients
