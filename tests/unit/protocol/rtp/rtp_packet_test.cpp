// RtpPacket (builder/serializer) and the typed header extension values: the WebRTC-style packet
// as a byte table, form selection (one-byte -> two-byte), replace/remove, serialize errors.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/audio_level.h"
#include "sfusim/protocol/rtp/rtp_mid.h"
#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"

using namespace sfusim::protocol;
using Bytes = std::vector<uint8_t>;

namespace {
constexpr uint8_t kMidId = kHeaderExtensionIdMid;                // 1
constexpr uint8_t kAbsSendTimeId = kHeaderExtensionIdAbsSendTime;  // 4
constexpr uint8_t kTwccId = kHeaderExtensionIdTransportWideCc;     // 5
constexpr uint8_t kAudioLevelId = kHeaderExtensionIdAudioLevel;    // 10

Bytes MustSerialize(const RtpPacket& p) {
  auto r = p.Serialize();
  INFO((r.ok() ? std::string("ok") : r.error().code + ": " + r.error().message));
  REQUIRE(r.ok());
  return *r;
}
}  // namespace

// An Opus packet as a WebRTC sender writes it: mid, abs-send-time, transport-wide seq, audio level.
const Bytes kWebRtcAudio = {
    0x90, 0x6F, 0x03, 0xE8,  // V=2 X=1 CC=0 | M=0 PT=111 | seq=1000
    0x00, 0x00, 0x03, 0xC0,  // timestamp=960
    0x11, 0x22, 0x33, 0x44,  // SSRC
    0xBE, 0xDE, 0x00, 0x03,  // one-byte form, 3 words
    0x10, 0x30, 0x42, 0x06,  // ID=1 L=0 mid "0" | ID=4 L=2 abs-send-time 0x06..
    0x00, 0x00, 0x51, 0x00,  // ..0000 (1.5 s) | ID=5 L=1 twcc seq 0x00..
    0x2A, 0xA0, 0xA8, 0x00,  // ..2A (42) | ID=10 L=0 audio level V=1 level=40 | pad
    0xDE, 0xAD,              // payload
};

TEST_CASE("building the WebRTC audio packet gives the annotated bytes", "[rtp]") {
  RtpPacket p;
  p.set_payload_type(111);
  p.set_sequence_number(1000);
  p.set_timestamp(960);
  p.set_ssrc(0x11223344);
  REQUIRE(p.SetExtension<RtpMid>(kMidId, "0").ok());
  REQUIRE(p.SetExtension<AbsSendTime>(kAbsSendTimeId, AbsSendTime::FromMicros(1'500'000)).ok());
  REQUIRE(p.SetExtension<TransportSequenceNumber>(kTwccId, 42).ok());
  REQUIRE(p.SetExtension<AudioLevel>(kAudioLevelId, AudioLevel::Value{true, 40}).ok());
  p.set_payload(Bytes{0xDE, 0xAD});
  CHECK(p.serialized_size() == kWebRtcAudio.size());
  CHECK(MustSerialize(p) == kWebRtcAudio);
}

TEST_CASE("typed extension access on the view", "[rtp]") {
  auto v = RtpPacketView::Parse(kWebRtcAudio);
  REQUIRE(v.ok());
  CHECK(v->GetExtension<RtpMid>(kMidId) == std::optional<std::string_view>("0"));
  CHECK(v->GetExtension<AbsSendTime>(kAbsSendTimeId) == 0x060000u);
  CHECK(AbsSendTime::ToMicros(*v->GetExtension<AbsSendTime>(kAbsSendTimeId)) == 1'500'000);
  CHECK(v->GetExtension<TransportSequenceNumber>(kTwccId) == 42);
  CHECK(v->GetExtension<AudioLevel>(kAudioLevelId) == AudioLevel::Value{true, 40});
  // Wrong size for the type: absent rather than garbage.
  CHECK_FALSE(v->GetExtension<TransportSequenceNumber>(kAbsSendTimeId).has_value());
  CHECK_FALSE(v->GetExtension<AbsSendTime>(7).has_value());
  // The owning packet answers the same.
  const RtpPacket p = RtpPacket::FromView(*v);
  CHECK(p.GetExtension<TransportSequenceNumber>(kTwccId) == 42);
  CHECK(p.GetExtension<AudioLevel>(kAudioLevelId) == AudioLevel::Value{true, 40});
}

TEST_CASE("one-byte form switches to two-byte when an element needs it", "[rtp][rfc8285]") {
  RtpPacket p;
  REQUIRE(p.SetExtension<TransportSequenceNumber>(3, 0x0102).ok());
  CHECK(p.extension_profile() == RtpHeaderExtension::kOneByteProfile);
  CHECK(p.extension_data() == Bytes{0x31, 0x01, 0x02, 0x00});

  SECTION("id above 14") {
    REQUIRE(p.SetExtension<TransportSequenceNumber>(20, 0x0304).ok());
    CHECK(p.extension_profile() == RtpHeaderExtension::kTwoByteProfile);
    CHECK(p.extension_data() == Bytes{0x03, 0x02, 0x01, 0x02, 0x14, 0x02, 0x03, 0x04});
  }
  SECTION("more than 16 bytes") {
    const std::string mid(17, 'm');
    REQUIRE(p.SetExtension<RtpMid>(1, mid).ok());
    CHECK(p.extension_profile() == RtpHeaderExtension::kTwoByteProfile);
    CHECK(p.GetExtension<RtpMid>(1) == std::optional<std::string_view>(mid));
  }
  SECTION("an empty element") {
    REQUIRE(p.SetExtension(9, std::span<const uint8_t>()).ok());
    CHECK(p.extension_profile() == RtpHeaderExtension::kTwoByteProfile);
    CHECK(p.FindExtension(9).has_value());
    CHECK(p.FindExtension(9)->empty());
  }
  SECTION("forced") {
    REQUIRE(p.UseTwoByteExtensions(5).ok());
    CHECK(p.extension_profile() == 0x1005);
    CHECK(p.extension_data() == Bytes{0x03, 0x02, 0x01, 0x02});
    REQUIRE(p.SetExtension<TransportSequenceNumber>(4, 7).ok());
    CHECK(p.extension_profile() == 0x1005);  // stays two-byte, keeps appbits
  }
  // Whatever the form, the packet parses back to the same elements.
  auto bytes = MustSerialize(p);
  auto v = RtpPacketView::Parse(bytes);
  REQUIRE(v.ok());
  CHECK(v->GetExtension<TransportSequenceNumber>(3) == 0x0102);
}

TEST_CASE("replacing and removing extension elements", "[rtp]") {
  RtpPacket p;
  REQUIRE(p.SetExtension<TransportSequenceNumber>(5, 1).ok());
  REQUIRE(p.SetExtension<AudioLevel>(10, AudioLevel::Value{false, 127}).ok());
  REQUIRE(p.SetExtension<TransportSequenceNumber>(5, 2).ok());
  CHECK(p.GetExtension<TransportSequenceNumber>(5) == 2);
  CHECK(p.extension_data() == Bytes{0x51, 0x00, 0x02, 0xA0, 0x7F, 0x00, 0x00, 0x00});
  CHECK(p.RemoveExtension(5));
  CHECK_FALSE(p.RemoveExtension(5));
  CHECK_FALSE(p.FindExtension(5).has_value());
  CHECK(p.extension_data() == Bytes{0xA0, 0x7F, 0x00, 0x00});
  CHECK(p.RemoveExtension(10));
  CHECK_FALSE(p.has_extension());  // the block goes away with its last element
  CHECK(MustSerialize(p).size() == RtpPacketView::kFixedHeaderSize);
}

TEST_CASE("extension and serialize errors", "[rtp][errors]") {
  RtpPacket p;
  CHECK(p.SetExtension(0, Bytes{1}).error().code == "extension_out_of_range");
  CHECK(p.SetExtension(1, Bytes(256, 0)).error().code == "extension_out_of_range");
  CHECK(p.SetExtension<AudioLevel>(1, AudioLevel::Value{false, 128}).error().code == "extension_value_invalid");
  CHECK(p.SetExtension<RtpMid>(1, "").error().code == "extension_value_invalid");
  CHECK(p.UseTwoByteExtensions(16).error().code == "extension_out_of_range");
  p.SetRawExtension(0xABCD, Bytes{1, 2, 3, 4});
  CHECK(p.SetExtension(1, Bytes{1}).error().code == "extension_profile_conflict");
  CHECK(MustSerialize(p).size() == 20);
  p.SetRawExtension(0xABCD, Bytes{1, 2, 3});
  CHECK(p.Serialize().error().code == "extension_size");
  p.ClearExtension();

  p.set_payload_type(128);
  CHECK(p.Serialize().error().code == "payload_type_out_of_range");
  p.set_payload_type(0);
  p.set_csrcs(std::vector<uint32_t>(16, 7));
  CHECK(p.Serialize().error().code == "too_many_csrcs");
  p.set_csrcs({});
  p.set_payload(Bytes(RtpPacketView::kMaxPacketSize, 0));
  CHECK(p.Serialize().error().code == "packet_too_large");

  Bytes out = {9, 9};
  CHECK_FALSE(p.AppendTo(out).ok());
  CHECK(out == Bytes{9, 9});  // nothing written on error
}

TEST_CASE("padding is written as zeros and a count", "[rtp]") {
  RtpPacket p;
  p.set_payload(Bytes{1});
  p.set_padding_size(3);
  const Bytes b = MustSerialize(p);
  CHECK(b[0] == 0xA0);
  CHECK(Bytes(b.end() - 4, b.end()) == Bytes{1, 0, 0, 3});
  auto v = RtpPacketView::Parse(b);
  REQUIRE(v.ok());
  CHECK(v->padding_size() == 3);
  CHECK(v->payload().size() == 1);
}

TEST_CASE("abs-send-time fixed point conversions", "[rtp][abs-send-time]") {
  CHECK(AbsSendTime::FromMicros(0) == 0u);
  CHECK(AbsSendTime::FromMicros(1'000'000) == 1u << 18);
  CHECK(AbsSendTime::FromMicros(1'500'000) == 0x060000u);
  CHECK(AbsSendTime::FromMicros(64'000'000) == 0u);                 // wraps every 64 s
  CHECK(AbsSendTime::FromMicros(65'000'000) == 1u << 18);
  CHECK(AbsSendTime::FromMicros(-1'000'000) == (63u << 18));        // negative wraps too
  CHECK(AbsSendTime::FromMicros(63'999'999) == 0u);                 // rounds to 64 s == 0
  CHECK(AbsSendTime::ToMicros(0x060000) == 1'500'000);
  CHECK(AbsSendTime::ToMicros(1) == 4);                             // 3.81 us rounds to 4
  for (int64_t us : {0LL, 3LL, 999'999LL, 12'345'678LL, 63'000'001LL}) {
    const int64_t back = AbsSendTime::ToMicros(AbsSendTime::FromMicros(us));
    CHECK(std::abs(back - us) <= 2);  // half a 1/2^18 s step is 1.9 us
  }
  Bytes out(3);
  CHECK_FALSE(AbsSendTime::Write(out, 0x1000000));
  CHECK(AbsSendTime::Write(out, 0xABCDEF));
  CHECK(out == Bytes{0xAB, 0xCD, 0xEF});
  CHECK_FALSE(AbsSendTime::Parse(Bytes{1, 2}).has_value());
}

TEST_CASE("audio level, transport sequence number and mid values", "[rtp]") {
  CHECK(AudioLevel::Parse(Bytes{0x80}) == AudioLevel::Value{true, 0});
  CHECK(AudioLevel::Parse(Bytes{0x7F}) == AudioLevel::Value{false, 127});
  CHECK_FALSE(AudioLevel::Parse(Bytes{0x7F, 0x00}).has_value());
  CHECK(TransportSequenceNumber::Parse(Bytes{0xFF, 0xFE}) == 0xFFFE);
  CHECK_FALSE(TransportSequenceNumber::Parse(Bytes{0xFF, 0xFE, 0x00, 0x01}).has_value());
  CHECK(RtpMid::Parse(Bytes{'a', 'u', 'd'}) == std::optional<std::string_view>("aud"));
  CHECK_FALSE(RtpMid::Parse(Bytes{}).has_value());
}
