// JSON form of RTP parameters and capabilities, as mediasoup writes them (camelCase members):
//
//   RtpParameters   {"mid"?, "codecs": [codec...], "headerExtensions"?: [...], "encodings"?: [...],
//                    "rtcp"?: {"cname"?, "reducedSize"?}}
//   codec           {"mimeType", "payloadType", "clockRate", "channels"?, "parameters"?: {k: int|string},
//                    "rtcpFeedback"?: [{"type", "parameter"?}]}
//   header ext      {"uri", "id", "encrypt"?}
//   encoding        {"ssrc"?, "rtx"?: {"ssrc"}, "rid"?, "dtx"?, "maxBitrate"?, "scalabilityMode"?}
//   RtpCapabilities {"codecs": [{"kind", "mimeType", "preferredPayloadType"?, "clockRate", "channels"?,
//                    "parameters"?, "rtcpFeedback"?}], "headerExtensions"?: [{"kind", "uri",
//                    "preferredId", "preferredEncrypt"?}]}
//
// Contract: ToJson writes every present field (parameters and rtcpFeedback always, possibly empty;
// absent optionals are left out), with keys in sorted order, so output is deterministic and
// decoding it gives back an equal struct. Read* validate against limits.h: payloadType 0..127,
// header extension id 1..255, clockRate 1..1 MHz, channels 1..8, ssrc 32 bits, bounded lists and
// strings; mimeType is "audio/<name>" or "video/<name>" and a capability's kind agrees with it;
// RtpParameters has at least one codec, no payload type or header extension id twice. Violations
// are recorded on the JsonReader with the field's pointer under `at`.
#pragma once

#include <nlohmann/json.hpp>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtp_parameters/rtp_capabilities.h"
#include "sfusim/protocol/rtp_parameters/rtp_parameters.h"
#include "sfusim/protocol/signaling/json_reader.h"

namespace sfusim::protocol {

nlohmann::json ToJson(const CodecParameters& parameters);
nlohmann::json ToJson(const RtcpFeedback& feedback);
nlohmann::json ToJson(const RtpCodecParameters& codec);
nlohmann::json ToJson(const RtpHeaderExtensionParameters& extension);
nlohmann::json ToJson(const RtpEncodingParameters& encoding);
nlohmann::json ToJson(const RtcpParameters& rtcp);
nlohmann::json ToJson(const RtpParameters& parameters);
nlohmann::json ToJson(const RtpCodecCapability& codec);
nlohmann::json ToJson(const RtpHeaderExtensionCapability& extension);
nlohmann::json ToJson(const RtpCapabilities& capabilities);

bool ReadRtpCodecParameters(JsonReader& reader, const JsonValue& value, const JsonPath& at,
                            RtpCodecParameters* out);
bool ReadRtpParameters(JsonReader& reader, const JsonValue& value, const JsonPath& at, RtpParameters* out);
bool ReadRtpCapabilities(JsonReader& reader, const JsonValue& value, const JsonPath& at,
                         RtpCapabilities* out);

// Standalone conversions (pointers relative to `value`, e.g. "/codecs/0/payloadType").
Result<RtpParameters> RtpParametersFromJson(const nlohmann::json& value);
Result<RtpCapabilities> RtpCapabilitiesFromJson(const nlohmann::json& value);

}  // namespace sfusim::protocol
