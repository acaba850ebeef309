// Compound packets: SR + SDES + NACK + REMB as one datagram, byte-exact both ways; framing
// errors (length mismatch, version, padding) with the offset of the culprit; unknown types kept.
#include <catch2/catch.hpp>

#include "rtcp_test_util.h"
#include "sfusim/protocol/rtcp/compound_packet.h"
#include "sfusim/protocol/rtcp/rtcp_compound_view.h"

using namespace sfusim::protocol::rtcp;
using namespace rtcp_test;

namespace {
const Bytes kSr = {
    0x80, 0xC8, 0x00, 0x06,  // SR, RC=0, length=6 (28 bytes)                    offset 0
    0x00, 0x00, 0x00, 0x01,  // SSRC
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,  // NTP
    0x00, 0x00, 0x00, 0x04,  // RTP ts
    0x00, 0x00, 0x00, 0x05,  // packets
    0x00, 0x00, 0x00, 0x06,  // octets
};
const Bytes kSdes = {
    0x81, 0xCA, 0x00, 0x02,  // SDES, SC=1, length=2 (12 bytes)                   offset 28
    0x00, 0x00, 0x00, 0x01,  // SSRC
    0x01, 0x01, 'c', 0x00,   // CNAME "c" | END
};
const Bytes kNack = {
    0x81, 0xCD, 0x00, 0x03,  // NACK, length=3 (16 bytes)                          offset 40
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09,
    0x00, 0x05, 0x00, 0x01,  // PID 5, BLP 6
};
const Bytes kRemb = {
    0x8F, 0xCE, 0x00, 0x05,  // REMB, length=5 (24 bytes)                          offset 56
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    'R', 'E', 'M', 'B',
    0x01, 0x00, 0x75, 0x30,  // 1 SSRC, exp 0, mantissa 30000
    0x00, 0x00, 0x00, 0x09,
};

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::string ErrorOf(const Bytes& b) {
  auto r = CompoundPacket::Parse(b);
  REQUIRE_FALSE(r.ok());
  return r.error().code + " | " + r.error().message;
}
}  // namespace

TEST_CASE("SR + SDES + NACK + REMB compound, byte-exact", "[rtcp][compound]") {
  const Bytes bytes = Concat({kSr, kSdes, kNack, kRemb});
  auto view = Must(RtcpCompoundView::Parse(bytes));
  CHECK(view.packet_count() == 4);
  std::vector<size_t> offsets;
  for (const auto& p : view) offsets.push_back(p.offset);
  CHECK(offsets == std::vector<size_t>{0, 28, 40, 56});

  const auto c = Must(CompoundPacket::Parse(bytes));
  REQUIRE(c.packets.size() == 4);
  CHECK(std::get<SenderReport>(c.packets[0]).octet_count == 6u);
  CHECK(std::get<Sdes>(c.packets[1]).Cname(1) == std::optional<std::string_view>("c"));
  CHECK(std::get<Nack>(c.packets[2]).SequenceNumbers() == std::vector<uint16_t>{5, 6});
  CHECK(std::get<Remb>(c.packets[3]).bitrate_bps == 30000u);
  CHECK(Must(c.Serialize()) == bytes);
}

TEST_CASE("unknown packet types are kept verbatim", "[rtcp][compound]") {
  const Bytes app = {
      0x81, 0xCC, 0x00, 0x03,  // APP (204), subtype 1, length=3
      0x00, 0x00, 0x00, 0x01,  // SSRC
      'n', 'a', 'm', 'e',      // name
      0xDE, 0xAD, 0xBE, 0xEF,  // application data
  };
  const Bytes psfb_other = {0x8F, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 'N', 'O', 'P', 'E'};  // AFB, not REMB
  const Bytes bytes = Concat({app, psfb_other});
  const auto c = Must(CompoundPacket::Parse(bytes));
  REQUIRE(c.packets.size() == 2);
  const auto& u = std::get<UnknownRtcpPacket>(c.packets[0]);
  CHECK(u.packet_type == 204);
  CHECK(u.count == 1);
  CHECK(u.body.size() == 12);
  CHECK(std::holds_alternative<UnknownRtcpPacket>(c.packets[1]));
  CHECK(Must(c.Serialize()) == bytes);
}

TEST_CASE("padding on the last packet is stripped before the typed parse", "[rtcp][compound]") {
  const Bytes bytes = {
      0x81, 0xCB, 0x00, 0x02,  // BYE, SC=1, length=2 (reason "x")
      0x00, 0x00, 0x00, 0x07, 0x01, 'x', 0x00, 0x00,
      0xA1, 0xCB, 0x00, 0x03,  // BYE, P=1, SC=1, length=3 (16 bytes)
      0x00, 0x00, 0x00, 0x08,  // SSRC
      0x00, 0x00, 0x00, 0x00,  // padding ...
      0x00, 0x00, 0x00, 0x08,  // ... count 8
  };
  const auto c = Must(CompoundPacket::Parse(bytes));
  REQUIRE(c.packets.size() == 2);
  CHECK(std::get<Bye>(c.packets[1]).ssrcs == std::vector<uint32_t>{8});
  CHECK_FALSE(std::get<Bye>(c.packets[1]).reason.has_value());
  // Re-serialized without padding, parses to the same value.
  const Bytes out = Must(c.Serialize());
  CHECK(out.size() == 20);
  CHECK(Must(CompoundPacket::Parse(out)) == c);
}

TEST_CASE("compound framing errors name the offset", "[rtcp][compound][errors]") {
  const Bytes good = Concat({kSr, kSdes});
  SECTION("empty and truncated header") {
    CHECK(ErrorOf({}).rfind("truncated", 0) == 0);
    Bytes b = good;
    b.insert(b.end(), {0x80, 0xC9});  // two stray bytes at offset 40
    const auto e = ErrorOf(b);
    CHECK(e.rfind("truncated", 0) == 0);
    CHECK(e.find("byte 40") != std::string::npos);
  }
  SECTION("bad version at the second packet") {
    Bytes b = good;
    b[28] = 0x41;  // V=1
    const auto e = ErrorOf(b);
    CHECK(e.rfind("bad_version", 0) == 0);
    CHECK(e.find("byte 28") != std::string::npos);
  }
  SECTION("length field past the datagram") {
    Bytes b = good;
    b[31] = 0x03;  // SDES says 16 bytes, 12 left
    const auto e = ErrorOf(b);
    CHECK(e.rfind("length_mismatch", 0) == 0);
    CHECK(e.find("byte 28") != std::string::npos);
  }
  SECTION("length field shorter than the content leaves garbage") {
    Bytes b = good;
    b[3] = 0x05;  // SR says 24 bytes: the next header is read from the SR's last word (0,0,0,6)
    CHECK(ErrorOf(b).rfind("bad_version", 0) == 0);
  }
  SECTION("padding count zero or too large") {
    Bytes b = good;
    b[28] |= 0x20;  // P on SDES: count = last byte = 0
    CHECK(ErrorOf(b).rfind("bad_padding", 0) == 0);
    b.back() = 9;  // more than the 8-byte body
    CHECK(ErrorOf(b).rfind("bad_padding", 0) == 0);
  }
  SECTION("a typed error carries the packet offset too") {
    Bytes b = good;
    b[37] = 0x00;  // CNAME of length 0, then END at 38 and padding at 39 ...
    b[38] = 0x00;
    b[39] = 0x05;  // ... that is not zero
    const auto e = ErrorOf(b);
    CHECK(e.rfind("bad_item", 0) == 0);
    CHECK(e.find("at byte 28") != std::string::npos);
  }
  SECTION("more than a datagram") {
    Bytes b(RtcpCompoundView::kMaxCompoundSize + 1, 0);
    CHECK(ErrorOf(b).rfind("too_large", 0) == 0);
  }
}

TEST_CASE("compound serialize fails as a whole", "[rtcp][compound][errors]") {
  const CompoundPacket c{{Pli{1, 2}, Nack{}}};  // the empty NACK refuses
  Bytes out = {7};
  auto s = c.AppendTo(out);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == "empty");
  CHECK(out == Bytes{7});
}
