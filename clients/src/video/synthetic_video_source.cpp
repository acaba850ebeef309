#include "sfusim/clients/video/synthetic_video_source.h"

#include <algorithm>
#include <array>
#include <vector>

#include "sfusim/clients/video/frame_stamp.h"

namespace sfusim::clients {
namespace {

// Scene tunables (fractions of the picture, so every resolution shows the same scene).
constexpr int kPhaseUnits = 1024;            // one gradient period in normalised units
constexpr int kGradientAmplitude = 109;      // two gradients: 16 + 2 * 109 <= 235
constexpr int kChromaAmplitude = 40;
constexpr int kBoxWidthDivisor = 5;          // the moving box is w/5 x h/4
constexpr int kBoxHeightDivisor = 4;
constexpr int kBoxCheckDivisor = 40;         // checker cells of w/40 pixels
constexpr uint8_t kBoxDark = 50, kBoxLight = 200;
constexpr uint8_t kBoxU = 90, kBoxV = 170;

constexpr uint8_t kScreenBackground = 230;
constexpr uint8_t kScreenInk = 40;
constexpr uint8_t kScreenTitle = 70;
constexpr uint8_t kTitleU = 160, kTitleV = 110;
constexpr uint8_t kBarFill = 90, kBarEmpty = 200;
constexpr uint8_t kBarU = 170, kBarV = 100;
constexpr int kTextLinesPerPicture = 24;     // line pitch h/24
constexpr int kGlyphsPerLine = 120;          // glyph cell w/120
constexpr int kGlyphColumns = 3, kGlyphRows = 5;
constexpr uint32_t kScreenPageFrames = 600;  // a new slide/page every 20 s at 30 fps
constexpr uint32_t kFramesPerTypedGlyph = 3;
constexpr uint32_t kTypingCycleFrames = 540;
constexpr uint32_t kProgressCycleFrames = 300;
constexpr uint32_t kCursorBlinkFrames = 15;

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Hash(uint64_t seed, uint64_t a, uint64_t b) { return SplitMix(SplitMix(seed ^ SplitMix(a)) + b); }

// Triangle wave over a kPhaseUnits period: 0 .. amplitude .. 0.
int Tri(uint32_t phase, int amplitude) {
  const int p = static_cast<int>(phase % kPhaseUnits);
  const int half = kPhaseUnits / 2;
  return (p < half ? p : kPhaseUnits - 1 - p) * amplitude / (half - 1);
}

// A bouncing position in [0, range] advancing `step` units per frame.
int Bounce(uint64_t t, int range) {
  if (range <= 0) return 0;
  const uint64_t period = 2 * static_cast<uint64_t>(range);
  const uint64_t p = t % period;
  return static_cast<int>(p <= static_cast<uint64_t>(range) ? p : period - p);
}

uint8_t Clamp8(int v) { return static_cast<uint8_t>(std::clamp(v, 0, 255)); }

}  // namespace

SyntheticVideoSource::SyntheticVideoSource(VideoContent content, uint64_t seed) : content_(content), seed_(seed) {
  const uint64_t h = SplitMix(seed);
  phase_x_ = static_cast<uint32_t>(h & 1023U);
  phase_y_ = static_cast<uint32_t>((h >> 10) & 1023U);
  speed_x_ = 2 + static_cast<int>((h >> 20) % 4U);
  speed_y_ = 1 + static_cast<int>((h >> 24) % 3U);
  box_phase_ = static_cast<uint32_t>((h >> 28) & 0xFFFFU);
  base_u_ = static_cast<uint8_t>(100 + (h >> 44) % 56U);
  base_v_ = static_cast<uint8_t>(100 + (h >> 52) % 56U);
}

void SyntheticVideoSource::Render(uint32_t frame_number, int width, int height, I420Frame* out) const {
  if (out == nullptr) return;
  if (!I420Frame::IsValidSize(width, height)) {
    out->Resize(0, 0);
    return;
  }
  out->Resize(width, height);
  if (content_ == VideoContent::kCamera) {
    RenderCamera(frame_number, out);
  } else {
    RenderScreen(frame_number, out);
  }
  FrameStamp::Write(frame_number, out);
}

void SyntheticVideoSource::RenderCamera(uint32_t n, I420Frame* out) const {
  const int w = out->width, h = out->height;
  const int cw = w / 2, ch = h / 2;
  const uint64_t t = n;
  // Separable gradients: per-column and per-row tables, one add per pixel.
  std::vector<uint8_t> col(static_cast<size_t>(w)), row(static_cast<size_t>(h));
  for (int x = 0; x < w; ++x) {
    const uint32_t p = static_cast<uint32_t>(x * kPhaseUnits / w) + phase_x_ + static_cast<uint32_t>(t * speed_x_);
    col[static_cast<size_t>(x)] = static_cast<uint8_t>(Tri(p, kGradientAmplitude));
  }
  for (int y = 0; y < h; ++y) {
    const uint32_t p = static_cast<uint32_t>(y * kPhaseUnits / h) + phase_y_ + static_cast<uint32_t>(t * speed_y_);
    row[static_cast<size_t>(y)] = static_cast<uint8_t>(Tri(p, kGradientAmplitude));
  }
  for (int y = 0; y < h; ++y) {
    uint8_t* dst = out->y.data() + static_cast<size_t>(y) * static_cast<size_t>(w);
    const int base = I420Frame::kBlackY + row[static_cast<size_t>(y)];
    for (int x = 0; x < w; ++x) dst[x] = static_cast<uint8_t>(base + col[static_cast<size_t>(x)]);
  }
  // Chroma: slow drifting tints.
  std::vector<int8_t> ucol(static_cast<size_t>(cw)), vrow(static_cast<size_t>(ch));
  for (int x = 0; x < cw; ++x) {
    const uint32_t p = static_cast<uint32_t>(x * kPhaseUnits / cw) + phase_y_ + static_cast<uint32_t>(t);
    ucol[static_cast<size_t>(x)] = static_cast<int8_t>(Tri(p, kChromaAmplitude) - kChromaAmplitude / 2);
  }
  for (int y = 0; y < ch; ++y) {
    const uint32_t p = static_cast<uint32_t>(y * kPhaseUnits / ch) + phase_x_ + static_cast<uint32_t>(2 * t);
    vrow[static_cast<size_t>(y)] = static_cast<int8_t>(Tri(p, kChromaAmplitude) - kChromaAmplitude / 2);
  }
  for (int y = 0; y < ch; ++y) {
    uint8_t* du = out->u.data() + static_cast<size_t>(y) * static_cast<size_t>(cw);
    uint8_t* dv = out->v.data() + static_cast<size_t>(y) * static_cast<size_t>(cw);
    const uint8_t vv = Clamp8(base_v_ + vrow[static_cast<size_t>(y)]);
    for (int x = 0; x < cw; ++x) {
      du[x] = Clamp8(base_u_ + ucol[static_cast<size_t>(x)]);
      dv[x] = vv;
    }
  }
  // The moving box: a checkerboard on a bouncing path (even coordinates for chroma).
  const int bw = (w / kBoxWidthDivisor) & ~1, bh = (h / kBoxHeightDivisor) & ~1;
  const int bx = Bounce(t * static_cast<uint64_t>(std::max(1, w / 160)) + box_phase_, w - bw) & ~1;
  const int by = Bounce(t * static_cast<uint64_t>(std::max(1, h / 120)) + box_phase_ / 2, h - bh) & ~1;
  const int check = std::max(2, w / kBoxCheckDivisor);
  std::vector<uint8_t> parity(static_cast<size_t>(bw));
  for (int x = 0; x < bw; ++x) parity[static_cast<size_t>(x)] = static_cast<uint8_t>((x / check) & 1);
  for (int y = 0; y < bh; ++y) {
    uint8_t* dst = out->y.data() + static_cast<size_t>(by + y) * static_cast<size_t>(w) + static_cast<size_t>(bx);
    const uint8_t rp = static_cast<uint8_t>((y / check) & 1);
    for (int x = 0; x < bw; ++x) dst[x] = (parity[static_cast<size_t>(x)] ^ rp) != 0 ? kBoxLight : kBoxDark;
  }
  for (int y = by / 2; y < (by + bh) / 2; ++y) {
    const size_t off = static_cast<size_t>(y) * static_cast<size_t>(cw) + static_cast<size_t>(bx / 2);
    std::fill(out->u.begin() + static_cast<std::ptrdiff_t>(off),
              out->u.begin() + static_cast<std::ptrdiff_t>(off + static_cast<size_t>(bw / 2)), kBoxU);
    std::fill(out->v.begin() + static_cast<std::ptrdiff_t>(off),
              out->v.begin() + static_cast<std::ptrdiff_t>(off + static_cast<size_t>(bw / 2)), kBoxV);
  }
}

void SyntheticVideoSource::RenderScreen(uint32_t n, I420Frame* out) const {
  const int w = out->width, h = out->height;
  const int cw = w / 2;
  const uint64_t page = n / kScreenPageFrames;
  const uint32_t in_page = n % kScreenPageFrames;
  std::fill(out->y.begin(), out->y.end(), kScreenBackground);
  std::fill(out->u.begin(), out->u.end(), I420Frame::kNeutralChroma);
  std::fill(out->v.begin(), out->v.end(), I420Frame::kNeutralChroma);

  auto fill_rect = [&](int x0, int y0, int x1, int y1, uint8_t yv, uint8_t uv, uint8_t vv) {
    x0 = std::clamp(x0, 0, w) & ~1;
    x1 = std::clamp(x1, 0, w) & ~1;
    y0 = std::clamp(y0, 0, h) & ~1;
    y1 = std::clamp(y1, 0, h) & ~1;
    if (x1 <= x0 || y1 <= y0) return;
    for (int y = y0; y < y1; ++y) {
      uint8_t* d = out->y.data() + static_cast<size_t>(y) * static_cast<size_t>(w);
      std::fill(d + x0, d + x1, yv);
    }
    for (int y = y0 / 2; y < y1 / 2; ++y) {
      uint8_t* du = out->u.data() + static_cast<size_t>(y) * static_cast<size_t>(cw);
      uint8_t* dv = out->v.data() + static_cast<size_t>(y) * static_cast<size_t>(cw);
      std::fill(du + x0 / 2, du + x1 / 2, uv);
      std::fill(dv + x0 / 2, dv + x1 / 2, vv);
    }
  };

  // Title bar.
  fill_rect(0, 0, w, h / 12, kScreenTitle, kTitleU, kTitleV);

  // Text: glyph cells of w/120 x (pitch * 5/8), a 3x5 bitmap per glyph from the seed/page hash.
  const int pitch = std::max(kGlyphRows + 1, h / kTextLinesPerPicture);
  const int glyph_w = std::max(kGlyphColumns + 1, w / kGlyphsPerLine);
  const int glyph_h = std::max(kGlyphRows, pitch * 5 / 8);
  const int margin_x = w / 16;
  const int glyphs_per_line = std::max(1, (w - 2 * margin_x) / glyph_w);
  // Per-x lookup: glyph index and bitmap column (-1 = spacing).
  std::vector<int16_t> glyph_of_x(static_cast<size_t>(w), -1);
  std::vector<int8_t> col_of_x(static_cast<size_t>(w), -1);
  for (int x = margin_x; x < margin_x + glyphs_per_line * glyph_w && x < w; ++x) {
    const int rel = x - margin_x;
    const int c = (rel % glyph_w) * (kGlyphColumns + 1) / glyph_w;
    glyph_of_x[static_cast<size_t>(x)] = static_cast<int16_t>(rel / glyph_w);
    col_of_x[static_cast<size_t>(x)] = static_cast<int8_t>(c < kGlyphColumns ? c : -1);
  }
  const int text_top = h / 8;
  const int typing_top = h * 3 / 4 - pitch;  // the last lines are being typed
  const int text_bottom = h * 7 / 8;
  const uint32_t typed_glyphs = (in_page % kTypingCycleFrames) / kFramesPerTypedGlyph;
  std::vector<uint16_t> bitmaps(static_cast<size_t>(glyphs_per_line));
  std::vector<uint8_t> text_row(static_cast<size_t>(w), kScreenBackground);
  int line = 0;
  for (int ly = text_top; ly + glyph_h <= text_bottom; ly += pitch, ++line) {
    const bool typing = ly >= typing_top;
    const uint64_t lh = Hash(seed_, page, static_cast<uint64_t>(line));
    const int length = glyphs_per_line / 3 + static_cast<int>(lh % static_cast<uint64_t>(glyphs_per_line * 2 / 3 + 1));
    int visible = length;
    if (typing) {
      const int line_index = (ly - typing_top) / pitch;
      const int before = line_index * glyphs_per_line;
      visible = std::clamp(static_cast<int>(typed_glyphs) - before, 0, length);
    }
    for (int g = 0; g < glyphs_per_line; ++g) {
      const uint64_t gh = Hash(lh, static_cast<uint64_t>(g), page);
      const bool space = (gh % 6U) == 0;
      bitmaps[static_cast<size_t>(g)] = (g < visible && !space) ? static_cast<uint16_t>((gh >> 8) & 0x7FFFU) : 0;
    }
    // Build each of the kGlyphRows pixel rows once, then copy it to the picture rows it covers.
    int prev_r = -1;
    for (int y = ly; y < ly + glyph_h; ++y) {
      const int r = (y - ly) * kGlyphRows / glyph_h;
      if (r != prev_r) {
        prev_r = r;
        std::fill(text_row.begin(), text_row.end(), kScreenBackground);
        for (int x = margin_x; x < w - margin_x; ++x) {
          const int c = col_of_x[static_cast<size_t>(x)];
          if (c < 0) continue;
          const uint16_t bm = bitmaps[static_cast<size_t>(glyph_of_x[static_cast<size_t>(x)])];
          if (((bm >> (r * kGlyphColumns + c)) & 1U) != 0) text_row[static_cast<size_t>(x)] = kScreenInk;
        }
      }
      uint8_t* d = out->y.data() + static_cast<size_t>(y) * static_cast<size_t>(w);
      std::copy(text_row.begin() + margin_x, text_row.end() - margin_x, d + margin_x);
    }
    // Blinking cursor after the last typed glyph.
    if (typing && visible < length && visible > 0 && ((in_page / kCursorBlinkFrames) & 1U) == 0) {
      const int x0 = margin_x + visible * glyph_w;
      fill_rect(x0, ly, x0 + std::max(2, glyph_w / 3), ly + glyph_h, kScreenInk, I420Frame::kNeutralChroma,
                I420Frame::kNeutralChroma);
    }
  }

  // Progress bar: the animated region.
  const int bar_x0 = margin_x, bar_x1 = w - margin_x;
  const int bar_y0 = h * 29 / 32, bar_y1 = std::max(bar_y0 + 2, h * 30 / 32);
  const int filled = (bar_x1 - bar_x0) * static_cast<int>(n % kProgressCycleFrames) / static_cast<int>(kProgressCycleFrames);
  fill_rect(bar_x0, bar_y0, bar_x1, bar_y1, kBarEmpty, I420Frame::kNeutralChroma, I420Frame::kNeutralChroma);
  fill_rect(bar_x0, bar_y0, bar_x0 + filled, bar_y1, kBarFill, kBarU, kBarV);
}

}  // namespace sfusim::clients
