// RtpPacketView: byte tables (annotated bytes -> parse -> fields -> RtpPacket -> same bytes),
// RFC 8285's own extension examples, and every parse error with its code.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"

using sfusim::protocol::RtpHeaderExtension;
using sfusim::protocol::RtpPacket;
using sfusim::protocol::RtpPacketView;
using Bytes = std::vector<uint8_t>;

namespace {

RtpPacketView MustParse(const Bytes& b) {
  auto r = RtpPacketView::Parse(b);
  INFO((r.ok() ? std::string("ok") : r.error().code + ": " + r.error().message));
  REQUIRE(r.ok());
  return *r;
}

Bytes Reserialize(const RtpPacketView& v) {
  auto out = RtpPacket::FromView(v).Serialize();
  REQUIRE(out.ok());
  return *out;
}

std::string ErrorCode(const Bytes& b) {
  auto r = RtpPacketView::Parse(b);
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK_FALSE(r.error().message.empty());
  return r.error().code;
}

std::vector<uint8_t> Data(std::optional<std::span<const uint8_t>> s) {
  REQUIRE(s.has_value());
  return Bytes(s->begin(), s->end());
}

}  // namespace

TEST_CASE("minimal RTP packet: fixed header and payload", "[rtp]") {
  const Bytes bytes = {
      0x80, 0x60, 0x12, 0x34,  // V=2 P=0 X=0 CC=0 | M=0 PT=96 | seq=0x1234
      0x00, 0x01, 0xE2, 0x40,  // timestamp=123456
      0xDE, 0xAD, 0xBE, 0xEF,  // SSRC=0xDEADBEEF
      0x01, 0x02, 0x03,        // payload
  };
  const RtpPacketView v = MustParse(bytes);
  CHECK(v.version() == 2);
  CHECK_FALSE(v.has_padding());
  CHECK_FALSE(v.has_extension());
  CHECK(v.csrc_count() == 0);
  CHECK_FALSE(v.marker());
  CHECK(v.payload_type() == 96);
  CHECK(v.sequence_number() == 0x1234);
  CHECK(v.timestamp() == 123456u);
  CHECK(v.ssrc() == 0xDEADBEEFu);
  CHECK(v.header_size() == 12);
  CHECK(Bytes(v.payload().begin(), v.payload().end()) == Bytes{1, 2, 3});
  CHECK(v.padding_size() == 0);
  CHECK_FALSE(v.FindExtension(1).has_value());
  CHECK(Reserialize(v) == bytes);
}

TEST_CASE("marker, CSRCs and padding", "[rtp]") {
  const Bytes bytes = {
      0xA2, 0xEF, 0xFF, 0xFF,  // V=2 P=1 X=0 CC=2 | M=1 PT=111 | seq=65535
      0xFF, 0xFF, 0xFF, 0xFF,  // timestamp=2^32-1
      0x00, 0x00, 0x00, 0x01,  // SSRC=1
      0x11, 0x11, 0x11, 0x11,  // CSRC 0
      0x22, 0x22, 0x22, 0x22,  // CSRC 1
      0xAA, 0xBB,              // payload
      0x00, 0x00, 0x00, 0x04,  // padding: 3 zeros + count 4
  };
  const RtpPacketView v = MustParse(bytes);
  CHECK(v.has_padding());
  CHECK(v.marker());
  CHECK(v.payload_type() == 111);
  CHECK(v.sequence_number() == 65535);
  CHECK(v.timestamp() == 0xFFFFFFFFu);
  CHECK(v.csrc_count() == 2);
  CHECK(v.csrc(0) == 0x11111111u);
  CHECK(v.csrc(1) == 0x22222222u);
  CHECK(v.header_size() == 20);
  CHECK(v.padding_size() == 4);
  CHECK(Bytes(v.payload().begin(), v.payload().end()) == Bytes{0xAA, 0xBB});
  CHECK(Reserialize(v) == bytes);
}

TEST_CASE("RFC 8285 4.2 one-byte header example, padding between elements", "[rtp][rfc8285]") {
  const Bytes bytes = {
      0x90, 0x60, 0x00, 0x01,  // V=2 X=1 | PT=96 | seq=1
      0x00, 0x00, 0x00, 0x02,  // timestamp=2
      0x00, 0x00, 0x00, 0x03,  // SSRC=3
      0xBE, 0xDE, 0x00, 0x03,  // one-byte profile, length=3 words
      0x10, 0xAA, 0x21, 0xBB,  // ID=1 L=0 data=AA | ID=2 L=1 data=BB..
      0xBB, 0x00, 0x00, 0x33,  // ..BB | pad | pad | ID=3 L=3
      0xCC, 0xCC, 0xCC, 0xCC,  // data
      0xF0,                    // payload
  };
  const RtpPacketView v = MustParse(bytes);
  CHECK(v.has_extension());
  CHECK(v.extension_profile() == RtpHeaderExtension::kOneByteProfile);
  CHECK(v.extension_form() == RtpHeaderExtension::Form::kOneByte);
  CHECK(v.extension_data().size() == 12);
  CHECK(Data(v.FindExtension(1)) == Bytes{0xAA});
  CHECK(Data(v.FindExtension(2)) == Bytes{0xBB, 0xBB});
  CHECK(Data(v.FindExtension(3)) == Bytes{0xCC, 0xCC, 0xCC, 0xCC});
  CHECK_FALSE(v.FindExtension(4).has_value());
  std::vector<int> ids;
  v.ForEachExtension([&](const RtpHeaderExtension::Element& e) { ids.push_back(e.id); });
  CHECK(ids == std::vector<int>{1, 2, 3});
  CHECK(v.header_size() == 28);
  CHECK(Bytes(v.payload().begin(), v.payload().end()) == Bytes{0xF0});
  CHECK(Reserialize(v) == bytes);  // the block is kept verbatim, inner padding included
}

TEST_CASE("RFC 8285 4.3 two-byte header example, zero-length element", "[rtp][rfc8285]") {
  const Bytes bytes = {
      0x90, 0xE0, 0x69, 0x8F,  // V=2 X=1 | M=1 PT=96 | seq=27023
      0xD9, 0xC2, 0x93, 0xDA,  // timestamp
      0x1C, 0x64, 0x27, 0x82,  // SSRC
      0x10, 0x00, 0x00, 0x03,  // two-byte profile (appbits 0), length=3
      0x01, 0x00, 0x02, 0x01,  // ID=1 L=0 | ID=2 L=1
      0xBB, 0x00, 0x03, 0x04,  // data | pad | ID=3 L=4
      0xCC, 0xCC, 0xCC, 0xCC,  // data
      0x98, 0x36, 0xBE, 0x88,  // payload
  };
  const RtpPacketView v = MustParse(bytes);
  CHECK(v.extension_form() == RtpHeaderExtension::Form::kTwoByte);
  CHECK(v.marker());
  CHECK(v.sequence_number() == 27023);
  CHECK(Data(v.FindExtension(1)).empty());
  CHECK(Data(v.FindExtension(2)) == Bytes{0xBB});
  CHECK(Data(v.FindExtension(3)) == Bytes{0xCC, 0xCC, 0xCC, 0xCC});
  CHECK(v.payload().size() == 4);
  CHECK(Reserialize(v) == bytes);
}

TEST_CASE("two-byte profile keeps its appbits", "[rtp][rfc8285]") {
  const Bytes bytes = {
      0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,
      0x10, 0x0A, 0x00, 0x01,  // profile 0x100A (appbits=0xA), length=1
      0x20, 0x01, 0x7F, 0x00,  // ID=32 L=1 data=7F | pad
  };
  const RtpPacketView v = MustParse(bytes);
  CHECK(v.extension_profile() == 0x100A);
  CHECK(v.extension_form() == RtpHeaderExtension::Form::kTwoByte);
  CHECK(Data(v.FindExtension(32)) == Bytes{0x7F});
  CHECK(Reserialize(v) == bytes);
}

TEST_CASE("one-byte ID 15 ends the walk, ID 0 with a length too", "[rtp][rfc8285]") {
  Bytes bytes = {
      0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,
      0xBE, 0xDE, 0x00, 0x02,  // one-byte, length=2
      0x10, 0xAA, 0xF3, 0x20,  // ID=1 L=0 data=AA | ID=15 (stop; the rest is not elements)
      0x55, 0x66, 0x77, 0x88,
  };
  RtpPacketView v = MustParse(bytes);
  CHECK(Data(v.FindExtension(1)) == Bytes{0xAA});
  CHECK_FALSE(v.FindExtension(2).has_value());
  CHECK(Reserialize(v) == bytes);
  bytes[18] = 0x03;  // ID=0 L=3: neither padding nor an element
  v = MustParse(bytes);
  CHECK(Data(v.FindExtension(1)) == Bytes{0xAA});
  CHECK_FALSE(v.FindExtension(2).has_value());
}

TEST_CASE("a non-RFC 8285 extension profile is opaque", "[rtp]") {
  const Bytes bytes = {
      0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,
      0xAB, 0xCD, 0x00, 0x01,  // profile 0xABCD, length=1
      0x12, 0x34, 0x56, 0x78,  // profile-defined
  };
  const RtpPacketView v = MustParse(bytes);
  CHECK(v.extension_form() == RtpHeaderExtension::Form::kOther);
  CHECK(v.extension_profile() == 0xABCD);
  CHECK(Bytes(v.extension_data().begin(), v.extension_data().end()) == Bytes{0x12, 0x34, 0x56, 0x78});
  CHECK_FALSE(v.FindExtension(1).has_value());
  CHECK(v.payload().empty());
  CHECK(Reserialize(v) == bytes);
}

TEST_CASE("RTP parse errors carry their code", "[rtp][errors]") {
  const Bytes base = {0x80, 0x60, 0x12, 0x34, 0x00, 0x01, 0xE2, 0x40, 0xDE, 0xAD, 0xBE, 0xEF};

  SECTION("truncated header") {
    CHECK(ErrorCode(Bytes(base.begin(), base.end() - 1)) == "truncated");
    CHECK(ErrorCode(Bytes{}) == "truncated");
  }
  SECTION("bad version") {
    Bytes b = base;
    b[0] = 0x40;  // V=1
    CHECK(ErrorCode(b) == "bad_version");
    b[0] = 0x00;
    CHECK(ErrorCode(b) == "bad_version");
  }
  SECTION("CSRC count past end") {
    Bytes b = base;
    b[0] = 0x81;  // CC=1, no CSRC bytes
    CHECK(ErrorCode(b) == "csrc_past_end");
    b[0] = 0x8F;  // CC=15
    b.resize(12 + 14 * 4);
    CHECK(ErrorCode(b) == "csrc_past_end");
    b.resize(12 + 15 * 4);
    CHECK(RtpPacketView::Parse(b).ok());
  }
  SECTION("extension header past end") {
    Bytes b = base;
    b[0] = 0x90;
    b.insert(b.end(), {0xBE, 0xDE});  // only half the extension header
    CHECK(ErrorCode(b) == "extension_past_end");
  }
  SECTION("extension length past end") {
    Bytes b = base;
    b[0] = 0x90;
    b.insert(b.end(), {0xBE, 0xDE, 0x00, 0x02, 0x10, 0xAA, 0x00, 0x00});  // 2 words declared, 1 present
    CHECK(ErrorCode(b) == "extension_past_end");
  }
  SECTION("extension element past the block end") {
    Bytes b = base;
    b[0] = 0x90;
    b.insert(b.end(), {0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0x23, 0xBB});  // ID=2 L=3 needs 4 bytes, 1 left
    CHECK(ErrorCode(b) == "extension_element_past_end");
    Bytes t = base;
    t[0] = 0x90;
    t.insert(t.end(), {0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05});  // two-byte: ID=5 with no length byte
    CHECK(ErrorCode(t) == "extension_element_past_end");
  }
  SECTION("padding larger than the payload") {
    Bytes b = base;
    b[0] = 0xA0;
    b.insert(b.end(), {0x01, 0x02, 0x04});  // 3 bytes after the header, count says 4
    CHECK(ErrorCode(b) == "bad_padding");
    b.back() = 0x00;  // count 0
    CHECK(ErrorCode(b) == "bad_padding");
    b.back() = 0x03;  // the whole payload is padding: allowed
    auto ok = RtpPacketView::Parse(b);
    REQUIRE(ok.ok());
    CHECK(ok->payload().empty());
  }
  SECTION("P set on a bare header") {
    Bytes b = base;
    b[0] = 0xA0;  // padding count byte is the SSRC's last byte (0xEF), nothing follows the header
    CHECK(ErrorCode(b) == "bad_padding");
  }
  SECTION("larger than any datagram") {
    Bytes b = base;
    b.resize(RtpPacketView::kMaxPacketSize + 1);
    CHECK(ErrorCode(b) == "packet_too_large");
  }
}

TEST_CASE("error messages name the byte offset", "[rtp][errors]") {
  Bytes b = {0x90, 0x60, 0x12, 0x34, 0x00, 0x01, 0xE2, 0x40, 0xDE, 0xAD, 0xBE, 0xEF,
             0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0x23, 0xBB};
  auto r = RtpPacketView::Parse(b);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("byte 18") != std::string::npos);
}
