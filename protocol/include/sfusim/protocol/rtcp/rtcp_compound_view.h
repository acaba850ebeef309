// RtcpCompoundView: a zero-copy, validated walk over the RTCP packets stacked in one datagram
// (RFC 3550 6.1 compound packet).
//
//   +--------------------------------+--------------------------------+---
//   | V=2|P|RC|PT=SR|length ...      | V=2|P|SC|PT=SDES|length ...    | ...
//   +--------------------------------+--------------------------------+---
//   |<-------- (length+1)*4 -------->|<-------- (length+1)*4 -------->|
//
// Contract: Parse() checks every header (version 2, declared length within the datagram,
// padding count 1..payload size when P is set) and that the packets exactly fill the datagram;
// it does not require the first packet to be SR/RR (RFC 5506 reduced-size RTCP is allowed).
// Error codes: truncated, too_large, bad_version, length_mismatch, bad_padding; messages name
// the byte offset of the packet. Iteration afterwards cannot fail and does not allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtcp/rtcp_packet_view.h"

namespace sfusim::protocol::rtcp {

class RtcpCompoundView {
 public:
  // One UDP datagram.
  static constexpr size_t kMaxCompoundSize = 65535;

  static Result<RtcpCompoundView> Parse(std::span<const uint8_t> bytes);

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = RtcpPacketView;
    using difference_type = std::ptrdiff_t;
    using pointer = const RtcpPacketView*;
    using reference = const RtcpPacketView&;

    Iterator() = default;
    Iterator(std::span<const uint8_t> bytes, size_t offset) : bytes_(bytes), offset_(offset) {}
    RtcpPacketView operator*() const;
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const Iterator& o) const { return offset_ == o.offset_; }

   private:
    std::span<const uint8_t> bytes_;
    size_t offset_ = 0;
  };

  Iterator begin() const { return Iterator(bytes_, 0); }
  Iterator end() const { return Iterator(bytes_, bytes_.size()); }
  size_t packet_count() const { return packet_count_; }
  std::span<const uint8_t> bytes() const { return bytes_; }

 private:
  RtcpCompoundView(std::span<const uint8_t> bytes, size_t count) : bytes_(bytes), packet_count_(count) {}
  std::span<const uint8_t> bytes_;
  size_t packet_count_ = 0;
};

}  // namespace sfusim::protocol::rtcp
