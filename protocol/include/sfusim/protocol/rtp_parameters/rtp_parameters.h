// RtpParameters: what one producer sends or one consumer receives (mediasoup's RtpParameters).
//
// Contract: plain values with value equality; no invariants are enforced here (a struct can hold
// anything). Everything that arrives from outside is checked when it is decoded from JSON
// (signaling/rtp_parameters_json.h) against the limits in limits.h: payload type 0..127, header
// extension id 1..255, bounded lists and strings. Field names mirror mediasoup's JSON names
// (mimeType -> mime_type, payloadType -> payload_type, ...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfusim/protocol/rtp_parameters/codec_parameters.h"
#include "sfusim/protocol/rtp_parameters/rtcp_feedback.h"

namespace sfusim::protocol {

// One codec as used on the wire: mime type "audio/opus", "video/H264", ... and its payload type.
struct RtpCodecParameters {
  std::string mime_type;
  std::uint8_t payload_type = 0;
  std::uint32_t clock_rate = 0;
  std::optional<int> channels;  // audio only; absent means 1
  CodecParameters parameters;
  std::vector<RtcpFeedback> rtcp_feedback;

  bool operator==(const RtpCodecParameters&) const = default;
};

// A negotiated header extension (RFC 8285): its URI and the id it has in this stream.
struct RtpHeaderExtensionParameters {
  std::string uri;
  int id = 0;
  bool encrypt = false;

  bool operator==(const RtpHeaderExtensionParameters&) const = default;
};

// One encoding (one RTP stream) of the producer or consumer.
struct RtpEncodingParameters {
  std::optional<std::uint32_t> ssrc;
  std::optional<std::uint32_t> rtx_ssrc;  // JSON: "rtx": {"ssrc": N}
  std::optional<std::string> rid;
  std::optional<bool> dtx;
  std::optional<std::int64_t> max_bitrate;  // bits per second
  std::optional<std::string> scalability_mode;

  bool operator==(const RtpEncodingParameters&) const = default;
};

// RTCP settings of the stream.
struct RtcpParameters {
  std::optional<std::string> cname;
  std::optional<bool> reduced_size;

  bool operator==(const RtcpParameters&) const = default;
};

struct RtpParameters {
  std::optional<std::string> mid;
  std::vector<RtpCodecParameters> codecs;
  std::vector<RtpHeaderExtensionParameters> header_extensions;
  std::vector<RtpEncodingParameters> encodings;
  RtcpParameters rtcp;

  bool operator==(const RtpParameters&) const = default;
};

}  // namespace sfusim::protocol
