// ClientObserver: what a WebClient tells the scenario runner, synchronously, as it happens.
// All methods are optional. The observer must outlive the client (or be reset to null first);
// a callback must not destroy the client.
//
// Event names (E2E_DESIGN.md; result.json `events`): voice_joined, voice_left,
// signaling_disconnected, signaling_reconnected, media_restored, worker_restarted. `reason` is
// free text for people (e.g. the stream's close reason), possibly empty.
#pragma once

#include <string_view>

#include "sfusim/protocol/signaling/media_types.h"
#include "sfusim/protocol/signaling/server_messages.h"

namespace sfusim::clients {

inline constexpr std::string_view kEventVoiceJoined = "voice_joined";
inline constexpr std::string_view kEventVoiceLeft = "voice_left";
inline constexpr std::string_view kEventSignalingDisconnected = "signaling_disconnected";
inline constexpr std::string_view kEventSignalingReconnected = "signaling_reconnected";
inline constexpr std::string_view kEventMediaRestored = "media_restored";
inline constexpr std::string_view kEventWorkerRestarted = "worker_restarted";

class ClientObserver {
 public:
  virtual ~ClientObserver() = default;
  virtual void OnClientEvent(std::string_view /*name*/, std::string_view /*reason*/) {}
  // Every server message that decoded, before the client acts on it.
  virtual void OnServerMessage(const protocol::ServerMessage& /*message*/) {}
  // Every media_signal request, as it is sent.
  virtual void OnRequestSent(std::string_view /*request_id*/, protocol::MediaAction /*action*/) {}
  // A request that got no response within kMediaSignalRequestTimeout.
  virtual void OnRequestTimedOut(std::string_view /*request_id*/) {}
};

}  // namespace sfusim::clients
