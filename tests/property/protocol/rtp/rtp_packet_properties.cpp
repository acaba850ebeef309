// RTP properties:
//   - any valid RtpPacket serializes, parses, and comes back equal (header, CSRCs, every
//     extension element by id, payload, padding), in both extension forms;
//   - Parse never crashes and never reads out of bounds (run under ASan) on random bytes and on
//     mutations of valid packets; whenever it succeeds, FromView -> Serialize -> Parse is stable;
//   - the typed extension values round-trip.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <cstdint>
#include <map>
#include <vector>

#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/audio_level.h"
#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"

using namespace sfusim::protocol;
using Bytes = std::vector<uint8_t>;

namespace {

struct Spec {
  RtpPacket packet;
  std::map<uint8_t, Bytes> extensions;  // what was set, by id
};

rc::Gen<Spec> GenSpec() {
  return rc::gen::exec([] {
    Spec s;
    RtpPacket& p = s.packet;
    p.set_marker(*rc::gen::arbitrary<bool>());
    p.set_payload_type(*rc::gen::inRange<uint8_t>(0, 128));
    p.set_sequence_number(*rc::gen::arbitrary<uint16_t>());
    p.set_timestamp(*rc::gen::arbitrary<uint32_t>());
    p.set_ssrc(*rc::gen::arbitrary<uint32_t>());
    p.set_csrcs(*rc::gen::container<std::vector<uint32_t>>(*rc::gen::inRange<size_t>(0, 16),
                                                             rc::gen::arbitrary<uint32_t>()));
    const bool one_byte_only = *rc::gen::arbitrary<bool>();
    const int n = *rc::gen::inRange(0, 8);
    for (int i = 0; i < n; ++i) {
      uint8_t id;
      Bytes data;
      if (one_byte_only) {
        id = *rc::gen::inRange<uint8_t>(1, 15);
        data = *rc::gen::container<Bytes>(*rc::gen::inRange<size_t>(1, 17), rc::gen::arbitrary<uint8_t>());
      } else {
        id = *rc::gen::inRange<int>(1, 256);
        data = *rc::gen::container<Bytes>(*rc::gen::inRange<size_t>(0, 40), rc::gen::arbitrary<uint8_t>());
      }
      RC_ASSERT(p.SetExtension(id, data).ok());
      s.extensions[id] = data;
    }
    if (*rc::gen::arbitrary<bool>() && !one_byte_only) RC_ASSERT(p.UseTwoByteExtensions(*rc::gen::inRange<uint8_t>(0, 16)).ok());
    p.set_payload(*rc::gen::container<Bytes>(*rc::gen::inRange<size_t>(0, 300), rc::gen::arbitrary<uint8_t>()));
    p.set_padding_size(*rc::gen::element<uint8_t>(0, 0, 1, 4, 255));
    return s;
  });
}

// Everything a reader can observe, as comparable values.
struct Observed {
  bool marker;
  uint8_t pt;
  uint16_t seq;
  uint32_t ts;
  uint32_t ssrc;
  std::vector<uint32_t> csrcs;
  bool has_ext;
  uint16_t profile;
  std::vector<std::pair<uint8_t, Bytes>> elements;
  Bytes ext_data_if_opaque;
  Bytes payload;
  size_t padding;
  bool operator==(const Observed&) const = default;
};

Observed Observe(const RtpPacketView& v) {
  Observed o{v.marker(), v.payload_type(), v.sequence_number(), v.timestamp(), v.ssrc(), {}, v.has_extension(),
             v.extension_profile(), {}, {}, Bytes(v.payload().begin(), v.payload().end()), v.padding_size()};
  for (size_t i = 0; i < v.csrc_count(); ++i) o.csrcs.push_back(v.csrc(i));
  if (!o.has_ext) o.profile = 0;
  v.ForEachExtension([&](const RtpHeaderExtension::Element& e) { o.elements.emplace_back(e.id, Bytes(e.data.begin(), e.data.end())); });
  if (v.has_extension() && v.extension_form() == RtpHeaderExtension::Form::kOther) {
    o.ext_data_if_opaque.assign(v.extension_data().begin(), v.extension_data().end());
  }
  return o;
}

// If `bytes` parses, re-serializing the view must parse to the same observation (and to the
// same bytes whenever the padding bytes were zeros, as the serializer writes them).
void CheckStableIfParses(const Bytes& bytes) {
  auto v = RtpPacketView::Parse(bytes);
  if (!v.ok()) {
    RC_ASSERT(!v.error().code.empty());
    RC_ASSERT(!v.error().message.empty());
    return;
  }
  RC_ASSERT(v->header_size() + v->padding_size() <= v->size());
  RC_ASSERT(v->header_size() + v->payload().size() + v->padding_size() == v->size());
  auto out = RtpPacket::FromView(*v).Serialize();
  RC_ASSERT(out.ok());
  auto again = RtpPacketView::Parse(*out);
  RC_ASSERT(again.ok());
  RC_ASSERT(Observe(*again) == Observe(*v));
  bool zero_padding = true;
  for (size_t i = bytes.size() - v->padding_size(); i + 1 < bytes.size(); ++i) zero_padding &= bytes[i] == 0;
  if (zero_padding) RC_ASSERT(*out == bytes);
}

}  // namespace

TEST_CASE("RTP round trip: build -> serialize -> parse -> same packet", "[rtp][property]") {
  rc::prop("round trip", [] {
    const Spec s = *GenSpec();
    auto bytes = s.packet.Serialize();
    RC_ASSERT(bytes.ok());
    RC_ASSERT(bytes->size() == s.packet.serialized_size());
    auto v = RtpPacketView::Parse(*bytes);
    RC_ASSERT(v.ok());
    RC_ASSERT(RtpPacket::FromView(*v) == s.packet);
    RC_ASSERT(v->marker() == s.packet.marker());
    RC_ASSERT(v->sequence_number() == s.packet.sequence_number());
    RC_ASSERT(Bytes(v->payload().begin(), v->payload().end()) == Bytes(s.packet.payload().begin(), s.packet.payload().end()));
    RC_ASSERT(v->padding_size() == s.packet.padding_size());
    for (const auto& [id, data] : s.extensions) {
      auto found = v->FindExtension(id);
      RC_ASSERT(found.has_value());
      RC_ASSERT(Bytes(found->begin(), found->end()) == data);
    }
    size_t count = 0;
    v->ForEachExtension([&](const RtpHeaderExtension::Element&) { ++count; });
    RC_ASSERT(count == s.extensions.size());
  });
}

TEST_CASE("RTP parse survives arbitrary bytes", "[rtp][property]") {
  rc::prop("random bytes", [] {
    Bytes bytes = *rc::gen::container<Bytes>(*rc::gen::inRange<size_t>(0, 120), rc::gen::arbitrary<uint8_t>());
    if (!bytes.empty() && *rc::gen::arbitrary<bool>()) bytes[0] = static_cast<uint8_t>(0x80 | (bytes[0] & 0x3F));  // V=2 often
    CheckStableIfParses(bytes);
  });
}

TEST_CASE("RTP parse survives mutations of valid packets", "[rtp][property]") {
  rc::prop("mutations", [] {
    const Spec s = *GenSpec();
    Bytes bytes = *s.packet.Serialize();
    const int mutations = *rc::gen::inRange(1, 6);
    for (int m = 0; m < mutations; ++m) {
      switch (*rc::gen::inRange(0, 4)) {
        case 0:  // flip a byte in the header area, where lengths live
          if (!bytes.empty()) bytes[*rc::gen::inRange<size_t>(0, std::min<size_t>(bytes.size(), 64))] ^= *rc::gen::inRange<uint8_t>(1, 255);
          break;
        case 1:  // truncate
          bytes.resize(*rc::gen::inRange<size_t>(0, bytes.size() + 1));
          break;
        case 2:  // append
          bytes.push_back(*rc::gen::arbitrary<uint8_t>());
          break;
        default:  // set the last byte (the padding count)
          if (!bytes.empty()) bytes.back() = *rc::gen::arbitrary<uint8_t>();
          break;
      }
      CheckStableIfParses(bytes);
    }
  });
}

TEST_CASE("typed extension values round-trip", "[rtp][property]") {
  rc::prop("abs-send-time", [] {
    const uint32_t v = *rc::gen::inRange<uint32_t>(0, AbsSendTime::kMaxValue + 1);
    Bytes b(AbsSendTime::kValueSize);
    RC_ASSERT(AbsSendTime::Write(b, v));
    RC_ASSERT(AbsSendTime::Parse(b) == v);
    // Micros -> fixed point -> micros stays within half a step (1/2^19 s < 2 us), modulo 64 s.
    const int64_t us = *rc::gen::inRange<int64_t>(0, 64'000'000);
    const int64_t back = AbsSendTime::ToMicros(AbsSendTime::FromMicros(us));
    const int64_t diff = std::min(std::abs(back - us), 64'000'000 - std::abs(back - us));
    RC_ASSERT(diff <= 2);
  });
  rc::prop("audio level and transport seq", [] {
    const AudioLevel::Value a{*rc::gen::arbitrary<bool>(), *rc::gen::inRange<uint8_t>(0, 128)};
    Bytes b(1);
    RC_ASSERT(AudioLevel::Write(b, a));
    RC_ASSERT(AudioLevel::Parse(b) == a);
    const uint16_t t = *rc::gen::arbitrary<uint16_t>();
    Bytes c(2);
    RC_ASSERT(TransportSequenceNumber::Write(c, t));
    RC_ASSERT(TransportSequenceNumber::Parse(c) == t);
  });
}
