// Pieces of the signaling JSON form shared by the client and server message code (not public).
#pragma once

#include <nlohmann/json.hpp>

#include "sfusim/protocol/signaling/client_messages.h"
#include "sfusim/protocol/signaling/json_reader.h"
#include "json_writer.h"

namespace sfusim::protocol::internal {

nlohmann::json DtlsParametersToJson(const DtlsParameters& dtls);
// The JsonWriter forms (json_writer.h) of the shared parts: the same text as dumping their ToJson.
void WriteDtlsParameters(JsonWriter& w, const DtlsParameters& dtls);
void WriteRtpCodecParameters(JsonWriter& w, const RtpCodecParameters& codec);
void WriteRtpParameters(JsonWriter& w, const RtpParameters& parameters);
void WriteRtpCapabilities(JsonWriter& w, const RtpCapabilities& capabilities);
bool ReadDtlsParameters(JsonReader& reader, const JsonValue& value, const JsonPath& at, DtlsParameters* out);

// "type" of a payload: present, a string of bounded length. Unknown names are the caller's call.
bool ReadTypeName(JsonReader& reader, const JsonValue& payload, std::string_view* out);

// media_signal "request_id" (optional, 1..128 chars) and "action" (optional here; unknown words
// give unknown_action). Fill the diagnostics as they go.
bool ReadRequestId(JsonReader& reader, const JsonValue& payload, std::optional<std::string>* out);
bool ReadAction(JsonReader& reader, const JsonValue& payload, bool required, std::optional<MediaAction>* out);

}  // namespace sfusim::protocol::internal
