// Feedback messages: generic NACK (incl. list <-> PID/BLP), PLI, FIR, REMB as byte tables, with
// their error codes.
#include <catch2/catch.hpp>

#include "rtcp_test_util.h"
#include "sfusim/protocol/rtcp/fir.h"
#include "sfusim/protocol/rtcp/nack.h"
#include "sfusim/protocol/rtcp/pli.h"
#include "sfusim/protocol/rtcp/remb.h"

using namespace sfusim::protocol::rtcp;
using namespace rtcp_test;

const Bytes kNack = {
    0x81, 0xCD, 0x00, 0x04,  // V=2 FMT=1 | PT=205 RTPFB | length=4 (20 bytes)
    0x11, 0x22, 0x33, 0x44,  // SSRC of packet sender
    0x55, 0x66, 0x77, 0x88,  // SSRC of media source
    0x00, 0x64, 0x80, 0x11,  // PID=100 | BLP: bit0 (101), bit4 (105), bit15 (116)
    0x00, 0xC8, 0x00, 0x02,  // PID=200 | BLP: bit1 (202)
};

TEST_CASE("generic NACK byte table", "[rtcp][nack]") {
  const auto nack = ParseAs<Nack>(kNack);
  CHECK(nack.sender_ssrc == 0x11223344u);
  CHECK(nack.media_ssrc == 0x55667788u);
  CHECK(nack.items == std::vector<Nack::Item>{{100, 0x8011}, {200, 0x0002}});
  CHECK(nack.SequenceNumbers() == std::vector<uint16_t>{100, 101, 105, 116, 200, 202});
  CHECK(Must(nack.Serialize()) == kNack);
  // Built from the (unsorted, duplicated) list of lost packets.
  const std::vector<uint16_t> lost = {202, 100, 116, 105, 101, 200, 105};
  CHECK(Nack::FromSequenceNumbers(0x11223344, 0x55667788, lost) == nack);
}

TEST_CASE("NACK list packing across the wrap", "[rtcp][nack]") {
  const std::vector<uint16_t> lost = {65534, 65535, 0, 3, 14};
  const auto items = Nack::ItemsFromSequenceNumbers(lost);
  // PID 65534; 65535 -> bit0, 0 -> bit1, 3 -> bit4, 14 -> bit15.
  REQUIRE(items.size() == 1);
  CHECK(items[0] == Nack::Item{65534, 0x8013});
  CHECK(Nack::ExpandItems(items) == lost);
  // 17 apart needs a second item.
  const std::vector<uint16_t> far = {65535, 16};
  CHECK(Nack::ItemsFromSequenceNumbers(far) == std::vector<Nack::Item>{{65535, 0}, {16, 0}});
  CHECK(Nack::ItemsFromSequenceNumbers(std::vector<uint16_t>{}).empty());
}

TEST_CASE("NACK errors", "[rtcp][nack][errors]") {
  Bytes no_fci = {0x81, 0xCD, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  CHECK(ParseErrorAs<Nack>(no_fci) == "truncated");
  Bytes pli_as_nack = {0x81, 0xCE, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  CHECK(ParseErrorAs<Nack>(pli_as_nack) == "wrong_packet_type");
  Nack empty;
  CHECK(empty.Serialize().error().code == "empty");
}

TEST_CASE("PLI byte table", "[rtcp][pli]") {
  const Bytes bytes = {
      0x81, 0xCE, 0x00, 0x02,  // V=2 FMT=1 | PT=206 PSFB | length=2
      0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
      0x12, 0x34, 0x56, 0x78,  // SSRC of media source
  };
  const auto pli = ParseAs<Pli>(bytes);
  CHECK(pli == Pli{1, 0x12345678});
  CHECK(Must(pli.Serialize()) == bytes);
  Bytes extra = {0x81, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0};
  CHECK(ParseErrorAs<Pli>(extra) == "length_mismatch");
  Bytes short_pli = {0x81, 0xCE, 0x00, 0x01, 0, 0, 0, 1};
  CHECK(ParseErrorAs<Pli>(short_pli) == "truncated");
}

TEST_CASE("FIR byte table", "[rtcp][fir]") {
  const Bytes bytes = {
      0x84, 0xCE, 0x00, 0x06,  // V=2 FMT=4 | PT=206 PSFB | length=6 (28 bytes)
      0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
      0x00, 0x00, 0x00, 0x00,  // SSRC of media source: unused (RFC 5104 4.3.1.2)
      0xAA, 0xBB, 0xCC, 0xDD,  // FCI 1: SSRC
      0x07, 0x00, 0x00, 0x00,  //        Seq nr. 7 | reserved
      0x11, 0x22, 0x33, 0x44,  // FCI 2: SSRC
      0xFF, 0x00, 0x00, 0x00,  //        Seq nr. 255 | reserved
  };
  const auto fir = ParseAs<Fir>(bytes);
  CHECK(fir.sender_ssrc == 1u);
  CHECK(fir.entries == std::vector<Fir::Entry>{{0xAABBCCDD, 7}, {0x11223344, 255}});
  CHECK(Must(fir.Serialize()) == bytes);
  Bytes half = {0x84, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4};
  CHECK(ParseErrorAs<Fir>(half) == "truncated");
  Bytes ragged = {0x84, 0xCE, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0, 9, 9, 9, 9};
  CHECK(ParseErrorAs<Fir>(ragged) == "length_mismatch");
  CHECK(Fir{}.Serialize().error().code == "empty");
}

const Bytes kRemb = {
    0x8F, 0xCE, 0x00, 0x06,  // V=2 FMT=15 | PT=206 PSFB | length=6 (28 bytes)
    0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
    0x00, 0x00, 0x00, 0x00,  // SSRC of media source (0)
    0x52, 0x45, 0x4D, 0x42,  // 'R' 'E' 'M' 'B'
    0x02, 0x0B, 0xD0, 0x90,  // Num SSRC=2 | BR Exp=2 | BR Mantissa=250000 -> 1,000,000 bps
    0x00, 0x00, 0x10, 0x01,  // SSRC feedback 1
    0x00, 0x00, 0x10, 0x02,  // SSRC feedback 2
};

TEST_CASE("REMB byte table", "[rtcp][remb]") {
  const auto remb = ParseAs<Remb>(kRemb);
  CHECK(remb.sender_ssrc == 1u);
  CHECK(remb.bitrate_bps == 1'000'000u);
  CHECK(remb.ssrcs == std::vector<uint32_t>{0x1001, 0x1002});
  CHECK(Must(remb.Serialize()) == kRemb);
  CHECK(Remb::IsRemb(OnlyPacket(kRemb)));
}

TEST_CASE("REMB bitrate encoding", "[rtcp][remb]") {
  CHECK(Remb::Quantize(0) == 0u);
  CHECK(Remb::Quantize(Remb::kMaxMantissa) == Remb::kMaxMantissa);  // exponent 0
  CHECK(Remb::Quantize(Remb::kMaxMantissa + 1) == Remb::kMaxMantissa + 1);
  CHECK(Remb::Quantize(1'000'001) == 1'000'000u);  // rounded down to 18 significant bits
  CHECK(Remb::Quantize(~uint64_t{0}) == (uint64_t{Remb::kMaxMantissa} << 46));
  Remb r{1, 2'500'000'000ull, {}};
  auto bytes = Must(r.Serialize());
  auto back = ParseAs<Remb>(bytes);
  CHECK(back.bitrate_bps == Remb::Quantize(2'500'000'000ull));
}

TEST_CASE("REMB errors", "[rtcp][remb][errors]") {
  Bytes b = kRemb;
  b[12] = 'X';
  CHECK(ParseErrorAs<Remb>(b) == "bad_identifier");
  b = kRemb;
  b[16] = 3;  // Num SSRC=3 but two present
  CHECK(ParseErrorAs<Remb>(b) == "length_mismatch");
  b = kRemb;
  b[17] = 0xFF;  // exponent 63, mantissa with high bits: overflows 64 bits
  CHECK(ParseErrorAs<Remb>(b) == "out_of_range");
  Bytes short_remb = {0x8F, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B'};
  CHECK(ParseErrorAs<Remb>(short_remb) == "truncated");
  Remb r;
  r.ssrcs.assign(256, 1);
  CHECK(r.Serialize().error().code == "too_many");
}
