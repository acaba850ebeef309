#include "sfusim/protocol/h264/h264_packetizer.h"

#include <string>

#include "sfusim/protocol/h264/annex_b_parser.h"
#include "sfusim/protocol/h264/fu_a_packet.h"
#include "sfusim/protocol/h264/nal_unit_header.h"
#include "sfusim/protocol/h264/stap_a_packet.h"

namespace sfusim::protocol {

Result<H264Packetizer> H264Packetizer::Create(const H264PacketizerConfig& config) {
  if (config.max_payload_bytes < kH264MinMaxPayloadBytes || config.max_payload_bytes > kH264MaxPayloadBytes) {
    return MakeError("h264_bad_config", "max_payload_bytes " + std::to_string(config.max_payload_bytes) +
                                            " outside [" + std::to_string(kH264MinMaxPayloadBytes) + ", " +
                                            std::to_string(kH264MaxPayloadBytes) + "]");
  }
  return H264Packetizer(config);
}

Result<std::vector<H264RtpPayload>> H264Packetizer::PacketizeAnnexB(std::span<const uint8_t> access_unit) const {
  Result<std::vector<std::span<const uint8_t>>> nal_units = AnnexBParser::Split(access_unit);
  if (!nal_units) return nal_units.error();
  return Packetize(*nal_units);
}

Result<std::vector<H264RtpPayload>> H264Packetizer::Packetize(std::span<const std::span<const uint8_t>> nal_units) const {
  if (nal_units.empty()) return MakeError("h264_empty_access_unit", "access unit has no NAL unit");
  if (nal_units.size() > kH264MaxNalUnitsPerAccessUnit) {
    return MakeError("h264_too_many_nal_units", "access unit has " + std::to_string(nal_units.size()) +
                                                    " NAL units, limit " + std::to_string(kH264MaxNalUnitsPerAccessUnit));
  }
  size_t total = 0;
  for (size_t i = 0; i < nal_units.size(); ++i) {
    const auto& nal = nal_units[i];
    if (nal.empty()) return MakeError("h264_empty_nal_unit", "NAL unit " + std::to_string(i) + " is empty");
    const uint8_t type = NalUnitHeader::FromByte(nal[0]).type;
    if (type == 0 || type >= kH264NalStapA) {
      return MakeError("h264_bad_nal_type", "NAL unit " + std::to_string(i) + ": type " + std::to_string(type) +
                                                " is not a NAL unit type an encoder emits");
    }
    total += kH264AnnexBStartCodeBytes + nal.size();
  }
  if (total > kH264MaxAccessUnitBytes) {
    return MakeError("h264_access_unit_too_large", "access unit is " + std::to_string(total) +
                                                       " bytes in Annex-B, limit " + std::to_string(kH264MaxAccessUnitBytes));
  }

  const size_t max = config_.max_payload_bytes;
  std::vector<H264RtpPayload> out;
  out.reserve(nal_units.size() + total / max + 1);
  size_t i = 0;
  while (i < nal_units.size()) {
    const auto& nal = nal_units[i];
    if (nal.size() <= max) {
      // Gather the run of following NAL units that fit together with this one in a STAP-A.
      size_t end = i + 1;
      if (config_.aggregate) {
        size_t stap_size = kH264NalHeaderBytes + kH264StapANalSizeBytes + nal.size();
        while (end < nal_units.size() && stap_size + kH264StapANalSizeBytes + nal_units[end].size() <= max) {
          stap_size += kH264StapANalSizeBytes + nal_units[end].size();
          ++end;
        }
      }
      H264RtpPayload payload;
      if (end - i >= 2) {
        Result<StapAPacket> stap = StapAPacket::Build(nal_units.subspan(i, end - i));
        if (!stap) return stap.error();  // unreachable: sizes and types were checked above
        payload.bytes.reserve(stap->SerializedSize());
        stap->SerializeTo(payload.bytes);
      } else {
        payload.bytes.assign(nal.begin(), nal.end());
      }
      out.push_back(std::move(payload));
      i = end;
      continue;
    }

    // FU-A: n fragments of the NAL payload (header byte excluded), sizes base or base + 1.
    const NalUnitHeader header = NalUnitHeader::FromByte(nal[0]);
    const std::span<const uint8_t> body = nal.subspan(kH264NalHeaderBytes);
    const size_t max_fragment = max - kH264FuAHeaderBytes;
    const size_t count = (body.size() + max_fragment - 1) / max_fragment;
    const size_t base = body.size() / count;
    const size_t extra = body.size() % count;
    FuAPacket fu;
    fu.indicator = NalUnitHeader{header.forbidden_bit, header.nri, kH264NalFuA};
    fu.nal_type = header.type;
    size_t offset = 0;
    for (size_t k = 0; k < count; ++k) {
      const size_t len = base + (k < extra ? 1 : 0);
      fu.start = k == 0;
      fu.end = k + 1 == count;
      fu.fragment = body.subspan(offset, len);
      offset += len;
      H264RtpPayload payload;
      payload.bytes.reserve(fu.SerializedSize());
      fu.SerializeTo(payload.bytes);
      out.push_back(std::move(payload));
    }
    ++i;
  }
  out.back().marker = true;
  return out;
}

}  // namespace sfusim::protocol
