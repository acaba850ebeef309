// RtpHeaderExtension: the RFC 8285 element layouts inside an RTP header extension block, and a
// bounds-checked walk over them shared by RtpPacketView (zero-copy) and RtpPacket (owning).
//
// RFC 3550 5.3.1 block (the 16-bit profile selects the element layout):
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      defined by profile       |           length              |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                        header extension                       |
//   |                             ....                              |
//
// RFC 8285 4.2 one-byte form (profile 0xBEDE), element = ID (4 bits, 1..14) | L (4 bits, len-1):
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |       0xBE    |    0xDE       |           length=3            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  ID   | L=0   |     data      |  ID   |  L=1  |   data...
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//         ...data   |    0 (pad)    |    0 (pad)    |  ID   | L=3   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                          data                                 |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 8285 4.3 two-byte form (profile 0x100 | appbits), element = ID (8 bits) | length (8 bits):
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |       0x10    |    0x00       |           length=3            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |      ID       |     L=0       |     ID        |     L=1       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |       data    |    0 (pad)    |       ID      |      L=4      |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                          data                                 |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Contract of ForEach: it never reads outside `block`. Zero bytes are padding and skipped. In the
// one-byte form, ID 15 (reserved) ends the walk (RFC 8285 4.2: "processing of the entire extension
// MUST terminate"), and so does a non-zero byte with ID 0 (libwebrtc does the same: such a byte is
// neither padding nor an element). An element whose data runs past the block end is an error: the
// walk returns that element's offset within the block; a clean walk returns kWalkOk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sfusim::protocol {

class RtpHeaderExtension {
 public:
  static constexpr uint16_t kOneByteProfile = 0xBEDE;
  static constexpr uint16_t kTwoByteProfile = 0x1000;      // the low 4 bits carry "appbits"
  static constexpr uint16_t kTwoByteProfileMask = 0xFFF0;
  static constexpr uint8_t kOneByteMinId = 1;
  static constexpr uint8_t kOneByteMaxId = 14;
  static constexpr uint8_t kOneByteReservedId = 15;
  static constexpr size_t kOneByteMinDataSize = 1;
  static constexpr size_t kOneByteMaxDataSize = 16;
  static constexpr uint8_t kTwoByteMinId = 1;
  static constexpr uint8_t kTwoByteMaxId = 255;
  static constexpr size_t kTwoByteMaxDataSize = 255;
  static constexpr size_t kBlockHeaderSize = 4;  // profile + length in 32-bit words
  static constexpr size_t kWalkOk = static_cast<size_t>(-1);

  enum class Form { kOneByte, kTwoByte, kOther };

  struct Element {
    uint8_t id;
    std::span<const uint8_t> data;
  };

  static constexpr Form FormOf(uint16_t profile) {
    if (profile == kOneByteProfile) return Form::kOneByte;
    if ((profile & kTwoByteProfileMask) == kTwoByteProfile) return Form::kTwoByte;
    return Form::kOther;
  }

  // Whether an element fits the one-byte form (else only the two-byte form can carry it).
  static constexpr bool FitsOneByte(uint8_t id, size_t size) {
    return id >= kOneByteMinId && id <= kOneByteMaxId && size >= kOneByteMinDataSize &&
           size <= kOneByteMaxDataSize;
  }
  static constexpr bool FitsTwoByte(uint8_t id, size_t size) {
    return id >= kTwoByteMinId && size <= kTwoByteMaxDataSize;
  }

  // Calls f(Element) for each element until f returns false. See the contract above.
  template <typename F>
  static size_t ForEach(Form form, std::span<const uint8_t> block, F&& f) {
    const uint8_t* p = block.data();
    const size_t n = block.size();
    size_t i = 0;
    if (form == Form::kOneByte) {
      while (i < n) {
        const uint8_t b = p[i];
        if (b == 0) {
          ++i;
          continue;
        }
        const uint8_t id = b >> 4;
        if (id == kOneByteReservedId || id == 0) return kWalkOk;
        const size_t len = static_cast<size_t>(b & 0x0F) + 1;
        if (len > n - i - 1) return i;
        if (!f(Element{id, std::span<const uint8_t>(p + i + 1, len)})) return kWalkOk;
        i += 1 + len;
      }
    } else if (form == Form::kTwoByte) {
      while (i < n) {
        const uint8_t id = p[i];
        if (id == 0) {
          ++i;
          continue;
        }
        if (n - i < 2) return i;
        const size_t len = p[i + 1];
        if (len > n - i - 2) return i;
        if (!f(Element{id, std::span<const uint8_t>(p + i + 2, len)})) return kWalkOk;
        i += 2 + len;
      }
    }
    return kWalkOk;
  }
};

}  // namespace sfusim::protocol
