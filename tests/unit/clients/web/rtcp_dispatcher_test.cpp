// RtcpDispatcher (ParseRtcpFeedback, RttFromReportBlock) and the video parameter helpers: what an
// RTCP compound asks of the client, and the H.264 producer parameters from the router's caps.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "sfusim/clients/rtcp_dispatcher.h"
#include "sfusim/clients/video_rtp_parameters.h"
#include "sfusim/clients/video_source_seed.h"
#include "sfusim/protocol/rtcp/fir.h"
#include "sfusim/protocol/rtcp/nack.h"
#include "sfusim/protocol/rtcp/pli.h"
#include "sfusim/protocol/rtcp/receiver_report.h"
#include "sfusim/protocol/rtcp/remb.h"
#include "sfusim/protocol/rtcp/sdes.h"
#include "sfusim/protocol/rtcp/sender_report.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"

using namespace sfusim;
using clients::ParseRtcpFeedback;
namespace rtcp = protocol::rtcp;

TEST_CASE("ParseRtcpFeedback: every kind of feedback of one compound", "[clients][web][rtcp]") {
  std::vector<uint8_t> bytes;
  rtcp::ReceiverReport rr;
  rr.sender_ssrc = 0x11;
  rtcp::ReportBlock block;
  block.source_ssrc = 0xCAFE;
  block.fraction_lost = 64;
  block.last_sr = 0x00010000;
  block.delay_since_last_sr = 0x00008000;
  rr.report_blocks.push_back(block);
  REQUIRE(rr.AppendTo(bytes).ok());
  const std::vector<uint16_t> lost = {100, 101, 117, 300};
  REQUIRE(rtcp::Nack::FromSequenceNumbers(0x11, 0xCAFE, lost).AppendTo(bytes).ok());
  REQUIRE(rtcp::Pli{0x11, 0xCAFE}.AppendTo(bytes).ok());
  rtcp::Fir fir;
  fir.sender_ssrc = 0x11;
  fir.entries.push_back({0xBEEF, 3});
  REQUIRE(fir.AppendTo(bytes).ok());
  rtcp::Remb remb;
  remb.sender_ssrc = 0x11;
  remb.bitrate_bps = 512'000;
  remb.ssrcs = {0xCAFE};
  REQUIRE(remb.AppendTo(bytes).ok());
  rtcp::SenderReport sr;
  sr.sender_ssrc = 0x22;
  sr.ntp_timestamp = 0x0000000500000000ULL;
  REQUIRE(sr.AppendTo(bytes).ok());

  auto fb = ParseRtcpFeedback(bytes);
  REQUIRE(fb.ok());
  REQUIRE(fb->report_blocks.size() == 1);
  CHECK(fb->report_blocks[0] == block);
  REQUIRE(fb->nacks.size() == 1);
  CHECK(fb->nacks[0].media_ssrc == 0xCAFE);
  CHECK(fb->nacks[0].sequence_numbers == lost);
  CHECK(fb->key_frame_requests == std::vector<uint32_t>{0xCAFE, 0xBEEF});
  CHECK(fb->plis == 1);
  CHECK(fb->firs == 1);
  REQUIRE(fb->rembs.size() == 1);
  CHECK(fb->rembs[0].bitrate_bps == rtcp::Remb::Quantize(512'000));
  CHECK(fb->rembs[0].ssrcs == std::vector<uint32_t>{0xCAFE});
  REQUIRE(fb->sender_reports.size() == 1);
  CHECK(fb->sender_reports[0].ssrc == 0x22);
  CHECK(fb->sender_reports[0].ntp_timestamp == 0x0000000500000000ULL);
  CHECK(fb->skipped == 0);
}

TEST_CASE("ParseRtcpFeedback: bad input is an error or a skipped sub-packet, never a crash", "[clients][web][rtcp]") {
  CHECK(ParseRtcpFeedback({}).error().code == "truncated");
  const std::vector<uint8_t> garbage = {0x80, 0xC9, 0x00};
  CHECK_FALSE(ParseRtcpFeedback(garbage).ok());
  // A PLI whose body is too short for its two SSRCs: skipped; the RR before it still counts.
  std::vector<uint8_t> bytes;
  rtcp::ReceiverReport rr;
  rr.sender_ssrc = 1;
  REQUIRE(rr.AppendTo(bytes).ok());
  const std::vector<uint8_t> short_pli = {0x81, 206, 0x00, 0x01, 0, 0, 0, 1};
  bytes.insert(bytes.end(), short_pli.begin(), short_pli.end());
  auto fb = ParseRtcpFeedback(bytes);
  REQUIRE(fb.ok());
  CHECK(fb->skipped == 1);
  CHECK(fb->key_frame_requests.empty());
}

TEST_CASE("RttFromReportBlock: A - LSR - DLSR in 1/65536 s", "[clients][web][rtcp]") {
  // now = 2 s -> A = 2 << 16; LSR = 1 s, DLSR = 0.5 s -> RTT = 0.5 s.
  rtcp::ReportBlock b;
  b.last_sr = 0x00010000;
  b.delay_since_last_sr = 0x00008000;
  const auto rtt = clients::RttFromReportBlock(b, sim::Timestamp::Micros(2'000'000));
  REQUIRE(rtt.has_value());
  CHECK(rtt->us() == 500'000);
  CHECK(clients::NtpMiddle32(clients::NtpFromTimestamp(sim::Timestamp::Micros(1'500'000))) == 0x00018000u);
  b.last_sr = 0;  // no SR of ours reached the far end
  CHECK_FALSE(clients::RttFromReportBlock(b, sim::Timestamp::Micros(2'000'000)).has_value());
  b.last_sr = 0x00030000;  // "in the future": negative, nonsense
  CHECK_FALSE(clients::RttFromReportBlock(b, sim::Timestamp::Micros(2'000'000)).has_value());
}

TEST_CASE("MakeVideoRtpParameters and the consumer side", "[clients][web][video]") {
  const auto router = protocol::BuildRouterRtpCapabilities({}).value();
  auto p = clients::MakeVideoRtpParameters(router, 1234, "alice", clients::kCameraMid);
  REQUIRE(p.ok());
  REQUIRE(p->codecs.size() == 1);
  CHECK(p->codecs[0].mime_type == "video/H264");
  CHECK(p->codecs[0].payload_type == protocol::kPayloadTypeH264);
  CHECK(p->encodings.at(0).ssrc == 1234u);
  CHECK(p->rtcp.cname == "alice");
  CHECK(p->header_extensions.size() == 4);  // mid, abs-send-time, transport-cc, abs-capture-time
  CHECK(clients::MakeVideoRtpParameters(router, 0, "alice", "1").error().code == "invalid_argument");
  protocol::RtpCapabilities audio_only = router;
  audio_only.codecs.erase(std::remove_if(audio_only.codecs.begin(), audio_only.codecs.end(),
                                         [](const auto& c) { return c.mime_type == "video/H264"; }),
                          audio_only.codecs.end());
  CHECK(clients::MakeVideoRtpParameters(audio_only, 1, "a", "1").error().code == "no_common_codec");

  const clients::VideoConsumerParams vc = clients::VideoConsumerParamsFor(*p);
  CHECK(vc.ssrc == 1234);
  CHECK(vc.payload_type == protocol::kPayloadTypeH264);
  CHECK(vc.abs_capture_time_id == protocol::kHeaderExtensionIdAbsCaptureTime);

  CHECK(clients::ScreenTierFor("1080p").width == 1920);
  CHECK(clients::ScreenTierFor("nonsense").name == "720p");
  CHECK(clients::VideoStatsKey("bob", clients::kVideoSourceScreen) == "bob/screen");
  CHECK(clients::VideoSourceSeed("bob", "camera") != clients::VideoSourceSeed("bob", "screen"));
  CHECK(clients::VideoSourceSeed("bob", "camera") == clients::VideoSourceSeed("bob", "camera"));
}
