#include "sfusim/clients/video_rtp_parameters.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "sfusim/clients/screen_config.h"
#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/rtp_mid.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"

namespace sfusim::clients {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

constexpr std::array<std::string_view, 4> kVideoExtensionUris = {
    protocol::RtpMid::kUri, protocol::AbsSendTime::kUri, protocol::TransportSequenceNumber::kUri,
    protocol::AbsCaptureTime::kUri};

bool WritesUri(std::string_view uri) {
  return std::find(kVideoExtensionUris.begin(), kVideoExtensionUris.end(), uri) != kVideoExtensionUris.end();
}

// packetization-mode=1 is the only mode the packetizer (FU-A, STAP-A) speaks.
const protocol::RtpCodecCapability* FindH264(const protocol::RtpCapabilities& caps) {
  for (const auto& c : caps.codecs) {
    if (c.kind != protocol::MediaKind::kVideo || !EqualsIgnoreCase(c.mime_type, kH264MimeType)) continue;
    auto mode = protocol::GetIntParameter(c.parameters, "packetization-mode");
    if (mode && *mode == protocol::kH264PacketizationMode) return &c;
  }
  return nullptr;
}

}  // namespace

protocol::Result<protocol::RtpParameters> MakeVideoRtpParameters(const protocol::RtpCapabilities& router,
                                                                 uint32_t ssrc, const std::string& cname,
                                                                 std::string_view mid) {
  if (ssrc == 0) return protocol::MakeError("invalid_argument", "ssrc: 0 is not a valid SSRC");
  const protocol::RtpCodecCapability* h264 = FindH264(router);
  if (h264 == nullptr) {
    return protocol::MakeError("no_common_codec", "router: no video/H264 with packetization-mode=1");
  }
  protocol::RtpParameters p;
  p.mid = std::string(mid);
  protocol::RtpCodecParameters codec;
  codec.mime_type = h264->mime_type;
  codec.payload_type = h264->preferred_payload_type.value_or(protocol::kPayloadTypeH264);
  codec.clock_rate = h264->clock_rate;
  codec.parameters = h264->parameters;
  codec.rtcp_feedback = h264->rtcp_feedback;
  p.codecs.push_back(std::move(codec));
  for (const auto& e : router.header_extensions) {
    if (e.kind == protocol::MediaKind::kVideo && WritesUri(e.uri)) {
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

uint8_t VideoExtensionIdFor(const protocol::RtpCapabilities& router, std::string_view uri) {
  for (const auto& e : router.header_extensions) {
    if (e.kind == protocol::MediaKind::kVideo && e.uri == uri && e.preferred_id > 0 && e.preferred_id <= 255) {
      return static_cast<uint8_t>(e.preferred_id);
    }
  }
  return 0;
}

VideoConsumerParams VideoConsumerParamsFor(const protocol::RtpParameters& consumer) {
  VideoConsumerParams out;
  if (!consumer.encodings.empty() && consumer.encodings.front().ssrc) out.ssrc = *consumer.encodings.front().ssrc;
  for (const auto& c : consumer.codecs) {
    if (EqualsIgnoreCase(c.mime_type, kH264MimeType)) {
      out.payload_type = c.payload_type;
      break;
    }
  }
  for (const auto& e : consumer.header_extensions) {
    if (e.id <= 0 || e.id > 255) continue;
    if (e.uri == protocol::AbsCaptureTime::kUri) out.abs_capture_time_id = static_cast<uint8_t>(e.id);
  }
  return out;
}

protocol::ResolutionTier ScreenTierFor(std::string_view name) {
  for (const auto& t : protocol::kResolutionTiers) {
    if (t.name == name) return t;
  }
  for (const auto& t : protocol::kResolutionTiers) {
    if (t.name == kDefaultScreenTier) return t;
  }
  return protocol::kResolutionTiers.back();
}

}  // namespace sfusim::clients
