#include "sfusim/protocol/rtcp/rtcp_compound_view.h"

#include <string>

namespace sfusim::protocol::rtcp {

Result<RtcpCompoundView> RtcpCompoundView::Parse(std::span<const uint8_t> bytes) {
  const size_t n = bytes.size();
  if (n == 0) return MakeError("truncated", "rtcp: empty datagram");
  if (n > kMaxCompoundSize) {
    return MakeError("too_large", "rtcp: " + std::to_string(n) + " bytes, limit " + std::to_string(kMaxCompoundSize));
  }
  size_t offset = 0;
  size_t count = 0;
  while (offset < n) {
    // Built only on the error paths: the success path does not allocate.
    const auto where = [offset] { return "rtcp packet at byte " + std::to_string(offset); };
    if (n - offset < RtcpHeader::kSize) {
      return MakeError("truncated", where() + ": header needs 4 bytes, " + std::to_string(n - offset) + " left");
    }
    const RtcpHeader h = RtcpHeader::Read(bytes.data() + offset);
    if (h.version != RtcpHeader::kVersion) {
      return MakeError("bad_version", where() + ": version " + std::to_string(h.version) + ", expected 2");
    }
    if (h.packet_size() > n - offset) {
      return MakeError("length_mismatch", where() + ": length field says " + std::to_string(h.packet_size()) +
                                              " bytes, " + std::to_string(n - offset) + " left in the datagram");
    }
    if (h.padding) {
      const size_t pad = bytes[offset + h.packet_size() - 1];
      const size_t body = h.packet_size() - RtcpHeader::kSize;
      if (pad == 0 || pad > body) {
        return MakeError("bad_padding", where() + ": padding count " + std::to_string(pad) + " with a " +
                                            std::to_string(body) + "-byte body");
      }
    }
    offset += h.packet_size();
    ++count;
  }
  return RtcpCompoundView(bytes, count);
}

RtcpPacketView RtcpCompoundView::Iterator::operator*() const {
  RtcpPacketView v;
  v.header = RtcpHeader::Read(bytes_.data() + offset_);
  v.offset = offset_;
  v.body = bytes_.subspan(offset_ + RtcpHeader::kSize, v.header.packet_size() - RtcpHeader::kSize);
  size_t pad = v.header.padding ? v.body.back() : 0;
  v.payload = v.body.first(v.body.size() - pad);
  return v;
}

RtcpCompoundView::Iterator& RtcpCompoundView::Iterator::operator++() {
  offset_ += RtcpHeader::Read(bytes_.data() + offset_).packet_size();
  return *this;
}

}  // namespace sfusim::protocol::rtcp
