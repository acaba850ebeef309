#include <catch2/catch.hpp>

#include <cstdint>

#include "sfusim/clients/video/frame_stamp.h"
#include "sfusim/clients/video/i420_frame.h"
#include "sfusim/clients/video/synthetic_video_source.h"
#include "sfusim/protocol/limits.h"

using namespace sfusim::clients;

namespace {

// Fraction of luma samples that differ between two same-sized frames.
double ChangedFraction(const I420Frame& a, const I420Frame& b) {
  size_t changed = 0;
  for (size_t i = 0; i < a.y.size(); ++i) changed += a.y[i] != b.y[i] ? 1 : 0;
  return static_cast<double>(changed) / static_cast<double>(a.y.size());
}

struct Size {
  int w, h;
};
constexpr Size kSizes[] = {{320, 180}, {640, 360}, {1280, 720}, {1920, 1080}, {2560, 1440}, {3840, 2160}};

}  // namespace

TEST_CASE("source: same inputs give identical pictures, separate instances too", "[video_send][source]") {
  for (VideoContent content : {VideoContent::kCamera, VideoContent::kScreen}) {
    const SyntheticVideoSource s1(content, 42), s2(content, 42);
    I420Frame a, b, c;
    s1.Render(17, 640, 360, &a);
    s1.Render(99, 640, 360, &c);  // rendering another frame in between changes nothing
    s2.Render(17, 640, 360, &b);
    REQUIRE(a.consistent());
    CHECK(a.width == 640);
    CHECK(a.height == 360);
    CHECK(a == b);
    s1.Render(17, 640, 360, &c);
    CHECK(a == c);
  }
}

TEST_CASE("source: different frame numbers, seeds and content differ", "[video_send][source]") {
  I420Frame a, b;
  const SyntheticVideoSource camera(VideoContent::kCamera, 7);
  for (uint32_t n = 0; n < 60; ++n) {
    camera.Render(n, 320, 180, &a);
    camera.Render(n + 1, 320, 180, &b);
    CHECK(a.y != b.y);
  }
  const SyntheticVideoSource screen(VideoContent::kScreen, 7);
  for (uint32_t n = 0; n < 60; ++n) {
    screen.Render(n, 320, 180, &a);
    screen.Render(n + 1, 320, 180, &b);
    CHECK(a.y != b.y);
  }
  const SyntheticVideoSource other(VideoContent::kCamera, 8);
  camera.Render(5, 320, 180, &a);
  other.Render(5, 320, 180, &b);
  CHECK(a.y != b.y);
  screen.Render(5, 320, 180, &b);
  CHECK(a.y != b.y);
}

TEST_CASE("source: camera moves everywhere, screen is mostly static", "[video_send][source]") {
  I420Frame a, b;
  const SyntheticVideoSource camera(VideoContent::kCamera, 3);
  camera.Render(100, 640, 360, &a);
  camera.Render(101, 640, 360, &b);
  CHECK(ChangedFraction(a, b) > 0.3);
  const SyntheticVideoSource screen(VideoContent::kScreen, 3);
  screen.Render(100, 640, 360, &a);
  screen.Render(101, 640, 360, &b);
  const double f = ChangedFraction(a, b);
  CHECK(f > 0.0);
  CHECK(f < 0.05);
  // Screen: text is present (dark ink on the light page) and a new page eventually comes.
  size_t dark = 0;
  for (auto s : a.y) dark += s < 100 ? 1 : 0;
  CHECK(dark > a.y.size() / 50);
  screen.Render(100 + 600, 640, 360, &b);
  CHECK(ChangedFraction(a, b) > 0.05);
}

TEST_CASE("source: chroma is not flat (colours), planes have I420 sizes", "[video_send][source]") {
  I420Frame a;
  SyntheticVideoSource(VideoContent::kCamera, 11).Render(3, 640, 360, &a);
  REQUIRE(a.u.size() == 320u * 180u);
  bool varied = false;
  for (auto s : a.u) varied = varied || s != a.u[0];
  CHECK(varied);
}

TEST_CASE("source: every frame is stamped with its number, at every tier size", "[video_send][source][stamp]") {
  for (VideoContent content : {VideoContent::kCamera, VideoContent::kScreen}) {
    const SyntheticVideoSource source(content, 1234);
    I420Frame f;
    for (const Size s : kSizes) {
      for (uint32_t n : {0u, 1u, 2u, 1000u, 123456u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
        if (s.w > 1280 && n % 2 == 0 && n != 0) continue;  // fewer big (slow in Debug) renders
        source.Render(n, s.w, s.h, &f);
        INFO(s.w << "x" << s.h << " n=" << n);
        const auto read = FrameStamp::Read(f);
        REQUIRE(read.has_value());
        CHECK(*read == n);
      }
    }
  }
  // The protocol tiers are among the sizes above.
  for (const auto& tier : sfusim::protocol::kResolutionTiers) {
    I420Frame f;
    SyntheticVideoSource(VideoContent::kScreen, 1).Render(77, tier.width, tier.height, &f);
    CHECK(FrameStamp::Read(f) == std::optional<uint32_t>(77));
  }
}

TEST_CASE("source: invalid sizes give an empty frame", "[video_send][source]") {
  const SyntheticVideoSource source(VideoContent::kCamera, 1);
  I420Frame f = I420Frame::Black(64, 64);
  source.Render(1, 641, 360, &f);
  CHECK(f.width == 0);
  CHECK(f.y.empty());
  source.Render(1, 0, 0, &f);
  CHECK(f.y.empty());
  source.Render(1, 8000, 360, &f);
  CHECK(f.y.empty());
  source.Render(1, 640, 360, nullptr);  // no crash
  // Small but valid: renders, no stamp room.
  source.Render(1, 32, 32, &f);
  CHECK(f.consistent());
  CHECK(f.width == 32);
  CHECK_FALSE(FrameStamp::Read(f).has_value());
}
