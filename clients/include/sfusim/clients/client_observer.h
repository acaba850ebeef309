// ClientObserver: what a WebClient tells the scenario runner, synchronously, as it happens.
// All methods are optional. The observer must outlive the client (or be reset to null first);
// a callback must not destroy the client.
//
// Event names (E2E_DESIGN.md; result.json `events`): voice_joined, voice_left,
// signaling_disconnected, signaling_reconnected, media_restored, worker_restarted. `reason` is
// free text for people (e.g. the stream's close reason), possibly empty.
// Video (PROTOCOL.md §3, VIDEO_DESIGN.md V5): the native sender's events are forwarded with its
// names (sender_started, sender_stopped, encode_error, transport_error, fallback_triggered with the
// structured reason, degradation_changed), and the client adds fallback_completed (the browser
// screen producer exists after a fallback).
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
inline constexpr std::string_view kEventSenderStarted = "sender_started";
inline constexpr std::string_view kEventSenderStopped = "sender_stopped";
inline constexpr std::string_view kEventEncodeError = "encode_error";
inline constexpr std::string_view kEventTransportError = "transport_error";
inline constexpr std::string_view kEventFallbackTriggered = "fallback_triggered";
inline constexpr std::string_view kEventFallbackCompleted = "fallback_completed";
inline constexpr std::string_view kEventDegradationChanged = "degradation_changed";

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
