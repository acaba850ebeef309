#include "sfusim/clients/device_capabilities.h"

#include <algorithm>
#include <cctype>

#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/audio_level.h"
#include "sfusim/protocol/rtp/rtp_mid.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"
#include "sfusim/protocol/srtp/sha256.h"

namespace sfusim::clients {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsSupportedMime(std::string_view mime) {
  return std::any_of(kSupportedMimeTypes.begin(), kSupportedMimeTypes.end(),
                     [&](std::string_view m) { return EqualsIgnoreCase(m, mime); });
}

constexpr std::array<std::string_view, 5> kSupportedHeaderExtensionUris = {
    protocol::RtpMid::kUri, protocol::AbsSendTime::kUri, protocol::TransportSequenceNumber::kUri,
    protocol::AudioLevel::kUri, protocol::AbsCaptureTime::kUri};

bool IsSupportedUri(std::string_view uri) {
  return std::find(kSupportedHeaderExtensionUris.begin(), kSupportedHeaderExtensionUris.end(), uri) !=
         kSupportedHeaderExtensionUris.end();
}

const protocol::RtpCodecCapability* FindOpus(const protocol::RtpCapabilities& caps) {
  for (const auto& c : caps.codecs) {
    if (c.kind == protocol::MediaKind::kAudio && EqualsIgnoreCase(c.mime_type, kOpusMimeType)) return &c;
  }
  return nullptr;
}

uint8_t IdFor(const protocol::RtpCapabilities& router, std::string_view uri) {
  for (const auto& e : router.header_extensions) {
    if (e.kind == protocol::MediaKind::kAudio && e.uri == uri && e.preferred_id > 0 && e.preferred_id <= 255) {
      return static_cast<uint8_t>(e.preferred_id);
    }
  }
  return 0;
}

}  // namespace

protocol::Result<protocol::RtpCapabilities> LoadDeviceCapabilities(const protocol::RtpCapabilities& router) {
  if (FindOpus(router) == nullptr) return protocol::MakeError("no_common_codec", "router: no audio/opus codec");
  protocol::RtpCapabilities caps;
  for (const auto& c : router.codecs) {
    if (IsSupportedMime(c.mime_type)) caps.codecs.push_back(c);
  }
  for (const auto& e : router.header_extensions) {
    if (IsSupportedUri(e.uri)) caps.header_extensions.push_back(e);
  }
  return caps;
}

protocol::Result<protocol::RtpParameters> MakeMicrophoneRtpParameters(const protocol::RtpCapabilities& router,
                                                                       uint32_t ssrc, const std::string& cname) {
  const protocol::RtpCodecCapability* opus = FindOpus(router);
  if (opus == nullptr) return protocol::MakeError("no_common_codec", "router: no audio/opus codec");
  protocol::RtpParameters p;
  p.mid = std::string(kMicrophoneMid);
  protocol::RtpCodecParameters codec;
  codec.mime_type = opus->mime_type;
  codec.payload_type = opus->preferred_payload_type.value_or(protocol::kPayloadTypeOpus);
  codec.clock_rate = opus->clock_rate;
  codec.channels = opus->channels;
  codec.parameters = opus->parameters;
  codec.rtcp_feedback = opus->rtcp_feedback;
  p.codecs.push_back(std::move(codec));
  for (const auto& e : router.header_extensions) {
    if (e.kind == protocol::MediaKind::kAudio && IsSupportedUri(e.uri)) {
      p.header_extensions.push_back({e.uri, e.preferred_id, e.preferred_encrypt});
    }
  }
  protocol::RtpEncodingParameters enc;
  enc.ssrc = ssrc;
  p.encodings.push_back(enc);
  p.rtcp.cname = cname;
  p.rtcp.reduced_size = true;
  return p;
}

AudioHeaderExtensionIds AudioExtensionIdsFor(const protocol::RtpCapabilities& router) {
  AudioHeaderExtensionIds ids;
  ids.mid = IdFor(router, protocol::RtpMid::kUri);
  ids.abs_send_time = IdFor(router, protocol::AbsSendTime::kUri);
  ids.transport_wide_cc = IdFor(router, protocol::TransportSequenceNumber::kUri);
  ids.audio_level = IdFor(router, protocol::AudioLevel::kUri);
  ids.abs_capture_time = IdFor(router, protocol::AbsCaptureTime::kUri);
  return ids;
}

AudioReceiverConfig AudioReceiverConfigFor(const protocol::RtpParameters& consumer) {
  AudioReceiverConfig config;
  config.audio_level_id = 0;
  config.abs_capture_time_id = 0;
  if (!consumer.encodings.empty() && consumer.encodings.front().ssrc) config.ssrc = *consumer.encodings.front().ssrc;
  for (const auto& c : consumer.codecs) {
    if (EqualsIgnoreCase(c.mime_type, kOpusMimeType)) {
      config.payload_type = c.payload_type;
      break;
    }
  }
  for (const auto& e : consumer.header_extensions) {
    if (e.id <= 0 || e.id > 255) continue;
    if (e.uri == protocol::AudioLevel::kUri) config.audio_level_id = static_cast<uint8_t>(e.id);
    if (e.uri == protocol::AbsCaptureTime::kUri) config.abs_capture_time_id = static_cast<uint8_t>(e.id);
  }
  return config;
}

protocol::OpusSettings OpusSettingsFromCodec(const protocol::CodecParameters& parameters) {
  protocol::OpusSettings s;
  if (auto v = protocol::GetIntParameter(parameters, protocol::kOpusMaxAverageBitrateParameter)) {
    s.bitrate_bps = std::clamp<int64_t>(*v, protocol::kOpusMinBitrateBps, protocol::kOpusMaxBitrateBps);
  }
  if (auto v = protocol::GetIntParameter(parameters, protocol::kOpusUseDtxParameter)) s.dtx = *v != 0;
  if (auto v = protocol::GetIntParameter(parameters, protocol::kOpusUseInbandFecParameter)) s.fec = *v != 0;
  return s;
}

std::string MakeDtlsFingerprint(std::string_view seed) {
  const auto digest = protocol::Sha256::Hash(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(seed.data()), seed.size()));
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(digest.size() * 3);
  for (std::size_t i = 0; i < digest.size(); ++i) {
    if (i) out.push_back(':');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

}  // namespace sfusim::clients
