#include "sfusim/clients/connection_state_machine.h"

#include <string>

namespace sfusim::clients {

std::string_view ToString(ConnectionState state) {
  switch (state) {
    case ConnectionState::kDisconnected: return "disconnected";
    case ConnectionState::kConnecting: return "connecting";
    case ConnectionState::kConnected: return "connected";
    case ConnectionState::kReconnecting: return "reconnecting";
    case ConnectionState::kFailed: return "failed";
    case ConnectionState::kClosed: return "closed";
  }
  return "unknown";
}

bool ConnectionStateMachine::IsValidTransition(ConnectionState from, ConnectionState to) {
  using S = ConnectionState;
  if (from == to || from == S::kClosed) return false;
  if (to == S::kFailed || to == S::kClosed) return true;
  switch (from) {
    case S::kDisconnected: return to == S::kConnecting;
    case S::kConnecting: return to == S::kConnected;
    case S::kConnected: return to == S::kReconnecting;
    case S::kReconnecting: return to == S::kConnected;
    default: return false;
  }
}

protocol::Status ConnectionStateMachine::Transition(ConnectionState to) {
  if (!IsValidTransition(state_, to)) {
    ++rejected_;
    return protocol::MakeError(std::string(kErrorInvalidTransition),
                               std::string(ToString(state_)) + " -> " + std::string(ToString(to)));
  }
  state_ = to;
  ++transitions_;
  return protocol::Ok{};
}

}  // namespace sfusim::clients
