// RtpCapabilities: what a router or a client device can send/receive (mediasoup's RtpCapabilities).
//
// Contract: plain values with value equality. A router's capabilities come from
// BuildRouterRtpCapabilities (router_capabilities.h); a client's arrive in media_consume and are
// checked when decoded (signaling/rtp_parameters_json.h). Codec order is preference order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfusim/protocol/rtp_parameters/codec_parameters.h"
#include "sfusim/protocol/rtp_parameters/media_kind.h"
#include "sfusim/protocol/rtp_parameters/rtcp_feedback.h"

namespace sfusim::protocol {

struct RtpCodecCapability {
  MediaKind kind = MediaKind::kAudio;
  std::string mime_type;  // "audio/opus", "video/VP8", "video/H264", ...
  std::optional<std::uint8_t> preferred_payload_type;
  std::uint32_t clock_rate = 0;
  std::optional<int> channels;  // audio only; absent means 1
  CodecParameters parameters;
  std::vector<RtcpFeedback> rtcp_feedback;

  bool operator==(const RtpCodecCapability&) const = default;
};

struct RtpHeaderExtensionCapability {
  MediaKind kind = MediaKind::kAudio;
  std::string uri;
  int preferred_id = 0;
  bool preferred_encrypt = false;

  bool operator==(const RtpHeaderExtensionCapability&) const = default;
};

struct RtpCapabilities {
  std::vector<RtpCodecCapability> codecs;
  std::vector<RtpHeaderExtensionCapability> header_extensions;

  bool operator==(const RtpCapabilities&) const = default;
};

}  // namespace sfusim::protocol
