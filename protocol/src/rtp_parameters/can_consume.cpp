#include "sfusim/protocol/rtp_parameters/can_consume.h"

#include <algorithm>

#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"
#include "sfusim/protocol/rtp_parameters/h264_profile_level_id.h"

namespace sfusim::protocol {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool IsAudioMimeType(std::string_view mime_type) {
  return mime_type.size() >= 6 && EqualsIgnoreCase(mime_type.substr(0, 6), "audio/");
}

// The fields codec matching looks at, shared by codec parameters and codec capabilities.
struct CodecView {
  std::string_view mime_type;
  std::uint32_t clock_rate;
  std::optional<int> channels;
  const CodecParameters& parameters;
};

CodecView ViewOf(const RtpCodecParameters& c) { return {c.mime_type, c.clock_rate, c.channels, c.parameters}; }
CodecView ViewOf(const RtpCodecCapability& c) { return {c.mime_type, c.clock_rate, c.channels, c.parameters}; }

// An integer parameter with its default; nullopt when present but not an integer.
std::optional<std::int64_t> IntOr(const CodecParameters& parameters, std::string_view key, std::int64_t fallback) {
  if (parameters.find(key) == parameters.end()) return fallback;
  return GetIntParameter(parameters, key);
}

bool Match(const CodecView& a, const CodecView& b, bool strict) {
  if (!EqualsIgnoreCase(a.mime_type, b.mime_type)) return false;
  if (a.clock_rate != b.clock_rate) return false;
  if (IsAudioMimeType(a.mime_type) && a.channels.value_or(1) != b.channels.value_or(1)) return false;
  if (!strict) return true;
  if (EqualsIgnoreCase(a.mime_type, "video/H264")) {
    const auto mode_a = H264PacketizationMode(a.parameters);
    const auto mode_b = H264PacketizationMode(b.parameters);
    if (!mode_a || !mode_b || *mode_a != *mode_b) return false;
    return H264IsSameProfile(a.parameters, b.parameters);
  }
  if (EqualsIgnoreCase(a.mime_type, "video/VP9")) {
    const auto pa = IntOr(a.parameters, "profile-id", 0);
    const auto pb = IntOr(b.parameters, "profile-id", 0);
    return pa && pb && *pa == *pb;
  }
  if (EqualsIgnoreCase(a.mime_type, "video/AV1")) {
    const auto pa = IntOr(a.parameters, "profile", 0);
    const auto pb = IntOr(b.parameters, "profile", 0);
    return pa && pb && *pa == *pb;
  }
  return true;
}

const RtpCodecCapability* FindMatch(const RtpCodecParameters& codec, const RtpCapabilities& caps) {
  for (const RtpCodecCapability& cap : caps.codecs) {
    if (CodecMatchesCapability(codec, cap, true)) return &cap;
  }
  return nullptr;
}

bool HasFeedbackType(const RtcpFeedback& fb, std::string_view type) { return fb.type == type; }

}  // namespace

bool IsRtxMimeType(std::string_view mime_type) { return EqualsIgnoreCase(mime_type, kRtxMimeType); }

bool CodecMatchesCapability(const RtpCodecParameters& codec, const RtpCodecCapability& capability, bool strict) {
  return Match(ViewOf(codec), ViewOf(capability), strict);
}

bool CodecCapabilitiesMatch(const RtpCodecCapability& a, const RtpCodecCapability& b, bool strict) {
  return Match(ViewOf(a), ViewOf(b), strict);
}

bool CanConsume(const RtpParameters& consumable, const RtpCapabilities& consumer_caps) {
  for (const RtpCodecParameters& codec : consumable.codecs) {
    if (FindMatch(codec, consumer_caps) != nullptr) return !IsRtxMimeType(codec.mime_type);
  }
  return false;
}

bool CanConsume(const RtpCapabilities& router_caps, const RtpCapabilities& consumer_caps) {
  for (const RtpCodecCapability& router_codec : router_caps.codecs) {
    if (IsRtxMimeType(router_codec.mime_type)) continue;
    for (const RtpCodecCapability& cap : consumer_caps.codecs) {
      if (CodecCapabilitiesMatch(router_codec, cap, true)) return true;
    }
  }
  return false;
}

Result<RtpParameters> GetConsumerRtpParameters(const RtpParameters& consumable,
                                               const RtpCapabilities& consumer_caps,
                                               std::uint32_t consumer_ssrc) {
  RtpParameters consumer;
  for (const RtpCodecParameters& codec : consumable.codecs) {
    const RtpCodecCapability* cap = FindMatch(codec, consumer_caps);
    if (cap == nullptr) continue;
    RtpCodecParameters out = codec;
    out.rtcp_feedback = cap->rtcp_feedback;
    if (EqualsIgnoreCase(codec.mime_type, "video/H264")) {
      // The stream is the producer's; the consumer is told the lower of the two levels.
      if (auto answer = H264ProfileLevelIdForAnswer(codec.parameters, cap->parameters)) {
        out.parameters[std::string(kH264ProfileLevelIdParameter)] = *answer;
      }
    }
    consumer.codecs.push_back(std::move(out));
  }
  // RTX codecs without their media codec are useless: keep an RTX codec only when its apt points
  // at a kept media codec.
  std::erase_if(consumer.codecs, [&](const RtpCodecParameters& codec) {
    if (!IsRtxMimeType(codec.mime_type)) return false;
    const auto apt = GetIntParameter(codec.parameters, "apt");
    return !apt || std::none_of(consumer.codecs.begin(), consumer.codecs.end(), [&](const RtpCodecParameters& c) {
      return !IsRtxMimeType(c.mime_type) && c.payload_type == *apt;
    });
  });
  if (consumer.codecs.empty() || IsRtxMimeType(consumer.codecs.front().mime_type)) {
    return MakeError("cannot_consume", "rtp_capabilities: no media codec in common with the producer");
  }

  for (const RtpHeaderExtensionParameters& ext : consumable.header_extensions) {
    const bool known = std::any_of(consumer_caps.header_extensions.begin(), consumer_caps.header_extensions.end(),
                                   [&](const RtpHeaderExtensionCapability& cap) {
                                     return cap.preferred_id == ext.id && cap.uri == ext.uri;
                                   });
    if (known) consumer.header_extensions.push_back(ext);
  }

  auto negotiated = [&](std::string_view uri) {
    return std::any_of(consumer.header_extensions.begin(), consumer.header_extensions.end(),
                       [&](const RtpHeaderExtensionParameters& e) { return e.uri == uri; });
  };
  const bool transport_cc = negotiated(TransportSequenceNumber::kUri);
  const bool abs_send_time = negotiated(AbsSendTime::kUri);
  for (RtpCodecParameters& codec : consumer.codecs) {
    std::erase_if(codec.rtcp_feedback, [&](const RtcpFeedback& fb) {
      if (transport_cc) return HasFeedbackType(fb, kRtcpFeedbackGoogRemb);
      if (abs_send_time) return HasFeedbackType(fb, kRtcpFeedbackTransportCc);
      return HasFeedbackType(fb, kRtcpFeedbackGoogRemb) || HasFeedbackType(fb, kRtcpFeedbackTransportCc);
    });
  }

  RtpEncodingParameters encoding;
  encoding.ssrc = consumer_ssrc;
  consumer.encodings.push_back(encoding);
  consumer.rtcp = consumable.rtcp;
  return consumer;
}

}  // namespace sfusim::protocol
