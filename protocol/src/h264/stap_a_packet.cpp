#include "sfusim/protocol/h264/stap_a_packet.h"

#include <algorithm>
#include <limits>
#include <string>

#include "sfusim/protocol/h264/h264_constants.h"

namespace sfusim::protocol {
namespace {

Error Malformed(size_t offset, const std::string& what) {
  return MakeError("h264_malformed_stap_a", "STAP-A byte " + std::to_string(offset) + ": " + what);
}

}  // namespace

Result<StapAPacket> StapAPacket::Parse(std::span<const uint8_t> payload) {
  if (payload.empty()) return Malformed(0, "empty payload");
  StapAPacket packet;
  packet.header = NalUnitHeader::FromByte(payload[0]);
  if (packet.header.type != kH264NalStapA) {
    return Malformed(0, "NAL type " + std::to_string(packet.header.type) + ", expected 24");
  }
  size_t offset = kH264NalHeaderBytes;
  while (offset < payload.size()) {
    if (payload.size() - offset < kH264StapANalSizeBytes) return Malformed(offset, "truncated NALU size");
    const size_t size = (static_cast<size_t>(payload[offset]) << 8) | payload[offset + 1];
    if (size == 0) return Malformed(offset, "NALU size 0");
    offset += kH264StapANalSizeBytes;
    if (size > payload.size() - offset) {
      return Malformed(offset, "NALU size " + std::to_string(size) + " exceeds the " +
                                   std::to_string(payload.size() - offset) + " bytes left");
    }
    const uint8_t type = NalUnitHeader::FromByte(payload[offset]).type;
    if (type == 0 || type >= kH264NalStapA) {
      return Malformed(offset, "aggregated NAL type " + std::to_string(type) + " is not a NAL unit type");
    }
    packet.nal_units.push_back(payload.subspan(offset, size));
    offset += size;
  }
  if (packet.nal_units.empty()) return Malformed(offset, "no aggregated NAL unit");
  return packet;
}

Result<StapAPacket> StapAPacket::Build(std::span<const std::span<const uint8_t>> nal_units) {
  if (nal_units.empty()) return Malformed(0, "no NAL unit to aggregate");
  StapAPacket packet;
  packet.header.type = kH264NalStapA;
  for (size_t i = 0; i < nal_units.size(); ++i) {
    const auto& nal = nal_units[i];
    if (nal.empty() || nal.size() > std::numeric_limits<uint16_t>::max()) {
      return Malformed(0, "NAL unit " + std::to_string(i) + " has " + std::to_string(nal.size()) +
                              " bytes, must be 1..65535");
    }
    const NalUnitHeader h = NalUnitHeader::FromByte(nal[0]);
    if (h.type == 0 || h.type >= kH264NalStapA) {
      return Malformed(0, "NAL unit " + std::to_string(i) + " has type " + std::to_string(h.type) +
                              ", which cannot be aggregated");
    }
    packet.header.forbidden_bit = packet.header.forbidden_bit || h.forbidden_bit;
    packet.header.nri = std::max(packet.header.nri, h.nri);
  }
  packet.nal_units.assign(nal_units.begin(), nal_units.end());
  return packet;
}

size_t StapAPacket::SerializedSize() const {
  size_t total = kH264NalHeaderBytes;
  for (const auto& nal : nal_units) total += kH264StapANalSizeBytes + nal.size();
  return total;
}

void StapAPacket::SerializeTo(std::vector<uint8_t>& out) const {
  out.push_back(header.ToByte());
  for (const auto& nal : nal_units) {
    out.push_back(static_cast<uint8_t>(nal.size() >> 8));
    out.push_back(static_cast<uint8_t>(nal.size()));
    out.insert(out.end(), nal.begin(), nal.end());
  }
}

std::vector<uint8_t> StapAPacket::Serialize() const {
  std::vector<uint8_t> out;
  out.reserve(SerializedSize());
  SerializeTo(out);
  return out;
}

}  // namespace sfusim::protocol
