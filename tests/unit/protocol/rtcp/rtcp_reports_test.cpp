// SR, RR (with report blocks), SDES and BYE: annotated bytes -> parse -> fields -> serialize ->
// same bytes, and their error codes.
#include <catch2/catch.hpp>

#include "rtcp_test_util.h"
#include "sfusim/protocol/rtcp/bye.h"
#include "sfusim/protocol/rtcp/receiver_report.h"
#include "sfusim/protocol/rtcp/sdes.h"
#include "sfusim/protocol/rtcp/sender_report.h"

using namespace sfusim::protocol::rtcp;
using namespace rtcp_test;

const Bytes kSenderReport = {
    0x81, 0xC8, 0x00, 0x0C,  // V=2 P=0 RC=1 | PT=200 SR | length=12 (52 bytes)
    0x11, 0x22, 0x33, 0x44,  // SSRC of sender
    0xE5, 0x4F, 0x1D, 0x6B,  // NTP timestamp, most significant word
    0x80, 0x00, 0x00, 0x00,  // NTP timestamp, least significant word (.5 s)
    0x00, 0x01, 0x00, 0x00,  // RTP timestamp 65536
    0x00, 0x00, 0x00, 0x64,  // sender's packet count 100
    0x00, 0x00, 0x27, 0x10,  // sender's octet count 10000
    0x55, 0x66, 0x77, 0x88,  // report block: SSRC_1
    0x19, 0xFF, 0xFF, 0xFE,  // fraction lost 25/256 | cumulative lost -2 (24-bit two's complement)
    0x00, 0x01, 0x00, 0x05,  // extended highest sequence 65541 (1 cycle, seq 5)
    0x00, 0x00, 0x00, 0x2A,  // interarrival jitter 42
    0x4F, 0x1D, 0x6B, 0x80,  // LSR
    0x00, 0x01, 0x80, 0x00,  // DLSR 1.5 s (98304 / 65536)
};

TEST_CASE("SR with one report block", "[rtcp][sr]") {
  const auto sr = ParseAs<SenderReport>(kSenderReport);
  CHECK(sr.sender_ssrc == 0x11223344u);
  CHECK(sr.ntp_timestamp == 0xE54F1D6B80000000ull);
  CHECK(sr.rtp_timestamp == 65536u);
  CHECK(sr.packet_count == 100u);
  CHECK(sr.octet_count == 10000u);
  REQUIRE(sr.report_blocks.size() == 1);
  const ReportBlock& b = sr.report_blocks[0];
  CHECK(b.source_ssrc == 0x55667788u);
  CHECK(b.fraction_lost == 25);
  CHECK(b.cumulative_lost == -2);
  CHECK(b.extended_highest_sequence == 65541u);
  CHECK(b.jitter == 42u);
  CHECK(b.last_sr == 0x4F1D6B80u);
  CHECK(b.delay_since_last_sr == 98304u);
  CHECK(sr.profile_extension.empty());
  CHECK(Must(sr.Serialize()) == kSenderReport);
}

TEST_CASE("RR without blocks, RR with a block and a profile extension", "[rtcp][rr]") {
  const Bytes empty_rr = {
      0x80, 0xC9, 0x00, 0x01,  // V=2 RC=0 | PT=201 RR | length=1
      0xAB, 0xCD, 0xEF, 0x01,  // SSRC of packet sender
  };
  auto rr = ParseAs<ReceiverReport>(empty_rr);
  CHECK(rr.sender_ssrc == 0xABCDEF01u);
  CHECK(rr.report_blocks.empty());
  CHECK(Must(rr.Serialize()) == empty_rr);

  const Bytes rr_ext = {
      0x81, 0xC9, 0x00, 0x08,  // RC=1 | RR | length=8 (36 bytes)
      0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
      0x00, 0x00, 0x00, 0x02,  // SSRC_1
      0xFF, 0x7F, 0xFF, 0xFF,  // fraction 255 | cumulative lost +8388607 (max)
      0xFF, 0xFF, 0xFF, 0xFF,  // extended highest sequence
      0x00, 0x00, 0x00, 0x00,  // jitter
      0x00, 0x00, 0x00, 0x00,  // LSR (no SR yet)
      0x00, 0x00, 0x00, 0x00,  // DLSR
      0xCA, 0xFE, 0xBA, 0xBE,  // profile-specific extension
  };
  rr = ParseAs<ReceiverReport>(rr_ext);
  REQUIRE(rr.report_blocks.size() == 1);
  CHECK(rr.report_blocks[0].cumulative_lost == ReportBlock::kMaxCumulativeLost);
  CHECK(rr.report_blocks[0].fraction_lost == 255);
  CHECK(rr.profile_extension == Bytes{0xCA, 0xFE, 0xBA, 0xBE});
  CHECK(Must(rr.Serialize()) == rr_ext);
}

TEST_CASE("SR/RR errors", "[rtcp][sr][errors]") {
  Bytes b = kSenderReport;
  b[0] = 0x82;  // RC=2 but one block
  CHECK(ParseErrorAs<SenderReport>(b) == "truncated");
  Bytes short_sr = {0x80, 0xC8, 0x00, 0x01, 0, 0, 0, 1};  // sender info missing
  CHECK(ParseErrorAs<SenderReport>(short_sr) == "truncated");
  CHECK(ParseErrorAs<ReceiverReport>(kSenderReport) == "wrong_packet_type");

  SenderReport sr;
  sr.report_blocks.resize(32);
  CHECK(sr.Serialize().error().code == "too_many");
  sr.report_blocks.resize(1);
  sr.report_blocks[0].cumulative_lost = ReportBlock::kMaxCumulativeLost + 1;
  CHECK(sr.Serialize().error().code == "out_of_range");
  sr.report_blocks[0].cumulative_lost = ReportBlock::kMinCumulativeLost;
  CHECK(sr.Serialize().ok());
  sr.profile_extension = {1, 2};
  CHECK(sr.Serialize().error().code == "length_mismatch");
}

TEST_CASE("cumulative lost sign extension at the 24-bit limits", "[rtcp][rr]") {
  Bytes block(ReportBlock::kSize, 0);
  ReportBlock b;
  b.cumulative_lost = ReportBlock::kMinCumulativeLost;
  b.Write(block.data());
  CHECK(Bytes(block.begin() + 5, block.begin() + 8) == Bytes{0x80, 0x00, 0x00});
  CHECK(ReportBlock::Read(block.data()).cumulative_lost == -0x800000);
  b.cumulative_lost = -1;
  b.Write(block.data());
  CHECK(Bytes(block.begin() + 5, block.begin() + 8) == Bytes{0xFF, 0xFF, 0xFF});
  CHECK(ReportBlock::Read(block.data()).cumulative_lost == -1);
}

const Bytes kSdes = {
    0x82, 0xCA, 0x00, 0x07,                          // V=2 SC=2 | PT=202 SDES | length=7 (32 bytes)
    0x11, 0x22, 0x33, 0x44,                          // chunk 1: SSRC
    0x01, 0x09, 'u', 's', 'e', 'r', '@', 'h', 'o',   // CNAME, 9 bytes "user@host"
    's', 't', 0x00,                                  // ... END (already 32-bit aligned)
    0x55, 0x66, 0x77, 0x88,                          // chunk 2: SSRC
    0x01, 0x02, 'a', 'b',                            // CNAME "ab"
    0x02, 0x01, 'x', 0x00,                           // NAME "x" | END
};

TEST_CASE("SDES with two chunks", "[rtcp][sdes]") {
  const auto sdes = ParseAs<Sdes>(kSdes);
  REQUIRE(sdes.chunks.size() == 2);
  CHECK(sdes.chunks[0].ssrc == 0x11223344u);
  REQUIRE(sdes.chunks[0].items.size() == 1);
  CHECK(sdes.chunks[0].items[0] == Sdes::Item{Sdes::kCname, "user@host"});
  CHECK(sdes.chunks[1].items == std::vector<Sdes::Item>{{Sdes::kCname, "ab"}, {Sdes::kName, "x"}});
  CHECK(sdes.Cname(0x55667788) == std::optional<std::string_view>("ab"));
  CHECK_FALSE(sdes.Cname(1).has_value());
  CHECK(Must(sdes.Serialize()) == kSdes);
}

TEST_CASE("SDES CNAME chunk needing END padding", "[rtcp][sdes]") {
  const Bytes bytes = {
      0x81, 0xCA, 0x00, 0x03,  // SC=1 | SDES | length=3
      0x00, 0x00, 0x00, 0x07,  // SSRC 7
      0x01, 0x03, 'a', 'b',    // CNAME "abc"
      'c', 0x00, 0x00, 0x00,   // END + 2 bytes of padding
  };
  const auto sdes = ParseAs<Sdes>(bytes);
  CHECK(sdes == Sdes::WithCname(7, "abc"));
  CHECK(Must(Sdes::WithCname(7, "abc").Serialize()) == bytes);
  // An empty chunk is SSRC + 4 null octets.
  Sdes empty;
  empty.chunks.push_back(Sdes::Chunk{9, {}});
  CHECK(Must(empty.Serialize()) == Bytes{0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 9, 0, 0, 0, 0});
}

TEST_CASE("SDES errors", "[rtcp][sdes][errors]") {
  Bytes no_end = {0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 7, 0x01, 0x02, 'a', 'b'};
  CHECK(ParseErrorAs<Sdes>(no_end) == "truncated");
  Bytes long_item = {0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 7, 0x01, 0x09, 'a', 'b'};
  CHECK(ParseErrorAs<Sdes>(long_item) == "truncated");
  Bytes dirty_pad = {0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 7, 0x01, 0x00, 0x00, 0x01};
  CHECK(ParseErrorAs<Sdes>(dirty_pad) == "bad_item");
  Bytes extra = {0x81, 0xCA, 0x00, 0x03, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0};
  CHECK(ParseErrorAs<Sdes>(extra) == "length_mismatch");
  Bytes missing_chunk = {0x82, 0xCA, 0x00, 0x02, 0, 0, 0, 7, 0, 0, 0, 0};
  CHECK(ParseErrorAs<Sdes>(missing_chunk) == "truncated");

  Sdes s = Sdes::WithCname(1, std::string(256, 'x'));
  CHECK(s.Serialize().error().code == "too_large");
  s.chunks[0].items[0] = Sdes::Item{Sdes::kEnd, "x"};
  CHECK(s.Serialize().error().code == "bad_item");
  s.chunks.assign(32, Sdes::Chunk{});
  CHECK(s.Serialize().error().code == "too_many");
}

TEST_CASE("BYE with and without reason", "[rtcp][bye]") {
  const Bytes with_reason = {
      0x81, 0xCB, 0x00, 0x02,  // V=2 SC=1 | PT=203 BYE | length=2
      0x11, 0x22, 0x33, 0x44,  // SSRC
      0x03, 'b', 'y', 'e',     // length 3 | "bye"
  };
  auto bye = ParseAs<Bye>(with_reason);
  CHECK(bye.ssrcs == std::vector<uint32_t>{0x11223344});
  CHECK(bye.reason == std::optional<std::string>("bye"));
  CHECK(Must(bye.Serialize()) == with_reason);

  const Bytes two_no_reason = {
      0x82, 0xCB, 0x00, 0x02,  // SC=2 | BYE | length=2
      0x00, 0x00, 0x00, 0x01,  // SSRC
      0x00, 0x00, 0x00, 0x02,  // CSRC
  };
  bye = ParseAs<Bye>(two_no_reason);
  CHECK(bye.ssrcs == std::vector<uint32_t>{1, 2});
  CHECK_FALSE(bye.reason.has_value());
  CHECK(Must(bye.Serialize()) == two_no_reason);

  const Bytes padded_reason = {
      0x81, 0xCB, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
      0x01, 'x', 0x00, 0x00,  // length 1 | "x" | padding
  };
  bye = ParseAs<Bye>(padded_reason);
  CHECK(bye.reason == std::optional<std::string>("x"));
  CHECK(Must(bye.Serialize()) == padded_reason);
}

TEST_CASE("BYE errors", "[rtcp][bye][errors]") {
  Bytes overrun = {0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 0x07, 'x', 0, 0};
  CHECK(ParseErrorAs<Bye>(overrun) == "truncated");
  Bytes extra = {0x81, 0xCB, 0x00, 0x03, 0, 0, 0, 1, 0x01, 'x', 0, 0, 0, 0, 0, 0};
  CHECK(ParseErrorAs<Bye>(extra) == "length_mismatch");
  Bytes too_few = {0x82, 0xCB, 0x00, 0x01, 0, 0, 0, 1};
  CHECK(ParseErrorAs<Bye>(too_few) == "truncated");
  Bye bye;
  bye.ssrcs.assign(32, 1);
  CHECK(bye.Serialize().error().code == "too_many");
  bye.ssrcs.assign(1, 1);
  bye.reason = std::string(256, 'r');
  CHECK(bye.Serialize().error().code == "too_large");
}
