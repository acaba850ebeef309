// EncodeTimeModel: how long the native sender's single encoder is busy with one frame, in
// simulated time (the real OpenH264 call takes no simulated time).
//
// Calibration (../shared/ENVIRONMENT.md): OpenH264 encodes 1280x720 at ~240 fps on one core, i.e.
// ~4.17 ms per 921,600 pixels; the time scales with the pixel count (2160p: ~37.5 ms, more than a
// 30 fps frame interval, so 4K at 30 fps is itself under pressure) and is multiplied by
// `slowdown` (>= 1; the `slow_encode` fault). At least kMinModelledEncodeTime.
#pragma once

#include "sfusim/sim/time_delta.h"

namespace sfusim::clients {

inline constexpr double kOpenH264Reference720pFps = 240.0;
inline constexpr double kDefaultEncodeUsPerPixel = 1e6 / (kOpenH264Reference720pFps * 1280.0 * 720.0);
inline constexpr sim::TimeDelta kMinModelledEncodeTime = sim::TimeDelta::Micros(1);

class EncodeTimeModel {
 public:
  explicit EncodeTimeModel(double us_per_pixel = kDefaultEncodeUsPerPixel) : us_per_pixel_(us_per_pixel) {}
  sim::TimeDelta EncodeTime(int width, int height, double slowdown = 1.0) const;
  double us_per_pixel() const { return us_per_pixel_; }

 private:
  double us_per_pixel_;
};

}  // namespace sfusim::clients
