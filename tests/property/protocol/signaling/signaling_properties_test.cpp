// Properties of the signaling codec and validator:
// - every valid message of every type round-trips (struct -> text -> struct, and text is stable);
// - decoding never throws or crashes, on arbitrary strings and on mutated valid messages;
// - every error has a known stable code, and a JSON pointer that is "" (the whole payload: only
//   for size, JSON syntax, depth, duplicate keys and a non-object payload) or starts with "/"
//   and names a real place in the payload (its parent, for a missing field);
// - the rate limiter agrees with a brute-force model of the sliding window.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <set>

#include "sfusim/protocol/signaling/json_reader.h"
#include "sfusim/protocol/signaling/rate_limiter.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"
#include "signaling_generators.h"

using namespace sfusim::protocol;
using nlohmann::json;

namespace {

bool KnownCode(const std::string& code) {
  return std::find(signaling_error::kAllCodes.begin(), signaling_error::kAllCodes.end(), code) !=
         signaling_error::kAllCodes.end();
}

bool PayloadLevelCode(const std::string& code) {
  return code == "payload_too_large" || code == "invalid_json" || code == "too_deep" || code == "duplicate_key" ||
         code == "wrong_type";
}

// The error's shape, for any input.
void CheckErrorShape(const Error& error, const DecodeDiagnostics& diag) {
  RC_ASSERT(KnownCode(error.code));
  RC_ASSERT(error.code != "internal_error");
  if (diag.pointer.empty()) {
    RC_ASSERT(PayloadLevelCode(error.code));
    RC_ASSERT(error.message.rfind("payload: ", 0) == 0);
  } else {
    RC_ASSERT(diag.pointer[0] == '/');
    RC_ASSERT(error.message.rfind(diag.pointer + ": ", 0) == 0);
  }
}

// For a payload that is valid JSON: the pointer names a real place (the parent for a missing field).
void CheckPointerResolves(const json& payload, const Error& error, const DecodeDiagnostics& diag) {
  if (diag.pointer.empty()) return;
  json::json_pointer pointer(diag.pointer);  // throws (failing the property) if malformed
  if (error.code == "missing_field") {
    RC_ASSERT(payload.contains(pointer.parent_pointer()));
  } else {
    RC_ASSERT(payload.contains(pointer));
  }
}

// Every value location in a JSON tree, as pointers.
void Collect(const json& value, const json::json_pointer& at, std::vector<json::json_pointer>* out) {
  out->push_back(at);
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) Collect(it.value(), at / it.key(), out);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) Collect(value[i], at / i, out);
  }
}

rc::Gen<json> AnyJsonScalarOrSmall() {
  return rc::gen::exec([]() -> json {
    switch (*rc::gen::inRange(0, 9)) {
      case 0: return nullptr;
      case 1: return *rc::gen::arbitrary<bool>();
      case 2: return *rc::gen::arbitrary<std::int64_t>();
      case 3: return *rc::gen::element<std::uint64_t>(0, 1, 127, 128, 255, 256, 65535, 4294967295u, 4294967296u,
                                                       18446744073709551615u);
      case 4: return *rc::gen::element(0.0, -1.5, 96.0, 1e300);
      case 5: return *gen::Text(300, true);
      case 6: return *rc::gen::element<std::string>("", "audio", "video", "microphone", "camera", "screen", "send",
                                                    "recv", "sfu", "media_signal", "join_voice", "media_produce");
      case 7: return json::array({*gen::Text(8)});
      default: return json::object();
    }
  });
}

}  // namespace

TEST_CASE("client messages round-trip", "[signaling][property]") {
  rc::prop("decode(encode(m)) == m and the text is stable", [] {
    const ClientMessage message = *gen::AnyClientMessage();
    const std::string text = EncodeClientMessage(message);
    RC_LOG() << text;
    RC_PRE(text.size() <= kMaxSignalingPayloadBytes);
    DecodeDiagnostics diag;
    auto decoded = DecodeClientMessage(text, &diag);
    if (!decoded.ok()) RC_FAIL(decoded.error().code + " " + decoded.error().message);
    const bool same = *decoded == message;
    RC_ASSERT(same);
    RC_ASSERT(EncodeClientMessage(*decoded) == text);
    RC_ASSERT(diag.pointer.empty());
  });
}

TEST_CASE("server messages round-trip", "[signaling][property]") {
  rc::prop("decode(encode(m)) == m and the text is stable", [] {
    const ServerMessage message = *gen::AnyServerMessage();
    const std::string text = EncodeServerMessage(message);
    RC_LOG() << text;
    auto decoded = DecodeServerMessage(text);
    if (!decoded.ok()) RC_FAIL(decoded.error().code + " " + decoded.error().message);
    const bool same = *decoded == message;
    RC_ASSERT(same);
    RC_ASSERT(EncodeServerMessage(*decoded) == text);
  });
}

// Encode* write the text directly (json_writer.h); it must be, byte for byte, nlohmann's dump of
// ToJson, the form the scenario traces and every recorded payload were made with.
TEST_CASE("the direct encoders write exactly nlohmann's text", "[signaling][property]") {
  rc::prop("client messages", [] {
    const ClientMessage message = *gen::AnyClientMessage();
    RC_ASSERT(EncodeClientMessage(message) == DumpJson(ToJson(message)));
  });
  rc::prop("server messages", [] {
    const ServerMessage message = *gen::AnyServerMessage();
    RC_ASSERT(EncodeServerMessage(message) == DumpJson(ToJson(message)));
  });
  rc::prop("strings with any bytes, invalid UTF-8 included", [](const std::string& text) {
    const ServerMessage message = VoiceLeft{text};
    RC_ASSERT(EncodeServerMessage(message) == DumpJson(ToJson(message)));
  });
}

TEST_CASE("decoding arbitrary strings never throws and errors are well formed", "[signaling][property]") {
  rc::prop("client", [](const std::string& text) {
    DecodeDiagnostics diag;
    auto r = DecodeClientMessage(text, &diag);
    if (!r.ok()) CheckErrorShape(r.error(), diag);
  });
  rc::prop("server", [](const std::string& text) {
    DecodeDiagnostics diag;
    auto r = DecodeServerMessage(text, &diag);
    if (!r.ok()) CheckErrorShape(r.error(), diag);
  });
}

TEST_CASE("byte-mutated valid messages never crash the decoder", "[signaling][property]") {
  rc::prop("insert / delete / replace bytes", [] {
    std::string text = EncodeClientMessage(*gen::AnyClientMessage());
    const auto edits = *rc::gen::inRange(1, 6);
    for (int i = 0; i < edits && !text.empty(); ++i) {
      const auto pos = *rc::gen::inRange<std::size_t>(0, text.size());
      const char byte = *rc::gen::arbitrary<char>();
      switch (*rc::gen::inRange(0, 3)) {
        case 0: text.insert(text.begin() + static_cast<std::ptrdiff_t>(pos), byte); break;
        case 1: text.erase(pos, 1); break;
        default: text[pos] = byte; break;
      }
    }
    DecodeDiagnostics diag;
    auto r = DecodeClientMessage(text, &diag);
    if (!r.ok()) {
      CheckErrorShape(r.error(), diag);
    } else {
      // Whatever was accepted re-encodes to something accepted and equal.
      auto again = DecodeClientMessage(EncodeClientMessage(*r));
      RC_ASSERT(again.ok());
      const bool same = *again == *r;
      RC_ASSERT(same);
    }
  });
}

TEST_CASE("structurally mutated valid messages give errors that point at the mutation", "[signaling][property]") {
  rc::prop("replace or delete one value anywhere in the tree", [] {
    json payload = ToJson(*gen::AnyClientMessage());
    std::vector<json::json_pointer> places;
    Collect(payload, json::json_pointer(), &places);
    const auto place = *rc::gen::elementOf(places);
    const bool erase = *rc::gen::arbitrary<bool>() && !place.empty();
    if (erase) {
      json& parent = payload[place.parent_pointer()];
      if (parent.is_object()) {
        parent.erase(place.back());
      } else {
        parent.erase(static_cast<std::size_t>(std::stoul(place.back())));
      }
    } else {
      payload[place] = *AnyJsonScalarOrSmall();
    }
    const std::string text = payload.dump();
    RC_LOG() << text;
    DecodeDiagnostics diag;
    auto r = DecodeClientMessage(text, &diag);
    if (r.ok()) {
      auto again = DecodeClientMessage(EncodeClientMessage(*r));
      RC_ASSERT(again.ok());
      return;
    }
    CheckErrorShape(r.error(), diag);
    if (r.error().code != "payload_too_large") CheckPointerResolves(payload, r.error(), diag);
  });
}

TEST_CASE("the rate limiter matches a brute-force sliding window", "[signaling][property]") {
  rc::prop("allowed iff fewer than N allowed events in (t - W, t]", [] {
    const int max_events = *rc::gen::inRange(1, 12);
    const std::int64_t window = *rc::gen::inRange<std::int64_t>(1, 1000);
    RateLimiter limiter(max_events, window);
    std::vector<std::int64_t> allowed;
    std::int64_t now = *rc::gen::inRange<std::int64_t>(-5000, 5000);
    const auto steps = *rc::gen::inRange(1, 200);
    for (int i = 0; i < steps; ++i) {
      now += *rc::gen::weightedOneOf<std::int64_t>({{3, rc::gen::just<std::int64_t>(0)},
                                                    {6, rc::gen::inRange<std::int64_t>(0, window / 4 + 2)},
                                                    {1, rc::gen::inRange<std::int64_t>(0, 3 * window)}});
      const auto in_window = std::count_if(allowed.begin(), allowed.end(), [&](std::int64_t t) { return now - t < window; });
      const bool expected = in_window < max_events;
      RC_ASSERT(limiter.CountInWindow(now) == static_cast<int>(std::min<std::int64_t>(in_window, max_events)));
      RC_ASSERT(limiter.Allow(now) == expected);
      if (expected) allowed.push_back(now);
    }
  });
}
