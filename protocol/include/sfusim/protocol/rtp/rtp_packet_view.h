// RtpPacketView: a zero-copy, bounds-checked view of one RTP packet (RFC 3550 5.1) with RFC 8285
// header extensions.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                           timestamp                           |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |           synchronization source (SSRC) identifier            |
//   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   |            contributing source (CSRC) identifiers             |
//   |                             ....                              |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      defined by profile       |           length              |  (if X)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                        header extension                       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                            payload                            |
//   |                               +-------------------------------+
//   |                               | padding ...   | padding count |  (if P)
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract: Parse() checks every length once (fixed header, CSRC list, extension block and each
// RFC 8285 element in it, padding) and never allocates on success; after that every accessor is
// a bounded read. The view borrows the bytes: they must outlive it. Error codes: truncated,
// packet_too_large, bad_version, csrc_past_end, extension_past_end, extension_element_past_end,
// bad_padding; messages name the byte offset.
// Extensions of an unknown profile (RFC 3550 generic) are kept as opaque bytes: FindExtension()
// answers nothing for them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtp/byte_io.h"
#include "sfusim/protocol/rtp/rtp_header_extension.h"

namespace sfusim::protocol {

class RtpPacketView {
 public:
  static constexpr uint8_t kVersion = 2;
  static constexpr size_t kFixedHeaderSize = 12;
  static constexpr size_t kCsrcSize = 4;
  static constexpr size_t kMaxCsrcs = 15;
  static constexpr uint8_t kMaxPayloadType = 127;
  // The largest datagram an IPv4/IPv6 (non-jumbo) UDP socket delivers, and RFC 4571's framing limit.
  static constexpr size_t kMaxPacketSize = 65535;

  static Result<RtpPacketView> Parse(std::span<const uint8_t> packet);

  uint8_t version() const { return data_[0] >> 6; }
  bool has_padding() const { return (data_[0] & 0x20) != 0; }
  bool has_extension() const { return (data_[0] & 0x10) != 0; }
  uint8_t csrc_count() const { return data_[0] & 0x0F; }
  bool marker() const { return (data_[1] & 0x80) != 0; }
  uint8_t payload_type() const { return data_[1] & 0x7F; }
  uint16_t sequence_number() const { return ReadBe16(data_ + 2); }
  uint32_t timestamp() const { return ReadBe32(data_ + 4); }
  uint32_t ssrc() const { return ReadBe32(data_ + 8); }
  // i < csrc_count().
  uint32_t csrc(size_t i) const { return ReadBe32(data_ + kFixedHeaderSize + i * kCsrcSize); }

  // Meaningful when has_extension(): the 16-bit profile and the block after its 4-byte header.
  uint16_t extension_profile() const { return extension_profile_; }
  std::span<const uint8_t> extension_data() const { return {data_ + extension_offset_, extension_size_}; }
  // kOther also when there is no extension block.
  RtpHeaderExtension::Form extension_form() const { return form_; }

  // Fixed header + CSRCs + extension block.
  size_t header_size() const { return header_size_; }
  size_t padding_size() const { return padding_size_; }
  std::span<const uint8_t> payload() const {
    return {data_ + header_size_, size_ - header_size_ - padding_size_};
  }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  size_t size() const { return size_; }

  // The data of the first RFC 8285 element with this id, if any. A direct loop rather than
  // RtpHeaderExtension::ForEach: this is the per-packet hot path, and Parse() already checked
  // that every element lies inside the block.
  std::optional<std::span<const uint8_t>> FindExtension(uint8_t id) const {
    const uint8_t* p = data_ + extension_offset_;
    const size_t n = extension_size_;
    size_t i = 0;
    if (form_ == RtpHeaderExtension::Form::kOneByte) {
      while (i < n) {
        const uint8_t b = p[i];
        if (b == 0) {
          ++i;
          continue;
        }
        const uint8_t eid = b >> 4;
        if (eid == RtpHeaderExtension::kOneByteReservedId || eid == 0) break;
        const size_t len = static_cast<size_t>(b & 0x0F) + 1;
        if (len > n - i - 1) break;
        if (eid == id) return std::span<const uint8_t>(p + i + 1, len);
        i += 1 + len;
      }
    } else if (form_ == RtpHeaderExtension::Form::kTwoByte) {
      while (i < n) {
        const uint8_t eid = p[i];
        if (eid == 0) {
          ++i;
          continue;
        }
        if (n - i < 2 || p[i + 1] > n - i - 2) break;
        const size_t len = p[i + 1];
        if (eid == id) return std::span<const uint8_t>(p + i + 2, len);
        i += 2 + len;
      }
    }
    return std::nullopt;
  }

  // Typed access, e.g. GetExtension<AbsSendTime>(3): nullopt when absent or malformed.
  template <typename Ext>
  std::optional<typename Ext::Value> GetExtension(uint8_t id) const {
    auto data = FindExtension(id);
    if (!data) return std::nullopt;
    return Ext::Parse(*data);
  }

  // Calls f(RtpHeaderExtension::Element) for every RFC 8285 element, in wire order.
  template <typename F>
  void ForEachExtension(F&& f) const {
    RtpHeaderExtension::ForEach(extension_form(), extension_data(), [&](const RtpHeaderExtension::Element& e) {
      f(e);
      return true;
    });
  }

 private:
  RtpPacketView() = default;

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t header_size_ = 0;
  size_t extension_offset_ = 0;
  size_t extension_size_ = 0;
  size_t padding_size_ = 0;
  uint16_t extension_profile_ = 0;
  RtpHeaderExtension::Form form_ = RtpHeaderExtension::Form::kOther;
};

}  // namespace sfusim::protocol
