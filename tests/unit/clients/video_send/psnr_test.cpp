#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <random>

#include "sfusim/clients/video/i420_frame.h"
#include "sfusim/clients/video/psnr.h"
#include "sfusim/clients/video/video_constants.h"

using namespace sfusim::clients;

TEST_CASE("psnr: identical frames give the cap", "[video_send][psnr]") {
  const I420Frame a = I420Frame::Black(64, 32);
  CHECK(PsnrY(a, a) == kPsnrMaxDb);
  CHECK(PsnrI420(a, a) == kPsnrMaxDb);
}

TEST_CASE("psnr: a known MSE gives the known dB", "[video_send][psnr]") {
  I420Frame a = I420Frame::Black(64, 32);
  I420Frame b = a;
  // Every luma sample off by 5: MSE 25 -> 10 log10(65025 / 25) = 34.1514 dB.
  for (auto& s : b.y) s = static_cast<uint8_t>(s + 5);
  const double expected = 10.0 * std::log10(255.0 * 255.0 / 25.0);
  CHECK(PsnrY(a, b) == Approx(expected).epsilon(1e-9));
  CHECK(PsnrY(a, b) == Approx(34.1514).margin(1e-3));
  // Chroma identical: 6:1:1 weights give MSE 25 * 6 / 8.
  CHECK(PsnrI420(a, b) == Approx(10.0 * std::log10(255.0 * 255.0 / (25.0 * 6.0 / 8.0))).epsilon(1e-9));
  // Chroma off only: luma PSNR stays at the cap, the weighted one does not.
  I420Frame c = a;
  for (auto& s : c.u) s = static_cast<uint8_t>(s + 10);
  CHECK(PsnrY(a, c) == kPsnrMaxDb);
  CHECK(PsnrI420(a, c) == Approx(10.0 * std::log10(255.0 * 255.0 / (100.0 / 8.0))).epsilon(1e-9));
}

TEST_CASE("psnr: tiny differences: below the cap, or capped when beyond it", "[video_send][psnr]") {
  I420Frame a = I420Frame::Black(64, 32);
  I420Frame b = a;
  b.y[123] = static_cast<uint8_t>(b.y[123] + 1);
  const double db = PsnrY(a, b);  // MSE 1/2048: 81.2 dB
  CHECK(db < kPsnrMaxDb);
  CHECK(db == Approx(10.0 * std::log10(255.0 * 255.0 * 2048.0)).epsilon(1e-9));
  // At 2160p the same single error would be 117 dB: capped.
  I420Frame big = I420Frame::Black(3840, 2160);
  I420Frame big2 = big;
  big2.y[12345] = static_cast<uint8_t>(big2.y[12345] + 1);
  CHECK(PsnrY(big, big2) == kPsnrMaxDb);
  CHECK(PsnrFromMse(1e-12) == kPsnrMaxDb);
  CHECK(PsnrFromMse(0) == kPsnrMaxDb);
}

TEST_CASE("psnr: mismatched or empty frames give 0 dB", "[video_send][psnr]") {
  const I420Frame a = I420Frame::Black(64, 32);
  const I420Frame b = I420Frame::Black(32, 64);
  CHECK(PsnrY(a, b) == 0.0);
  CHECK(PsnrI420(a, b) == 0.0);
  CHECK(PsnrY(I420Frame{}, I420Frame{}) == 0.0);
  I420Frame broken = a;
  broken.u.pop_back();
  CHECK(PsnrI420(a, broken) == 0.0);
  // Maximal difference: 255 everywhere vs 0 gives exactly 0 dB.
  I420Frame zero = a, full = a;
  std::fill(zero.y.begin(), zero.y.end(), 0);
  std::fill(full.y.begin(), full.y.end(), 255);
  CHECK(PsnrY(zero, full) == Approx(0.0).margin(1e-12));
}

namespace {
// The plain definition, to hold the vectorized sum to: sum of squared differences / pixels.
double ReferenceMse(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  uint64_t sum = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const int d = static_cast<int>(a[i]) - static_cast<int>(b[i]);
    sum += static_cast<uint64_t>(d * d);
  }
  return static_cast<double>(sum) / static_cast<double>(a.size());
}
}  // namespace

TEST_CASE("psnr: the vectorized sum equals the plain one (tails, blocks, extreme values)", "[video_send][psnr]") {
  std::mt19937 rng(42);
  // 66x34: a length that is no multiple of 16 (a scalar tail); 1280x720: several 2^16-pixel
  // blocks; extreme differences (0 vs 255) stress the 32-bit partial sums.
  for (auto [w, h] : {std::pair{66, 34}, std::pair{1280, 720}}) {
    I420Frame a = I420Frame::Black(w, h);
    I420Frame b = a;
    for (auto& s : a.y) s = static_cast<uint8_t>(rng());
    for (auto& s : b.y) s = static_cast<uint8_t>(rng());
    CHECK(PsnrY(a, b) == PsnrFromMse(ReferenceMse(a.y, b.y)));
    std::fill(a.y.begin(), a.y.end(), 0);
    std::fill(b.y.begin(), b.y.end(), 255);
    CHECK(PsnrY(a, b) == PsnrFromMse(255.0 * 255.0));
    b.y.back() = 0;  // one pixel equal: the tail / last block is counted
    CHECK(PsnrY(a, b) == PsnrFromMse(ReferenceMse(a.y, b.y)));
    // A padded view (rows 32 bytes apart more than the width) gives the same PSNR.
    for (auto& s : a.y) s = static_cast<uint8_t>(rng());
    const int stride = w + 32;
    std::vector<uint8_t> padded(static_cast<size_t>(stride) * h, 7);
    for (int r = 0; r < h; ++r) {
      std::copy(a.y.begin() + static_cast<std::ptrdiff_t>(r) * w, a.y.begin() + static_cast<std::ptrdiff_t>(r + 1) * w,
                padded.begin() + static_cast<std::ptrdiff_t>(r) * stride);
    }
    const I420View view{w, h, padded.data(), a.u.data(), a.v.data(), stride, w / 2};
    CHECK(PsnrY(view, b) == PsnrY(a, b));
    CHECK(PsnrY(I420View::Of(a), b) == PsnrY(a, b));
  }
  // Views that cannot be compared: 0 dB, like frames.
  const I420Frame small = I420Frame::Black(64, 32);
  CHECK(PsnrY(I420View{}, small) == 0.0);
  CHECK(PsnrY(I420View::Of(I420Frame::Black(64, 34)), small) == 0.0);
}
