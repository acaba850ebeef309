// RequestTracker: media_signal requests in flight (PROTOCOL.md §4: each times out after 10 s,
// responses match by request_id).
//
// Contract:
// - Issue() hands out a request id unique over the tracker's life ("<prefix><n>", n counting from
//   1; the tracker lives as long as the client, so ids stay unique across reconnects).
// - Complete(id) finishes a pending request exactly once: kMatched with the request; an id that
//   was issued and already finished (answered or timed out) is kAlreadyFinished; anything else is
//   kUnknown. Both are counted, never a crash.
// - ExpireUntil(now) finishes and returns every pending request whose deadline is <= now, in
//   issue order. A request therefore ends exactly once: matched or timed out.
// - At most kMaxPendingRequests in flight: Issue() beyond that returns nullopt (a limit on
//   everything; the client never needs that many).
// - Pure bookkeeping: no timers. The owner schedules a wake-up at NextDeadline().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/signaling/media_types.h"
#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

inline constexpr std::size_t kMaxPendingRequests = 1024;
inline constexpr sim::TimeDelta kMediaSignalRequestTimeout =
    sim::TimeDelta::Micros(protocol::kMediaSignalRequestTimeoutUs);

struct PendingRequest {
  std::string request_id;
  protocol::MediaAction action = protocol::MediaAction::kGetRouterRtpCapabilities;
  sim::Timestamp sent_at;
  sim::Timestamp deadline;
  uint64_t tag = 0;  // the owner's context (e.g. the signaling session the request belongs to)
};

enum class RequestMatch { kMatched, kUnknown, kAlreadyFinished };

struct RequestCompletion {
  RequestMatch match = RequestMatch::kUnknown;
  std::optional<PendingRequest> request;  // set when kMatched
};

struct RequestTrackerCounters {
  uint64_t issued = 0;
  uint64_t matched = 0;
  uint64_t timed_out = 0;
  uint64_t unknown_responses = 0;
  uint64_t late_responses = 0;  // for an id already answered or timed out
  uint64_t refused = 0;         // Issue() over kMaxPendingRequests
};

class RequestTracker {
 public:
  explicit RequestTracker(sim::TimeDelta timeout = kMediaSignalRequestTimeout, std::string prefix = "r");

  std::optional<std::string> Issue(protocol::MediaAction action, sim::Timestamp now, uint64_t tag = 0);
  RequestCompletion Complete(std::string_view request_id);
  std::vector<PendingRequest> ExpireUntil(sim::Timestamp now);

  std::optional<sim::Timestamp> NextDeadline() const;
  std::size_t pending() const { return pending_.size(); }
  const RequestTrackerCounters& counters() const { return counters_; }
  sim::TimeDelta timeout() const { return timeout_; }

 private:
  std::optional<uint64_t> ParseId(std::string_view request_id) const;

  sim::TimeDelta timeout_;
  std::string prefix_;
  uint64_t next_ = 1;
  std::map<uint64_t, PendingRequest> pending_;  // by sequence number: issue order
  RequestTrackerCounters counters_;
};

}  // namespace sfusim::clients
