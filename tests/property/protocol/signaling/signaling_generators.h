// RapidCheck generators of valid signaling messages: every field within its limits, strings of
// mixed ASCII, JSON-escaped characters and multi-byte UTF-8, every enum value, optional fields
// present and absent.
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/signaling/client_messages.h"
#include "sfusim/protocol/signaling/server_messages.h"

namespace sfusim::protocol::gen {

// One character as UTF-8: mostly printable ASCII, sometimes characters JSON must escape, sometimes
// 2-, 3- and 4-byte sequences.
inline rc::Gen<std::string> Char() {
  return rc::gen::weightedOneOf<std::string>({
      {8, rc::gen::map(rc::gen::inRange<int>(0x20, 0x7f), [](int c) { return std::string(1, static_cast<char>(c)); })},
      {1, rc::gen::element<std::string>("\"", "\\", "/", "\n", "\t", std::string(1, '\x01'), std::string(1, '\x7f'))},
      {1, rc::gen::element<std::string>("\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x8e\xa7", "\xe6\x97\xa5")},
  });
}

// 1..max_chars characters (0.. when allow_empty); the upper bound is hit often.
inline rc::Gen<std::string> Text(std::size_t max_chars, bool allow_empty = false) {
  const std::size_t min = allow_empty ? 0 : 1;
  auto length = rc::gen::weightedOneOf<std::size_t>({
      {6, rc::gen::inRange<std::size_t>(min, std::min<std::size_t>(max_chars, 12) + 1)},
      {2, rc::gen::inRange<std::size_t>(min, max_chars + 1)},
      {1, rc::gen::just(max_chars)},
  });
  return rc::gen::mapcat(length, [](std::size_t n) {
    return rc::gen::map(rc::gen::container<std::vector<std::string>>(n, Char()), [](const std::vector<std::string>& cs) {
      std::string s;
      for (const auto& c : cs) s += c;
      return s;
    });
  });
}

template <typename T>
rc::Gen<std::optional<T>> Optional(rc::Gen<T> g) {
  return rc::gen::exec([g]() -> std::optional<T> {
    if (*rc::gen::arbitrary<bool>()) return *g;
    return std::nullopt;
  });
}

inline rc::Gen<std::optional<std::string>> OptionalText(std::size_t max_chars) { return Optional(Text(max_chars)); }

inline rc::Gen<MediaKind> Kind() { return rc::gen::element(MediaKind::kAudio, MediaKind::kVideo); }
inline rc::Gen<MediaSource> Source() {
  return rc::gen::element(MediaSource::kMicrophone, MediaSource::kCamera, MediaSource::kScreen);
}
inline rc::Gen<MediaAction> Action() {
  return rc::gen::map(rc::gen::inRange<int>(0, 9), [](int i) { return static_cast<MediaAction>(i); });
}

inline rc::Gen<CodecParameters> Fmtp() {
  return rc::gen::exec([] {
    CodecParameters p;
    const auto n = *rc::gen::inRange<std::size_t>(0, 5);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string key = *Text(kMaxCodecParameterKeyLength);
      if (*rc::gen::arbitrary<bool>()) {
        p[key] = *rc::gen::arbitrary<std::int64_t>();
      } else {
        p[key] = *Text(32, true);
      }
    }
    return p;
  });
}

inline rc::Gen<std::vector<RtcpFeedback>> Feedback() {
  return rc::gen::container<std::vector<RtcpFeedback>>(
      rc::gen::exec([] { return RtcpFeedback{*Text(kMaxRtcpFeedbackTypeLength), *Text(kMaxRtcpFeedbackTypeLength, true)}; }));
}

inline std::string MimeType(MediaKind kind, const std::string& name) { return std::string(ToString(kind)) + "/" + name; }

// Codecs of `kind` with distinct payload types.
inline rc::Gen<std::vector<RtpCodecParameters>> Codecs(MediaKind kind, std::size_t min, std::size_t max) {
  return rc::gen::exec([kind, min, max] {
    const auto n = *rc::gen::inRange<std::size_t>(min, max + 1);
    auto pts = *rc::gen::unique<std::vector<int>>(n, rc::gen::inRange(0, kMaxRtpPayloadType + 1));
    std::vector<RtpCodecParameters> codecs;
    for (int pt : pts) {
      RtpCodecParameters c;
      c.mime_type = MimeType(kind, *Text(16));
      c.payload_type = static_cast<std::uint8_t>(pt);
      c.clock_rate = *rc::gen::inRange<std::uint32_t>(1, kMaxClockRateHz + 1);
      c.channels = *Optional(rc::gen::inRange(1, kMaxAudioChannels + 1));
      c.parameters = *Fmtp();
      c.rtcp_feedback = *rc::gen::resize(3, Feedback());
      codecs.push_back(std::move(c));
    }
    return codecs;
  });
}

inline rc::Gen<RtpParameters> RtpParams(MediaKind kind) {
  return rc::gen::exec([kind] {
    RtpParameters p;
    p.mid = *OptionalText(kMaxMidLength);
    p.codecs = *Codecs(kind, 1, 3);
    const auto n_ext = *rc::gen::inRange<std::size_t>(0, 4);
    for (int id : *rc::gen::unique<std::vector<int>>(n_ext, rc::gen::inRange(1, kMaxHeaderExtensionId + 1))) {
      p.header_extensions.push_back({*Text(48), id, *rc::gen::arbitrary<bool>()});
    }
    const auto n_enc = *rc::gen::inRange<std::size_t>(0, 3);
    for (std::size_t i = 0; i < n_enc; ++i) {
      RtpEncodingParameters e;
      e.ssrc = *Optional(rc::gen::arbitrary<std::uint32_t>());
      e.rtx_ssrc = *Optional(rc::gen::arbitrary<std::uint32_t>());
      e.rid = *OptionalText(kMaxRidLength);
      e.dtx = *Optional(rc::gen::arbitrary<bool>());
      e.max_bitrate = *Optional(rc::gen::inRange<std::int64_t>(0, kMaxEncodingBitrateBps + 1));
      e.scalability_mode = *OptionalText(kMaxScalabilityModeLength);
      p.encodings.push_back(std::move(e));
    }
    p.rtcp.cname = *OptionalText(64);
    p.rtcp.reduced_size = *Optional(rc::gen::arbitrary<bool>());
    return p;
  });
}

inline rc::Gen<RtpCapabilities> Capabilities() {
  return rc::gen::exec([] {
    RtpCapabilities caps;
    const auto n = *rc::gen::inRange<std::size_t>(0, 4);
    for (std::size_t i = 0; i < n; ++i) {
      RtpCodecCapability c;
      c.kind = *Kind();
      c.mime_type = MimeType(c.kind, *Text(16));
      c.preferred_payload_type = *Optional(rc::gen::inRange<std::uint8_t>(0, kMaxRtpPayloadType + 1));
      c.clock_rate = *rc::gen::inRange<std::uint32_t>(1, kMaxClockRateHz + 1);
      c.channels = *Optional(rc::gen::inRange(1, kMaxAudioChannels + 1));
      c.parameters = *Fmtp();
      c.rtcp_feedback = *rc::gen::resize(3, Feedback());
      caps.codecs.push_back(std::move(c));
    }
    const auto n_ext = *rc::gen::inRange<std::size_t>(0, 4);
    for (std::size_t i = 0; i < n_ext; ++i) {
      caps.header_extensions.push_back(
          {*Kind(), *Text(48), *rc::gen::inRange(1, kMaxHeaderExtensionId + 1), *rc::gen::arbitrary<bool>()});
    }
    return caps;
  });
}

inline rc::Gen<DtlsParameters> Dtls() {
  return rc::gen::exec([] {
    DtlsParameters d;
    d.role = *rc::gen::element(DtlsSetupRole::kAuto, DtlsSetupRole::kClient, DtlsSetupRole::kServer);
    const auto n = *rc::gen::inRange<std::size_t>(1, kMaxDtlsFingerprints + 1);
    for (std::size_t i = 0; i < n; ++i) d.fingerprints.push_back({*Text(kMaxDtlsAlgorithmLength), *Text(96)});
    return d;
  });
}

// A small JSON object within the client_diagnostic bounds (depth, values, bytes).
inline nlohmann::json DiagnosticValue(int depth) {
  const int choice = *rc::gen::inRange(0, depth > 1 ? 7 : 5);
  switch (choice) {
    case 0: return nullptr;
    case 1: return *rc::gen::arbitrary<bool>();
    case 2: return *rc::gen::arbitrary<std::int64_t>();
    case 3: return *rc::gen::element(0.5, -1.25, 1e-7, 3.141592653589793, 1e300);
    case 4: return *Text(24, true);
    case 5: {
      nlohmann::json a = nlohmann::json::array();
      const auto n = *rc::gen::inRange(0, 4);
      for (int i = 0; i < n; ++i) a.push_back(DiagnosticValue(depth - 1));
      return a;
    }
    default: {
      nlohmann::json o = nlohmann::json::object();
      const auto n = *rc::gen::inRange(0, 4);
      for (int i = 0; i < n; ++i) o[*Text(12, true)] = DiagnosticValue(depth - 1);
      return o;
    }
  }
}

inline rc::Gen<nlohmann::json> Diagnostic() {
  return rc::gen::exec([] {
    nlohmann::json o = nlohmann::json::object();
    const auto n = *rc::gen::inRange(0, 5);
    for (int i = 0; i < n; ++i) o[*Text(12, true)] = DiagnosticValue(3);
    return o;
  });
}

inline rc::Gen<MediaSignalBody> Body() {
  return rc::gen::exec([]() -> MediaSignalBody {
    switch (*Action()) {
      case MediaAction::kGetRouterRtpCapabilities: return GetRouterRtpCapabilitiesRequest{};
      case MediaAction::kCreateWebRtcTransport:
        return CreateWebRtcTransportRequest{*rc::gen::element(TransportDirection::kSend, TransportDirection::kRecv)};
      case MediaAction::kConnectWebRtcTransport:
        return ConnectWebRtcTransportRequest{*Text(kMaxTransportIdLength), *Dtls()};
      case MediaAction::kMediaProduce: {
        const MediaSource source = *Source();
        const MediaKind kind = KindOfSource(source);
        return MediaProduceRequest{*Text(kMaxTransportIdLength), kind, source, RoutingMode::kSfu, *RtpParams(kind)};
      }
      case MediaAction::kMediaConsume: return MediaConsumeRequest{*Text(kMaxProducerIdLength), *Capabilities()};
      case MediaAction::kMediaResumeConsumer: return MediaResumeConsumerRequest{*Text(kMaxConsumerIdLength)};
      case MediaAction::kMediaCloseProducer: return MediaCloseProducerRequest{*Text(kMaxProducerIdLength)};
      case MediaAction::kCreateNativeSenderSession: {
        const auto n = *rc::gen::inRange<std::size_t>(0, kMaxPreferredCodecs + 1);
        return CreateNativeSenderSessionRequest{
            *rc::gen::container<std::vector<std::string>>(n, Text(kMaxPreferredCodecLength))};
      }
      case MediaAction::kClientDiagnostic: return ClientDiagnosticRequest{*Diagnostic()};
    }
    return GetRouterRtpCapabilitiesRequest{};
  });
}

inline rc::Gen<ClientMessage> AnyClientMessage() {
  return rc::gen::exec([]() -> ClientMessage {
    switch (*rc::gen::inRange(0, 8)) {
      case 6: return Authenticate{*Text(kMaxAuthTokenLength), *Text(kMaxUsernameLength)};
      case 7: return Ping{};
      case 0: return JoinVoice{*Text(kMaxChannelIdLength)};
      case 1: return LeaveVoice{*Text(kMaxChannelIdLength)};
      case 2: return VoiceActivity{*Text(kMaxChannelIdLength), *rc::gen::arbitrary<bool>()};
      default: return MediaSignalRequest{*OptionalText(kMaxRequestIdLength), *Body()};
    }
  });
}

inline rc::Gen<NewProducer> Producer() {
  return rc::gen::exec([] {
    const MediaSource source = *Source();
    return NewProducer{*Text(kMaxProducerIdLength), *Text(kMaxUsernameLength), KindOfSource(source), source,
                       RoutingMode::kSfu};
  });
}

inline rc::Gen<MediaSignalOutcome> Outcome() {
  return rc::gen::exec([]() -> MediaSignalOutcome {
    switch (*rc::gen::inRange(0, 10)) {
      case 0: return MediaSignalError{*Text(kMaxErrorCodeLength), *Text(200, true)};
      case 1: return RouterRtpCapabilitiesResult{*Capabilities()};
      case 2: {
        WebRtcTransportResult t;
        t.transport_id = *Text(kMaxTransportIdLength);
        t.direction = *rc::gen::element(TransportDirection::kSend, TransportDirection::kRecv);
        t.ice_parameters = {*Text(32), *Text(64), *rc::gen::arbitrary<bool>()};
        const auto n = *rc::gen::inRange<std::size_t>(0, 4);
        for (std::size_t i = 0; i < n; ++i) {
          t.ice_candidates.push_back({*Text(kMaxIceFoundationLength), *rc::gen::arbitrary<std::uint32_t>(), *Text(kMaxIpLength),
                                      *rc::gen::element<std::string>("udp", "tcp"), *rc::gen::inRange<std::uint16_t>(1, 65535),
                                      *rc::gen::element<std::string>("host", "srflx", "prflx", "relay")});
        }
        t.dtls_parameters = *Dtls();
        t.producers = *rc::gen::resize(5, rc::gen::container<std::vector<NewProducer>>(Producer()));
        return t;
      }
      case 3: return ConnectWebRtcTransportResult{};
      case 4: return MediaProduceResult{*Text(kMaxProducerIdLength)};
      case 5: {
        const MediaKind kind = *Kind();
        return MediaConsumeResult{*Text(kMaxConsumerIdLength), *Text(kMaxProducerIdLength), kind, *RtpParams(kind),
                                  *rc::gen::arbitrary<bool>()};
      }
      case 6: return MediaResumeConsumerResult{};
      case 7: return MediaCloseProducerResult{};
      case 8: {
        NativeSenderSessionResult n;
        n.transport_id = *Text(kMaxTransportIdLength);
        n.producer_id = *Text(kMaxProducerIdLength);
        n.rtp_target = {*Text(kMaxIpLength), *rc::gen::inRange<std::uint16_t>(1, 65535)};
        n.payload_type = *rc::gen::inRange<std::uint8_t>(0, kMaxRtpPayloadType + 1);
        n.ssrc = *rc::gen::arbitrary<std::uint32_t>();
        n.codec = (*Codecs(MediaKind::kVideo, 1, 1))[0];
        return n;
      }
      default: return ClientDiagnosticResult{};
    }
  });
}

inline rc::Gen<ServerMessage> AnyServerMessage() {
  return rc::gen::exec([]() -> ServerMessage {
    switch (*rc::gen::inRange(0, 14)) {
      case 12: return Authenticated{*Text(kMaxUserIdLength), *Text(kMaxUsernameLength)};
      case 13: return Pong{};
      case 0: return VoiceJoined{*Text(kMaxChannelIdLength), *Text(kMaxUserIdLength)};
      case 1: return VoiceLeft{*Text(kMaxChannelIdLength)};
      case 2: return VoiceUserJoined{*Text(kMaxChannelIdLength), *Text(kMaxUserIdLength), *Text(kMaxUsernameLength)};
      case 3: return VoiceUserLeft{*Text(kMaxChannelIdLength), *Text(kMaxUserIdLength), *Text(kMaxUsernameLength)};
      case 4: return VoiceUserSpeaking{*Text(kMaxChannelIdLength), *Text(kMaxUsernameLength), *rc::gen::arbitrary<bool>()};
      case 5: {
        VoicePresenceSnapshot s;
        const auto n = *rc::gen::inRange<std::size_t>(0, 4);
        for (std::size_t i = 0; i < n; ++i) {
          ChannelPresence c{*Text(kMaxChannelIdLength), {}};
          const auto m = *rc::gen::inRange<std::size_t>(0, 5);
          for (std::size_t k = 0; k < m; ++k) {
            c.members.push_back({*Text(kMaxUserIdLength), *Text(kMaxUsernameLength), *rc::gen::arbitrary<bool>()});
          }
          s.channels.push_back(std::move(c));
        }
        return s;
      }
      case 6:
      case 7: {
        MediaSignalResponse r;
        r.request_id = *OptionalText(kMaxRequestIdLength);
        r.outcome = *Outcome();
        r.action = r.is_error() ? *Optional(Action()) : ResultAction(r.outcome);
        return r;
      }
      case 8: return *Producer();
      case 9: {
        const MediaSource source = *Source();
        return ProducerClosed{*Text(kMaxProducerIdLength), source, RoutingMode::kSfu};
      }
      case 10:
        return MediaRouterReset{*Text(kMaxChannelIdLength), *Text(kMaxReasonLength),
                                *rc::gen::inRange<std::uint64_t>(0, std::uint64_t{1} << 62)};
      default: return SignalingErrorNotice{*Text(kMaxErrorCodeLength), *Text(200, true), *OptionalText(kMaxRequestIdLength)};
    }
  });
}

}  // namespace sfusim::protocol::gen
