// RTP parameters and capabilities <-> JSON (mediasoup's member names).
#include <catch2/catch.hpp>

#include "sfusim/protocol/signaling/rtp_parameters_json.h"
#include "signaling_samples.h"

using namespace sfusim::protocol;
using nlohmann::json;

TEST_CASE("RTP parameters round-trip through JSON", "[rtp_json]") {
  for (const RtpParameters& p : {test::OpusRtpParameters(), test::H264RtpParameters()}) {
    auto back = RtpParametersFromJson(json::parse(ToJson(p).dump()));
    REQUIRE(back.ok());
    CHECK(*back == p);
  }
}

TEST_CASE("router capabilities round-trip through JSON", "[rtp_json]") {
  const RtpCapabilities caps = test::RouterCaps();
  auto back = RtpCapabilitiesFromJson(json::parse(ToJson(caps).dump()));
  REQUIRE(back.ok());
  CHECK(*back == caps);
}

TEST_CASE("codec JSON uses mediasoup's names", "[rtp_json]") {
  RtpCodecParameters codec;
  codec.mime_type = "video/H264";
  codec.payload_type = 96;
  codec.clock_rate = 90000;
  codec.parameters = {{"packetization-mode", std::int64_t{1}}, {"profile-level-id", std::string("42e01f")}};
  codec.rtcp_feedback = {{"nack", ""}, {"nack", "pli"}};
  CHECK(ToJson(codec).dump() ==
        R"({"clockRate":90000,"mimeType":"video/H264","parameters":{"packetization-mode":1,"profile-level-id":"42e01f"},)"
        R"("payloadType":96,"rtcpFeedback":[{"type":"nack"},{"parameter":"pli","type":"nack"}]})");
  RtpEncodingParameters encoding;
  encoding.ssrc = 1;
  encoding.rtx_ssrc = 2;
  CHECK(ToJson(encoding).dump() == R"({"rtx":{"ssrc":2},"ssrc":1})");
}

TEST_CASE("standalone decoding names pointers relative to the value", "[rtp_json]") {
  json j = ToJson(test::OpusRtpParameters());
  j["codecs"][0]["payloadType"] = 300;
  auto r = RtpParametersFromJson(j);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "out_of_range");
  CHECK(r.error().message == "/codecs/0/payloadType: out of range, must be 0..127");
  auto caps = RtpCapabilitiesFromJson(json::array());
  REQUIRE_FALSE(caps.ok());
  CHECK(caps.error() == Error{"wrong_type", "payload: expected an object, got an array"});
}

TEST_CASE("optional members may be absent", "[rtp_json]") {
  auto r = RtpParametersFromJson(json::parse(R"({"codecs":[{"mimeType":"audio/opus","payloadType":111,"clockRate":48000}]})"));
  REQUIRE(r.ok());
  CHECK_FALSE(r->mid.has_value());
  CHECK(r->codecs[0].parameters.empty());
  CHECK(r->codecs[0].rtcp_feedback.empty());
  CHECK(r->header_extensions.empty());
  CHECK(r->encodings.empty());
  CHECK(r->rtcp == RtcpParameters{});
}
