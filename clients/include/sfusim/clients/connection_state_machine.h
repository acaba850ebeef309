// ConnectionStateMachine: the signaling connection state of a client, with PROTOCOL.md §5's
// transitions and nothing else.
//
// Contract:
// - Starts in kDisconnected.
// - Valid: Disconnected -> Connecting, Connecting -> Connected, Connected -> Reconnecting,
//   Reconnecting -> Connected, any state but Closed -> Failed (except Failed itself), any state but
//   Closed -> Closed. Closed is terminal. A self-transition is never valid.
// - Transition() applies a valid transition and returns ok; an invalid one returns an Error with
//   code "invalid_transition" (message "<from> -> <to>") and leaves the state unchanged: the caller
//   decides whether that is a bug, it never throws or asserts.
#pragma once

#include <cstdint>

#include "sfusim/clients/connection_state.h"
#include "sfusim/protocol/result.h"

namespace sfusim::clients {

inline constexpr std::string_view kErrorInvalidTransition = "invalid_transition";

class ConnectionStateMachine {
 public:
  ConnectionStateMachine() = default;

  static bool IsValidTransition(ConnectionState from, ConnectionState to);

  protocol::Status Transition(ConnectionState to);

  ConnectionState state() const { return state_; }
  uint64_t transitions() const { return transitions_; }            // applied
  uint64_t rejected_transitions() const { return rejected_; }      // refused as invalid

 private:
  ConnectionState state_ = ConnectionState::kDisconnected;
  uint64_t transitions_ = 0;
  uint64_t rejected_ = 0;
};

}  // namespace sfusim::clients
