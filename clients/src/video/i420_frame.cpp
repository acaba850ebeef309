#include "sfusim/clients/video/i420_frame.h"

#include <algorithm>

#include "sfusim/clients/video/video_constants.h"

namespace sfusim::clients {

I420Frame I420Frame::Black(int w, int h) {
  I420Frame f;
  f.Resize(w, h);
  std::fill(f.y.begin(), f.y.end(), kBlackY);
  std::fill(f.u.begin(), f.u.end(), kNeutralChroma);
  std::fill(f.v.begin(), f.v.end(), kNeutralChroma);
  return f;
}

bool I420Frame::IsValidSize(int w, int h) {
  return w >= kVideoMinDimension && h >= kVideoMinDimension && w <= kVideoMaxWidth && h <= kVideoMaxHeight &&
         w % 2 == 0 && h % 2 == 0;
}

void I420Frame::Resize(int w, int h) {
  if (w < 0 || h < 0) w = h = 0;
  width = w;
  height = h;
  const size_t luma = static_cast<size_t>(w) * static_cast<size_t>(h);
  const size_t chroma = static_cast<size_t>(w / 2) * static_cast<size_t>(h / 2);
  y.resize(luma);
  u.resize(chroma);
  v.resize(chroma);
}

I420View I420View::Of(const I420Frame& frame) {
  if (!frame.consistent() || frame.width == 0 || frame.height == 0) return {};
  return I420View{frame.width, frame.height, frame.y.data(), frame.u.data(), frame.v.data(), frame.width,
                  frame.width / 2};
}

bool I420Frame::consistent() const {
  if (width < 0 || height < 0 || width % 2 != 0 || height % 2 != 0) return false;
  const size_t luma = static_cast<size_t>(width) * static_cast<size_t>(height);
  const size_t chroma = static_cast<size_t>(width / 2) * static_cast<size_t>(height / 2);
  return y.size() == luma && u.size() == chroma && v.size() == chroma;
}

}  // namespace sfusim::clients
