#include "sfusim/protocol/rtp/rtp_packet_view.h"

#include <string>

namespace sfusim::protocol {

Result<RtpPacketView> RtpPacketView::Parse(std::span<const uint8_t> packet) {
  const uint8_t* p = packet.data();
  const size_t n = packet.size();
  if (n < kFixedHeaderSize) [[unlikely]] {
    return MakeError("truncated", "rtp: " + std::to_string(n) + " bytes, the fixed header needs " +
                                      std::to_string(kFixedHeaderSize));
  }
  if (n > kMaxPacketSize) [[unlikely]] {
    return MakeError("packet_too_large", "rtp: " + std::to_string(n) + " bytes, limit " + std::to_string(kMaxPacketSize));
  }
  if ((p[0] >> 6) != kVersion) [[unlikely]] {
    return MakeError("bad_version", "rtp byte 0: version " + std::to_string(p[0] >> 6) + ", expected 2");
  }
  RtpPacketView v;
  v.data_ = p;
  v.size_ = n;
  const size_t cc = p[0] & 0x0F;
  size_t pos = kFixedHeaderSize + cc * kCsrcSize;
  if (pos > n) [[unlikely]] {
    return MakeError("csrc_past_end", "rtp byte 0: csrc count " + std::to_string(cc) + " needs a " +
                                          std::to_string(pos) + "-byte header, packet has " + std::to_string(n));
  }
  if (p[0] & 0x10) {
    if (n - pos < RtpHeaderExtension::kBlockHeaderSize) [[unlikely]] {
      return MakeError("extension_past_end", "rtp byte " + std::to_string(pos) + ": extension header needs 4 bytes, " +
                                                 std::to_string(n - pos) + " left");
    }
    v.extension_profile_ = ReadBe16(p + pos);
    const size_t ext_size = static_cast<size_t>(ReadBe16(p + pos + 2)) * 4;
    const size_t ext_offset = pos + RtpHeaderExtension::kBlockHeaderSize;
    if (ext_size > n - ext_offset) [[unlikely]] {
      return MakeError("extension_past_end", "rtp byte " + std::to_string(pos + 2) + ": extension length " +
                                                 std::to_string(ext_size / 4) + " words runs past the end (" +
                                                 std::to_string(n - ext_offset) + " bytes left)");
    }
    v.extension_offset_ = ext_offset;
    v.extension_size_ = ext_size;
    v.form_ = RtpHeaderExtension::FormOf(v.extension_profile_);
    const size_t bad = RtpHeaderExtension::ForEach(v.form_,
                                                   std::span<const uint8_t>(p + ext_offset, ext_size),
                                                   [](const RtpHeaderExtension::Element&) { return true; });
    if (bad != RtpHeaderExtension::kWalkOk) [[unlikely]] {
      return MakeError("extension_element_past_end",
                       "rtp byte " + std::to_string(ext_offset + bad) +
                           ": header extension element runs past the extension block end at byte " +
                           std::to_string(ext_offset + ext_size));
    }
    pos = ext_offset + ext_size;
  }
  v.header_size_ = pos;
  if (p[0] & 0x20) {
    const size_t pad = p[n - 1];
    if (pad == 0 || pad > n - pos) [[unlikely]] {
      return MakeError("bad_padding", "rtp byte " + std::to_string(n - 1) + ": padding count " + std::to_string(pad) +
                                          " but " + std::to_string(n - pos) + " bytes follow the header");
    }
    v.padding_size_ = pad;
  }
  return v;
}

}  // namespace sfusim::protocol
