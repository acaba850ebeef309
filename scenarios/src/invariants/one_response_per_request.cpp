#include "sfusim/scenario/invariants/one_response_per_request.h"

#include <cstdio>

namespace sfusim::scenario {
namespace {

std::string Describe(std::string_view client, std::string_view id) {
  return std::string(client) + "'s request " + std::string(id);
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

}  // namespace

OneResponsePerRequest::OneResponsePerRequest() : InvariantChecker("one_response_per_request") {}

void OneResponsePerRequest::OnRequestSent(double at_s, std::string_view client, std::string_view request_id) {
  if (requests_.size() >= kMaxTrackedRequests) return;
  Key key{std::string(client), std::string(request_id)};
  auto it = requests_.find(key);
  if (it != requests_.end() && it->second.state == State::kPending) {
    Violate(at_s, Describe(client, request_id) + " was sent again while the first was still pending");
  }
  requests_[key] = Request{at_s, State::kPending, false};
}

void OneResponsePerRequest::OnRawRequestSent(double at_s, std::string_view client, std::string_view request_id) {
  if (requests_.size() >= kMaxTrackedRequests) return;
  Request& r = requests_[Key{std::string(client), std::string(request_id)}];
  r.sent_at_s = at_s;
  r.state = State::kPending;
  r.raw = true;
  ++r.raw_outstanding;
}

void OneResponsePerRequest::OnResponse(double at_s, std::string_view client, std::string_view request_id) {
  auto it = requests_.find(Key{std::string(client), std::string(request_id)});
  if (it == requests_.end()) {
    Violate(at_s, "a response to " + Describe(client, request_id) + ", which it never sent");
    return;
  }
  Request& r = it->second;
  if (r.raw && r.raw_outstanding > 0) {
    --r.raw_outstanding;
    r.state = State::kAnswered;
    return;
  }
  switch (r.state) {
    case State::kPending:
    case State::kTimedOut:  // late but single: allowed
      r.state = State::kAnswered;
      break;
    case State::kAnswered:
      Violate(at_s, "a second response to " + Describe(client, request_id) + " (sent at " + Seconds(r.sent_at_s) +
                        " s)");
      break;
    case State::kAbandoned:
      Violate(at_s, "a response to " + Describe(client, request_id) +
                        " arrived after the connection it was sent on dropped");
      break;
  }
}

void OneResponsePerRequest::OnTimedOut(double at_s, std::string_view client, std::string_view request_id) {
  auto it = requests_.find(Key{std::string(client), std::string(request_id)});
  if (it == requests_.end()) {
    Violate(at_s, "the client timed out " + Describe(client, request_id) + ", which it never sent");
    return;
  }
  if (it->second.state == State::kPending) it->second.state = State::kTimedOut;
}

void OneResponsePerRequest::OnDisconnected(double, std::string_view client) {
  for (auto it = requests_.lower_bound(Key{std::string(client), std::string()});
       it != requests_.end() && it->first.first == client; ++it) {
    if (it->second.state == State::kPending) it->second.state = State::kAbandoned;
  }
}

void OneResponsePerRequest::Finish(double end_s) {
  for (const auto& [key, r] : requests_) {
    // Raw requests may be invalid on purpose: the server answers what it can parse, and a
    // message it cannot parse gets an error notice without the id. Only client requests count.
    if (r.state == State::kPending && !r.raw && end_s - r.sent_at_s > kRequestTimeoutS + kPendingAtEndMarginS) {
      Violate(end_s, Describe(key.first, key.second) + " (sent at " + Seconds(r.sent_at_s) +
                         " s) was neither answered nor timed out by the end");
    }
  }
}

}  // namespace sfusim::scenario
