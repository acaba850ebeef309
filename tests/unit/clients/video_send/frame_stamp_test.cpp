#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>

#include "sfusim/clients/video/frame_stamp.h"
#include "sfusim/clients/video/i420_frame.h"

using namespace sfusim::clients;

TEST_CASE("stamp: cell size is macroblock-aligned and scales with the picture", "[video_send][stamp]") {
  CHECK(FrameStamp::CellSize(320, 180) == 16);
  CHECK(FrameStamp::CellSize(640, 360) == 16);
  CHECK(FrameStamp::CellSize(1280, 720) == 32);
  CHECK(FrameStamp::CellSize(1920, 1080) == 48);
  CHECK(FrameStamp::CellSize(3840, 2160) == 96);
  CHECK(FrameStamp::CellSize(160, 64) == 16);
  CHECK(FrameStamp::CellSize(158, 64) == 0);
  CHECK(FrameStamp::CellSize(160, 62) == 0);
  for (int w : {320, 640, 1280, 1920, 2560, 3840}) CHECK(FrameStamp::CellSize(w, w * 9 / 16) % 16 == 0);
}

TEST_CASE("stamp: write then read round-trips", "[video_send][stamp]") {
  for (uint32_t n : {0u, 1u, 2u, 3u, 255u, 256u, 65535u, 1u << 24, 0xDEADBEEFu, 0xFFFFFFFFu}) {
    I420Frame f = I420Frame::Black(320, 180);
    FrameStamp::Write(n, &f);
    CHECK(FrameStamp::Read(f) == std::optional<uint32_t>(n));
  }
}

TEST_CASE("stamp: consecutive numbers differ in few cells (Gray code)", "[video_send][stamp]") {
  I420Frame a = I420Frame::Black(320, 180), b = a;
  for (uint32_t n = 1000; n < 1100; ++n) {
    FrameStamp::Write(n, &a);
    FrameStamp::Write(n + 1, &b);
    int cells = 0;
    for (int i = 0; i < FrameStamp::kStampColumns * FrameStamp::kStampRows; ++i) {
      const int x = (i % FrameStamp::kStampColumns) * 16 + 8, y = (i / FrameStamp::kStampColumns) * 16 + 8;
      cells += a.y[static_cast<size_t>(y * 320 + x)] != b.y[static_cast<size_t>(y * 320 + x)] ? 1 : 0;
    }
    CHECK(cells >= 1);
    CHECK(cells <= 1 + FrameStamp::kChecksumBits);
  }
}

TEST_CASE("stamp: survives moderate noise and blur at the cell edges", "[video_send][stamp]") {
  I420Frame f = I420Frame::Black(640, 360);
  FrameStamp::Write(424242, &f);
  // Deterministic +-40 noise everywhere and mid-grey edges (what coarse coding does).
  uint32_t x = 1;
  for (auto& s : f.y) {
    x = x * 1103515245u + 12345u;
    const int noise = static_cast<int>((x >> 16) % 81) - 40;
    s = static_cast<uint8_t>(std::clamp(static_cast<int>(s) + noise, 0, 255));
  }
  for (int yy = 0; yy < 64; ++yy) {
    for (int xx = 0; xx < 160; ++xx) {
      if (xx % 16 < 2 || yy % 16 < 2) f.y[static_cast<size_t>(yy * 640 + xx)] = 128;
    }
  }
  CHECK(FrameStamp::Read(f) == std::optional<uint32_t>(424242));
}

TEST_CASE("stamp: a flipped cell or grey cell is rejected, not misread", "[video_send][stamp]") {
  I420Frame f = I420Frame::Black(320, 180);
  FrameStamp::Write(777, &f);
  // Flip cell 5 (a data cell): the CRC must catch it.
  I420Frame flipped = f;
  for (int yy = 0; yy < 16; ++yy) {
    for (int xx = 80; xx < 96; ++xx) {
      auto& s = flipped.y[static_cast<size_t>(yy * 320 + xx)];
      s = s == FrameStamp::kWhite ? FrameStamp::kBlack : FrameStamp::kWhite;
    }
  }
  CHECK_FALSE(FrameStamp::Read(flipped).has_value());
  // Every single-cell flip is detected.
  for (int cell = 0; cell < 40; ++cell) {
    I420Frame g = f;
    const int cx = (cell % 10) * 16, cy = (cell / 10) * 16;
    for (int yy = cy; yy < cy + 16; ++yy) {
      for (int xx = cx; xx < cx + 16; ++xx) {
        auto& s = g.y[static_cast<size_t>(yy * 320 + xx)];
        s = s == FrameStamp::kWhite ? FrameStamp::kBlack : FrameStamp::kWhite;
      }
    }
    CHECK_FALSE(FrameStamp::Read(g).has_value());
  }
  // An ambiguous (mid-grey) cell makes the stamp unreadable.
  I420Frame grey = f;
  for (int yy = 16; yy < 32; ++yy) {
    for (int xx = 0; xx < 16; ++xx) grey.y[static_cast<size_t>(yy * 320 + xx)] = FrameStamp::kThreshold + 3;
  }
  CHECK_FALSE(FrameStamp::Read(grey).has_value());
  // A plain picture has no stamp.
  CHECK_FALSE(FrameStamp::Read(I420Frame::Black(320, 180)).has_value());
  I420Frame white = I420Frame::Black(320, 180);
  std::fill(white.y.begin(), white.y.end(), FrameStamp::kWhite);
  CHECK_FALSE(FrameStamp::Read(white).has_value());
  // Frame 0 (Gray code 0: all data cells black) still reads back.
  I420Frame zero = I420Frame::Black(320, 180);
  FrameStamp::Write(0, &zero);
  CHECK(FrameStamp::Read(zero) == std::optional<uint32_t>(0));
}

TEST_CASE("stamp: too small or broken frames", "[video_send][stamp]") {
  I420Frame small = I420Frame::Black(64, 32);
  const I420Frame before = small;
  FrameStamp::Write(5, &small);
  CHECK(small == before);
  CHECK_FALSE(FrameStamp::Read(small).has_value());
  FrameStamp::Write(5, nullptr);
  I420Frame broken = I420Frame::Black(320, 180);
  broken.y.resize(10);
  FrameStamp::Write(5, &broken);
  CHECK(broken.y.size() == 10u);
  CHECK_FALSE(FrameStamp::Read(broken).has_value());
  CHECK_FALSE(FrameStamp::Read(I420Frame{}).has_value());
}
