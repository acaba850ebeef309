// ConnectionState: the client's signaling connection states (PROTOCOL.md §5, from the sibling
// prototypes): Disconnected -> Connecting -> Connected -> Reconnecting -> Connected, any -> Failed,
// any -> Closed. ConnectionStateMachine (connection_state_machine.h) enforces the transitions.
#pragma once

#include <string_view>

namespace sfusim::clients {

enum class ConnectionState { kDisconnected, kConnecting, kConnected, kReconnecting, kFailed, kClosed };

// Stable snake_case names ("disconnected", "connecting", ...), for traces and error messages.
std::string_view ToString(ConnectionState state);

}  // namespace sfusim::clients
