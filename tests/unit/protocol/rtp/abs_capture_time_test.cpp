// Byte-table tests of the abs-capture-time header extension (libwebrtc's
// http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time), alone and inside an RTP packet.
#include "sfusim/protocol/rtp/abs_capture_time.h"

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"

using sfusim::protocol::AbsCaptureTime;
using sfusim::protocol::RtpPacket;
using sfusim::protocol::RtpPacketView;

TEST_CASE("abs-capture-time 8-byte form: bytes -> value -> bytes", "[abs_capture_time]") {
  const std::array<uint8_t, 8> bytes = {
      0x00, 0x00, 0x00, 0x01,  // seconds = 1
      0x80, 0x00, 0x00, 0x00,  // fraction = 0.5
  };
  auto v = AbsCaptureTime::Parse(bytes);
  REQUIRE(v);
  CHECK(v->absolute_capture_timestamp == 0x0000000180000000ULL);
  CHECK(!v->estimated_capture_clock_offset);
  CHECK(AbsCaptureTime::ToMicros(v->absolute_capture_timestamp) == 1'500'000);
  CHECK(AbsCaptureTime::ValueSize(*v) == 8);
  std::array<uint8_t, 8> out{};
  REQUIRE(AbsCaptureTime::Write(out, *v));
  CHECK(out == bytes);
}

TEST_CASE("abs-capture-time 16-byte form carries a signed clock offset", "[abs_capture_time]") {
  const std::array<uint8_t, 16> bytes = {
      0x00, 0x00, 0x0E, 0x10, 0x40, 0x00, 0x00, 0x00,  // 3600.25 s
      0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00,  // offset -0.5 s (Q32.32 two's complement)
  };
  auto v = AbsCaptureTime::Parse(bytes);
  REQUIRE(v);
  CHECK(AbsCaptureTime::ToMicros(v->absolute_capture_timestamp) == 3'600'250'000);
  REQUIRE(v->estimated_capture_clock_offset);
  CHECK(*v->estimated_capture_clock_offset == -(int64_t{1} << 31));
  std::array<uint8_t, 16> out{};
  REQUIRE(AbsCaptureTime::Write(out, *v));
  CHECK(out == bytes);
}

TEST_CASE("abs-capture-time rejects other sizes", "[abs_capture_time]") {
  const std::array<uint8_t, 17> bytes{};
  for (size_t n : {0, 1, 7, 9, 15, 17}) {
    CHECK(!AbsCaptureTime::Parse(std::span<const uint8_t>(bytes.data(), n)));
  }
  std::array<uint8_t, 16> out{};
  CHECK(!AbsCaptureTime::Write(out, AbsCaptureTime::Value{1, std::nullopt}));  // 8-byte value, 16-byte buffer
}

TEST_CASE("abs-capture-time microsecond conversion round-trips", "[abs_capture_time]") {
  CHECK(AbsCaptureTime::FromMicros(0) == 0);
  CHECK(AbsCaptureTime::FromMicros(1'500'000) == 0x0000000180000000ULL);
  CHECK(AbsCaptureTime::FromMicros(1) == 4295);  // 2^32 / 1e6 = 4294.967 -> rounds to 4295
  for (int64_t us : {int64_t{0}, int64_t{1}, int64_t{999'999}, int64_t{1'000'000}, int64_t{20'000},
                     int64_t{123'456'789}, int64_t{86'400'000'000}}) {
    CHECK(AbsCaptureTime::ToMicros(AbsCaptureTime::FromMicros(us)) == us);
  }
  for (int64_t us = 0; us < 3'000'000; us += 7919) {
    REQUIRE(AbsCaptureTime::ToMicros(AbsCaptureTime::FromMicros(us)) == us);
  }
}

TEST_CASE("abs-capture-time inside an RTP packet (one-byte form, id 13)", "[abs_capture_time]") {
  RtpPacket p;
  p.set_payload_type(111);
  p.set_sequence_number(0x1234);
  p.set_timestamp(0xAABBCCDD);
  p.set_ssrc(0x01020304);
  REQUIRE(
      p.SetExtension<AbsCaptureTime>(13, AbsCaptureTime::Value{AbsCaptureTime::FromMicros(1'500'000), std::nullopt}));
  const std::vector<uint8_t> payload = {0xF8};
  p.set_payload(payload);
  auto bytes = p.Serialize();
  REQUIRE(bytes);
  const std::vector<uint8_t> expected = {
      0x90, 0x6F, 0x12, 0x34,                          // V=2 X=1, PT 111, seq
      0xAA, 0xBB, 0xCC, 0xDD,                          // timestamp
      0x01, 0x02, 0x03, 0x04,                          // ssrc
      0xBE, 0xDE, 0x00, 0x03,                          // one-byte form, 3 words
      0xD7,                                            // id 13, len 8 (L = 7)
      0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x00, 0x00,  // 1.5 s
      0x00, 0x00, 0x00,                                // padding to 32 bits
      0xF8,                                            // payload
  };
  CHECK(*bytes == expected);
  auto view = RtpPacketView::Parse(*bytes);
  REQUIRE(view);
  auto v = view->GetExtension<AbsCaptureTime>(13);
  REQUIRE(v);
  CHECK(AbsCaptureTime::ToMicros(v->absolute_capture_timestamp) == 1'500'000);
}
