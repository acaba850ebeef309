// The signaling validator: every rule of PROTOCOL.md §1 "Validation" (and sfusim's own bounds) that
// a message can be checked against without server state, with the limits from limits.h.
//
// Rules, in the order they are checked (the first violation is the one reported):
//  1. payload at most 32 KiB, before parsing ("payload_too_large", pointer "")
//  2. valid JSON ("invalid_json"), nesting at most kMaxJsonDepth ("too_deep"), no key twice in an
//     object ("duplicate_key"), the payload an object ("wrong_type") -- all pointer ""
//  3. "type" present, a string of at most kMaxTypeLength, a known type ("unknown_type", "/type")
//  4. media_signal: "request_id" optional, 1..128 chars; "action" known ("unknown_action", "/action")
//  5. the message's / action's fields in their documented order: presence ("missing_field"), JSON
//     type ("wrong_type"), string length ("field_too_long": request_id 128, direction 16,
//     transport_id 128, kind 16, source 32, routing_mode 16, ids and names per limits.h), empty
//     ids ("invalid_value"), enumerations ("invalid_enum": direction send|recv, kind audio|video,
//     source microphone|camera|screen, routing_mode sfu), numbers ("out_of_range"), list sizes
//     ("too_many_items": preferred_codecs 8, codecs, extensions, encodings, rtcp-fb, ...)
//  6. media_produce: source agrees with kind ("kind_source_mismatch", "/source"); every codec's
//     mimeType is of that kind ("codec_kind_mismatch", "/rtp_parameters/codecs/<i>/mimeType")
//  7. client_diagnostic: "diagnostic" an object of at most kMaxDiagnosticBytes of JSON text
//     ("too_large"), depth kMaxDiagnosticDepth ("too_deep"), kMaxDiagnosticValues values
//     ("too_many_items"), finite numbers
// Pointers: RFC 6901, always "/..." for a field, "" only for rules 1-2 (the whole payload).
// Not checked here (needs server state): transport ownership, one camera/one screen, rate limit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/signaling/client_messages.h"
#include "sfusim/protocol/signaling/json_reader.h"
#include "sfusim/protocol/signaling/media_types.h"
#include "sfusim/protocol/signaling/server_messages.h"

namespace sfusim::protocol {

// What the decoder learnt about a message, filled whether decoding succeeds or fails, so a server
// can answer a bad request in the right form (signaling_codec.h: MakeDecodeErrorReply).
struct DecodeDiagnostics {
  std::string pointer;                     // JSON pointer of the violation; "" = whole payload
  bool media_signal = false;               // "type" was "media_signal"
  std::optional<MediaAction> action;       // the action, when it was read and known
  std::optional<std::string> request_id;   // the request_id, when it was present and valid

  bool operator==(const DecodeDiagnostics&) const = default;
};

// Rule 1 for a given limit.
Status CheckPayloadSize(std::string_view text, std::size_t max_bytes);

// Rules 3-7 on a parsed payload (rule 2's object check included). On failure the reader holds the
// violation and the function returns false.
bool ReadClientMessage(JsonReader& reader, const JsonValue& payload, ClientMessage* out,
                       DecodeDiagnostics* diagnostics);

// The same discipline for what a server sends (a client checks it too: the server may be broken or
// mutated); server payloads may be up to kMaxServerPayloadBytes.
bool ReadServerMessage(JsonReader& reader, const JsonValue& payload, ServerMessage* out,
                       DecodeDiagnostics* diagnostics);

}  // namespace sfusim::protocol
