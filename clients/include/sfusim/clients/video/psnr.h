// PSNR of decoded pictures against their source (8-bit, peak 255).
//
// Contract: PsnrY is luma-only; PsnrI420 combines the three planes' MSEs weighted 6:1:1 (Y:U:V,
// the usual codec-test weighting) before converting to dB. Identical planes (MSE 0) give
// kPsnrMaxDb (99 dB), and no result exceeds it. Frames whose sizes differ, or that are empty or
// inconsistent, cannot be compared: the result is 0 dB (the worst, never NaN).
#pragma once

#include "sfusim/clients/video/i420_frame.h"

namespace sfusim::clients {

double PsnrY(const I420Frame& a, const I420Frame& b);
// The same with `a` a (possibly padded) view, e.g. the decoder's output buffer: no copy needed.
double PsnrY(const I420View& a, const I420Frame& b);
double PsnrI420(const I420Frame& a, const I420Frame& b);
// MSE -> dB with the cap (exposed for tests and for averaging MSEs first).
double PsnrFromMse(double mse);

}  // namespace sfusim::clients
