// Every stable error code of the signaling layer, in one place.
//
// Contract: these strings are API. They travel to clients in media_signal error responses and in
// `error` messages, tests and scenario expectations match on them, so a code is never renamed or
// reused for a different meaning; new codes are added at the end of their group. Each code's
// comment says which JSON pointer its message names ("" = the whole payload).
//
// Messages that go with a code are sfusim's own text ("<pointer>: <what is wrong and the limit>");
// they never contain a parser library's exception text nor echo a value the client sent.
#pragma once

#include <array>
#include <string_view>

namespace sfusim::protocol::signaling_error {

// --- Decoding and validation (produced by DecodeClientMessage / DecodeServerMessage) -------------
inline constexpr std::string_view kPayloadTooLarge = "payload_too_large";  // "": over 32 KiB, before parsing
inline constexpr std::string_view kInvalidJson = "invalid_json";            // "": not JSON (byte offset in message)
inline constexpr std::string_view kTooDeep = "too_deep";                    // "" or field: nesting too deep
inline constexpr std::string_view kDuplicateKey = "duplicate_key";          // "": a key twice in one object
inline constexpr std::string_view kWrongType = "wrong_type";                // field ("" if the payload is no object)
inline constexpr std::string_view kMissingField = "missing_field";          // the missing field
inline constexpr std::string_view kFieldTooLong = "field_too_long";         // field: string over its limit
inline constexpr std::string_view kInvalidValue = "invalid_value";          // field: empty id, bad format
inline constexpr std::string_view kInvalidEnum = "invalid_enum";            // field: not one of the allowed words
inline constexpr std::string_view kOutOfRange = "out_of_range";             // field: number outside its range
inline constexpr std::string_view kTooManyItems = "too_many_items";         // list/object: too many entries
inline constexpr std::string_view kTooLarge = "too_large";                  // field: object's JSON text too big
inline constexpr std::string_view kDuplicateValue = "duplicate_value";      // field: payload type / id twice
inline constexpr std::string_view kKindSourceMismatch = "kind_source_mismatch";  // "/source"
inline constexpr std::string_view kCodecKindMismatch = "codec_kind_mismatch";    // a codec's mimeType vs kind
inline constexpr std::string_view kUnknownType = "unknown_type";            // "/type"
inline constexpr std::string_view kUnknownAction = "unknown_action";        // "/action"

// --- Connection policy (produced by the server around the decoder) -----------------------------
inline constexpr std::string_view kRateLimited = "rate_limited";  // over 80 media_signal events / 5 s
inline constexpr std::string_view kNotAuthenticated = "not_authenticated";  // a message before authenticate succeeded
inline constexpr std::string_view kAuthFailed = "auth_failed";              // bad token (the connection is closed)
inline constexpr std::string_view kAuthTimeout = "auth_timeout";            // no authenticate within 15 s (closed)
inline constexpr std::string_view kIdleTimeout = "idle_timeout";            // nothing received for 45 s (closed)
inline constexpr std::string_view kAlreadyAuthenticated = "already_authenticated";  // authenticate twice

// --- Request semantics (produced by the SFU while handling a valid request) ---------------------
inline constexpr std::string_view kNotInChannel = "not_in_channel";            // no voice channel joined / other channel
inline constexpr std::string_view kTransportNotFound = "transport_not_found";  // unknown or not the caller's
inline constexpr std::string_view kTransportExists = "transport_exists";       // a transport for that direction exists
inline constexpr std::string_view kTransportNotConnected = "transport_not_connected";
inline constexpr std::string_view kProducerNotFound = "producer_not_found";
inline constexpr std::string_view kConsumerNotFound = "consumer_not_found";
inline constexpr std::string_view kProducerLimit = "producer_limit";           // second camera / screen producer
inline constexpr std::string_view kCannotConsume = "cannot_consume";           // capabilities do not match
inline constexpr std::string_view kUnsupportedCodec = "unsupported_codec";     // no codec in common with the router
inline constexpr std::string_view kMediaUnavailable = "media_unavailable";     // the channel's worker is down / restarting
inline constexpr std::string_view kInternalError = "internal_error";           // anything else; never leaks details

// Every code above, for tests that check uniqueness and for documentation generators.
inline constexpr std::array kAllCodes{
    kPayloadTooLarge, kInvalidJson,       kTooDeep,          kDuplicateKey,      kWrongType,
    kMissingField,    kFieldTooLong,      kInvalidValue,     kInvalidEnum,       kOutOfRange,
    kTooManyItems,    kTooLarge,          kDuplicateValue,   kKindSourceMismatch, kCodecKindMismatch,
    kUnknownType,     kUnknownAction,     kRateLimited,      kNotInChannel,      kTransportNotFound,
    kTransportExists, kTransportNotConnected, kProducerNotFound, kConsumerNotFound, kProducerLimit,
    kCannotConsume,   kUnsupportedCodec,  kMediaUnavailable, kInternalError,
    kNotAuthenticated, kAuthFailed,       kAuthTimeout,      kIdleTimeout,       kAlreadyAuthenticated,
};

}  // namespace sfusim::protocol::signaling_error
