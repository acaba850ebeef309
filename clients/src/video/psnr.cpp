#include "sfusim/clients/video/psnr.h"

#include <cmath>
#include <cstdint>
#include <vector>

#include "sfusim/clients/video/video_constants.h"

namespace sfusim::clients {
namespace {

constexpr double kPeak = 255.0;
constexpr double kWeightY = 6.0, kWeightU = 1.0, kWeightV = 1.0;

// Sum of squared differences; integer (exact) accumulation.
uint64_t Sse(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  uint64_t sum = 0;
  const size_t n = a.size();
  const uint8_t* pa = a.data();
  const uint8_t* pb = b.data();
  for (size_t i = 0; i < n; ++i) {
    const int d = static_cast<int>(pa[i]) - static_cast<int>(pb[i]);
    sum += static_cast<uint64_t>(d * d);
  }
  return sum;
}

bool Comparable(const I420Frame& a, const I420Frame& b) {
  return a.width == b.width && a.height == b.height && a.width > 0 && a.height > 0 && a.consistent() &&
         b.consistent();
}

}  // namespace

double PsnrFromMse(double mse) {
  if (!(mse > 0)) return kPsnrMaxDb;
  const double db = 10.0 * std::log10(kPeak * kPeak / mse);
  return db > kPsnrMaxDb ? kPsnrMaxDb : db;
}

double PsnrY(const I420Frame& a, const I420Frame& b) {
  if (!Comparable(a, b)) return 0.0;
  return PsnrFromMse(static_cast<double>(Sse(a.y, b.y)) / static_cast<double>(a.y.size()));
}

double PsnrI420(const I420Frame& a, const I420Frame& b) {
  if (!Comparable(a, b)) return 0.0;
  const double mse_y = static_cast<double>(Sse(a.y, b.y)) / static_cast<double>(a.y.size());
  const double mse_u = static_cast<double>(Sse(a.u, b.u)) / static_cast<double>(a.u.size());
  const double mse_v = static_cast<double>(Sse(a.v, b.v)) / static_cast<double>(a.v.size());
  const double mse = (kWeightY * mse_y + kWeightU * mse_u + kWeightV * mse_v) / (kWeightY + kWeightU + kWeightV);
  return PsnrFromMse(mse);
}

}  // namespace sfusim::clients
