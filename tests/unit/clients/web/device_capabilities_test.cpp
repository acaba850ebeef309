// "Loading the device" and the producer parameters the web client derives from a router.
#include <catch2/catch.hpp>

#include "sfusim/clients/device_capabilities.h"
#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp/audio_level.h"
#include "sfusim/protocol/rtp_parameters/can_consume.h"

using namespace sfusim;
using namespace sfusim::clients;

TEST_CASE("LoadDeviceCapabilities keeps the router's supported codecs and extensions", "[clients][device]") {
  protocol::OpusSettings opus;
  opus.bitrate_bps = 24000;
  opus.dtx = true;
  const auto router = protocol::BuildRouterRtpCapabilities(opus).value();
  const auto device = LoadDeviceCapabilities(router);
  REQUIRE(device.ok());
  REQUIRE_FALSE(device->codecs.empty());
  CHECK(device->codecs.front().mime_type == "audio/opus");
  for (const auto& c : device->codecs) CHECK(c.mime_type != "video/AV1");  // not supported by this client
  CHECK(protocol::CanConsume(router, *device));
  bool has_capture_time = false;
  for (const auto& e : device->header_extensions) has_capture_time |= e.uri == protocol::AbsCaptureTime::kUri;
  CHECK(has_capture_time);

  protocol::RtpCapabilities no_opus = router;
  no_opus.codecs.erase(no_opus.codecs.begin());
  auto bad = LoadDeviceCapabilities(no_opus);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "no_common_codec");
}

TEST_CASE("MakeMicrophoneRtpParameters uses the router's Opus parameters", "[clients][device]") {
  protocol::OpusSettings opus;
  opus.bitrate_bps = 24000;
  opus.dtx = true;
  opus.fec = false;
  const auto router = protocol::BuildRouterRtpCapabilities(opus).value();
  const auto p = MakeMicrophoneRtpParameters(router, 0x1234, "alice");
  REQUIRE(p.ok());
  CHECK(p->mid == "0");
  REQUIRE(p->codecs.size() == 1);
  CHECK(p->codecs[0].payload_type == protocol::kPayloadTypeOpus);
  CHECK(p->codecs[0].clock_rate == 48000);
  CHECK(p->codecs[0].channels == 2);
  REQUIRE(p->encodings.size() == 1);
  CHECK(p->encodings[0].ssrc == 0x1234u);
  CHECK(p->rtcp.cname == "alice");
  const auto settings = OpusSettingsFromCodec(p->codecs[0].parameters);
  CHECK(settings == opus);
  const auto ids = AudioExtensionIdsFor(router);
  CHECK(ids.abs_capture_time == protocol::kHeaderExtensionIdAbsCaptureTime);
  CHECK(ids.audio_level == protocol::kHeaderExtensionIdAudioLevel);
  CHECK(ids.mid == protocol::kHeaderExtensionIdMid);
  // Every extension id the sender writes is announced in the parameters.
  for (uint8_t id : {ids.mid, ids.abs_send_time, ids.transport_wide_cc, ids.audio_level, ids.abs_capture_time}) {
    bool found = false;
    for (const auto& e : p->header_extensions) found |= e.id == id;
    CHECK(found);
  }
}

TEST_CASE("AudioReceiverConfigFor reads the consumer's ssrc, pt and extension ids", "[clients][device]") {
  protocol::RtpParameters consumer;
  consumer.codecs.push_back({"audio/opus", 100, 48000, 2, {}, {}});
  consumer.header_extensions.push_back({std::string(protocol::AudioLevel::kUri), 3, false});
  consumer.header_extensions.push_back({std::string(protocol::AbsCaptureTime::kUri), 7, false});
  consumer.encodings.push_back({});
  consumer.encodings[0].ssrc = 99;
  const auto c = AudioReceiverConfigFor(consumer);
  CHECK(c.ssrc == 99);
  CHECK(c.payload_type == 100);
  CHECK(c.audio_level_id == 3);
  CHECK(c.abs_capture_time_id == 7);
  const auto none = AudioReceiverConfigFor({});
  CHECK(none.audio_level_id == 0);
  CHECK(none.abs_capture_time_id == 0);
}

TEST_CASE("MakeDtlsFingerprint is deterministic sha-256 hex with colons", "[clients][device]") {
  const std::string a = MakeDtlsFingerprint("client:alice:t-1");
  CHECK(a == MakeDtlsFingerprint("client:alice:t-1"));
  CHECK(a != MakeDtlsFingerprint("client:alice:t-2"));
  REQUIRE(a.size() == 95);
  for (std::size_t i = 2; i < a.size(); i += 3) CHECK(a[i] == ':');
  // SHA-256("") = e3b0c442...
  CHECK(MakeDtlsFingerprint("").substr(0, 11) == "E3:B0:C4:42");
}
