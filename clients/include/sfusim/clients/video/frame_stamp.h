// FrameStamp: the source frame number written into the picture as a big black/white block code
// in the luma, so a receiver can tell which source frame it decoded after lossy, low-bitrate
// H.264 coding, at any resolution tier.
//
// Layout: kStampBits = 32 bits of the Gray-coded frame number (consecutive frames differ in one
// block, which keeps the stamp cheap to code in P frames) followed by an 8-bit CRC of those 32
// bits (poly 0x07, init 0xFF, xorout 0x55: an all-black or all-white area is no code word), as
// kStampColumns x kStampRows cells, row-major, most significant bit first, at the
// top-left corner (0, 0). A cell is a square of CellSize(w, h) = 16 * max(1, min(w / 640,
// h / 360)) pixels, macroblock-aligned (16x16 at 320x180 and 640x360, 32x32 at 720p, 96x96 at
// 2160p); 1 = white (Y 235), 0 = black (Y 16). The chroma under the stamp is set neutral (128).
//
// Read() averages the centre (half-size square) of each cell, thresholds at mid-grey, and
// returns nullopt when any cell is ambiguous (within kStampMinContrast of mid-grey), when the
// CRC does not match, or when the frame is too small to hold a stamp. A frame too small
// (width < kStampColumns * 16 or height < kStampRows * 16) is left unchanged by Write().
#pragma once

#include <cstdint>
#include <optional>

#include "sfusim/clients/video/i420_frame.h"

namespace sfusim::clients {

struct FrameStamp {
  static constexpr int kStampBits = 32;
  static constexpr int kChecksumBits = 8;
  static constexpr int kStampColumns = 10;
  static constexpr int kStampRows = 4;  // kStampColumns * kStampRows == kStampBits + kChecksumBits
  static constexpr int kBaseCellSize = 16;  // one macroblock
  static constexpr int kScaleWidth = 640;   // one more cell size step per 640x360 of picture
  static constexpr int kScaleHeight = 360;
  static constexpr uint8_t kWhite = 235;
  static constexpr uint8_t kBlack = 16;
  static constexpr int kThreshold = (kWhite + kBlack) / 2;
  static constexpr int kStampMinContrast = 24;  // a cell mean closer than this to the threshold is unreadable

  // Cell edge in pixels for a w x h frame (0 when the frame cannot hold a stamp).
  static int CellSize(int width, int height);
  static void Write(uint32_t frame_number, I420Frame* frame);
  static std::optional<uint32_t> Read(const I420Frame& frame);
  // The same on a (possibly padded) view, e.g. straight from the decoder's buffer.
  static std::optional<uint32_t> Read(const I420View& picture);
};

}  // namespace sfusim::clients
