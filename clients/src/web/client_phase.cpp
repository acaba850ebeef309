#include "sfusim/clients/client_phase.h"

namespace sfusim::clients {

std::string_view ToString(ClientPhase phase) {
  switch (phase) {
    case ClientPhase::kIdle: return "idle";
    case ClientPhase::kConnecting: return "connecting";
    case ClientPhase::kAuthenticating: return "authenticating";
    case ClientPhase::kJoining: return "joining";
    case ClientPhase::kSettingUpMedia: return "setting_up_media";
    case ClientPhase::kActive: return "active";
    case ClientPhase::kReconnecting: return "reconnecting";
    case ClientPhase::kLeft: return "left";
    case ClientPhase::kFailed: return "failed";
  }
  return "unknown";
}

}  // namespace sfusim::clients
