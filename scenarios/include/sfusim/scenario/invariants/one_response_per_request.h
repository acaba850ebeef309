// OneResponsePerRequest ("one_response_per_request"): every media_signal request a client sends
// gets exactly one response or times out.
//
// Violations: two responses for one request id; a response to an id that client never sent (and
// that no raw message of its carried); a request still neither answered nor timed out at the
// end, once it is older than the request timeout plus a margin (younger ones may legitimately be
// in flight). A response after the client timed the request out is allowed (the server may be
// slow; the client counts it as late). When a client's signaling stream drops, its pending
// requests are abandoned (that connection can no longer answer them), not violations; a response
// to an id sent on the dropped connection arriving on a new one is still a violation (ids are
// per client, and the new connection never saw it).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "sfusim/scenario/invariants/invariant_checker.h"

namespace sfusim::scenario {

inline constexpr double kRequestTimeoutS = 10.0;      // PROTOCOL.md §4
inline constexpr double kPendingAtEndMarginS = 1.0;   // a request older than timeout + margin at the end
inline constexpr std::size_t kMaxTrackedRequests = 1 << 20;

class OneResponsePerRequest : public InvariantChecker {
 public:
  OneResponsePerRequest();

  void OnRequestSent(double at_s, std::string_view client, std::string_view request_id);
  // A raw message (send_raw) carried this request id: one more response to it is allowed (a storm
  // that repeats one id gets one response per copy).
  void OnRawRequestSent(double at_s, std::string_view client, std::string_view request_id);
  void OnResponse(double at_s, std::string_view client, std::string_view request_id);
  void OnTimedOut(double at_s, std::string_view client, std::string_view request_id);
  void OnDisconnected(double at_s, std::string_view client);
  void Finish(double end_s) override;

 private:
  enum class State { kPending, kAnswered, kTimedOut, kAbandoned };
  struct Request {
    double sent_at_s = 0;
    State state = State::kPending;
    bool raw = false;
    uint64_t raw_outstanding = 0;  // raw copies sent and not answered yet
  };
  using Key = std::pair<std::string, std::string>;  // (client, request id)
  std::map<Key, Request, std::less<>> requests_;
};

}  // namespace sfusim::scenario
