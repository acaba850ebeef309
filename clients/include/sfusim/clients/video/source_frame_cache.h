// SourceFrameCache: a small bounded cache of rendered SyntheticVideoSource pictures, so a source
// frame is rendered once even when its sender and several receivers (each regenerating it as the
// PSNR reference) need the same (content, seed, frame number, size) within a short time.
//
// Contract:
// - Get(source, n, w, h) returns exactly what source.Render(n, w, h, &frame) would produce (the
//   render is a pure function of the key (content, seed, n, w, h), so a cached copy is the same
//   picture). The reference stays valid until the next Get() on the same cache.
// - Bounded: at most kSourceFrameCacheEntries pictures and kSourceFrameCacheMaxBytes of planes;
//   the least recently used picture is evicted first (its buffers are reused for the next
//   render). A miss renders into the evicted slot; nothing is copied on a hit.
// - ForThisThread() is one cache per thread (the simulation is single-threaded; each thread of a
//   test runner or a real-network loop gets its own), so callers need no plumbing and no lock.
//   Only timing depends on it: no output does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sfusim/clients/video/i420_frame.h"
#include "sfusim/clients/video/synthetic_video_source.h"

namespace sfusim::clients {

// Three sources (two cameras and a screen) x a few frames in flight each (a receiver decodes a
// frame one RTT or a NACK round after the sender rendered it) fit well within 16.
inline constexpr size_t kSourceFrameCacheEntries = 16;
// Keeps 4K pictures (12.4 MB each) from growing the cache beyond a few of them.
inline constexpr size_t kSourceFrameCacheMaxBytes = 48u << 20;

class SourceFrameCache {
 public:
  explicit SourceFrameCache(size_t max_entries = kSourceFrameCacheEntries,
                            size_t max_bytes = kSourceFrameCacheMaxBytes);

  const I420Frame& Get(const SyntheticVideoSource& source, uint32_t frame_number, int width, int height);

  static SourceFrameCache& ForThisThread();

  size_t size() const { return entries_.size(); }
  size_t bytes() const;
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  struct Entry {
    VideoContent content = VideoContent::kCamera;
    uint64_t seed = 0;
    uint32_t frame_number = 0;
    int width = 0, height = 0;
    uint64_t last_use = 0;
    I420Frame frame;
  };
  size_t max_entries_;
  size_t max_bytes_;
  std::vector<Entry> entries_;
  uint64_t tick_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace sfusim::clients
