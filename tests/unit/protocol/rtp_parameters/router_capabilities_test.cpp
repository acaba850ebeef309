// A router's capabilities from a channel's Opus settings (PROTOCOL.md §2).
#include <catch2/catch.hpp>

#include <set>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"

using namespace sfusim::protocol;

namespace {

const RtpCodecCapability& Codec(const RtpCapabilities& caps, std::string_view mime) {
  for (const auto& c : caps.codecs) {
    if (c.mime_type == mime) return c;
  }
  FAIL("no codec " << mime);
  throw;
}

bool HasFeedback(const RtpCodecCapability& codec, std::string_view type, std::string_view parameter) {
  for (const auto& fb : codec.rtcp_feedback) {
    if (fb.type == type && fb.parameter == parameter) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("Opus follows the channel's settings", "[router]") {
  auto caps = BuildRouterRtpCapabilities(OpusSettings{64000, true, false});
  REQUIRE(caps.ok());
  const auto& opus = Codec(*caps, "audio/opus");
  CHECK(opus.kind == MediaKind::kAudio);
  CHECK(opus.clock_rate == 48000);
  CHECK(opus.channels == 2);
  CHECK(opus.preferred_payload_type == kPayloadTypeOpus);
  CHECK(GetIntParameter(opus.parameters, "maxaveragebitrate") == 64000);
  CHECK(GetIntParameter(opus.parameters, "usedtx") == 1);
  CHECK(GetIntParameter(opus.parameters, "useinbandfec") == 0);
  CHECK(opus.rtcp_feedback == std::vector<RtcpFeedback>{{"transport-cc", ""}});

  auto other = BuildRouterRtpCapabilities(OpusSettings{32000, false, true});
  const auto& opus2 = Codec(*other, "audio/opus");
  CHECK(GetIntParameter(opus2.parameters, "maxaveragebitrate") == 32000);
  CHECK(GetIntParameter(opus2.parameters, "usedtx") == 0);
  CHECK(GetIntParameter(opus2.parameters, "useinbandfec") == 1);
  CHECK_FALSE(*caps == *other);  // a settings change is visible in the capabilities
}

TEST_CASE("video codecs in order with the feedback of PROTOCOL.md", "[router]") {
  auto caps = BuildRouterRtpCapabilities(OpusSettings{});
  REQUIRE(caps.ok());
  std::vector<std::string> mimes;
  for (const auto& c : caps->codecs) mimes.push_back(c.mime_type);
  CHECK(mimes == std::vector<std::string>{"audio/opus", "video/VP8", "video/H264", "video/VP9", "video/AV1"});
  struct Pt {
    const char* mime;
    std::uint8_t pt;
  };
  for (const Pt& p : {Pt{"video/H264", 96}, Pt{"video/VP8", 98}, Pt{"video/VP9", 100}, Pt{"video/AV1", 102}}) {
    const auto& codec = Codec(*caps, p.mime);
    INFO(p.mime);
    CHECK(codec.kind == MediaKind::kVideo);
    CHECK(codec.clock_rate == kVideoClockRateHz);
    CHECK(codec.preferred_payload_type == p.pt);
    CHECK_FALSE(codec.channels.has_value());
    CHECK(HasFeedback(codec, "nack", ""));
    CHECK(HasFeedback(codec, "nack", "pli"));
    CHECK(HasFeedback(codec, "ccm", "fir"));
    CHECK(HasFeedback(codec, "goog-remb", ""));
    CHECK(HasFeedback(codec, "transport-cc", ""));
    CHECK(codec.rtcp_feedback.size() == 5);
  }
  const auto& h264 = Codec(*caps, "video/H264");
  CHECK(GetIntParameter(h264.parameters, "packetization-mode") == 1);
  CHECK(GetStringParameter(h264.parameters, "profile-level-id") == "42e01f");
}

TEST_CASE("header extensions per kind with unique ids per kind", "[router]") {
  auto caps = BuildRouterRtpCapabilities(OpusSettings{});
  REQUIRE(caps.ok());
  for (MediaKind kind : {MediaKind::kAudio, MediaKind::kVideo}) {
    std::set<int> ids;
    bool transport_cc = false;
    bool abs_capture_time = false;
    for (const auto& ext : caps->header_extensions) {
      if (ext.kind != kind) continue;
      CHECK(ids.insert(ext.preferred_id).second);
      CHECK(ext.preferred_id >= 1);
      CHECK(ext.preferred_id <= 14);  // fits the one-byte header form
      transport_cc |= ext.uri == "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
      if (ext.uri == "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time") {
        abs_capture_time = true;
        CHECK(ext.preferred_id == kHeaderExtensionIdAbsCaptureTime);
        CHECK(ext.preferred_id == 13);  // mediasoup's preferred id
      }
    }
    CHECK(transport_cc);
    CHECK(abs_capture_time);  // receivers measure mouth-to-ear delay with it (E2E_DESIGN.md)
  }
}

TEST_CASE("the router is a pure function of the settings", "[router]") {
  CHECK(BuildRouterRtpCapabilities(OpusSettings{48000, true, true}).value() ==
        BuildRouterRtpCapabilities(OpusSettings{48000, true, true}).value());
}

TEST_CASE("Opus bitrate must be within RFC 7587's range", "[router]") {
  CHECK(BuildRouterRtpCapabilities(OpusSettings{kOpusMinBitrateBps, false, false}).ok());
  CHECK(BuildRouterRtpCapabilities(OpusSettings{kOpusMaxBitrateBps, false, false}).ok());
  CHECK(BuildRouterRtpCapabilities(OpusSettings{kOpusMinBitrateBps - 1, false, false}).error().code == "out_of_range");
  CHECK(BuildRouterRtpCapabilities(OpusSettings{kOpusMaxBitrateBps + 1, false, false}).error().code == "out_of_range");
}
