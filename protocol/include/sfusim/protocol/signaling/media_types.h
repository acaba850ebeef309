// The enumerated words of the signaling protocol (PROTOCOL.md §1) and their wire names.
//
// Contract: each enum has a table of its exact wire names (case-sensitive); ToString gives the
// name, Parse* gives nullopt for anything not in the table. The tables are what the validator
// checks `direction`, `kind`, `source`, `routing_mode` and `action` against, so the error message
// can list the allowed words. MediaKind lives in rtp_parameters/ because codecs carry it too.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "sfusim/protocol/rtp_parameters/media_kind.h"

namespace sfusim::protocol {

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

enum class MediaSource { kMicrophone, kCamera, kScreen };
enum class TransportDirection { kSend, kRecv };
enum class RoutingMode { kSfu };
enum class DtlsSetupRole { kAuto, kClient, kServer };  // DTLS "setup" role in dtls_parameters

// The media_signal actions, in PROTOCOL.md's order.
enum class MediaAction {
  kGetRouterRtpCapabilities,
  kCreateWebRtcTransport,
  kConnectWebRtcTransport,
  kMediaProduce,
  kMediaConsume,
  kMediaResumeConsumer,
  kMediaCloseProducer,
  kCreateNativeSenderSession,
  kClientDiagnostic,
};

inline constexpr std::array<EnumName<MediaKind>, 2> kMediaKindTable{{
    {"audio", MediaKind::kAudio},
    {"video", MediaKind::kVideo},
}};
inline constexpr std::array<EnumName<MediaSource>, 3> kMediaSourceTable{{
    {"microphone", MediaSource::kMicrophone},
    {"camera", MediaSource::kCamera},
    {"screen", MediaSource::kScreen},
}};
inline constexpr std::array<EnumName<TransportDirection>, 2> kTransportDirectionTable{{
    {"send", TransportDirection::kSend},
    {"recv", TransportDirection::kRecv},
}};
inline constexpr std::array<EnumName<RoutingMode>, 1> kRoutingModeTable{{
    {"sfu", RoutingMode::kSfu},
}};
inline constexpr std::array<EnumName<DtlsSetupRole>, 3> kDtlsSetupRoleTable{{
    {"auto", DtlsSetupRole::kAuto},
    {"client", DtlsSetupRole::kClient},
    {"server", DtlsSetupRole::kServer},
}};
inline constexpr std::array<EnumName<MediaAction>, 9> kMediaActionTable{{
    {"get_router_rtp_capabilities", MediaAction::kGetRouterRtpCapabilities},
    {"create_webrtc_transport", MediaAction::kCreateWebRtcTransport},
    {"connect_webrtc_transport", MediaAction::kConnectWebRtcTransport},
    {"media_produce", MediaAction::kMediaProduce},
    {"media_consume", MediaAction::kMediaConsume},
    {"media_resume_consumer", MediaAction::kMediaResumeConsumer},
    {"media_close_producer", MediaAction::kMediaCloseProducer},
    {"create_native_sender_session", MediaAction::kCreateNativeSenderSession},
    {"client_diagnostic", MediaAction::kClientDiagnostic},
}};

template <typename E, std::size_t N>
constexpr std::optional<E> ParseEnum(const std::array<EnumName<E>, N>& table, std::string_view name) {
  for (const auto& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
constexpr std::string_view EnumToString(const std::array<EnumName<E>, N>& table, E value) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return {};
}

constexpr std::string_view ToString(MediaSource v) { return EnumToString(kMediaSourceTable, v); }
constexpr std::string_view ToString(TransportDirection v) { return EnumToString(kTransportDirectionTable, v); }
constexpr std::string_view ToString(RoutingMode v) { return EnumToString(kRoutingModeTable, v); }
constexpr std::string_view ToString(DtlsSetupRole v) { return EnumToString(kDtlsSetupRoleTable, v); }
constexpr std::string_view ToString(MediaAction v) { return EnumToString(kMediaActionTable, v); }

// microphone is audio; camera and screen are video (PROTOCOL.md §1).
constexpr MediaKind KindOfSource(MediaSource source) {
  return source == MediaSource::kMicrophone ? MediaKind::kAudio : MediaKind::kVideo;
}

}  // namespace sfusim::protocol
