#include "sfusim/protocol/rtcp/remb.h"

#include "rtcp/rtcp_util.h"

namespace sfusim::protocol::rtcp {

namespace {
constexpr const char* kName = "REMB";
constexpr size_t kSsrcSize = 4;

struct Encoded {
  uint32_t exponent;
  uint32_t mantissa;
};

Encoded Encode(uint64_t bitrate_bps) {
  uint32_t exp = 0;
  while ((bitrate_bps >> exp) > Remb::kMaxMantissa) ++exp;
  return {exp, static_cast<uint32_t>(bitrate_bps >> exp)};
}
}  // namespace

uint64_t Remb::Quantize(uint64_t bitrate_bps) {
  const Encoded e = Encode(bitrate_bps);
  return static_cast<uint64_t>(e.mantissa) << e.exponent;
}

bool Remb::IsRemb(const RtcpPacketView& v) {
  return v.header.packet_type == kPacketType && v.header.count == kFmt && v.payload.size() >= 12 &&
         ReadBe32(v.payload.data() + internal::kFeedbackCommonSize) == kIdentifier;
}

Result<Remb> Remb::Parse(const RtcpPacketView& v) {
  if (v.header.packet_type != kPacketType || v.header.count != kFmt) return internal::WrongType(v, kName);
  if (v.payload.size() < kFixedSize) return internal::TooShort(v, kName, kFixedSize);
  const uint8_t* p = v.payload.data();
  if (ReadBe32(p + 8) != kIdentifier) {
    return internal::PacketError(v, kName, "bad_identifier", "FCI does not start with 'REMB'");
  }
  const size_t num = p[12];
  const uint32_t exp = p[13] >> 2;
  const uint32_t mantissa = ReadBe24(p + 13) & kMaxMantissa;
  if (v.payload.size() != kFixedSize + num * kSsrcSize) {
    return internal::PacketError(v, kName, "length_mismatch",
                                 "num ssrc " + std::to_string(num) + " needs " +
                                     std::to_string(kFixedSize + num * kSsrcSize) + " payload bytes, has " +
                                     std::to_string(v.payload.size()));
  }
  const uint64_t bitrate = static_cast<uint64_t>(mantissa) << exp;
  if ((bitrate >> exp) != mantissa) {
    return internal::PacketError(v, kName, "out_of_range",
                                 "mantissa " + std::to_string(mantissa) + " << exponent " + std::to_string(exp) +
                                     " overflows 64 bits");
  }
  Remb remb;
  remb.sender_ssrc = ReadBe32(p);
  remb.bitrate_bps = bitrate;
  remb.ssrcs.reserve(num);
  for (size_t i = 0; i < num; ++i) remb.ssrcs.push_back(ReadBe32(p + kFixedSize + i * kSsrcSize));
  return remb;
}

Status Remb::AppendTo(std::vector<uint8_t>& out) const {
  if (ssrcs.size() > kMaxSsrcs) {
    return MakeError("too_many", "rtcp REMB: " + std::to_string(ssrcs.size()) + " SSRCs, limit 255");
  }
  const size_t size = RtcpHeader::kSize + kFixedSize + ssrcs.size() * kSsrcSize;
  const size_t start = internal::BeginPacket(out, kFmt, kPacketType, size);
  uint8_t* p = out.data() + start + RtcpHeader::kSize;
  WriteBe32(p, sender_ssrc);
  WriteBe32(p + 8, kIdentifier);
  const Encoded e = Encode(bitrate_bps);
  p[12] = static_cast<uint8_t>(ssrcs.size());
  WriteBe24(p + 13, (e.exponent << kMantissaBits) | e.mantissa);
  for (size_t i = 0; i < ssrcs.size(); ++i) WriteBe32(p + kFixedSize + i * kSsrcSize, ssrcs[i]);
  return Ok{};
}

Result<std::vector<uint8_t>> Remb::Serialize() const { return internal::SerializeVia(*this); }

}  // namespace sfusim::protocol::rtcp
