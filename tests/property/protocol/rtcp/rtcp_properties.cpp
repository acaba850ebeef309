// RTCP properties:
//   - every packet type: a random valid value serializes, parses back equal (REMB: to its
//     quantized bitrate), and a random compound of them does too;
//   - NACK: expanding the FCI built from any set of sequence numbers spanning less than half the
//     16-bit range gives the set back, sorted in wrap-aware order;
//   - transport-cc: FromPacketResults -> GetPacketResults returns every packet with its arrival
//     floored to 250 us, gaps as losses; and survives serialize/parse;
//   - compound parse never crashes (ASan) on random bytes or mutated valid compounds, and what
//     parses re-serializes to something that parses to the same value.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "sfusim/protocol/rtcp/compound_packet.h"
#include "sfusim/protocol/rtcp/rtcp_compound_view.h"
#include "sfusim/protocol/rtp/sequence_number_unwrapper.h"

using namespace sfusim::protocol;
using namespace sfusim::protocol::rtcp;
using Bytes = std::vector<uint8_t>;

namespace {

template <typename T>
std::vector<T> Vec(size_t min, size_t max, rc::Gen<T> g) {
  return *rc::gen::container<std::vector<T>>(*rc::gen::inRange(min, max + 1), std::move(g));
}
uint32_t U32() { return *rc::gen::arbitrary<uint32_t>(); }
std::string Text(size_t max) {
  return *rc::gen::container<std::string>(*rc::gen::inRange<size_t>(0, max + 1), rc::gen::arbitrary<char>());
}
Bytes Words(size_t max_words) {
  return *rc::gen::container<Bytes>(4 * *rc::gen::inRange<size_t>(0, max_words + 1), rc::gen::arbitrary<uint8_t>());
}

ReportBlock GenBlock() {
  ReportBlock b;
  b.source_ssrc = U32();
  b.fraction_lost = *rc::gen::arbitrary<uint8_t>();
  b.cumulative_lost = *rc::gen::inRange(ReportBlock::kMinCumulativeLost, ReportBlock::kMaxCumulativeLost + 1);
  b.extended_highest_sequence = U32();
  b.jitter = U32();
  b.last_sr = U32();
  b.delay_since_last_sr = U32();
  return b;
}
std::vector<ReportBlock> GenBlocks() {
  std::vector<ReportBlock> v(*rc::gen::inRange<size_t>(0, 32));
  for (auto& b : v) b = GenBlock();
  return v;
}

TransportFeedback GenTwcc() {
  TransportFeedback fb;
  fb.sender_ssrc = U32();
  fb.media_ssrc = U32();
  fb.base_sequence_number = *rc::gen::arbitrary<uint16_t>();
  fb.reference_time = *rc::gen::inRange(TransportFeedback::kMinReferenceTime, TransportFeedback::kMaxReferenceTime + 1);
  fb.feedback_count = *rc::gen::arbitrary<uint8_t>();
  const size_t n = *rc::gen::element<size_t>(1, 2, 7, 14, 15, 40, 300, 9000);
  const int loss = *rc::gen::element(0, 10, 50, 90, 100);
  const bool large = *rc::gen::arbitrary<bool>();
  fb.packets.resize(n);
  for (auto& p : fb.packets) {
    if (*rc::gen::inRange(0, 100) < loss) continue;
    p.received = true;
    p.delta_ticks = large && *rc::gen::inRange(0, 10) == 0 ? *rc::gen::inRange(-32768, 32768) : *rc::gen::inRange(0, 256);
  }
  return fb;
}

RtcpPacket GenPacket() {
  switch (*rc::gen::inRange(0, 10)) {
    case 0: {
      SenderReport sr{U32(), *rc::gen::arbitrary<uint64_t>(), U32(), U32(), U32(), GenBlocks(), Words(3)};
      return sr;
    }
    case 1:
      return ReceiverReport{U32(), GenBlocks(), Words(3)};
    case 2: {
      Sdes s;
      s.chunks.resize(*rc::gen::inRange<size_t>(0, 32));
      for (auto& c : s.chunks) {
        c.ssrc = U32();
        c.items.resize(*rc::gen::inRange<size_t>(0, 4));
        for (auto& item : c.items) item = Sdes::Item{*rc::gen::inRange<uint8_t>(1, 255), Text(*rc::gen::element<size_t>(0, 5, 255))};
      }
      return s;
    }
    case 3: {
      Bye b;
      b.ssrcs = Vec<uint32_t>(0, 31, rc::gen::arbitrary<uint32_t>());
      if (*rc::gen::arbitrary<bool>()) b.reason = Text(*rc::gen::element<size_t>(0, 3, 255));
      return b;
    }
    case 4:
      return Nack{U32(), U32(), Vec<Nack::Item>(1, 40, rc::gen::construct<Nack::Item>(rc::gen::arbitrary<uint16_t>(), rc::gen::arbitrary<uint16_t>()))};
    case 5:
      return Pli{U32(), U32()};
    case 6:
      return Fir{U32(), Vec<Fir::Entry>(1, 10, rc::gen::construct<Fir::Entry>(rc::gen::arbitrary<uint32_t>(), rc::gen::arbitrary<uint8_t>()))};
    case 7: {
      const uint64_t mantissa = *rc::gen::inRange<uint64_t>(0, Remb::kMaxMantissa + 1);
      const int exp = *rc::gen::inRange(0, 47);
      return Remb{U32(), mantissa << exp, Vec<uint32_t>(0, 255, rc::gen::arbitrary<uint32_t>())};
    }
    case 8:
      return GenTwcc();
    default: {
      // APP (204) or XR (207) or an unmodelled feedback type: kept as bytes.
      UnknownRtcpPacket u;
      u.packet_type = *rc::gen::element<uint8_t>(204, 207, 195);
      u.count = *rc::gen::inRange<uint8_t>(0, 32);
      u.body = Words(6);
      return u;
    }
  }
}

void CheckStableIfParses(const Bytes& bytes) {
  auto c = CompoundPacket::Parse(bytes);
  if (!c.ok()) {
    RC_ASSERT(!c.error().code.empty());
    RC_ASSERT(!c.error().message.empty());
    return;
  }
  auto out = c->Serialize();
  RC_ASSERT(out.ok());
  auto again = CompoundPacket::Parse(*out);
  RC_ASSERT(again.ok());
  RC_ASSERT(*again == *c);
}

}  // namespace

TEST_CASE("every RTCP packet type round-trips", "[rtcp][property]") {
  rc::prop("single packet", [] {
    const RtcpPacket p = GenPacket();
    std::vector<uint8_t> bytes;
    RC_ASSERT(AppendRtcpPacket(p, bytes).ok());
    RC_ASSERT(bytes.size() % 4 == 0);
    auto c = CompoundPacket::Parse(bytes);
    RC_ASSERT(c.ok());
    RC_ASSERT(c->packets.size() == 1u);
    RC_ASSERT(c->packets[0] == p);
  });
}

TEST_CASE("compound packets round-trip", "[rtcp][property]") {
  rc::prop("compound", [] {
    CompoundPacket c;
    const size_t n = *rc::gen::inRange<size_t>(1, 8);
    for (size_t i = 0; i < n; ++i) c.packets.push_back(GenPacket());
    auto bytes = c.Serialize();
    if (!bytes.ok()) {
      RC_ASSERT(bytes.error().code == "too_large");  // several big TWCCs can pass 64 KiB
      return;
    }
    auto back = CompoundPacket::Parse(*bytes);
    RC_ASSERT(back.ok());
    RC_ASSERT(*back == c);
  });
}

TEST_CASE("NACK list <-> PID/BLP round trip", "[rtcp][nack][property]") {
  rc::prop("nack list", [] {
    const int64_t start = *rc::gen::inRange<int64_t>(0, 65536);
    const int64_t span = *rc::gen::element<int64_t>(1, 17, 100, 5000, 32767);
    auto offsets = *rc::gen::container<std::vector<int64_t>>(rc::gen::inRange<int64_t>(0, span));
    if (offsets.empty()) offsets.push_back(0);
    std::vector<uint16_t> seqs;
    for (int64_t o : offsets) seqs.push_back(static_cast<uint16_t>((start + o) & 0xFFFF));
    // Any input order: the span is < 2^15 so each step is unambiguous relative to the previous.
    const auto items = Nack::ItemsFromSequenceNumbers(seqs);
    std::set<int64_t> expected(offsets.begin(), offsets.end());
    std::vector<uint16_t> want;
    for (int64_t o : expected) want.push_back(static_cast<uint16_t>((start + o) & 0xFFFF));
    RC_ASSERT(Nack::ExpandItems(items) == want);
    // Greedy packing: no two items could have been merged.
    for (size_t i = 1; i < items.size(); ++i) RC_ASSERT(static_cast<uint16_t>(items[i].pid - items[i - 1].pid) > 16);
  });
}

TEST_CASE("transport-cc packet results round trip", "[rtcp][twcc][property]") {
  rc::prop("results", [] {
    uint16_t seq = *rc::gen::arbitrary<uint16_t>();
    int64_t t = *rc::gen::inRange<int64_t>(-1'000'000'000, 1'000'000'000);
    std::vector<TransportFeedback::PacketResult> in;
    const size_t n = *rc::gen::inRange<size_t>(1, 500);
    for (size_t i = 0; i < n; ++i) {
      const bool received = *rc::gen::inRange(0, 10) < 8;
      t += *rc::gen::oneOf(rc::gen::inRange<int64_t>(0, 64'000), rc::gen::inRange<int64_t>(-8'000'000, 8'000'000));
      in.push_back({seq, received, received ? t : 0});
      seq = static_cast<uint16_t>(seq + *rc::gen::element(1, 1, 1, 2, 30));
    }
    auto fb = TransportFeedback::FromPacketResults(1, 2, 3, in);
    if (!fb.ok()) {
      RC_ASSERT(fb.error().code == "out_of_range");  // a delta beyond +-8.19 s
      return;
    }
    const auto out = fb->GetPacketResults();
    size_t j = 0;
    for (const auto& r : out) {
      if (j < in.size() && in[j].sequence_number == r.sequence_number) {
        RC_ASSERT(r.received == in[j].received);
        if (r.received) {
          const int64_t floored = in[j].arrival_time_us - (((in[j].arrival_time_us % 250) + 250) % 250);
          RC_ASSERT(r.arrival_time_us == floored);
        }
        ++j;
      } else {
        RC_ASSERT(!r.received);  // a gap
      }
    }
    RC_ASSERT(j == in.size());
    auto bytes = fb->Serialize();
    RC_ASSERT(bytes.ok());
    auto back = CompoundPacket::Parse(*bytes);
    RC_ASSERT(back.ok());
    RC_ASSERT(std::get<TransportFeedback>(back->packets[0]) == *fb);
  });
}

TEST_CASE("RTCP parse survives arbitrary bytes", "[rtcp][property]") {
  rc::prop("random bytes", [] {
    Bytes bytes = *rc::gen::container<Bytes>(*rc::gen::inRange<size_t>(0, 200), rc::gen::arbitrary<uint8_t>());
    // Make well-framed garbage common: V=2 and a length that fits.
    if (bytes.size() >= 4 && *rc::gen::arbitrary<bool>()) {
      bytes.resize(bytes.size() & ~size_t{3});
      bytes[0] = static_cast<uint8_t>(0x80 | (bytes[0] & 0x1F));
      bytes[1] = *rc::gen::element<uint8_t>(200, 201, 202, 203, 204, 205, 206);
      bytes[2] = 0;
      bytes[3] = static_cast<uint8_t>(bytes.size() / 4 - 1);
    }
    CheckStableIfParses(bytes);
  });
}

TEST_CASE("RTCP parse survives mutations of valid compounds", "[rtcp][property]") {
  rc::prop("mutations", [] {
    CompoundPacket c;
    const size_t n = *rc::gen::inRange<size_t>(1, 4);
    for (size_t i = 0; i < n; ++i) c.packets.push_back(GenPacket());
    auto serialized = c.Serialize();
    RC_PRE(serialized.ok());
    Bytes bytes = *serialized;
    const int mutations = *rc::gen::inRange(1, 6);
    for (int m = 0; m < mutations && !bytes.empty(); ++m) {
      switch (*rc::gen::inRange(0, 4)) {
        case 0:
          bytes[*rc::gen::inRange<size_t>(0, bytes.size())] ^= *rc::gen::inRange<uint8_t>(1, 255);
          break;
        case 1:
          bytes.resize(*rc::gen::inRange<size_t>(0, bytes.size() + 1));
          break;
        case 2:  // rewrite a count/FMT field or a length byte of the first packet
          bytes[*rc::gen::element<size_t>(0, 0, 3)] = *rc::gen::arbitrary<uint8_t>();
          break;
        default:
          bytes.insert(bytes.end(), 4, *rc::gen::arbitrary<uint8_t>());
          break;
      }
      CheckStableIfParses(bytes);
    }
  });
}
