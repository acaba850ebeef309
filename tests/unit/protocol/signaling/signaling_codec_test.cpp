// Round trips of every signaling message, exact wire text of a few, and the error-reply forms.
#include <catch2/catch.hpp>

#include <set>

#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"
#include "signaling_samples.h"

using namespace sfusim::protocol;
using nlohmann::json;

TEST_CASE("every client message survives encode -> JSON text -> decode", "[signaling]") {
  for (const ClientMessage& message : test::AllClientMessages()) {
    const std::string text = EncodeClientMessage(message);
    INFO(text);
    auto decoded = DecodeClientMessage(text);
    REQUIRE(decoded.ok());
    CHECK(*decoded == message);
    // Deterministic bytes: encoding the decoded message gives the same text.
    CHECK(EncodeClientMessage(*decoded) == text);
  }
}

TEST_CASE("every server message survives encode -> JSON text -> decode", "[signaling]") {
  for (const ServerMessage& message : test::AllServerMessages()) {
    const std::string text = EncodeServerMessage(message);
    INFO(text);
    auto decoded = DecodeServerMessage(text);
    REQUIRE(decoded.ok());
    CHECK(*decoded == message);
    CHECK(EncodeServerMessage(*decoded) == text);
  }
}

TEST_CASE("the sample covers every message type and every action", "[signaling]") {
  std::set<std::size_t> client_types;
  std::set<std::size_t> actions;
  for (const auto& m : test::AllClientMessages()) {
    client_types.insert(m.index());
    if (const auto* signal = std::get_if<MediaSignalRequest>(&m)) actions.insert(signal->body.index());
  }
  CHECK(client_types.size() == std::variant_size_v<ClientMessage>);
  CHECK(actions.size() == std::variant_size_v<MediaSignalBody>);
  std::set<std::size_t> server_types;
  std::set<std::size_t> outcomes;
  for (const auto& m : test::AllServerMessages()) {
    server_types.insert(m.index());
    if (const auto* response = std::get_if<MediaSignalResponse>(&m)) outcomes.insert(response->outcome.index());
  }
  CHECK(server_types.size() == std::variant_size_v<ServerMessage>);
  CHECK(outcomes.size() == std::variant_size_v<MediaSignalOutcome>);
}

TEST_CASE("client messages have the documented wire text", "[signaling]") {
  CHECK(EncodeClientMessage(JoinVoice{"lobby"}) == R"({"channel_id":"lobby","type":"join_voice"})");
  CHECK(EncodeClientMessage(LeaveVoice{"lobby"}) == R"({"channel_id":"lobby","type":"leave_voice"})");
  CHECK(EncodeClientMessage(VoiceActivity{"lobby", false}) ==
        R"({"channel_id":"lobby","speaking":false,"type":"voice_activity"})");
  CHECK(EncodeClientMessage(MediaSignalRequest{"7", CreateWebRtcTransportRequest{TransportDirection::kSend}}) ==
        R"({"action":"create_webrtc_transport","direction":"send","request_id":"7","type":"media_signal"})");
  CHECK(EncodeClientMessage(MediaSignalRequest{std::nullopt, GetRouterRtpCapabilitiesRequest{}}) ==
        R"({"action":"get_router_rtp_capabilities","type":"media_signal"})");
  CHECK(EncodeClientMessage(MediaSignalRequest{"x", MediaResumeConsumerRequest{"c"}}) ==
        R"({"action":"media_resume_consumer","consumer_id":"c","request_id":"x","type":"media_signal"})");
  CHECK(EncodeClientMessage(Authenticate{"tok", "alice"}) == R"({"token":"tok","type":"authenticate","username":"alice"})");
  CHECK(EncodeClientMessage(Ping{}) == R"({"type":"ping"})");
}

TEST_CASE("server messages have the documented wire text", "[signaling]") {
  CHECK(EncodeServerMessage(VoiceUserSpeaking{"lobby", "bob", true}) ==
        R"({"channel_id":"lobby","speaking":true,"type":"voice_user_speaking","username":"bob"})");
  CHECK(EncodeServerMessage(NewProducer{"p", "bob", MediaKind::kVideo, MediaSource::kCamera, RoutingMode::kSfu}) ==
        R"({"kind":"video","producer_id":"p","routing_mode":"sfu","source":"camera","type":"new_producer","username":"bob"})");
  CHECK(EncodeServerMessage(ProducerClosed{"p", MediaSource::kScreen, RoutingMode::kSfu}) ==
        R"({"producer_id":"p","routing_mode":"sfu","source":"screen","type":"producer_closed"})");
  CHECK(EncodeServerMessage(MakeMediaSignalResult("9", MediaProduceResult{"p-1"})) ==
        R"({"action":"media_produce","request_id":"9","result":{"producer_id":"p-1"},"type":"media_signal"})");
  CHECK(EncodeServerMessage(MakeMediaSignalError("9", MediaAction::kMediaProduce, "producer_limit", "x")) ==
        R"({"action":"media_produce","error":{"code":"producer_limit","message":"x"},"request_id":"9","type":"media_signal"})");
  CHECK(EncodeServerMessage(MediaRouterReset{"lobby", "worker_crashed", 3}) ==
        R"({"channel_id":"lobby","generation":3,"reason":"worker_crashed","type":"media_router_reset"})");
  CHECK(EncodeServerMessage(Authenticated{"u-1", "alice"}) == R"({"type":"authenticated","user_id":"u-1","username":"alice"})");
  CHECK(EncodeServerMessage(Pong{}) == R"({"type":"pong"})");
}

TEST_CASE("a browser's media_produce decodes into the expected struct", "[signaling]") {
  auto decoded = DecodeClientMessage(test::ProduceJson().dump());
  REQUIRE(decoded.ok());
  const auto& request = std::get<MediaSignalRequest>(*decoded);
  CHECK(request.request_id == "req-42");
  REQUIRE(request.action() == MediaAction::kMediaProduce);
  const auto& produce = std::get<MediaProduceRequest>(request.body);
  CHECK(produce.transport_id == "3f1c2a9e-7b1d-4c55-9a0e-2d6f8b7c1e01");
  CHECK(produce.kind == MediaKind::kAudio);
  CHECK(produce.source == MediaSource::kMicrophone);
  CHECK(produce.routing_mode == RoutingMode::kSfu);
  CHECK(produce.rtp_parameters == test::OpusRtpParameters());
}

TEST_CASE("members the protocol does not define are ignored; null optionals are absent", "[signaling]") {
  auto decoded = DecodeClientMessage(R"({"type":"join_voice","channel_id":"a","appData":{"x":[1,2]},"extra":null})");
  REQUIRE(decoded.ok());
  CHECK(std::get<JoinVoice>(*decoded) == JoinVoice{"a"});
  auto signal = DecodeClientMessage(R"({"type":"media_signal","action":"media_close_producer","request_id":null,"producer_id":"p"})");
  REQUIRE(signal.ok());
  CHECK(std::get<MediaSignalRequest>(*signal).request_id == std::nullopt);
}

TEST_CASE("decode diagnostics tell the server how to answer", "[signaling]") {
  SECTION("a bad media_signal with a readable request_id is answered as a media_signal error") {
    DecodeDiagnostics diag;
    auto r = DecodeClientMessage(
        R"({"type":"media_signal","request_id":"abc","action":"create_webrtc_transport","direction":"up"})", &diag);
    REQUIRE_FALSE(r.ok());
    CHECK(diag.media_signal);
    CHECK(diag.request_id == "abc");
    CHECK(diag.action == MediaAction::kCreateWebRtcTransport);
    CHECK(diag.pointer == "/direction");
    ServerMessage reply = MakeDecodeErrorReply(r.error(), diag);
    const auto& response = std::get<MediaSignalResponse>(reply);
    CHECK(response.request_id == "abc");
    CHECK(response.action == MediaAction::kCreateWebRtcTransport);
    CHECK(std::get<MediaSignalError>(response.outcome).code == "invalid_enum");
    CHECK(DecodeServerMessage(EncodeServerMessage(reply)).value() == reply);
  }
  SECTION("anything else is answered with an error message") {
    DecodeDiagnostics diag;
    auto r = DecodeClientMessage("{not json", &diag);
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(diag.media_signal);
    ServerMessage reply = MakeDecodeErrorReply(r.error(), diag);
    const auto& notice = std::get<SignalingErrorNotice>(reply);
    CHECK(notice.code == "invalid_json");
    CHECK(notice.message == r.error().message);
  }
  SECTION("an invalid request_id is not echoed") {
    DecodeDiagnostics diag;
    auto r = DecodeClientMessage(
        R"({"type":"media_signal","request_id":")" + std::string(129, 'r') + R"(","action":"media_produce"})", &diag);
    REQUIRE_FALSE(r.ok());
    CHECK(diag.media_signal);
    CHECK(diag.request_id == std::nullopt);
    CHECK(diag.action == std::nullopt);
  }
  SECTION("diagnostics are reset for each decode") {
    DecodeDiagnostics diag;
    diag.request_id = "stale";
    diag.pointer = "/stale";
    REQUIRE(DecodeClientMessage(R"({"type":"join_voice","channel_id":"a"})", &diag).ok());
    CHECK(diag == DecodeDiagnostics{});
  }
}

TEST_CASE("a media_signal response needs exactly one of result and error", "[signaling]") {
  DecodeDiagnostics diag;
  auto both = DecodeServerMessage(
      R"({"type":"media_signal","action":"media_produce","result":{"producer_id":"p"},"error":{"code":"x","message":""}})",
      &diag);
  REQUIRE_FALSE(both.ok());
  CHECK(both.error().code == "invalid_value");
  CHECK(diag.pointer == "/error");
  auto neither = DecodeServerMessage(R"({"type":"media_signal","action":"media_produce"})", &diag);
  REQUIRE_FALSE(neither.ok());
  CHECK(neither.error().code == "missing_field");
  CHECK(diag.pointer == "/result");
  auto no_action = DecodeServerMessage(R"({"type":"media_signal","result":{}})", &diag);
  REQUIRE_FALSE(no_action.ok());
  CHECK(no_action.error().code == "missing_field");
  CHECK(diag.pointer == "/action");
  auto bad_result = DecodeServerMessage(R"({"type":"media_signal","action":"media_produce","result":{}})", &diag);
  REQUIRE_FALSE(bad_result.ok());
  CHECK(bad_result.error().code == "missing_field");
  CHECK(diag.pointer == "/result/producer_id");
}

TEST_CASE("server messages are validated too", "[signaling]") {
  DecodeDiagnostics diag;
  auto r = DecodeServerMessage(
      R"({"type":"new_producer","producer_id":"p","username":"u","kind":"audio","source":"camera","routing_mode":"sfu"})",
      &diag);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "kind_source_mismatch");
  CHECK(diag.pointer == "/source");
  auto unknown = DecodeServerMessage(R"({"type":"join_voice","channel_id":"a"})", &diag);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == "unknown_type");
  // A server payload may exceed 32 KiB (a big presence snapshot) but not 1 MiB.
  VoicePresenceSnapshot snapshot;
  snapshot.channels.push_back({"lobby", {}});
  for (int i = 0; i < 800; ++i) snapshot.channels[0].members.push_back({"user-" + std::to_string(i), std::string(40, 'n'), false});
  const std::string big = EncodeServerMessage(snapshot);
  REQUIRE(big.size() > kMaxSignalingPayloadBytes);
  CHECK(DecodeServerMessage(big).ok());
  CHECK(DecodeServerMessage(std::string(kMaxServerPayloadBytes + 1, ' ')).error().code == "payload_too_large");
}

TEST_CASE("a client message is not a server message and vice versa", "[signaling]") {
  CHECK(DecodeClientMessage(EncodeServerMessage(VoiceJoined{"a", "b"})).error().code == "unknown_type");
  CHECK(DecodeServerMessage(EncodeClientMessage(JoinVoice{"a"})).error().code == "unknown_type");
}

TEST_CASE("TypeName names every alternative", "[signaling]") {
  CHECK(TypeName(ClientMessage{VoiceActivity{}}) == "voice_activity");
  CHECK(TypeName(ServerMessage{SignalingErrorNotice{}}) == "error");
  CHECK(TypeName(ServerMessage{MediaRouterReset{}}) == "media_router_reset");
}
