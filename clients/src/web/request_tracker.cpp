#include "sfusim/clients/request_tracker.h"

#include <charconv>

namespace sfusim::clients {

RequestTracker::RequestTracker(sim::TimeDelta timeout, std::string prefix)
    : timeout_(timeout), prefix_(std::move(prefix)) {}

std::optional<std::string> RequestTracker::Issue(protocol::MediaAction action, sim::Timestamp now, uint64_t tag) {
  if (pending_.size() >= kMaxPendingRequests) {
    ++counters_.refused;
    return std::nullopt;
  }
  const uint64_t n = next_++;
  PendingRequest r{prefix_ + std::to_string(n), action, now, now + timeout_, tag};
  std::string id = r.request_id;
  pending_.emplace(n, std::move(r));
  ++counters_.issued;
  return id;
}

std::optional<uint64_t> RequestTracker::ParseId(std::string_view request_id) const {
  if (request_id.size() <= prefix_.size() || request_id.substr(0, prefix_.size()) != prefix_) return std::nullopt;
  std::string_view digits = request_id.substr(prefix_.size());
  if (digits.front() == '0') return std::nullopt;  // ids are written without leading zeros
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return n;
}

RequestCompletion RequestTracker::Complete(std::string_view request_id) {
  const std::optional<uint64_t> n = ParseId(request_id);
  if (!n || *n >= next_) {
    ++counters_.unknown_responses;
    return {RequestMatch::kUnknown, std::nullopt};
  }
  auto it = pending_.find(*n);
  if (it == pending_.end()) {
    ++counters_.late_responses;
    return {RequestMatch::kAlreadyFinished, std::nullopt};
  }
  RequestCompletion c{RequestMatch::kMatched, std::move(it->second)};
  pending_.erase(it);
  ++counters_.matched;
  return c;
}

std::vector<PendingRequest> RequestTracker::ExpireUntil(sim::Timestamp now) {
  std::vector<PendingRequest> expired;
  // Deadlines grow with issue order (one timeout for all), but do not rely on it.
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline <= now) {
      expired.push_back(std::move(it->second));
      it = pending_.erase(it);
      ++counters_.timed_out;
    } else {
      ++it;
    }
  }
  return expired;
}

std::optional<sim::Timestamp> RequestTracker::NextDeadline() const {
  std::optional<sim::Timestamp> best;
  for (const auto& [n, r] : pending_) {
    if (!best || r.deadline < *best) best = r.deadline;
  }
  return best;
}

}  // namespace sfusim::clients
