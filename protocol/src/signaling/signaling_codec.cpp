#include "sfusim/protocol/signaling/signaling_codec.h"

#include <new>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/signaling/json_reader.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace sfusim::protocol {
namespace {

namespace err = signaling_error;

template <typename Message>
Result<Message> Decode(std::string_view text, std::size_t max_bytes, DecodeDiagnostics* diagnostics,
                       bool (*read)(JsonReader&, const JsonValue&, Message*, DecodeDiagnostics*)) {
  DecodeDiagnostics local;
  DecodeDiagnostics& diag = diagnostics != nullptr ? *diagnostics : local;
  diag = DecodeDiagnostics{};
  if (Status size = CheckPayloadSize(text, max_bytes); !size.ok()) return size.error();
  // The boundary: nothing below throws on bad input, but an allocation failure could; it must
  // not escape to the caller nor carry library text to the peer.
  try {
    JsonReader reader;
    JsonDocument payload;
    Message message;
    if (ParseJsonBounded(text, kMaxJsonDepth, reader, &payload) && read(reader, payload.root(), &message, &diag)) {
      return message;
    }
    diag.pointer = reader.violation()->pointer;
    return reader.violation()->ToError();
  } catch (const std::exception&) {
    return MakeError(std::string(err::kInternalError), "payload: could not be decoded");
  }
}

}  // namespace

Result<ClientMessage> DecodeClientMessage(std::string_view text, DecodeDiagnostics* diagnostics) {
  return Decode<ClientMessage>(text, kMaxSignalingPayloadBytes, diagnostics, &ReadClientMessage);
}

Result<ServerMessage> DecodeServerMessage(std::string_view text, DecodeDiagnostics* diagnostics) {
  return Decode<ServerMessage>(text, kMaxServerPayloadBytes, diagnostics, &ReadServerMessage);
}

ServerMessage MakeDecodeErrorReply(const Error& error, const DecodeDiagnostics& diagnostics) {
  if (diagnostics.media_signal) {
    return MakeMediaSignalError(diagnostics.request_id, diagnostics.action, error.code, error.message);
  }
  return SignalingErrorNotice{error.code, error.message, std::nullopt};
}

MediaSignalResponse MakeMediaSignalError(std::optional<std::string> request_id, std::optional<MediaAction> action,
                                         std::string_view code, std::string message) {
  MediaSignalResponse response;
  response.request_id = std::move(request_id);
  response.action = action;
  response.outcome = MediaSignalError{std::string(code), std::move(message)};
  return response;
}

MediaSignalResponse MakeMediaSignalResult(std::optional<std::string> request_id, MediaSignalOutcome result) {
  MediaSignalResponse response;
  response.request_id = std::move(request_id);
  response.action = ResultAction(result);
  response.outcome = std::move(result);
  return response;
}

}  // namespace sfusim::protocol
