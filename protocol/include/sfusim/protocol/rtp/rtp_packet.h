// RtpPacket: an owning RTP packet (RFC 3550 5.1) to build, modify and serialize, with RFC 8285
// header extensions. The zero-copy reading side is RtpPacketView (same wire layout, see there).
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
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      defined by profile       |           length              |
//   |                        header extension                       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |              payload                  | 0 ... 0 | padding cnt |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract:
// - The extension block is held as wire bytes. FromView() copies it verbatim, so a parsed packet
//   serializes back to the same bytes (padding bytes are written as zeros + count).
// - SetExtension() re-encodes the elements contiguously, zero-padded to 32 bits, in the one-byte
//   form while every element fits it (id 1..14, 1..16 bytes) and in the two-byte form otherwise;
//   once two-byte (or forced with UseTwoByteExtensions) it stays two-byte. It refuses ids and
//   sizes no form can carry and a block holding a non-RFC 8285 profile (SetRawExtension).
// - Serialize() validates the fixed fields (PT <= 127, <= 15 CSRCs, raw block a multiple of
//   4 bytes, total <= RtpPacketView::kMaxPacketSize) and writes nothing on error.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtp/rtp_header_extension.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"

namespace sfusim::protocol {

class RtpPacket {
 public:
  RtpPacket() = default;
  static RtpPacket FromView(const RtpPacketView& view);

  bool marker() const { return marker_; }
  void set_marker(bool m) { marker_ = m; }
  uint8_t payload_type() const { return payload_type_; }
  void set_payload_type(uint8_t pt) { payload_type_ = pt; }
  uint16_t sequence_number() const { return sequence_number_; }
  void set_sequence_number(uint16_t s) { sequence_number_ = s; }
  uint32_t timestamp() const { return timestamp_; }
  void set_timestamp(uint32_t t) { timestamp_ = t; }
  uint32_t ssrc() const { return ssrc_; }
  void set_ssrc(uint32_t s) { ssrc_ = s; }
  const std::vector<uint32_t>& csrcs() const { return csrcs_; }
  void set_csrcs(std::vector<uint32_t> c) { csrcs_ = std::move(c); }

  bool has_extension() const { return has_extension_; }
  uint16_t extension_profile() const { return extension_profile_; }
  const std::vector<uint8_t>& extension_data() const { return extension_data_; }

  // Adds or replaces the element `id` (see the contract for the form chosen).
  Status SetExtension(uint8_t id, std::span<const uint8_t> data);
  template <typename Ext>
  Status SetExtension(uint8_t id, const typename Ext::Value& value) {
    std::array<uint8_t, RtpHeaderExtension::kTwoByteMaxDataSize> buf{};
    const size_t size = Ext::ValueSize(value);
    if (size > buf.size() || !Ext::Write(std::span<uint8_t>(buf.data(), size), value)) {
      return MakeError("extension_value_invalid", "rtp extension id " + std::to_string(id) + ": value not encodable");
    }
    return SetExtension(id, std::span<const uint8_t>(buf.data(), size));
  }
  // Removes element `id`; the block goes away with its last element. False if it was absent.
  bool RemoveExtension(uint8_t id);
  std::optional<std::span<const uint8_t>> FindExtension(uint8_t id) const;
  template <typename Ext>
  std::optional<typename Ext::Value> GetExtension(uint8_t id) const {
    auto data = FindExtension(id);
    if (!data) return std::nullopt;
    return Ext::Parse(*data);
  }
  // Switches (and re-encodes) to the two-byte form with these appbits (0..15).
  Status UseTwoByteExtensions(uint8_t appbits = 0);
  // An RFC 3550 profile-specific block kept verbatim (size must be a multiple of 4).
  void SetRawExtension(uint16_t profile, std::vector<uint8_t> block);
  void ClearExtension();

  std::span<const uint8_t> payload() const { return payload_; }
  void set_payload(std::span<const uint8_t> p) { payload_.assign(p.begin(), p.end()); }
  std::vector<uint8_t>& mutable_payload() { return payload_; }
  // 0 = no padding; otherwise the total padding bytes including the count byte.
  uint8_t padding_size() const { return padding_size_; }
  void set_padding_size(uint8_t p) { padding_size_ = p; }

  size_t serialized_size() const {
    return RtpPacketView::kFixedHeaderSize + csrcs_.size() * RtpPacketView::kCsrcSize +
           (has_extension_ ? RtpHeaderExtension::kBlockHeaderSize + extension_data_.size() : 0) + payload_.size() +
           padding_size_;
  }
  Result<std::vector<uint8_t>> Serialize() const;
  // Appends the packet to `out`; on error `out` is unchanged.
  Status AppendTo(std::vector<uint8_t>& out) const;

  friend bool operator==(const RtpPacket&, const RtpPacket&) = default;

 private:
  bool marker_ = false;
  uint8_t payload_type_ = 0;
  uint16_t sequence_number_ = 0;
  uint32_t timestamp_ = 0;
  uint32_t ssrc_ = 0;
  std::vector<uint32_t> csrcs_;
  bool has_extension_ = false;
  uint16_t extension_profile_ = 0;
  std::vector<uint8_t> extension_data_;
  std::vector<uint8_t> payload_;
  uint8_t padding_size_ = 0;
};

}  // namespace sfusim::protocol
