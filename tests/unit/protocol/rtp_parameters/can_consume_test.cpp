// CanConsume and the consumer's rtp_parameters (mediasoup's ortc rules).
#include <catch2/catch.hpp>

#include "sfusim/protocol/rtp_parameters/can_consume.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"

using namespace sfusim::protocol;

namespace {

const std::string kTwcc = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
const std::string kAbsSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
const std::string kMid = "urn:ietf:params:rtp-hdrext:sdes:mid";

RtpCodecParameters Codec(std::string mime, std::uint8_t pt, std::uint32_t clock, std::optional<int> channels = {},
                         CodecParameters params = {}) {
  RtpCodecParameters c;
  c.mime_type = std::move(mime);
  c.payload_type = pt;
  c.clock_rate = clock;
  c.channels = channels;
  c.parameters = std::move(params);
  return c;
}

RtpCodecCapability Cap(MediaKind kind, std::string mime, std::uint32_t clock, std::optional<int> channels = {},
                       CodecParameters params = {}, std::vector<RtcpFeedback> fb = {}) {
  RtpCodecCapability c;
  c.kind = kind;
  c.mime_type = std::move(mime);
  c.clock_rate = clock;
  c.channels = channels;
  c.parameters = std::move(params);
  c.rtcp_feedback = std::move(fb);
  return c;
}

RtpParameters Params(std::vector<RtpCodecParameters> codecs) {
  RtpParameters p;
  p.codecs = std::move(codecs);
  return p;
}

RtpCapabilities Caps(std::vector<RtpCodecCapability> codecs) { return RtpCapabilities{std::move(codecs), {}}; }

CodecParameters H264(std::int64_t mode, const char* plid) {
  return {{"packetization-mode", mode}, {"profile-level-id", std::string(plid)}};
}

}  // namespace

TEST_CASE("codec matching basics", "[consume]") {
  const auto opus = Codec("audio/opus", 111, 48000, 2);
  CHECK(CodecMatchesCapability(opus, Cap(MediaKind::kAudio, "audio/OPUS", 48000, 2)));  // mime case-insensitive
  CHECK_FALSE(CodecMatchesCapability(opus, Cap(MediaKind::kAudio, "audio/opus", 16000, 2)));
  CHECK_FALSE(CodecMatchesCapability(opus, Cap(MediaKind::kAudio, "audio/opus", 48000, 1)));
  CHECK_FALSE(CodecMatchesCapability(opus, Cap(MediaKind::kAudio, "audio/opus", 48000)));  // absent = 1
  CHECK(CodecMatchesCapability(Codec("audio/PCMU", 0, 8000), Cap(MediaKind::kAudio, "audio/PCMU", 8000, 1)));
  CHECK_FALSE(CodecMatchesCapability(Codec("video/VP8", 98, 90000), Cap(MediaKind::kVideo, "video/VP9", 90000)));
}

TEST_CASE("H.264: packetization-mode must match, profiles must agree, levels may differ", "[consume]") {
  const auto h264 = Codec("video/H264", 96, 90000, {}, H264(1, "42e01f"));
  CHECK(CodecMatchesCapability(h264, Cap(MediaKind::kVideo, "video/H264", 90000, {}, H264(1, "42e01f"))));
  CHECK(CodecMatchesCapability(h264, Cap(MediaKind::kVideo, "video/H264", 90000, {}, H264(1, "42e034"))));
  CHECK(CodecMatchesCapability(h264, Cap(MediaKind::kVideo, "video/H264", 90000, {}, H264(1, "42c00b"))));
  CHECK_FALSE(CodecMatchesCapability(h264, Cap(MediaKind::kVideo, "video/H264", 90000, {}, H264(0, "42e01f"))));
  CHECK_FALSE(CodecMatchesCapability(h264, Cap(MediaKind::kVideo, "video/H264", 90000, {}, {{"profile-level-id", std::string("42e01f")}})));  // mode absent = 0
  CHECK_FALSE(CodecMatchesCapability(h264, Cap(MediaKind::kVideo, "video/H264", 90000, {}, H264(1, "42001f"))));
  CHECK_FALSE(CodecMatchesCapability(h264, Cap(MediaKind::kVideo, "video/H264", 90000, {}, H264(1, "640c1f"))));
  // Non-strict matching ignores the codec-specific parameters.
  CHECK(CodecMatchesCapability(h264, Cap(MediaKind::kVideo, "video/H264", 90000, {}, H264(0, "640c1f")), false));
}

TEST_CASE("VP9 profile-id and AV1 profile must agree (absent = 0)", "[consume]") {
  const auto vp9 = Codec("video/VP9", 100, 90000);
  CHECK(CodecMatchesCapability(vp9, Cap(MediaKind::kVideo, "video/VP9", 90000, {}, {{"profile-id", std::int64_t{0}}})));
  CHECK_FALSE(CodecMatchesCapability(vp9, Cap(MediaKind::kVideo, "video/VP9", 90000, {}, {{"profile-id", std::int64_t{2}}})));
  const auto av1 = Codec("video/AV1", 102, 90000, {}, {{"profile", std::string("1")}});
  CHECK(CodecMatchesCapability(av1, Cap(MediaKind::kVideo, "video/AV1", 90000, {}, {{"profile", std::int64_t{1}}})));
  CHECK_FALSE(CodecMatchesCapability(av1, Cap(MediaKind::kVideo, "video/AV1", 90000)));
}

TEST_CASE("CanConsume with producer parameters", "[consume]") {
  const auto router = BuildRouterRtpCapabilities(OpusSettings{}).value();
  CHECK(CanConsume(Params({Codec("audio/opus", 111, 48000, 2)}), router));
  CHECK(CanConsume(Params({Codec("video/H264", 96, 90000, {}, H264(1, "42e01f"))}), router));
  CHECK_FALSE(CanConsume(Params({Codec("video/H264", 96, 90000, {}, H264(1, "64001f"))}), router));
  CHECK_FALSE(CanConsume(Params({Codec("audio/PCMA", 8, 8000)}), router));
  CHECK_FALSE(CanConsume(Params({}), router));
  // A device that only knows VP8 cannot consume an H.264 producer.
  const auto vp8_only = Caps({Cap(MediaKind::kVideo, "video/VP8", 90000)});
  CHECK_FALSE(CanConsume(Params({Codec("video/H264", 96, 90000, {}, H264(1, "42e01f"))}), vp8_only));
  CHECK(CanConsume(Params({Codec("video/H264", 96, 90000, {}, H264(1, "42e01f")), Codec("video/VP8", 98, 90000)}),
                   vp8_only));
  // The first matching codec must be a media codec, not RTX.
  const auto rtx_first = Caps({Cap(MediaKind::kVideo, "video/rtx", 90000), Cap(MediaKind::kVideo, "video/VP8", 90000)});
  CHECK_FALSE(CanConsume(Params({Codec("video/rtx", 97, 90000, {}, {{"apt", std::int64_t{98}}}),
                                 Codec("video/VP8", 98, 90000)}),
                         rtx_first));
}

TEST_CASE("CanConsume with router capabilities", "[consume]") {
  const auto router = BuildRouterRtpCapabilities(OpusSettings{}).value();
  CHECK(CanConsume(router, router));
  CHECK(CanConsume(router, Caps({Cap(MediaKind::kAudio, "audio/opus", 48000, 2)})));
  CHECK_FALSE(CanConsume(router, Caps({Cap(MediaKind::kAudio, "audio/opus", 48000, 1)})));
  CHECK_FALSE(CanConsume(router, Caps({})));
  CHECK_FALSE(CanConsume(router, Caps({Cap(MediaKind::kVideo, "video/rtx", 90000)})));
}

TEST_CASE("consumer rtp_parameters", "[consume]") {
  RtpParameters producer = Params({Codec("video/H264", 96, 90000, {}, H264(1, "42e034")),
                                   Codec("video/rtx", 97, 90000, {}, {{"apt", std::int64_t{96}}}),
                                   Codec("video/VP8", 98, 90000)});
  producer.header_extensions = {{kMid, 1, false}, {kAbsSendTime, 4, false}, {kTwcc, 5, false}};
  producer.encodings = {RtpEncodingParameters{}};
  producer.encodings[0].ssrc = 1111;
  producer.rtcp.cname = "producer-cname";

  const std::vector<RtcpFeedback> all_fb = {{"nack", ""}, {"nack", "pli"}, {"goog-remb", ""}, {"transport-cc", ""}};
  RtpCapabilities device = Caps({Cap(MediaKind::kVideo, "video/H264", 90000, {}, H264(1, "42e01f"), all_fb)});
  device.header_extensions = {{MediaKind::kVideo, kMid, 1, false}, {MediaKind::kVideo, kTwcc, 5, false},
                              {MediaKind::kVideo, kAbsSendTime, 3, false}};  // different id: not negotiated

  SECTION("codecs, level answer, extensions, feedback, encoding") {
    auto consumer = GetConsumerRtpParameters(producer, device, 0xABCD);
    REQUIRE(consumer.ok());
    REQUIRE(consumer->codecs.size() == 1);  // VP8 unsupported; RTX without rtx capability dropped
    CHECK(consumer->codecs[0].payload_type == 96);
    CHECK(GetStringParameter(consumer->codecs[0].parameters, "profile-level-id") == "42e01f");  // the lower level
    CHECK(consumer->header_extensions ==
          std::vector<RtpHeaderExtensionParameters>{{kMid, 1, false}, {kTwcc, 5, false}});
    // transport-wide CC negotiated: REMB is dropped.
    CHECK(consumer->codecs[0].rtcp_feedback ==
          std::vector<RtcpFeedback>{{"nack", ""}, {"nack", "pli"}, {"transport-cc", ""}});
    REQUIRE(consumer->encodings.size() == 1);
    CHECK(consumer->encodings[0].ssrc == 0xABCDu);
    CHECK(consumer->rtcp.cname == "producer-cname");
  }
  SECTION("REMB kept with abs-send-time only; both dropped without either") {
    device.header_extensions = {{MediaKind::kVideo, kAbsSendTime, 4, false}};
    auto with_ast = GetConsumerRtpParameters(producer, device, 1);
    REQUIRE(with_ast.ok());
    CHECK(with_ast->codecs[0].rtcp_feedback == std::vector<RtcpFeedback>{{"nack", ""}, {"nack", "pli"}, {"goog-remb", ""}});
    device.header_extensions.clear();
    auto without = GetConsumerRtpParameters(producer, device, 1);
    REQUIRE(without.ok());
    CHECK(without->codecs[0].rtcp_feedback == std::vector<RtcpFeedback>{{"nack", ""}, {"nack", "pli"}});
  }
  SECTION("RTX kept when its media codec is kept") {
    device.codecs.push_back(Cap(MediaKind::kVideo, "video/rtx", 90000));
    auto consumer = GetConsumerRtpParameters(producer, device, 1);
    REQUIRE(consumer.ok());
    REQUIRE(consumer->codecs.size() == 2);
    CHECK(consumer->codecs[1].mime_type == "video/rtx");
  }
  SECTION("no common codec: cannot_consume") {
    auto consumer = GetConsumerRtpParameters(producer, Caps({Cap(MediaKind::kVideo, "video/AV1", 90000)}), 1);
    REQUIRE_FALSE(consumer.ok());
    CHECK(consumer.error().code == "cannot_consume");
  }
}
