// Opus TOC and packet framing (RFC 6716 section 3, RFC 7587): byte tables for each frame count
// code, the config table, and every validation error with its code.
#include <catch2/catch.hpp>

#include <vector>

#include "sfusim/protocol/opus/opus_packet.h"
#include "sfusim/protocol/opus/opus_toc.h"

using namespace sfusim::protocol;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes ToBytes(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

std::string ParseError(const Bytes& b) {
  auto p = OpusPacket::Parse(b);
  return p.ok() ? std::string("ok") : p.error().code;
}

}  // namespace

TEST_CASE("Opus TOC byte table and config table", "[opus]") {
  // 0x78 = 01111|0|00: config 15 = Hybrid fullband 20 ms, mono, code 0
  constexpr OpusToc hybrid = OpusToc::FromByte(0x78);
  STATIC_REQUIRE(hybrid.config == 15);
  STATIC_REQUIRE(!hybrid.stereo);
  STATIC_REQUIRE(hybrid.frame_count_code == 0);
  STATIC_REQUIRE(hybrid.ToByte() == 0x78);
  CHECK(hybrid.mode() == OpusMode::kHybrid);
  CHECK(hybrid.bandwidth() == OpusBandwidth::kFullband);
  CHECK(hybrid.frame_samples_48k() == 960);
  CHECK(hybrid.frame_duration_us() == 20000);

  // 0xfd = 11111|1|01: config 31 = CELT fullband 20 ms, stereo, code 1
  constexpr OpusToc celt = OpusToc::FromByte(0xfd);
  STATIC_REQUIRE(celt.config == 31);
  STATIC_REQUIRE(celt.stereo);
  STATIC_REQUIRE(celt.frame_count_code == 1);
  CHECK(celt.mode() == OpusMode::kCelt);
  CHECK(OpusModeName(celt.mode()) == "celt");
  CHECK(OpusBandwidthName(celt.bandwidth()) == "fullband");

  // RFC 6716 table 2, row by row: configs, mode, bandwidth, frame sizes in ms*10.
  struct Row {
    int first, last;
    OpusMode mode;
    OpusBandwidth bandwidth;
    std::vector<uint32_t> durations_us;
  };
  const Row table[] = {
      {0, 3, OpusMode::kSilk, OpusBandwidth::kNarrowband, {10000, 20000, 40000, 60000}},
      {4, 7, OpusMode::kSilk, OpusBandwidth::kMediumband, {10000, 20000, 40000, 60000}},
      {8, 11, OpusMode::kSilk, OpusBandwidth::kWideband, {10000, 20000, 40000, 60000}},
      {12, 13, OpusMode::kHybrid, OpusBandwidth::kSuperWideband, {10000, 20000}},
      {14, 15, OpusMode::kHybrid, OpusBandwidth::kFullband, {10000, 20000}},
      {16, 19, OpusMode::kCelt, OpusBandwidth::kNarrowband, {2500, 5000, 10000, 20000}},
      {20, 23, OpusMode::kCelt, OpusBandwidth::kWideband, {2500, 5000, 10000, 20000}},
      {24, 27, OpusMode::kCelt, OpusBandwidth::kSuperWideband, {2500, 5000, 10000, 20000}},
      {28, 31, OpusMode::kCelt, OpusBandwidth::kFullband, {2500, 5000, 10000, 20000}},
  };
  for (const Row& row : table) {
    for (int config = row.first; config <= row.last; ++config) {
      INFO("config " << config);
      const OpusToc toc{static_cast<uint8_t>(config), false, 0};
      CHECK(toc.mode() == row.mode);
      CHECK(toc.bandwidth() == row.bandwidth);
      CHECK(toc.frame_duration_us() == row.durations_us[static_cast<size_t>(config - row.first)]);
      CHECK(toc.frame_samples_48k() * 1000 == toc.frame_duration_us() * 48);
    }
  }
  for (int b = 0; b < 256; ++b) CHECK(OpusToc::FromByte(static_cast<uint8_t>(b)).ToByte() == b);
}

TEST_CASE("Opus packet byte tables, one per frame count code", "[opus]") {
  struct Row {
    const char* name;
    Bytes bytes;
    std::vector<Bytes> frames;
    bool vbr;
    size_t padding;
    uint32_t duration_samples;
  };
  const Row rows[] = {
      {"code 0",
       {0x78,               // TOC: config 15 (Hybrid FB 20 ms), mono, code 0
        0x0b, 0x0c, 0x0d},  // the one frame
       {{0x0b, 0x0c, 0x0d}}, false, 0, 960},
      {"code 0, empty frame (DTX)", {0x78}, {{}}, false, 0, 960},
      {"code 1",
       {0xfd,                    // TOC: config 31 (CELT FB 20 ms), stereo, code 1
        0x01, 0x02, 0x03, 0x04},  // two frames of (5-1)/2 = 2 bytes
       {{0x01, 0x02}, {0x03, 0x04}}, false, 0, 1920},
      {"code 2",
       {0x0a,              // TOC: config 1 (SILK NB 20 ms), mono, code 2
        0x02,              // frame 1 length: 2
        0xaa, 0xbb,        // frame 1
        0xcc, 0xdd, 0xee},  // frame 2: the rest
       {{0xaa, 0xbb}, {0xcc, 0xdd, 0xee}}, false, 0, 1920},
      {"code 3 CBR",
       {0x83,                                // TOC: config 16 (CELT NB 2.5 ms), mono, code 3
        0x03,                                // v=0 p=0 M=3
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06},  // three frames of 2 bytes
       {{0x01, 0x02}, {0x03, 0x04}, {0x05, 0x06}}, false, 0, 360},
      {"code 3 VBR with padding",
       {0x67,              // TOC: config 12 (Hybrid SWB 10 ms), stereo, code 3
        0xc2,              // v=1 p=1 M=2
        0x02,              // padding: 2 bytes
        0x01,              // frame 1 length: 1 (the last frame's length is implicit)
        0xaa,              // frame 1
        0xbb, 0xcc,        // frame 2
        0x00, 0x00},       // padding
       {{0xaa}, {0xbb, 0xcc}}, true, 2, 960},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    auto p = OpusPacket::Parse(row.bytes);
    REQUIRE(p.ok());
    REQUIRE(p->frames.size() == row.frames.size());
    for (size_t i = 0; i < row.frames.size(); ++i) CHECK(ToBytes(p->frames[i]) == row.frames[i]);
    CHECK(p->toc.ToByte() == row.bytes[0]);
    CHECK(p->vbr == row.vbr);
    CHECK(p->padding_bytes == row.padding);
    CHECK(p->DurationSamples48k() == row.duration_samples);
    auto back = p->Serialize();
    REQUIRE(back.ok());
    CHECK(*back == row.bytes);
  }
}

TEST_CASE("Opus length and padding encodings at their edges", "[opus]") {
  SECTION("two-byte frame length: 300 = 4 * 12 + 252") {
    Bytes b = {0x0a, 252, 12};
    b.insert(b.end(), 300, 0x11);
    b.insert(b.end(), 5, 0x22);
    auto p = OpusPacket::Parse(b);
    REQUIRE(p.ok());
    CHECK(p->frames[0].size() == 300);
    CHECK(p->frames[1].size() == 5);
    CHECK(*p->Serialize() == b);
  }
  SECTION("every frame length from 0 to 1275 round trips in code 2") {
    for (size_t len = 0; len <= kOpusMaxFrameBytes; ++len) {
      const Bytes f1(len, 0x33);
      const Bytes f2(7, 0x44);
      OpusPacket p;
      p.toc = OpusToc{1, false, 2};
      p.frames = {f1, f2};
      auto bytes = p.Serialize();
      REQUIRE(bytes.ok());
      CHECK(bytes->size() == 1 + (len < 252 ? 1 : 2) + len + 7);
      auto back = OpusPacket::Parse(*bytes);
      REQUIRE(back.ok());
      CHECK(back->frames[0].size() == len);
    }
  }
  SECTION("padding of 254, 255 and 600 bytes (255 continues with 254 more)") {
    for (size_t padding : {size_t{254}, size_t{255}, size_t{508}, size_t{600}}) {
      const Bytes f(4, 0x55);
      OpusPacket p;
      p.toc = OpusToc{16, false, 3};
      p.padding_bytes = padding;
      p.frames = {f};
      auto bytes = p.Serialize();
      REQUIRE(bytes.ok());
      const size_t continuation = padding >= 255 ? (padding - 1) / 254 : 0;  // 255 bytes before the last
      CHECK(bytes->size() == 2 + continuation + 1 + 4 + padding);
      auto back = OpusPacket::Parse(*bytes);
      REQUIRE(back.ok());
      CHECK(back->padding_bytes == padding);
      CHECK(ToBytes(back->frames[0]) == f);
    }
  }
}

TEST_CASE("Opus packet validation errors (RFC 6716 R1-R7)", "[opus]") {
  CHECK(ParseError({}) == "opus_empty_packet");                             // R1
  CHECK(ParseError(Bytes(1 + 1276, 0x78)) == "opus_frame_too_large");      // R2, code 0
  CHECK(ParseError({0x79, 0xaa}) == "opus_bad_code1_length");               // R3: odd frame bytes
  Bytes code1_big = {0x79};
  code1_big.insert(code1_big.end(), 2 * 1276, 0);
  CHECK(ParseError(code1_big) == "opus_frame_too_large");
  CHECK(ParseError({0x7a}) == "opus_truncated");                           // code 2 without a length
  CHECK(ParseError({0x7a, 0xfc}) == "opus_truncated");                     // half a 2-byte length
  CHECK(ParseError({0x7a, 0x05, 0xaa}) == "opus_bad_vbr_length");          // R4
  Bytes code2_second_big = {0x7a, 0x00};
  code2_second_big.insert(code2_second_big.end(), 1276, 0);
  CHECK(ParseError(code2_second_big) == "opus_frame_too_large");
  CHECK(ParseError({0x7b}) == "opus_truncated");                           // code 3 without count
  CHECK(ParseError({0x7b, 0x00}) == "opus_bad_frame_count");               // R5: M = 0
  CHECK(ParseError({0x1b, 0x03}) == "opus_duration_too_long");             // R5: 3 x 60 ms
  CHECK(ParseError({0x83, 0x30}) == "ok");                                 // 48 x 2.5 ms = 120 ms is fine ...
  CHECK(ParseError({0x83, 0x31}) == "opus_duration_too_long");             // ... 49 is not
  CHECK(ParseError({0x7b, 0x41}) == "opus_truncated");                     // padding length missing
  CHECK(ParseError({0x7b, 0x41, 0xff}) == "opus_truncated");               // 255 continues past the end
  CHECK(ParseError({0x7b, 0x41, 0x05, 0x00}) == "opus_bad_padding");       // 5 > 1 left
  CHECK(ParseError({0x7b, 0x02, 0xaa, 0xbb, 0xcc}) == "opus_bad_cbr_length");  // R6: 3 bytes / 2
  CHECK(ParseError({0x7b, 0x82, 0x05, 0xaa}) == "opus_bad_vbr_length");    // R7: length > rest
  Bytes vbr_last_big = {0x7b, 0x82, 0x00};
  vbr_last_big.insert(vbr_last_big.end(), 1276, 0);
  CHECK(ParseError(vbr_last_big) == "opus_frame_too_large");
  Bytes cbr_big = {0x7b, 0x01};
  cbr_big.insert(cbr_big.end(), 1276, 0);
  CHECK(ParseError(cbr_big) == "opus_frame_too_large");
  auto e = OpusPacket::Parse(Bytes{0x7b, 0x41, 0x05, 0x00});
  CHECK(e.error().message.find("byte 3") != std::string::npos);

  // 48 frames of 2.5 ms (exactly 120 ms) with nothing in them is a valid packet.
  auto max_frames = OpusPacket::Parse(Bytes{0x83, 0x30});
  REQUIRE(max_frames.ok());
  CHECK(max_frames->frames.size() == 48);
  CHECK(max_frames->DurationSamples48k() == kOpusMaxPacketSamples48k);
}

TEST_CASE("Opus serialize refuses layouts the code cannot express", "[opus]") {
  const Bytes a = {1, 2};
  const Bytes b = {3};
  auto layout = [&](uint8_t code, std::vector<Bytes> frames, bool vbr = false, size_t padding = 0) {
    static std::vector<Bytes> keep;
    keep = std::move(frames);
    OpusPacket p;
    p.toc = OpusToc{22, false, code};  // CELT wideband 10 ms
    p.vbr = vbr;
    p.padding_bytes = padding;
    p.frames.assign(keep.begin(), keep.end());
    auto r = p.Serialize();
    return r.ok() ? std::string("ok") : r.error().code;
  };
  CHECK(layout(0, {a}) == "ok");
  CHECK(layout(0, {a, a}) == "opus_bad_layout");
  CHECK(layout(0, {a}, true) == "opus_bad_layout");
  CHECK(layout(0, {a}, false, 3) == "opus_bad_layout");
  CHECK(layout(1, {a, b}) == "opus_bad_layout");
  CHECK(layout(1, {a, a}) == "ok");
  CHECK(layout(2, {a}) == "opus_bad_layout");
  CHECK(layout(3, {}) == "opus_bad_layout");
  CHECK(layout(3, {a, b}) == "opus_bad_layout");  // CBR needs equal frames
  CHECK(layout(3, {a, b}, true) == "ok");
  CHECK(layout(3, std::vector<Bytes>(12, a)) == "ok");               // 12 x 10 ms = 120 ms
  CHECK(layout(3, std::vector<Bytes>(13, a)) == "opus_bad_layout");  // 13 x 10 ms > 120 ms
  CHECK(layout(0, {Bytes(kOpusMaxFrameBytes + 1, 0)}) == "opus_bad_layout");
}
