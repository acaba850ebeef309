#include "sfusim/clients/native/encode_time_model.h"

#include <algorithm>
#include <cstdint>

namespace sfusim::clients {

sim::TimeDelta EncodeTimeModel::EncodeTime(int width, int height, double slowdown) const {
  const double pixels = static_cast<double>(std::max(width, 0)) * static_cast<double>(std::max(height, 0));
  const double factor = std::max(slowdown, 1.0);
  const sim::TimeDelta t = sim::TimeDelta::Micros(static_cast<int64_t>(pixels * us_per_pixel_ * factor + 0.5));
  return std::max(t, kMinModelledEncodeTime);
}

}  // namespace sfusim::clients
