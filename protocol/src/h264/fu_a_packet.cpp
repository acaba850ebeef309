#include "sfusim/protocol/h264/fu_a_packet.h"

#include <string>

#include "sfusim/protocol/h264/h264_constants.h"

namespace sfusim::protocol {
namespace {

Error Malformed(const std::string& what) { return MakeError("h264_malformed_fu_a", "FU-A " + what); }

}  // namespace

Result<FuAPacket> FuAPacket::Parse(std::span<const uint8_t> payload) {
  if (payload.size() < kH264FuAHeaderBytes) {
    return Malformed("is " + std::to_string(payload.size()) + " bytes, needs the 2-byte FU indicator and header");
  }
  FuAPacket packet;
  packet.indicator = NalUnitHeader::FromByte(payload[0]);
  if (packet.indicator.type != kH264NalFuA) {
    return Malformed("byte 0 (FU indicator): type " + std::to_string(packet.indicator.type) + ", expected 28");
  }
  const uint8_t h = payload[1];
  packet.start = (h & 0x80) != 0;
  packet.end = (h & 0x40) != 0;
  packet.reserved = (h & 0x20) != 0;
  packet.nal_type = h & 0x1f;
  if (packet.start && packet.end) return Malformed("byte 1 (FU header): S and E both set");
  if (packet.nal_type == 0 || packet.nal_type >= kH264NalStapA) {
    return Malformed("byte 1 (FU header): fragmented NAL type " + std::to_string(packet.nal_type) + " is not a NAL unit type");
  }
  packet.fragment = payload.subspan(kH264FuAHeaderBytes);
  return packet;
}

uint8_t FuAPacket::OriginalNalHeader() const {
  return NalUnitHeader{indicator.forbidden_bit, indicator.nri, nal_type}.ToByte();
}

size_t FuAPacket::SerializedSize() const { return kH264FuAHeaderBytes + fragment.size(); }

void FuAPacket::SerializeTo(std::vector<uint8_t>& out) const {
  out.push_back(indicator.ToByte());
  out.push_back(static_cast<uint8_t>((start ? 0x80 : 0) | (end ? 0x40 : 0) | (reserved ? 0x20 : 0) | (nal_type & 0x1f)));
  out.insert(out.end(), fragment.begin(), fragment.end());
}

std::vector<uint8_t> FuAPacket::Serialize() const {
  std::vector<uint8_t> out;
  out.reserve(SerializedSize());
  SerializeTo(out);
  return out;
}

}  // namespace sfusim::protocol
