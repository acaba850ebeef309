#include "sfusim/clients/transport_health.h"

namespace sfusim::clients {

std::string_view ToString(TransportState state) {
  switch (state) {
    case TransportState::kNew: return "new";
    case TransportState::kConnecting: return "connecting";
    case TransportState::kConnected: return "connected";
    case TransportState::kDisconnected: return "disconnected";
    case TransportState::kFailed: return "failed";
    case TransportState::kClosed: return "closed";
  }
  return "unknown";
}

int TransportHealth::Severity(TransportState state) {
  switch (state) {
    case TransportState::kConnected: return 0;
    case TransportState::kNew: return 1;
    case TransportState::kConnecting: return 2;
    case TransportState::kClosed: return 3;
    case TransportState::kDisconnected: return 4;
    case TransportState::kFailed: return 5;
  }
  return 5;
}

TransportState TransportHealth::Worst(TransportState a, TransportState b) {
  return Severity(b) > Severity(a) ? b : a;
}

void TransportHealth::SetState(protocol::TransportDirection direction, TransportState state, sim::Timestamp now) {
  Side& s = side(direction);
  if (state == TransportState::kDisconnected && s.state == TransportState::kDisconnected) return;  // keep "since"
  s.state = state;
  if (state == TransportState::kDisconnected) s.disconnected_since = now;
}

void TransportHealth::Reset() {
  send_ = Side{};
  recv_ = Side{};
}

TransportState TransportHealth::State(protocol::TransportDirection direction, sim::Timestamp now) const {
  const Side& s = side(direction);
  if (s.state == TransportState::kDisconnected && now - s.disconnected_since >= kTransportDisconnectedToFailed) {
    return TransportState::kFailed;
  }
  return s.state;
}

TransportState TransportHealth::Overall(sim::Timestamp now) const {
  return Worst(State(protocol::TransportDirection::kSend, now), State(protocol::TransportDirection::kRecv, now));
}

std::optional<sim::Timestamp> TransportHealth::FailDeadline() const {
  std::optional<sim::Timestamp> best;
  for (const Side* s : {&send_, &recv_}) {
    if (s->state != TransportState::kDisconnected) continue;
    const sim::Timestamp t = s->disconnected_since + kTransportDisconnectedToFailed;
    if (!best || t < *best) best = t;
  }
  return best;
}

}  // namespace sfusim::clients
