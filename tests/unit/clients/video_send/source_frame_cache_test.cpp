#include <catch2/catch.hpp>

#include "sfusim/clients/video/source_frame_cache.h"
#include "sfusim/clients/video/synthetic_video_source.h"

using namespace sfusim::clients;

namespace {
I420Frame Rendered(const SyntheticVideoSource& s, uint32_t n, int w, int h) {
  I420Frame f;
  s.Render(n, w, h, &f);
  return f;
}
}  // namespace

TEST_CASE("source frame cache: returns exactly the rendered picture, rendering once", "[video_send][cache]") {
  SourceFrameCache cache;
  const SyntheticVideoSource camera(VideoContent::kCamera, 7);
  const SyntheticVideoSource screen(VideoContent::kScreen, 7);
  const SyntheticVideoSource other_seed(VideoContent::kCamera, 8);
  CHECK(cache.Get(camera, 5, 320, 180) == Rendered(camera, 5, 320, 180));
  CHECK(cache.misses() == 1);
  CHECK(cache.Get(camera, 5, 320, 180) == Rendered(camera, 5, 320, 180));
  CHECK(cache.hits() == 1);
  // Every part of the key tells pictures apart: frame number, size, content, seed.
  CHECK(cache.Get(camera, 6, 320, 180) == Rendered(camera, 6, 320, 180));
  CHECK(cache.Get(camera, 5, 640, 360) == Rendered(camera, 5, 640, 360));
  CHECK(cache.Get(screen, 5, 320, 180) == Rendered(screen, 5, 320, 180));
  CHECK(cache.Get(other_seed, 5, 320, 180) == Rendered(other_seed, 5, 320, 180));
  CHECK(cache.misses() == 5);
  CHECK(cache.hits() == 1);
  CHECK(cache.size() == 5);
  // An invalid size is what Render gives too: an empty frame.
  CHECK(cache.Get(camera, 1, 3, 3) == Rendered(camera, 1, 3, 3));
}

TEST_CASE("source frame cache: bounded in entries, evicts the least recently used", "[video_send][cache]") {
  SourceFrameCache cache(3);
  const SyntheticVideoSource s(VideoContent::kCamera, 1);
  for (uint32_t n = 0; n < 3; ++n) (void)cache.Get(s, n, 64, 36);
  (void)cache.Get(s, 0, 64, 36);  // 0 used last: 1 is now the oldest
  CHECK(cache.hits() == 1);
  (void)cache.Get(s, 3, 64, 36);  // evicts 1
  CHECK(cache.size() == 3);
  (void)cache.Get(s, 0, 64, 36);
  (void)cache.Get(s, 2, 64, 36);
  CHECK(cache.hits() == 3);
  CHECK(cache.Get(s, 1, 64, 36) == Rendered(s, 1, 64, 36));  // a miss, rendered again
  CHECK(cache.misses() == 5);
  for (uint32_t n = 10; n < 100; ++n) {
    CHECK(cache.Get(s, n, 64, 36) == Rendered(s, n, 64, 36));
    CHECK(cache.size() <= 3);
  }
}

TEST_CASE("source frame cache: bounded in bytes", "[video_send][cache]") {
  const size_t frame_bytes = 320 * 180 * 3 / 2;
  SourceFrameCache cache(16, 2 * frame_bytes + 100);
  const SyntheticVideoSource s(VideoContent::kScreen, 2);
  for (uint32_t n = 0; n < 10; ++n) {
    CHECK(cache.Get(s, n, 320, 180) == Rendered(s, n, 320, 180));
    CHECK(cache.bytes() <= 2 * frame_bytes + 100);
  }
  CHECK(cache.size() == 2);
  // A bigger picture pushes out as many small ones as it needs; one alone may exceed the budget.
  CHECK(cache.Get(s, 0, 640, 360) == Rendered(s, 0, 640, 360));
  CHECK(cache.size() == 1);
  CHECK(cache.Get(s, 1, 320, 180) == Rendered(s, 1, 320, 180));
  CHECK(cache.size() == 1);
}

TEST_CASE("source frame cache: one per thread, persistent", "[video_send][cache]") {
  SourceFrameCache& a = SourceFrameCache::ForThisThread();
  SourceFrameCache& b = SourceFrameCache::ForThisThread();
  CHECK(&a == &b);
  const SyntheticVideoSource s(VideoContent::kCamera, 99);
  const uint64_t hits = a.hits();
  (void)a.Get(s, 1234, 64, 36);
  (void)b.Get(s, 1234, 64, 36);
  CHECK(a.hits() == hits + 1);
}
