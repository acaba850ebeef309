// Every validation rule of PROTOCOL.md §1 with its error code and JSON pointer, and the boundary
// values of every limit (limit accepted, limit + 1 rejected).
#include <catch2/catch.hpp>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/signaling/rtp_parameters_json.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "signaling_samples.h"

using namespace sfusim::protocol;
using nlohmann::json;

namespace {

struct Outcome {
  bool ok;
  std::string code;
  std::string pointer;
  std::string message;
};

Outcome DecodeText(const std::string& text) {
  DecodeDiagnostics diag;
  auto r = DecodeClientMessage(text, &diag);
  if (r.ok()) return {true, "", diag.pointer, ""};
  return {false, r.error().code, diag.pointer, r.error().message};
}

Outcome DecodeJson(const json& j) { return DecodeText(j.dump()); }

// The documented message form: "<pointer>: ..." (or "payload: ..." for the whole payload).
void CheckRejected(const Outcome& o, std::string_view code, std::string_view pointer) {
  INFO("message: " << o.message);
  REQUIRE_FALSE(o.ok);
  CHECK(o.code == code);
  CHECK(o.pointer == pointer);
  const std::string prefix = (pointer.empty() ? std::string("payload") : std::string(pointer)) + ": ";
  CHECK(o.message.rfind(prefix, 0) == 0);
}

json Signal(std::string_view action) { return json{{"type", "media_signal"}, {"action", action}, {"request_id", "r"}}; }

json Connect() {
  json j = Signal("connect_webrtc_transport");
  j["transport_id"] = "t";
  j["dtls_parameters"] = {{"role", "client"}, {"fingerprints", {{{"algorithm", "sha-256"}, {"value", "AA:BB"}}}}};
  return j;
}

json Consume() {
  json j = Signal("media_consume");
  j["producer_id"] = "p";
  j["rtp_capabilities"] = ToJson(test::RouterCaps());
  return j;
}

std::string Chars(std::size_t n, char c = 'x') { return std::string(n, c); }

}  // namespace

TEST_CASE("payload size is checked before parsing: 32 KiB accepted, 32 KiB + 1 rejected", "[signaling][limits]") {
  json j = {{"type", "join_voice"}, {"channel_id", "c"}, {"pad", ""}};
  const std::size_t overhead = j.dump().size();
  j["pad"] = Chars(kMaxSignalingPayloadBytes - overhead);
  const std::string exact = j.dump();
  REQUIRE(exact.size() == kMaxSignalingPayloadBytes);
  CHECK(DecodeText(exact).ok);
  j["pad"] = Chars(kMaxSignalingPayloadBytes - overhead + 1);
  CheckRejected(DecodeJson(j), "payload_too_large", "");
  // Not even parsed: garbage over the limit reports the size, not invalid_json.
  CheckRejected(DecodeText(Chars(kMaxSignalingPayloadBytes + 1, '{')), "payload_too_large", "");
  CHECK(DecodeText(Chars(kMaxSignalingPayloadBytes + 1, '{')).message ==
        "payload: 32769 bytes, more than the limit of 32768 bytes");
}

TEST_CASE("malformed JSON is invalid_json with a byte offset and no library text", "[signaling]") {
  for (const char* text : {"", "{", "{\"type\":", "[1,2", "nul", "{\"a\":1}x", "{\"a\":\"\\uZZZZ\"}", "\xff", "{'a':1}",
                           "{\"a\":01}", "{\"a\":\"\x01\"}", "{\"a\":\"\xc3\"}"}) {
    const Outcome o = DecodeText(text);
    INFO(text);
    CheckRejected(o, "invalid_json", "");
    CHECK(o.message.find("not valid JSON (error at byte ") != std::string::npos);
    // nlohmann's exception texts start like this; they must never reach a client.
    CHECK(o.message.find("[json.exception") == std::string::npos);
    CHECK(o.message.find("syntax error") == std::string::npos);
  }
}

TEST_CASE("structure: nesting depth, duplicate keys, top-level type", "[signaling]") {
  std::string deep = R"({"type":"join_voice","channel_id":"c","x":)";
  for (std::size_t i = 0; i < kMaxJsonDepth; ++i) deep += "[";
  CheckRejected(DecodeText(deep), "too_deep", "");
  std::string ok = R"({"type":"join_voice","channel_id":"c","x":)";
  for (std::size_t i = 0; i < kMaxJsonDepth - 1; ++i) ok += "[";
  for (std::size_t i = 0; i < kMaxJsonDepth - 1; ++i) ok += "]";
  ok += "}";
  CHECK(DecodeText(ok).ok);
  CheckRejected(DecodeText(R"({"type":"join_voice","channel_id":"a","channel_id":"b"})"), "duplicate_key", "");
  CheckRejected(DecodeText("[]"), "wrong_type", "");
  CheckRejected(DecodeText("\"join_voice\""), "wrong_type", "");
  CheckRejected(DecodeText("null"), "wrong_type", "");
}

TEST_CASE("type: required, a string, known", "[signaling]") {
  CheckRejected(DecodeText(R"({"channel_id":"c"})"), "missing_field", "/type");
  CheckRejected(DecodeText(R"({"type":null})"), "wrong_type", "/type");
  CheckRejected(DecodeText(R"({"type":7})"), "wrong_type", "/type");
  CheckRejected(DecodeText(R"({"type":"voice_joined"})"), "unknown_type", "/type");
  CheckRejected(DecodeJson({{"type", Chars(kMaxTypeLength + 1)}}), "field_too_long", "/type");
}

TEST_CASE("voice messages: channel_id and speaking", "[signaling]") {
  CheckRejected(DecodeText(R"({"type":"join_voice"})"), "missing_field", "/channel_id");
  CheckRejected(DecodeText(R"({"type":"leave_voice","channel_id":5})"), "wrong_type", "/channel_id");
  CheckRejected(DecodeText(R"({"type":"join_voice","channel_id":""})"), "invalid_value", "/channel_id");
  CHECK(DecodeJson({{"type", "join_voice"}, {"channel_id", Chars(kMaxChannelIdLength)}}).ok);
  CheckRejected(DecodeJson({{"type", "join_voice"}, {"channel_id", Chars(kMaxChannelIdLength + 1)}}), "field_too_long",
                "/channel_id");
  CheckRejected(DecodeText(R"({"type":"voice_activity","channel_id":"c"})"), "missing_field", "/speaking");
  CheckRejected(DecodeText(R"({"type":"voice_activity","channel_id":"c","speaking":1})"), "wrong_type", "/speaking");
  CheckRejected(DecodeText(R"({"type":"voice_activity","channel_id":"c","speaking":"true"})"), "wrong_type",
                "/speaking");
}

TEST_CASE("request_id: optional, 1..128 chars counted as code points", "[signaling][limits]") {
  json j = Signal("get_router_rtp_capabilities");
  j["request_id"] = Chars(kMaxRequestIdLength);
  CHECK(DecodeJson(j).ok);
  j["request_id"] = Chars(kMaxRequestIdLength + 1);
  CheckRejected(DecodeJson(j), "field_too_long", "/request_id");
  // 128 two-byte characters are 128 chars (256 bytes): accepted; 129 are not.
  std::string wide;
  for (std::size_t i = 0; i < kMaxRequestIdLength; ++i) wide += "\xc3\xa9";
  j["request_id"] = wide;
  CHECK(DecodeJson(j).ok);
  j["request_id"] = wide + "\xc3\xa9";
  CheckRejected(DecodeJson(j), "field_too_long", "/request_id");
  j["request_id"] = 42;
  CheckRejected(DecodeJson(j), "wrong_type", "/request_id");
  j["request_id"] = "";
  CheckRejected(DecodeJson(j), "invalid_value", "/request_id");
  j.erase("request_id");
  CHECK(DecodeJson(j).ok);
}

TEST_CASE("action: required, known", "[signaling]") {
  CheckRejected(DecodeText(R"({"type":"media_signal"})"), "missing_field", "/action");
  CheckRejected(DecodeText(R"({"type":"media_signal","action":3})"), "wrong_type", "/action");
  CheckRejected(DecodeText(R"({"type":"media_signal","action":null})"), "wrong_type", "/action");
  CheckRejected(DecodeText(R"({"type":"media_signal","action":"media_pause_consumer"})"), "unknown_action",
                "/action");
  CheckRejected(DecodeJson(Signal(Chars(kMaxActionLength + 1))), "field_too_long", "/action");
}

TEST_CASE("create_webrtc_transport: direction send|recv, at most 16 chars", "[signaling][limits]") {
  json j = Signal("create_webrtc_transport");
  CheckRejected(DecodeJson(j), "missing_field", "/direction");
  for (const char* ok : {"send", "recv"}) {
    j["direction"] = ok;
    CHECK(DecodeJson(j).ok);
  }
  j["direction"] = "Send";
  CheckRejected(DecodeJson(j), "invalid_enum", "/direction");
  CHECK(DecodeJson(j).message == "/direction: must be one of: send, recv");
  j["direction"] = Chars(kMaxDirectionLength);
  CheckRejected(DecodeJson(j), "invalid_enum", "/direction");
  j["direction"] = Chars(kMaxDirectionLength + 1);
  CheckRejected(DecodeJson(j), "field_too_long", "/direction");
  j["direction"] = true;
  CheckRejected(DecodeJson(j), "wrong_type", "/direction");
}

TEST_CASE("connect_webrtc_transport: transport_id and dtls_parameters", "[signaling][limits]") {
  json j = Connect();
  CHECK(DecodeJson(j).ok);
  j["transport_id"] = Chars(kMaxTransportIdLength);
  CHECK(DecodeJson(j).ok);
  j["transport_id"] = Chars(kMaxTransportIdLength + 1);
  CheckRejected(DecodeJson(j), "field_too_long", "/transport_id");
  j = Connect();
  j.erase("dtls_parameters");
  CheckRejected(DecodeJson(j), "missing_field", "/dtls_parameters");
  j = Connect();
  j["dtls_parameters"]["role"] = "both";
  CheckRejected(DecodeJson(j), "invalid_enum", "/dtls_parameters/role");
  j = Connect();
  j["dtls_parameters"].erase("role");
  auto defaulted = DecodeJson(j);
  CHECK(defaulted.ok);
  j["dtls_parameters"]["fingerprints"] = json::array();
  CheckRejected(DecodeJson(j), "invalid_value", "/dtls_parameters/fingerprints");
  j["dtls_parameters"]["fingerprints"] = json::array();
  for (std::size_t i = 0; i <= kMaxDtlsFingerprints; ++i) {
    j["dtls_parameters"]["fingerprints"].push_back({{"algorithm", "sha-256"}, {"value", "AA"}});
  }
  CheckRejected(DecodeJson(j), "too_many_items", "/dtls_parameters/fingerprints");
  j = Connect();
  j["dtls_parameters"]["fingerprints"][0]["value"] = Chars(kMaxDtlsFingerprintLength + 1);
  CheckRejected(DecodeJson(j), "field_too_long", "/dtls_parameters/fingerprints/0/value");
  j = Connect();
  j["dtls_parameters"]["fingerprints"][0].erase("algorithm");
  CheckRejected(DecodeJson(j), "missing_field", "/dtls_parameters/fingerprints/0/algorithm");
}

TEST_CASE("media_produce: the field limits of PROTOCOL.md", "[signaling][limits]") {
  struct Limit {
    const char* field;
    std::size_t max;
  };
  for (const Limit& limit : {Limit{"transport_id", kMaxTransportIdLength}, Limit{"kind", kMaxKindLength},
                             Limit{"source", kMaxSourceLength}, Limit{"routing_mode", kMaxRoutingModeLength}}) {
    json j = test::ProduceJson();
    j[limit.field] = Chars(limit.max + 1);
    CheckRejected(DecodeJson(j), "field_too_long", std::string("/") + limit.field);
    j[limit.field] = Chars(limit.max);
    const Outcome at_limit = DecodeJson(j);
    // At the limit the length passes; transport_id is then valid, the enumerations are not.
    if (std::string(limit.field) == "transport_id") {
      CHECK(at_limit.ok);
    } else {
      CheckRejected(at_limit, "invalid_enum", std::string("/") + limit.field);
    }
    j.erase(limit.field);
    CheckRejected(DecodeJson(j), "missing_field", std::string("/") + limit.field);
  }
}

TEST_CASE("media_produce: enumerations and kind/source agreement", "[signaling]") {
  json j = test::ProduceJson();
  j["kind"] = "data";
  CheckRejected(DecodeJson(j), "invalid_enum", "/kind");
  j = test::ProduceJson();
  j["source"] = "window";
  CheckRejected(DecodeJson(j), "invalid_enum", "/source");
  j = test::ProduceJson();
  j["routing_mode"] = "p2p";
  CheckRejected(DecodeJson(j), "invalid_enum", "/routing_mode");
  CHECK(DecodeJson(j).message == "/routing_mode: must be one of: sfu");

  struct Pair {
    const char* kind;
    const char* source;
    bool ok;
  };
  for (const Pair& p : {Pair{"audio", "microphone", true}, Pair{"audio", "camera", false}, Pair{"audio", "screen", false},
                        Pair{"video", "microphone", false}, Pair{"video", "camera", true}, Pair{"video", "screen", true}}) {
    json v = test::ProduceJson();
    v["kind"] = p.kind;
    v["source"] = p.source;
    if (std::string(p.kind) == "video") {
      v["rtp_parameters"] = ToJson(test::H264RtpParameters());
    }
    INFO(p.kind << "/" << p.source);
    if (p.ok) {
      CHECK(DecodeJson(v).ok);
    } else {
      CheckRejected(DecodeJson(v), "kind_source_mismatch", "/source");
    }
  }
}

TEST_CASE("media_produce: rtp_parameters rules with pointers", "[signaling]") {
  auto with = [](auto edit) {
    json j = test::ProduceJson();
    edit(j["rtp_parameters"]);
    return DecodeJson(j);
  };
  {
    json j = test::ProduceJson();
    j.erase("rtp_parameters");
    CheckRejected(DecodeJson(j), "missing_field", "/rtp_parameters");
    j["rtp_parameters"] = json::array();
    CheckRejected(DecodeJson(j), "wrong_type", "/rtp_parameters");
  }
  CheckRejected(with([](json& p) { p["codecs"][0]["payloadType"] = 128; }), "out_of_range",
                "/rtp_parameters/codecs/0/payloadType");
  CHECK(with([](json& p) { p["codecs"][0]["payloadType"] = 127; }).ok);
  CHECK(with([](json& p) { p["codecs"][0]["payloadType"] = 0; }).ok);
  CheckRejected(with([](json& p) { p["codecs"][0]["payloadType"] = -1; }), "out_of_range",
                "/rtp_parameters/codecs/0/payloadType");
  CheckRejected(with([](json& p) { p["codecs"][0]["payloadType"] = 111.0; }), "wrong_type",
                "/rtp_parameters/codecs/0/payloadType");
  CheckRejected(with([](json& p) { p["codecs"][0]["payloadType"] = "111"; }), "wrong_type",
                "/rtp_parameters/codecs/0/payloadType");
  CheckRejected(with([](json& p) { p["codecs"][0]["payloadType"] = 18446744073709551615ull; }), "out_of_range",
                "/rtp_parameters/codecs/0/payloadType");
  CheckRejected(with([](json& p) { p["codecs"][0].erase("clockRate"); }), "missing_field",
                "/rtp_parameters/codecs/0/clockRate");
  CheckRejected(with([](json& p) { p["codecs"][0]["clockRate"] = 0; }), "out_of_range",
                "/rtp_parameters/codecs/0/clockRate");
  CheckRejected(with([](json& p) { p["codecs"][0]["channels"] = 9; }), "out_of_range",
                "/rtp_parameters/codecs/0/channels");
  CheckRejected(with([](json& p) { p["codecs"][0]["mimeType"] = "opus"; }), "invalid_value",
                "/rtp_parameters/codecs/0/mimeType");
  CheckRejected(with([](json& p) { p["codecs"][0]["mimeType"] = "video/VP8"; }), "codec_kind_mismatch",
                "/rtp_parameters/codecs/0/mimeType");
  CheckRejected(with([](json& p) { p["codecs"] = json::array(); }), "invalid_value", "/rtp_parameters/codecs");
  CheckRejected(with([](json& p) { p.erase("codecs"); }), "missing_field", "/rtp_parameters/codecs");
  CheckRejected(with([](json& p) { p["codecs"].push_back(p["codecs"][0]); }), "duplicate_value",
                "/rtp_parameters/codecs/1/payloadType");
  CheckRejected(with([](json& p) {
                  json codec = p["codecs"][0];
                  p["codecs"] = json::array();
                  for (std::size_t i = 0; i <= kMaxRtpCodecs; ++i) {
                    codec["payloadType"] = i;
                    p["codecs"].push_back(codec);
                  }
                }),
                "too_many_items", "/rtp_parameters/codecs");
  CheckRejected(with([](json& p) { p["codecs"][0]["parameters"]["sprop"] = 1.5; }), "wrong_type",
                "/rtp_parameters/codecs/0/parameters/sprop");
  CheckRejected(with([](json& p) { p["codecs"][0]["parameters"]["a/b"] = true; }), "wrong_type",
                "/rtp_parameters/codecs/0/parameters/a~1b");
  CheckRejected(with([](json& p) { p["codecs"][0]["parameters"]["x"] = Chars(kMaxCodecParameterValueLength + 1); }),
                "field_too_long", "/rtp_parameters/codecs/0/parameters/x");
  CheckRejected(with([](json& p) { p["codecs"][0]["parameters"][Chars(kMaxCodecParameterKeyLength + 1)] = 1; }),
                "field_too_long", "/rtp_parameters/codecs/0/parameters");
  CheckRejected(with([](json& p) {
                  for (std::size_t i = 0; i <= kMaxCodecParameters; ++i) p["codecs"][0]["parameters"]["k" + std::to_string(i)] = 1;
                }),
                "too_many_items", "/rtp_parameters/codecs/0/parameters");
  CheckRejected(with([](json& p) { p["codecs"][0]["rtcpFeedback"][0].erase("type"); }), "missing_field",
                "/rtp_parameters/codecs/0/rtcpFeedback/0/type");
  CheckRejected(with([](json& p) { p["headerExtensions"][2]["id"] = 0; }), "out_of_range",
                "/rtp_parameters/headerExtensions/2/id");
  CheckRejected(with([](json& p) { p["headerExtensions"][2]["id"] = 256; }), "out_of_range",
                "/rtp_parameters/headerExtensions/2/id");
  CheckRejected(with([](json& p) { p["headerExtensions"][3]["id"] = 1; }), "duplicate_value",
                "/rtp_parameters/headerExtensions/3/id");
  CheckRejected(with([](json& p) { p["headerExtensions"][1]["uri"] = Chars(kMaxHeaderExtensionUriLength + 1); }),
                "field_too_long", "/rtp_parameters/headerExtensions/1/uri");
  CHECK(with([](json& p) { p["encodings"][0]["ssrc"] = 4294967295u; }).ok);
  CheckRejected(with([](json& p) { p["encodings"][0]["ssrc"] = 4294967296ull; }), "out_of_range",
                "/rtp_parameters/encodings/0/ssrc");
  CheckRejected(with([](json& p) { p["encodings"][0]["rtx"] = {{"ssrc", -1}}; }), "out_of_range",
                "/rtp_parameters/encodings/0/rtx/ssrc");
  CheckRejected(with([](json& p) { p["encodings"][0]["dtx"] = "no"; }), "wrong_type",
                "/rtp_parameters/encodings/0/dtx");
  CheckRejected(with([](json& p) { p["rtcp"]["cname"] = Chars(kMaxCnameLength + 1); }), "field_too_long",
                "/rtp_parameters/rtcp/cname");
  CheckRejected(with([](json& p) { p["mid"] = Chars(kMaxMidLength + 1); }), "field_too_long", "/rtp_parameters/mid");
}

TEST_CASE("media_consume: producer_id and rtp_capabilities", "[signaling]") {
  CHECK(DecodeJson(Consume()).ok);
  json j = Consume();
  j["producer_id"] = Chars(kMaxProducerIdLength + 1);
  CheckRejected(DecodeJson(j), "field_too_long", "/producer_id");
  j = Consume();
  j["rtp_capabilities"]["codecs"][1]["kind"] = "audio";  // video/VP8 declared as audio
  CheckRejected(DecodeJson(j), "codec_kind_mismatch", "/rtp_capabilities/codecs/1/mimeType");
  j = Consume();
  j["rtp_capabilities"]["headerExtensions"][0]["preferredId"] = "1";
  CheckRejected(DecodeJson(j), "wrong_type", "/rtp_capabilities/headerExtensions/0/preferredId");
  j = Consume();
  j["rtp_capabilities"].erase("codecs");
  CheckRejected(DecodeJson(j), "missing_field", "/rtp_capabilities/codecs");
}

TEST_CASE("resume and close: ids", "[signaling]") {
  json j = Signal("media_resume_consumer");
  CheckRejected(DecodeJson(j), "missing_field", "/consumer_id");
  j["consumer_id"] = Chars(kMaxConsumerIdLength);
  CHECK(DecodeJson(j).ok);
  j["consumer_id"] = Chars(kMaxConsumerIdLength + 1);
  CheckRejected(DecodeJson(j), "field_too_long", "/consumer_id");
  json c = Signal("media_close_producer");
  c["producer_id"] = json::array();
  CheckRejected(DecodeJson(c), "wrong_type", "/producer_id");
}

TEST_CASE("create_native_sender_session: preferred_codecs is a bounded list", "[signaling][limits]") {
  json j = Signal("create_native_sender_session");
  CHECK(DecodeJson(j).ok);
  j["preferred_codecs"] = json::array();
  for (std::size_t i = 0; i < kMaxPreferredCodecs; ++i) j["preferred_codecs"].push_back("video/H264");
  CHECK(DecodeJson(j).ok);
  j["preferred_codecs"].push_back("video/VP8");
  CheckRejected(DecodeJson(j), "too_many_items", "/preferred_codecs");
  j["preferred_codecs"] = {"video/H264", Chars(kMaxPreferredCodecLength + 1)};
  CheckRejected(DecodeJson(j), "field_too_long", "/preferred_codecs/1");
  j["preferred_codecs"] = {"video/H264", 7};
  CheckRejected(DecodeJson(j), "wrong_type", "/preferred_codecs/1");
  j["preferred_codecs"] = "video/H264";
  CheckRejected(DecodeJson(j), "wrong_type", "/preferred_codecs");
}

TEST_CASE("client_diagnostic: a bounded free-form object", "[signaling][limits]") {
  json j = Signal("client_diagnostic");
  CheckRejected(DecodeJson(j), "missing_field", "/diagnostic");
  j["diagnostic"] = json::array();
  CheckRejected(DecodeJson(j), "wrong_type", "/diagnostic");
  j["diagnostic"] = json::object();
  CHECK(DecodeJson(j).ok);

  SECTION("depth: the object is depth 1, at most 8") {
    json nested = json::object();
    for (std::size_t i = 1; i < kMaxDiagnosticDepth; ++i) nested = json{{"d", nested}};
    j["diagnostic"] = nested;
    CHECK(DecodeJson(j).ok);
    j["diagnostic"] = json{{"d", nested}};
    const Outcome o = DecodeJson(j);
    CheckRejected(o, "too_deep", "/diagnostic/d/d/d/d/d/d/d/d");
  }
  SECTION("number of values") {
    json many = json::object();
    for (std::size_t i = 0; i < kMaxDiagnosticValues; ++i) many["k" + std::to_string(i)] = i;
    j["diagnostic"] = many;
    CHECK(DecodeJson(j).ok);
    many["one_more"] = 1;
    j["diagnostic"] = many;
    const Outcome o = DecodeJson(j);
    REQUIRE_FALSE(o.ok);
    CHECK(o.code == "too_many_items");
    CHECK(o.pointer.rfind("/diagnostic/", 0) == 0);
  }
  SECTION("size of its JSON text: 4096 bytes accepted, 4097 rejected") {
    json sized = {{"s", ""}};
    const std::size_t overhead = sized.dump().size();
    sized["s"] = Chars(kMaxDiagnosticBytes - overhead);
    j["diagnostic"] = sized;
    CHECK(DecodeJson(j).ok);
    sized["s"] = Chars(kMaxDiagnosticBytes - overhead + 1);
    j["diagnostic"] = sized;
    CheckRejected(DecodeJson(j), "too_large", "/diagnostic");
  }
  SECTION("numbers out of double range are refused while parsing") {
    CheckRejected(DecodeText(R"({"type":"media_signal","action":"client_diagnostic","diagnostic":{"x":1e400}})"),
                  "invalid_json", "");
  }
}

TEST_CASE("error messages never repeat what the client sent", "[signaling]") {
  const std::string marker = "SECRET-MARKER";
  for (json j : {json{{"type", marker}}, json{{"type", "media_signal"}, {"action", marker}},
                 json{{"type", "media_signal"}, {"action", "create_webrtc_transport"}, {"direction", marker}}}) {
    const Outcome o = DecodeJson(j);
    REQUIRE_FALSE(o.ok);
    CHECK(o.message.find(marker) == std::string::npos);
  }
}
