// Signaling messages <-> JSON text: the entry points the SFU and the clients use.
//
// Contract:
// - DecodeClientMessage(text) never throws and never crashes, whatever the bytes: it checks the
//   size (32 KiB) before parsing, parses without exceptions, and applies every rule of
//   signaling_validator.h; on failure the Error has a stable code (signaling_error_codes.h) and a
//   message "<JSON pointer>: <rule and limit>" of sfusim's own words. `diagnostics` (optional)
//   receives the pointer and what is needed to answer: media_signal or not, action, request_id.
// - Encode* write compact JSON with sorted keys: deterministic bytes for equal messages, and
//   Decode(Encode(m)) == m for every valid m (strings must be valid UTF-8; invalid sequences are
//   replaced by U+FFFD rather than throwing).
// - The message type travels in the "type" member (client_messages.h / server_messages.h list the
//   shapes).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/signaling/client_messages.h"
#include "sfusim/protocol/signaling/server_messages.h"
#include "sfusim/protocol/signaling/signaling_validator.h"

namespace sfusim::protocol {

Result<ClientMessage> DecodeClientMessage(std::string_view text, DecodeDiagnostics* diagnostics = nullptr);
Result<ServerMessage> DecodeServerMessage(std::string_view text, DecodeDiagnostics* diagnostics = nullptr);

nlohmann::json ToJson(const ClientMessage& message);
nlohmann::json ToJson(const ServerMessage& message);
std::string EncodeClientMessage(const ClientMessage& message);
std::string EncodeServerMessage(const ServerMessage& message);

// The answer to a client message that failed to decode: a media_signal error response when the
// payload was a media_signal (with its request_id and action when they were readable), otherwise
// an `error` message. Carries the error's code and message unchanged.
ServerMessage MakeDecodeErrorReply(const Error& error, const DecodeDiagnostics& diagnostics);

// A media_signal error response, e.g. for rate_limited or a semantic error of the SFU.
MediaSignalResponse MakeMediaSignalError(std::optional<std::string> request_id, std::optional<MediaAction> action,
                                         std::string_view code, std::string message);

// A media_signal result response; its action is the result's.
MediaSignalResponse MakeMediaSignalResult(std::optional<std::string> request_id, MediaSignalOutcome result);

// The "type" wire name of a message.
std::string_view TypeName(const ClientMessage& message);
std::string_view TypeName(const ServerMessage& message);

}  // namespace sfusim::protocol
