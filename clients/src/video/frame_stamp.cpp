#include "sfusim/clients/video/frame_stamp.h"

#include <algorithm>
#include <cstdlib>

namespace sfusim::clients {
namespace {

constexpr int kTotalBits = FrameStamp::kStampBits + FrameStamp::kChecksumBits;
static_assert(FrameStamp::kStampColumns * FrameStamp::kStampRows == kTotalBits);
constexpr uint8_t kCrc8Polynomial = 0x07;  // x^8 + x^2 + x + 1
// Non-zero init and final xor: an all-black or all-white stamp area is not a valid code word,
// so a dark or bright corner never reads as a frame number.
constexpr uint8_t kCrc8Init = 0xFF;
constexpr uint8_t kCrc8XorOut = 0x55;

uint8_t Crc8(uint32_t value) {
  uint8_t crc = kCrc8Init;
  for (int byte = 3; byte >= 0; --byte) {
    crc ^= static_cast<uint8_t>(value >> (8 * byte));
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x80) != 0 ? static_cast<uint8_t>((crc << 1) ^ kCrc8Polynomial) : static_cast<uint8_t>(crc << 1);
    }
  }
  return static_cast<uint8_t>(crc ^ kCrc8XorOut);
}

uint32_t ToGray(uint32_t n) { return n ^ (n >> 1); }
uint32_t FromGray(uint32_t g) {
  for (uint32_t shift = 1; shift < 32; shift <<= 1) g ^= g >> shift;
  return g;
}

// Bit i (0 = first cell) of the 40-bit code word: 32 Gray bits MSB first, then 8 CRC bits.
uint64_t CodeWord(uint32_t frame_number) {
  const uint32_t gray = ToGray(frame_number);
  return (static_cast<uint64_t>(gray) << FrameStamp::kChecksumBits) | Crc8(gray);
}

bool CodeBit(uint64_t word, int i) { return ((word >> (kTotalBits - 1 - i)) & 1U) != 0; }

}  // namespace

int FrameStamp::CellSize(int width, int height) {
  if (width < kStampColumns * kBaseCellSize || height < kStampRows * kBaseCellSize) return 0;
  const int scale = std::max(1, std::min(width / kScaleWidth, height / kScaleHeight));
  return kBaseCellSize * scale;
}

void FrameStamp::Write(uint32_t frame_number, I420Frame* frame) {
  if (frame == nullptr || !frame->consistent()) return;
  const int cell = CellSize(frame->width, frame->height);
  if (cell == 0) return;
  const uint64_t word = CodeWord(frame_number);
  const size_t w = static_cast<size_t>(frame->width);
  const size_t cw = w / 2;
  for (int i = 0; i < kTotalBits; ++i) {
    const int cx = (i % kStampColumns) * cell;
    const int cy = (i / kStampColumns) * cell;
    const uint8_t value = CodeBit(word, i) ? kWhite : kBlack;
    for (int yy = cy; yy < cy + cell; ++yy) {
      uint8_t* row = frame->y.data() + static_cast<size_t>(yy) * w + static_cast<size_t>(cx);
      std::fill(row, row + cell, value);
    }
  }
  // Neutral chroma under the whole stamp (cells are even-sized, so this is exact).
  const int half = cell / 2;
  for (int yy = 0; yy < kStampRows * half; ++yy) {
    const size_t off = static_cast<size_t>(yy) * cw;
    std::fill(frame->u.begin() + static_cast<std::ptrdiff_t>(off),
              frame->u.begin() + static_cast<std::ptrdiff_t>(off) + kStampColumns * half, I420Frame::kNeutralChroma);
    std::fill(frame->v.begin() + static_cast<std::ptrdiff_t>(off),
              frame->v.begin() + static_cast<std::ptrdiff_t>(off) + kStampColumns * half, I420Frame::kNeutralChroma);
  }
}

std::optional<uint32_t> FrameStamp::Read(const I420Frame& frame) {
  if (!frame.consistent()) return std::nullopt;
  return Read(I420View::Of(frame));
}

std::optional<uint32_t> FrameStamp::Read(const I420View& frame) {
  if (frame.y == nullptr || frame.y_stride < frame.width) return std::nullopt;
  const int cell = CellSize(frame.width, frame.height);
  if (cell == 0) return std::nullopt;
  const size_t w = static_cast<size_t>(frame.y_stride);
  const int inner = cell / 2;  // centre square: away from the cell edges where coding blurs
  const int margin = (cell - inner) / 2;
  uint64_t word = 0;
  for (int i = 0; i < kTotalBits; ++i) {
    const int x0 = (i % kStampColumns) * cell + margin;
    const int y0 = (i / kStampColumns) * cell + margin;
    int64_t sum = 0;
    for (int yy = y0; yy < y0 + inner; ++yy) {
      const uint8_t* row = frame.y + static_cast<size_t>(yy) * w + static_cast<size_t>(x0);
      for (int xx = 0; xx < inner; ++xx) sum += row[xx];
    }
    const int64_t mean = sum / (static_cast<int64_t>(inner) * inner);
    if (std::llabs(mean - kThreshold) < kStampMinContrast) return std::nullopt;
    word = (word << 1) | (mean > kThreshold ? 1U : 0U);
  }
  const uint32_t gray = static_cast<uint32_t>(word >> kChecksumBits);
  const uint8_t crc = static_cast<uint8_t>(word & 0xFFU);
  if (Crc8(gray) != crc) return std::nullopt;
  return FromGray(gray);
}

}  // namespace sfusim::clients
