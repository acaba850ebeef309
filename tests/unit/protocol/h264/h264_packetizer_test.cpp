// H264Packetizer: which packet types it picks, exact bytes for a key frame, size limits,
// marker placement, and its input errors.
#include <catch2/catch.hpp>

#include <numeric>
#include <vector>

#include "sfusim/protocol/h264/annex_b_parser.h"
#include "sfusim/protocol/h264/fu_a_packet.h"
#include "sfusim/protocol/h264/h264_packetizer.h"
#include "sfusim/protocol/h264/stap_a_packet.h"

using namespace sfusim::protocol;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes Nal(uint8_t header, size_t size) {
  Bytes b(size);
  b[0] = header;
  for (size_t i = 1; i < size; ++i) b[i] = static_cast<uint8_t>(i * 7 + 1);
  return b;
}

std::vector<std::span<const uint8_t>> Spans(const std::vector<Bytes>& nals) {
  return {nals.begin(), nals.end()};
}

H264Packetizer Make(size_t max_payload = kH264DefaultMaxPayloadBytes, bool aggregate = true) {
  auto p = H264Packetizer::Create({max_payload, aggregate});
  REQUIRE(p.ok());
  return std::move(*p);
}

}  // namespace

TEST_CASE("Packetizer: key frame = STAP-A(SPS, PPS) then balanced FU-A fragments", "[h264][packetizer]") {
  const Bytes sps = {0x67, 0x42, 0xe0, 0x1f, 0xda, 0x01, 0x40, 0x16, 0xe8, 0x40};  // 10 bytes
  const Bytes pps = {0x68, 0xce, 0x3c, 0x80};                                      // 4 bytes
  const Bytes idr = Nal(0x65, 3000);                                                // 2999 bytes after the header
  const std::vector<Bytes> nals = {sps, pps, idr};
  auto out = Make(1200).Packetize(Spans(nals));
  REQUIRE(out.ok());
  REQUIRE(out->size() == 4);

  const Bytes expected_stap = {
      0x78,                                                              // STAP-A, NRI = max(3, 3)
      0x00, 0x0a, 0x67, 0x42, 0xe0, 0x1f, 0xda, 0x01, 0x40, 0x16, 0xe8, 0x40,  // SPS
      0x00, 0x04, 0x68, 0xce, 0x3c, 0x80,                                // PPS
  };
  CHECK((*out)[0].bytes == expected_stap);
  CHECK_FALSE((*out)[0].marker);

  // 2999 bytes in fragments of at most 1198: 3 fragments of 1000, 1000, 999.
  const size_t sizes[] = {1000, 1000, 999};
  size_t offset = 1;
  for (size_t k = 0; k < 3; ++k) {
    const Bytes& p = (*out)[k + 1].bytes;
    CHECK(p.size() == 2 + sizes[k]);
    CHECK(p[0] == 0x7c);                                                         // FU indicator NRI=3 type 28
    CHECK(p[1] == ((k == 0 ? 0x80 : 0) | (k == 2 ? 0x40 : 0) | kH264NalIdr));  // S / E / type 5
    CHECK(Bytes(p.begin() + 2, p.end()) == Bytes(idr.begin() + static_cast<std::ptrdiff_t>(offset),
                                                 idr.begin() + static_cast<std::ptrdiff_t>(offset + sizes[k])));
    offset += sizes[k];
    CHECK((*out)[k + 1].marker == (k == 2));
  }

  // The Annex-B entry point gives the same packets.
  auto from_annex_b = Make(1200).PacketizeAnnexB(AnnexBParser::Join(Spans(nals)));
  REQUIRE(from_annex_b.ok());
  REQUIRE(from_annex_b->size() == out->size());
  for (size_t i = 0; i < out->size(); ++i) CHECK((*from_annex_b)[i].bytes == (*out)[i].bytes);
}

TEST_CASE("Packetizer: single NAL unit packets and STAP-A boundaries", "[h264][packetizer]") {
  SECTION("one small NAL unit is sent as itself, with the marker") {
    const std::vector<Bytes> nals = {Nal(0x41, 100)};
    auto out = Make().Packetize(Spans(nals));
    REQUIRE(out.ok());
    REQUIRE(out->size() == 1);
    CHECK((*out)[0].bytes == nals[0]);
    CHECK((*out)[0].marker);
  }
  SECTION("a NAL unit of exactly the budget is single, one byte more is two FU-A") {
    const std::vector<Bytes> exact = {Nal(0x41, 500)};
    auto a = Make(500).Packetize(Spans(exact));
    REQUIRE(a.ok());
    REQUIRE(a->size() == 1);
    CHECK((*a)[0].bytes == exact[0]);
    const std::vector<Bytes> over = {Nal(0x41, 501)};
    auto b = Make(500).Packetize(Spans(over));
    REQUIRE(b.ok());
    REQUIRE(b->size() == 2);
    CHECK((*b)[0].bytes.size() == 2 + 250);
    CHECK((*b)[1].bytes.size() == 2 + 250);
  }
  SECTION("aggregation fills a STAP-A up to the budget exactly, then starts another") {
    // Each NAL 48 bytes -> 50 in a STAP-A; budget 101 = 1 + 2 * 50 holds exactly two.
    const std::vector<Bytes> nals = {Nal(0x06, 48), Nal(0x06, 48), Nal(0x06, 48), Nal(0x06, 48), Nal(0x06, 48)};
    auto out = Make(101).Packetize(Spans(nals));
    REQUIRE(out.ok());
    REQUIRE(out->size() == 3);
    CHECK((*out)[0].bytes.size() == 101);
    CHECK((*out)[1].bytes.size() == 101);
    CHECK((*out)[2].bytes == nals[4]);  // the lone last one is a single NAL unit packet
    CHECK((*out)[2].marker);
  }
  SECTION("aggregate=false sends every small NAL unit alone") {
    const std::vector<Bytes> nals = {Nal(0x67, 10), Nal(0x68, 4), Nal(0x65, 50)};
    auto out = Make(1200, false).Packetize(Spans(nals));
    REQUIRE(out.ok());
    REQUIRE(out->size() == 3);
    for (size_t i = 0; i < 3; ++i) CHECK((*out)[i].bytes == nals[i]);
  }
  SECTION("STAP-A NRI is the maximum and F the OR of the aggregated NAL units") {
    const std::vector<Bytes> nals = {Nal(0x06, 5), Nal(0xc1 & 0x9f, 5) /* F=1 NRI=0 type 1 */, Nal(0x41, 5)};
    auto out = Make().Packetize(Spans(nals));
    REQUIRE(out.ok());
    REQUIRE(out->size() == 1);
    CHECK((*out)[0].bytes[0] == (0x80 | 0x40 | kH264NalStapA));
  }
}

TEST_CASE("Packetizer: every payload respects the budget and fragments differ by at most one byte",
          "[h264][packetizer]") {
  for (size_t budget : {kH264MinMaxPayloadBytes, size_t{4}, size_t{17}, size_t{100}, size_t{1200}}) {
    for (size_t nal_size : {size_t{1}, size_t{2}, size_t{3}, size_t{99}, size_t{1000}, size_t{5001}}) {
      const std::vector<Bytes> nals = {Nal(0x65, nal_size), Nal(0x41, 2)};
      auto out = Make(budget).Packetize(Spans(nals));
      REQUIRE(out.ok());
      size_t min_fu = SIZE_MAX, max_fu = 0;
      for (const auto& p : *out) {
        CHECK(p.bytes.size() <= budget);
        CHECK(!p.bytes.empty());
        if ((p.bytes[0] & 0x1f) == kH264NalFuA && (p.bytes[1] & 0x1f) == kH264NalIdr) {
          min_fu = std::min(min_fu, p.bytes.size());
          max_fu = std::max(max_fu, p.bytes.size());
        }
      }
      if (max_fu > 0) CHECK(max_fu - min_fu <= 1);
      for (size_t i = 0; i + 1 < out->size(); ++i) CHECK_FALSE((*out)[i].marker);
      CHECK(out->back().marker);
    }
  }
}

TEST_CASE("Packetizer input errors", "[h264][packetizer]") {
  CHECK(H264Packetizer::Create({2, true}).error().code == "h264_bad_config");
  CHECK(H264Packetizer::Create({kH264MaxPayloadBytes + 1, true}).error().code == "h264_bad_config");
  const H264Packetizer p = Make();
  CHECK(p.Packetize({}).error().code == "h264_empty_access_unit");
  CHECK(p.PacketizeAnnexB(Bytes{0, 0, 0, 1}).error().code == "h264_empty_access_unit");
  CHECK(p.PacketizeAnnexB(Bytes{0x41, 0x00}).error().code == "h264_missing_start_code");
  for (uint8_t header : {0x00, 0x78, 0x7c, 0x1e, 0x1f}) {
    const std::vector<Bytes> nals = {Nal(0x67, 4), Nal(header, 4)};
    auto e = p.Packetize(Spans(nals));
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == "h264_bad_nal_type");
    CHECK(e.error().message.find("NAL unit 1") != std::string::npos);
  }
  const std::vector<Bytes> with_empty = {Nal(0x67, 4), Bytes{}};
  CHECK(p.Packetize(Spans(with_empty)).error().code == "h264_empty_nal_unit");
  const std::vector<Bytes> too_many(kH264MaxNalUnitsPerAccessUnit + 1, Nal(0x41, 2));
  CHECK(p.Packetize(Spans(too_many)).error().code == "h264_too_many_nal_units");
  const std::vector<Bytes> too_big = {Nal(0x65, kH264MaxAccessUnitBytes)};
  CHECK(p.Packetize(Spans(too_big)).error().code == "h264_access_unit_too_large");
}
