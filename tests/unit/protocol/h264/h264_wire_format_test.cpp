// Byte tables for the RFC 6184 payload structures: annotated bytes -> parse -> fields ->
// serialize -> the same bytes; plus every structural error with its code.
#include <catch2/catch.hpp>

#include <vector>

#include "sfusim/protocol/h264/annex_b_parser.h"
#include "sfusim/protocol/h264/fu_a_packet.h"
#include "sfusim/protocol/h264/h264_constants.h"
#include "sfusim/protocol/h264/h264_payload_info.h"
#include "sfusim/protocol/h264/nal_unit_header.h"
#include "sfusim/protocol/h264/stap_a_packet.h"

using namespace sfusim::protocol;
using Bytes = std::vector<uint8_t>;

namespace {
Bytes ToBytes(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }
}  // namespace

TEST_CASE("NAL unit header byte table", "[h264]") {
  // 0x65 = 0|11|00101: F=0, NRI=3, type 5 (IDR slice)
  constexpr NalUnitHeader idr = NalUnitHeader::FromByte(0x65);
  STATIC_REQUIRE(!idr.forbidden_bit);
  STATIC_REQUIRE(idr.nri == 3);
  STATIC_REQUIRE(idr.type == kH264NalIdr);
  STATIC_REQUIRE(idr.ToByte() == 0x65);
  // 0xfc = 1|11|11100: F=1, NRI=3, type 28 (FU-A indicator)
  constexpr NalUnitHeader fu = NalUnitHeader::FromByte(0xfc);
  STATIC_REQUIRE(fu.forbidden_bit);
  STATIC_REQUIRE(fu.type == kH264NalFuA);
  for (int b = 0; b < 256; ++b) CHECK(NalUnitHeader::FromByte(static_cast<uint8_t>(b)).ToByte() == b);
}

TEST_CASE("Single NAL unit packet byte table", "[h264]") {
  const Bytes payload = {
      0x41,              // NAL header: F=0 NRI=2 type=1 (non-IDR slice)
      0x9a, 0x12, 0x34,  // slice data
  };
  auto info = H264PayloadInfo::Inspect(payload);
  REQUIRE(info.ok());
  CHECK(info->kind == H264PacketKind::kSingleNalUnit);
  CHECK(info->first_nal_type == kH264NalSlice);
  CHECK(info->nal_unit_count == 1);
  CHECK_FALSE(info->key_frame);
  CHECK_FALSE(info->starts_access_unit);
  // A single NAL unit packet is the NAL unit itself: serializing is the identity.
  CHECK(NalUnitHeader::FromByte(payload[0]).ToByte() == payload[0]);

  const Bytes sps = {0x67, 0x42, 0xe0, 0x1f};  // type 7: key frame, starts an access unit
  auto sps_info = H264PayloadInfo::Inspect(sps);
  REQUIRE(sps_info.ok());
  CHECK(sps_info->key_frame);
  CHECK(sps_info->has_sps);
  CHECK(sps_info->starts_access_unit);
  const Bytes aud = {0x09, 0xf0};  // type 9: access unit delimiter
  CHECK(H264PayloadInfo::Inspect(aud)->starts_access_unit);
}

TEST_CASE("STAP-A byte table", "[h264]") {
  const Bytes payload = {
      0x78,                    // STAP-A NAL HDR: F=0 NRI=3 type=24
      0x00, 0x04,              // NALU 1 size = 4
      0x67, 0x42, 0xe0, 0x1f,  //   SPS (NRI=3 type=7), profile_idc 66, constraints, level 31
      0x00, 0x02,              // NALU 2 size = 2
      0x68, 0xce,              //   PPS (NRI=3 type=8)
      0x00, 0x03,              // NALU 3 size = 3
      0x06, 0x05, 0x80,        //   SEI (NRI=0 type=6)
  };
  auto stap = StapAPacket::Parse(payload);
  REQUIRE(stap.ok());
  CHECK(stap->header == NalUnitHeader{false, 3, kH264NalStapA});
  REQUIRE(stap->nal_units.size() == 3);
  CHECK(ToBytes(stap->nal_units[0]) == Bytes{0x67, 0x42, 0xe0, 0x1f});
  CHECK(ToBytes(stap->nal_units[1]) == Bytes{0x68, 0xce});
  CHECK(ToBytes(stap->nal_units[2]) == Bytes{0x06, 0x05, 0x80});
  CHECK(stap->SerializedSize() == payload.size());
  CHECK(stap->Serialize() == payload);

  // Build computes the header: NRI = max of the aggregated (3), F = OR (0).
  auto built = StapAPacket::Build(stap->nal_units);
  REQUIRE(built.ok());
  CHECK(built->Serialize() == payload);

  auto info = H264PayloadInfo::Inspect(payload);
  REQUIRE(info.ok());
  CHECK(info->kind == H264PacketKind::kStapA);
  CHECK(info->first_nal_type == kH264NalSps);
  CHECK(info->nal_unit_count == 3);
  CHECK(info->has_sps);
  CHECK(info->has_pps);
  CHECK_FALSE(info->has_idr);
  CHECK(info->key_frame);
  CHECK(info->starts_access_unit);
}

TEST_CASE("STAP-A structural errors", "[h264]") {
  auto code = [](const Bytes& b) { return StapAPacket::Parse(b).error().code; };
  CHECK(code({}) == "h264_malformed_stap_a");
  CHECK(code({0x78}) == "h264_malformed_stap_a");                          // no NAL unit
  CHECK(code({0x78, 0x00}) == "h264_malformed_stap_a");                    // half a size
  CHECK(code({0x78, 0x00, 0x00}) == "h264_malformed_stap_a");              // size 0
  CHECK(code({0x78, 0x00, 0x03, 0x67, 0x42}) == "h264_malformed_stap_a");  // size past the end
  CHECK(code({0x78, 0x00, 0x01, 0x67, 0x00}) == "h264_malformed_stap_a");  // dangling byte
  CHECK(code({0x78, 0x00, 0x01, 0x7c}) == "h264_malformed_stap_a");        // nested FU-A
  CHECK(code({0x7c, 0x00, 0x01, 0x67}) == "h264_malformed_stap_a");        // not type 24
  auto e = StapAPacket::Parse(Bytes{0x78, 0x00, 0x03, 0x67, 0x42});
  CHECK(e.error().message.find("byte 3") != std::string::npos);

  const Bytes empty_nal;
  const std::span<const uint8_t> one[] = {empty_nal};
  CHECK(StapAPacket::Build(one).error().code == "h264_malformed_stap_a");
  CHECK(StapAPacket::Build({}).error().code == "h264_malformed_stap_a");
}

TEST_CASE("FU-A start / middle / end byte tables", "[h264]") {
  struct Row {
    Bytes bytes;
    bool start, end;
  };
  const Row rows[] = {
      {{0x7c,               // FU indicator: F=0 NRI=3 type=28
        0x85,               // FU header: S=1 E=0 R=0 type=5 (IDR)
        0xb8, 0x00, 0x01},  // first fragment of the IDR payload
       true, false},
      {{0x7c, 0x05,         // FU header: S=0 E=0 R=0 type=5
        0x02, 0x03},        // middle fragment
       false, false},
      {{0x7c, 0x45,         // FU header: S=0 E=1 R=0 type=5
        0x04},              // last fragment
       false, true},
  };
  for (const Row& row : rows) {
    auto fu = FuAPacket::Parse(row.bytes);
    REQUIRE(fu.ok());
    CHECK(fu->indicator == NalUnitHeader{false, 3, kH264NalFuA});
    CHECK(fu->start == row.start);
    CHECK(fu->end == row.end);
    CHECK_FALSE(fu->reserved);
    CHECK(fu->nal_type == kH264NalIdr);
    CHECK(fu->OriginalNalHeader() == 0x65);
    CHECK(ToBytes(fu->fragment) == Bytes(row.bytes.begin() + 2, row.bytes.end()));
    CHECK(fu->Serialize() == row.bytes);

    auto info = H264PayloadInfo::Inspect(row.bytes);
    REQUIRE(info.ok());
    CHECK(info->kind == H264PacketKind::kFuA);
    CHECK(info->fu_start == row.start);
    CHECK(info->fu_end == row.end);
    // Only the first fragment of an IDR marks a key frame.
    CHECK(info->key_frame == row.start);
  }
  // R is kept as read, so even a non-conforming R=1 serializes back identically.
  const Bytes with_r = {0x5c, 0x21, 0xaa};
  auto r = FuAPacket::Parse(with_r);
  REQUIRE(r.ok());
  CHECK(r->reserved);
  CHECK(r->Serialize() == with_r);
  // An empty FU payload is allowed by RFC 6184.
  CHECK(FuAPacket::Parse(Bytes{0x7c, 0x05}).ok());
}

TEST_CASE("FU-A structural errors", "[h264]") {
  auto code = [](const Bytes& b) { return FuAPacket::Parse(b).error().code; };
  CHECK(code({}) == "h264_malformed_fu_a");
  CHECK(code({0x7c}) == "h264_malformed_fu_a");
  CHECK(code({0x7c, 0xc5, 0x00}) == "h264_malformed_fu_a");  // S and E both set
  CHECK(code({0x7c, 0x80, 0x00}) == "h264_malformed_fu_a");  // fragmented type 0
  CHECK(code({0x7c, 0x98, 0x00}) == "h264_malformed_fu_a");  // fragmented type 24
  CHECK(code({0x78, 0x85, 0x00}) == "h264_malformed_fu_a");  // indicator is not 28
}

TEST_CASE("H264PayloadInfo rejects reserved and interleaved-mode types", "[h264]") {
  CHECK(H264PayloadInfo::Inspect({}).error().code == "h264_empty_payload");
  for (uint8_t type : {0, 30, 31}) {
    const Bytes b = {type, 0x00};
    CHECK(H264PayloadInfo::Inspect(b).error().code == "h264_reserved_nal_type");
  }
  for (uint8_t type : {kH264NalStapB, kH264NalMtap16, kH264NalMtap24, kH264NalFuB}) {
    const Bytes b = {type, 0x00, 0x00};
    CHECK(H264PayloadInfo::Inspect(b).error().code == "h264_unsupported_packet_type");
  }
  CHECK(H264PayloadInfo::Inspect(Bytes{0x78, 0x00}).error().code == "h264_malformed_stap_a");
  CHECK(H264PayloadInfo::Inspect(Bytes{0x7c, 0xc5}).error().code == "h264_malformed_fu_a");
}

TEST_CASE("Annex-B split: 3- and 4-byte start codes, zeros, empty NAL units", "[h264]") {
  const Bytes stream = {
      0x00,                          // leading_zero_8bits
      0x00, 0x00, 0x00, 0x01,        // 4-byte start code
      0x67, 0x42, 0x00, 0x1f,        //   SPS (a zero inside is data)
      0x00, 0x00, 0x01,              // 3-byte start code
      0x68, 0xce,                    //   PPS
      0x00, 0x00,                    // trailing_zero_8bits
      0x00, 0x00, 0x01,              // start code
      0x00, 0x00, 0x01,              // start code right after: an empty NAL unit, skipped
      0x65, 0x88, 0x80,              //   IDR
  };
  auto nals = AnnexBParser::Split(stream);
  REQUIRE(nals.ok());
  REQUIRE(nals->size() == 3);
  CHECK(ToBytes((*nals)[0]) == Bytes{0x67, 0x42, 0x00, 0x1f});
  CHECK(ToBytes((*nals)[1]) == Bytes{0x68, 0xce});
  CHECK(ToBytes((*nals)[2]) == Bytes{0x65, 0x88, 0x80});

  const Bytes canonical = AnnexBParser::Join(*nals);
  CHECK(canonical == Bytes{0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1f, 0, 0, 0, 1, 0x68, 0xce, 0, 0, 0, 1, 0x65, 0x88, 0x80});
  auto again = AnnexBParser::Split(canonical);
  REQUIRE(again.ok());
  CHECK(AnnexBParser::Join(*again) == canonical);

  CHECK(AnnexBParser::Split(Bytes{})->empty());
  CHECK(AnnexBParser::Split(Bytes{0, 0, 0})->empty());
  CHECK(AnnexBParser::Split(Bytes{0x65, 0x00, 0x00, 0x01, 0x41}).error().code == "h264_missing_start_code");
  Bytes many;
  for (size_t i = 0; i <= kH264MaxNalUnitsPerAccessUnit; ++i) many.insert(many.end(), {0, 0, 1, 0x41});
  CHECK(AnnexBParser::Split(many).error().code == "h264_too_many_nal_units");
  Bytes huge(kH264MaxAccessUnitBytes + 1, 0x41);
  huge[0] = huge[1] = 0;
  huge[2] = 1;
  CHECK(AnnexBParser::Split(huge).error().code == "h264_access_unit_too_large");
}
