// I420Frame: one 8-bit 4:2:0 picture, three tightly packed planes (Y w*h, U and V (w/2)*(h/2)),
// the currency between the synthetic source, the encoder, the decoder and PSNR.
//
// Contract: width and height are even and within [kVideoMinDimension, kVideoMax*] for a valid
// frame (IsValidSize); a default frame is 0x0 and empty. Black() gives Y=16, U=V=128 (video
// range black). Resize() reallocates only when the size changes (the source reuses frames).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sfusim::clients {

struct I420Frame {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> y, u, v;  // sizes w*h, (w/2)*(h/2), (w/2)*(h/2)

  static constexpr uint8_t kBlackY = 16;
  static constexpr uint8_t kNeutralChroma = 128;

  static I420Frame Black(int w, int h);
  // Even, at least kVideoMinDimension, at most kVideoMaxWidth x kVideoMaxHeight.
  static bool IsValidSize(int w, int h);

  int chroma_width() const { return width / 2; }
  int chroma_height() const { return height / 2; }
  // Sets the size and the plane sizes (contents unspecified when the size changed).
  void Resize(int w, int h);
  // Planes have the sizes the dimensions imply.
  bool consistent() const;

  friend bool operator==(const I420Frame&, const I420Frame&) = default;
};

// A read-only view of an I420 picture whose rows may be padded (a decoder's output buffer):
// row r of the luma plane starts at y + r * y_stride. Valid only while the viewed memory is.
// Of(frame) views a consistent I420Frame (strides = its widths); a 0x0 view has null planes.
struct I420View {
  int width = 0;
  int height = 0;
  const uint8_t* y = nullptr;
  const uint8_t* u = nullptr;
  const uint8_t* v = nullptr;
  int y_stride = 0;
  int c_stride = 0;

  static I420View Of(const I420Frame& frame);
};

}  // namespace sfusim::clients
