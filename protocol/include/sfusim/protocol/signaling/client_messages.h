// Client -> server signaling messages (PROTOCOL.md §1), one struct per message and per
// media_signal action.
//
// Wire format: every message is one JSON object whose "type" member names it:
//   {"type":"join_voice","channel_id":"lobby"}
//   {"type":"leave_voice","channel_id":"lobby"}
//   {"type":"voice_activity","channel_id":"lobby","speaking":true}
//   {"type":"media_signal","action":"media_produce","request_id":"7", <the action's fields>}
//   {"type":"authenticate","token":"...","username":"alice"}   (sfusim extension, see below)
//   {"type":"ping"}                                             (sfusim extension, see below)
// A media_signal request carries its action's fields beside "action" (not nested), and an optional
// "request_id" (1..128 chars) that the response repeats. client_diagnostic carries its free-form
// object in "diagnostic". Members the protocol does not define are ignored; explicit null counts as
// absent for optional members. See signaling_codec.h for decoding and signaling_validator.h for
// the limits each field is checked against.
//
// Extensions. PROTOCOL.md requires authentication (auth timeout 15 s) and an idle timeout (45 s)
// but names no message for either (the product authenticates its WebSocket); sfusim defines:
// - authenticate {token, username}: the first message on a connection; until it succeeds every
//   other message is answered with an `error` (code not_authenticated). The server answers
//   `authenticated {user_id, username}` or an `error` (auth_failed) and closes the connection.
// - ping {}: a heartbeat a client sends when it has been quiet, so that an idle timeout only hits
//   connections that are really gone; the server answers `pong`.
//
// Contract: plain values with value equality (for round-trip tests); structs hold whatever they
// are given, validity is established by decoding.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "sfusim/protocol/rtp_parameters/rtp_capabilities.h"
#include "sfusim/protocol/rtp_parameters/rtp_parameters.h"
#include "sfusim/protocol/signaling/media_types.h"

namespace sfusim::protocol {

// Wire names of the "type" member.
inline constexpr std::string_view kTypeField = "type";
inline constexpr std::string_view kTypeJoinVoice = "join_voice";
inline constexpr std::string_view kTypeLeaveVoice = "leave_voice";
inline constexpr std::string_view kTypeVoiceActivity = "voice_activity";
inline constexpr std::string_view kTypeMediaSignal = "media_signal";
inline constexpr std::string_view kTypeAuthenticate = "authenticate";
inline constexpr std::string_view kTypePing = "ping";

struct JoinVoice {
  std::string channel_id;
  bool operator==(const JoinVoice&) const = default;
};

struct LeaveVoice {
  std::string channel_id;
  bool operator==(const LeaveVoice&) const = default;
};

struct VoiceActivity {
  std::string channel_id;
  bool speaking = false;
  bool operator==(const VoiceActivity&) const = default;
};

// --- media_signal request bodies, one per action ------------------------------------------------

struct GetRouterRtpCapabilitiesRequest {
  bool operator==(const GetRouterRtpCapabilitiesRequest&) const = default;
};

struct CreateWebRtcTransportRequest {
  TransportDirection direction = TransportDirection::kSend;
  bool operator==(const CreateWebRtcTransportRequest&) const = default;
};

struct DtlsFingerprint {
  std::string algorithm;  // "sha-256"
  std::string value;      // "AB:CD:..."
  bool operator==(const DtlsFingerprint&) const = default;
};

struct DtlsParameters {
  DtlsSetupRole role = DtlsSetupRole::kAuto;
  std::vector<DtlsFingerprint> fingerprints;  // 1..kMaxDtlsFingerprints when decoded
  bool operator==(const DtlsParameters&) const = default;
};

struct ConnectWebRtcTransportRequest {
  std::string transport_id;
  DtlsParameters dtls_parameters;
  bool operator==(const ConnectWebRtcTransportRequest&) const = default;
};

struct MediaProduceRequest {
  std::string transport_id;
  MediaKind kind = MediaKind::kAudio;
  MediaSource source = MediaSource::kMicrophone;
  RoutingMode routing_mode = RoutingMode::kSfu;
  RtpParameters rtp_parameters;
  bool operator==(const MediaProduceRequest&) const = default;
};

struct MediaConsumeRequest {
  std::string producer_id;
  RtpCapabilities rtp_capabilities;
  bool operator==(const MediaConsumeRequest&) const = default;
};

struct MediaResumeConsumerRequest {
  std::string consumer_id;
  bool operator==(const MediaResumeConsumerRequest&) const = default;
};

struct MediaCloseProducerRequest {
  std::string producer_id;
  bool operator==(const MediaCloseProducerRequest&) const = default;
};

struct CreateNativeSenderSessionRequest {
  // Codec names in preference order, e.g. "video/H264"; at most kMaxPreferredCodecs. Names the
  // server does not know are skipped by the server, not rejected by the validator.
  std::vector<std::string> preferred_codecs;
  bool operator==(const CreateNativeSenderSessionRequest&) const = default;
};

struct ClientDiagnosticRequest {
  // A JSON object bounded in size, depth and number of values (limits.h, kMaxDiagnostic*).
  nlohmann::json diagnostic = nlohmann::json::object();
  bool operator==(const ClientDiagnosticRequest& other) const { return diagnostic == other.diagnostic; }
};

// Alternatives in MediaAction order, so index() == static_cast<size_t>(action).
using MediaSignalBody =
    std::variant<GetRouterRtpCapabilitiesRequest, CreateWebRtcTransportRequest, ConnectWebRtcTransportRequest,
                 MediaProduceRequest, MediaConsumeRequest, MediaResumeConsumerRequest, MediaCloseProducerRequest,
                 CreateNativeSenderSessionRequest, ClientDiagnosticRequest>;

inline MediaAction ActionOf(const MediaSignalBody& body) { return static_cast<MediaAction>(body.index()); }

struct MediaSignalRequest {
  std::optional<std::string> request_id;
  MediaSignalBody body;
  MediaAction action() const { return ActionOf(body); }
  bool operator==(const MediaSignalRequest&) const = default;
};

struct Authenticate {
  std::string token;     // opaque, 1..kMaxAuthTokenLength chars
  std::string username;  // 1..kMaxUsernameLength chars
  bool operator==(const Authenticate&) const = default;
};

struct Ping {
  bool operator==(const Ping&) const = default;
};

// New alternatives go at the end: index() values are used as table keys.
using ClientMessage = std::variant<JoinVoice, LeaveVoice, VoiceActivity, MediaSignalRequest, Authenticate, Ping>;

}  // namespace sfusim::protocol
