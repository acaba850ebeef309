#include "sfusim/protocol/h264/h264_payload_info.h"

#include <string>

#include "sfusim/protocol/h264/fu_a_packet.h"
#include "sfusim/protocol/h264/h264_constants.h"
#include "sfusim/protocol/h264/nal_unit_header.h"
#include "sfusim/protocol/h264/stap_a_packet.h"

namespace sfusim::protocol {
namespace {

void NoteNalType(H264PayloadInfo& info, uint8_t type) {
  info.has_idr = info.has_idr || type == kH264NalIdr;
  info.has_sps = info.has_sps || type == kH264NalSps;
  info.has_pps = info.has_pps || type == kH264NalPps;
}

bool BeginsAccessUnit(uint8_t type) { return type == kH264NalAud || type == kH264NalSps; }

}  // namespace

Result<H264PayloadInfo> H264PayloadInfo::Inspect(std::span<const uint8_t> payload) {
  if (payload.empty()) return MakeError("h264_empty_payload", "H.264 payload is empty");
  H264PayloadInfo info;
  const uint8_t type = NalUnitHeader::FromByte(payload[0]).type;
  if (type == 0 || type >= 30) {
    return MakeError("h264_reserved_nal_type", "byte 0: NAL type " + std::to_string(type) + " is reserved");
  }
  if (type == kH264NalStapB || type == kH264NalMtap16 || type == kH264NalMtap24 || type == kH264NalFuB) {
    return MakeError("h264_unsupported_packet_type",
                     "byte 0: NAL type " + std::to_string(type) + " needs interleaved mode (packetization-mode=2)");
  }
  if (type == kH264NalStapA) {
    Result<StapAPacket> stap = StapAPacket::Parse(payload);
    if (!stap) return stap.error();
    info.kind = H264PacketKind::kStapA;
    info.nal_unit_count = stap->nal_units.size();
    info.first_nal_type = NalUnitHeader::FromByte(stap->nal_units.front()[0]).type;
    for (const auto& nal : stap->nal_units) NoteNalType(info, NalUnitHeader::FromByte(nal[0]).type);
    info.starts_access_unit = BeginsAccessUnit(info.first_nal_type);
  } else if (type == kH264NalFuA) {
    Result<FuAPacket> fu = FuAPacket::Parse(payload);
    if (!fu) return fu.error();
    info.kind = H264PacketKind::kFuA;
    info.first_nal_type = fu->nal_type;
    info.fu_start = fu->start;
    info.fu_end = fu->end;
    info.nal_unit_count = fu->start ? 1 : 0;
    // Only the first fragment says anything about the frame it starts.
    if (fu->start) {
      NoteNalType(info, fu->nal_type);
      info.starts_access_unit = BeginsAccessUnit(fu->nal_type);
    }
  } else {
    info.kind = H264PacketKind::kSingleNalUnit;
    info.first_nal_type = type;
    info.nal_unit_count = 1;
    NoteNalType(info, type);
    info.starts_access_unit = BeginsAccessUnit(type);
  }
  info.key_frame = info.has_idr || info.has_sps;
  return info;
}

}  // namespace sfusim::protocol
