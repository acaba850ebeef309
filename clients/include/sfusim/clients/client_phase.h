// ClientPhase: where a WebClient is in its life (E2E_DESIGN.md), coarser than the connection
// state: kIdle (before Start), kConnecting (stream being opened), kAuthenticating, kJoining
// (join_voice sent), kSettingUpMedia (voice_joined received, media not complete yet), kActive
// (media complete), kReconnecting (waiting for or running a reconnection), kLeft (connected, in no
// channel), kFailed (gave up: reconnection attempts exhausted).
#pragma once

#include <string_view>

namespace sfusim::clients {

enum class ClientPhase { kIdle, kConnecting, kAuthenticating, kJoining, kSettingUpMedia, kActive, kReconnecting,
                         kLeft, kFailed };

// Stable snake_case names: "idle", "connecting", "authenticating", "joining", "setting_up_media",
// "active", "reconnecting", "left", "failed".
std::string_view ToString(ClientPhase phase);

}  // namespace sfusim::clients
