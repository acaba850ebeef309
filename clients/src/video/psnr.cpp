#include "sfusim/clients/video/psnr.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sfusim/clients/video/video_constants.h"

namespace sfusim::clients {
namespace {

constexpr double kPeak = 255.0;
constexpr double kWeightY = 6.0, kWeightU = 1.0, kWeightV = 1.0;

// Pixels per 32-bit partial sum in the SIMD path: each of the 4 lanes adds at most 4 x 255^2 per
// 16 pixels, so 2^16 pixels (4096 steps) keep a lane below 1.07e9 < 2^32.
constexpr size_t kSseBlockPixels = size_t{1} << 16;

// Sum of squared differences of n consecutive pixels; integer (exact) accumulation, so the SIMD
// path gives the very same sum as the scalar loop (PSNR is a pure function of the pictures
// whichever path runs).
uint64_t RowSse(const uint8_t* pa, const uint8_t* pb, size_t n) {
  uint64_t sum = 0;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i zero = _mm_setzero_si128();
  while (n - i >= 16) {
    const size_t block_end = i + std::min(kSseBlockPixels, (n - i) / 16 * 16);
    __m128i acc = _mm_setzero_si128();  // 4 x uint32
    for (; i < block_end; i += 16) {
      const __m128i va = _mm_loadu_si128(reinterpret_cast<const __m128i*>(pa + i));
      const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(pb + i));
      const __m128i dlo = _mm_sub_epi16(_mm_unpacklo_epi8(va, zero), _mm_unpacklo_epi8(vb, zero));
      const __m128i dhi = _mm_sub_epi16(_mm_unpackhi_epi8(va, zero), _mm_unpackhi_epi8(vb, zero));
      // madd: d0*d0 + d1*d1 per 32-bit lane (at most 2 x 255^2, fits a signed 32-bit lane).
      acc = _mm_add_epi32(acc, _mm_madd_epi16(dlo, dlo));
      acc = _mm_add_epi32(acc, _mm_madd_epi16(dhi, dhi));
    }
    alignas(16) uint32_t lanes[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), acc);
    sum += static_cast<uint64_t>(lanes[0]) + lanes[1] + lanes[2] + lanes[3];
  }
#endif
  for (; i < n; ++i) {
    const int d = static_cast<int>(pa[i]) - static_cast<int>(pb[i]);
    sum += static_cast<uint64_t>(d * d);
  }
  return sum;
}

// Over a plane of w x h pixels with the given row strides.
uint64_t PlaneSse(const uint8_t* a, int a_stride, const uint8_t* b, int b_stride, int w, int h) {
  uint64_t sum = 0;
  for (int r = 0; r < h; ++r) {
    sum += RowSse(a + static_cast<ptrdiff_t>(r) * a_stride, b + static_cast<ptrdiff_t>(r) * b_stride,
                  static_cast<size_t>(w));
  }
  return sum;
}

uint64_t Sse(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) { return RowSse(a.data(), b.data(), a.size()); }

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

double PsnrY(const I420View& a, const I420Frame& b) {
  if (a.y == nullptr || a.y_stride < a.width || a.width != b.width || a.height != b.height || a.width <= 0 ||
      a.height <= 0 || !b.consistent()) {
    return 0.0;
  }
  const uint64_t sse = PlaneSse(a.y, a.y_stride, b.y.data(), b.width, a.width, a.height);
  return PsnrFromMse(static_cast<double>(sse) / static_cast<double>(b.y.size()));
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
