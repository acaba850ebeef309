// NativeSenderListener: where a NativeSender reports its events (PROTOCOL.md §3 event names).
//
// Names and reasons:
//   sender_started       ""                       once per successful Start
//   sender_stopped       the Stop reason          once per Stop of a started sender
//   encode_error         the encoder's error code one per failed encode
//   transport_error      "send_failed" ...        one per failed packet send
//   fallback_triggered   structured reason, e.g. "encode_failures: 6 in 2 s > 5" (FallbackReason)
//   degradation_changed  "level 2: fps 30->20" (the new level and what changed)
// Every sender_started is followed by exactly one sender_stopped or fallback_triggered before the
// next sender_started (Dispose of a running sender emits sender_stopped "disposed").
//
// Contract for the listener: it is called synchronously from the sender's own calls and timers.
// It may call the sender back (Stop, Dispose, status) and may even destroy it: the sender
// touches nothing of itself after a callback that destroyed it.
#pragma once

#include <string_view>

namespace sfusim::clients {

inline constexpr std::string_view kNativeEventSenderStarted = "sender_started";
inline constexpr std::string_view kNativeEventSenderStopped = "sender_stopped";
inline constexpr std::string_view kNativeEventEncodeError = "encode_error";
inline constexpr std::string_view kNativeEventTransportError = "transport_error";
inline constexpr std::string_view kNativeEventFallbackTriggered = "fallback_triggered";
inline constexpr std::string_view kNativeEventDegradationChanged = "degradation_changed";

class NativeSenderListener {
 public:
  virtual ~NativeSenderListener() = default;
  virtual void OnNativeSenderEvent(std::string_view name, std::string_view reason) = 0;
};

}  // namespace sfusim::clients
