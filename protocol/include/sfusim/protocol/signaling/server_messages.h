// Server -> client signaling messages (PROTOCOL.md §1), one struct per message and per
// media_signal result.
//
// Wire format: one JSON object per message, "type" names it (the same member as client messages):
//   voice_joined            {channel_id, user_id}
//   voice_left              {channel_id}
//   voice_user_joined       {channel_id, user_id, username}
//   voice_user_left         {channel_id, user_id, username}
//   voice_user_speaking     {channel_id, username, speaking}      (never echoed to the speaker)
//   voice_presence_snapshot {channels: [{channel_id, members: [{user_id, username, speaking}]}]}
//   media_signal            {request_id?, action?, result: {...}}  or  {request_id?, action?,
//                           error: {code, message}}  -- exactly one of result / error; action is
//                           always present with a result, and present with an error whenever the
//                           request's action was readable
//   new_producer            {producer_id, username, kind, source, routing_mode}
//   producer_closed         {producer_id, source, routing_mode}
//   media_router_reset      {channel_id, reason, generation}      (sfusim extension, see below)
//   error                   {code, message, request_id?}          (sfusim extension, see below)
//   authenticated           {user_id, username}                   (sfusim extension, client_messages.h)
//   pong                    {}                                    (sfusim extension, client_messages.h)
//
// Extensions (PROTOCOL.md names no message for these; sfusim defines them):
// - media_router_reset: the channel's router was lost because its worker crashed (reason
//   "worker_crashed") and a new router now serves the channel. Every transport, producer and
//   consumer the client had in that channel is gone (no producer_closed follows for them); voice
//   membership is kept. The client recovers by redoing its media setup from
//   get_router_rtp_capabilities on: load the device, create both transports, produce again,
//   consume the producers announced in the new recv transport's result. `generation` counts the
//   channel's routers (it only grows), so a client can tell a stale reset from a new one.
// - error: the answer to a message that is not a well-formed media_signal request (invalid JSON,
//   too large, unknown type, a bad join_voice ...). Bad media_signal requests are answered with a
//   media_signal error response instead, carrying the request_id when it was readable.
//
// Contract: plain values with value equality; validity is established by decoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sfusim/protocol/rtp_parameters/rtp_capabilities.h"
#include "sfusim/protocol/rtp_parameters/rtp_parameters.h"
#include "sfusim/protocol/signaling/client_messages.h"
#include "sfusim/protocol/signaling/media_types.h"

namespace sfusim::protocol {

inline constexpr std::string_view kTypeVoiceJoined = "voice_joined";
inline constexpr std::string_view kTypeVoiceLeft = "voice_left";
inline constexpr std::string_view kTypeVoiceUserJoined = "voice_user_joined";
inline constexpr std::string_view kTypeVoiceUserLeft = "voice_user_left";
inline constexpr std::string_view kTypeVoiceUserSpeaking = "voice_user_speaking";
inline constexpr std::string_view kTypeVoicePresenceSnapshot = "voice_presence_snapshot";
inline constexpr std::string_view kTypeNewProducer = "new_producer";
inline constexpr std::string_view kTypeProducerClosed = "producer_closed";
inline constexpr std::string_view kTypeMediaRouterReset = "media_router_reset";
inline constexpr std::string_view kTypeError = "error";
inline constexpr std::string_view kTypeAuthenticated = "authenticated";
inline constexpr std::string_view kTypePong = "pong";

// media_router_reset reasons.
inline constexpr std::string_view kResetReasonWorkerCrashed = "worker_crashed";

struct VoiceJoined {
  std::string channel_id;
  std::string user_id;
  bool operator==(const VoiceJoined&) const = default;
};

struct VoiceLeft {
  std::string channel_id;
  bool operator==(const VoiceLeft&) const = default;
};

struct VoiceUserJoined {
  std::string channel_id;
  std::string user_id;
  std::string username;
  bool operator==(const VoiceUserJoined&) const = default;
};

struct VoiceUserLeft {
  std::string channel_id;
  std::string user_id;
  std::string username;
  bool operator==(const VoiceUserLeft&) const = default;
};

struct VoiceUserSpeaking {
  std::string channel_id;
  std::string username;
  bool speaking = false;
  bool operator==(const VoiceUserSpeaking&) const = default;
};

struct PresenceMember {
  std::string user_id;
  std::string username;
  bool speaking = false;
  bool operator==(const PresenceMember&) const = default;
};

struct ChannelPresence {
  std::string channel_id;
  std::vector<PresenceMember> members;
  bool operator==(const ChannelPresence&) const = default;
};

struct VoicePresenceSnapshot {
  std::vector<ChannelPresence> channels;
  bool operator==(const VoicePresenceSnapshot&) const = default;
};

struct NewProducer {
  std::string producer_id;
  std::string username;
  MediaKind kind = MediaKind::kAudio;
  MediaSource source = MediaSource::kMicrophone;
  RoutingMode routing_mode = RoutingMode::kSfu;
  bool operator==(const NewProducer&) const = default;
};

struct ProducerClosed {
  std::string producer_id;
  MediaSource source = MediaSource::kMicrophone;
  RoutingMode routing_mode = RoutingMode::kSfu;
  bool operator==(const ProducerClosed&) const = default;
};

struct MediaRouterReset {
  std::string channel_id;
  std::string reason{kResetReasonWorkerCrashed};
  std::uint64_t generation = 0;
  bool operator==(const MediaRouterReset&) const = default;
};

struct SignalingErrorNotice {
  std::string code;     // a signaling_error code
  std::string message;  // sfusim's own text, never a library's
  std::optional<std::string> request_id;
  bool operator==(const SignalingErrorNotice&) const = default;
};

// --- media_signal results, one per action --------------------------------------------------------

struct RouterRtpCapabilitiesResult {
  RtpCapabilities rtp_capabilities;  // JSON: {"rtp_capabilities": {...}}
  bool operator==(const RouterRtpCapabilitiesResult&) const = default;
};

struct IceParameters {
  std::string username_fragment;
  std::string password;
  bool ice_lite = true;
  bool operator==(const IceParameters&) const = default;
};

struct IceCandidate {
  std::string foundation;
  std::uint32_t priority = 0;
  std::string ip;
  std::string protocol = "udp";  // "udp" | "tcp"
  std::uint16_t port = 0;
  std::string type = "host";
  bool operator==(const IceCandidate&) const = default;
};

struct WebRtcTransportResult {
  std::string transport_id;
  TransportDirection direction = TransportDirection::kSend;
  IceParameters ice_parameters;
  std::vector<IceCandidate> ice_candidates;
  DtlsParameters dtls_parameters;
  // For a recv transport: every producer already in the channel, in one batch (PROTOCOL.md §1).
  std::vector<NewProducer> producers;
  bool operator==(const WebRtcTransportResult&) const = default;
};

struct ConnectWebRtcTransportResult {
  bool operator==(const ConnectWebRtcTransportResult&) const = default;
};

struct MediaProduceResult {
  std::string producer_id;
  bool operator==(const MediaProduceResult&) const = default;
};

struct MediaConsumeResult {
  std::string consumer_id;
  std::string producer_id;
  MediaKind kind = MediaKind::kAudio;
  RtpParameters rtp_parameters;
  bool paused = true;  // consumers start paused (PROTOCOL.md §1)
  bool operator==(const MediaConsumeResult&) const = default;
};

struct MediaResumeConsumerResult {
  bool operator==(const MediaResumeConsumerResult&) const = default;
};

struct MediaCloseProducerResult {
  bool operator==(const MediaCloseProducerResult&) const = default;
};

struct RtpTarget {
  std::string ip;
  std::uint16_t port = 0;
  bool operator==(const RtpTarget&) const = default;
};

struct NativeSenderSessionResult {
  std::string transport_id;
  std::string producer_id;
  RtpTarget rtp_target;       // where the plain transport listens (comedia, rtcp-mux)
  std::uint8_t payload_type = 0;
  std::uint32_t ssrc = 0;
  RtpCodecParameters codec;   // the chosen codec with its fmtp parameters
  bool operator==(const NativeSenderSessionResult&) const = default;
};

struct ClientDiagnosticResult {
  bool operator==(const ClientDiagnosticResult&) const = default;
};

struct MediaSignalError {
  std::string code;
  std::string message;
  bool operator==(const MediaSignalError&) const = default;
};

// Alternatives: the error first, then the results in MediaAction order, so a result's index() - 1
// is its action.
using MediaSignalOutcome =
    std::variant<MediaSignalError, RouterRtpCapabilitiesResult, WebRtcTransportResult, ConnectWebRtcTransportResult,
                 MediaProduceResult, MediaConsumeResult, MediaResumeConsumerResult, MediaCloseProducerResult,
                 NativeSenderSessionResult, ClientDiagnosticResult>;

struct MediaSignalResponse {
  std::optional<std::string> request_id;
  // The request's action. For a result it must equal the result's action (encoding writes the
  // result's); for an error it is absent when the request's action was not readable.
  std::optional<MediaAction> action;
  MediaSignalOutcome outcome;

  bool is_error() const { return outcome.index() == 0; }
  bool operator==(const MediaSignalResponse&) const = default;
};

// The action a result answers; nullopt for an error.
inline std::optional<MediaAction> ResultAction(const MediaSignalOutcome& outcome) {
  if (outcome.index() == 0) return std::nullopt;
  return static_cast<MediaAction>(outcome.index() - 1);
}

struct Authenticated {
  std::string user_id;   // the server's id for this connection's user
  std::string username;  // as given in authenticate
  bool operator==(const Authenticated&) const = default;
};

struct Pong {
  bool operator==(const Pong&) const = default;
};

// New alternatives go at the end: index() values are used as table keys.
using ServerMessage = std::variant<VoiceJoined, VoiceLeft, VoiceUserJoined, VoiceUserLeft, VoiceUserSpeaking,
                                   VoicePresenceSnapshot, MediaSignalResponse, NewProducer, ProducerClosed,
                                   MediaRouterReset, SignalingErrorNotice, Authenticated, Pong>;

}  // namespace sfusim::protocol
