#include "sfusim/clients/video/source_frame_cache.h"

#include <algorithm>

namespace sfusim::clients {
namespace {

size_t FrameBytes(const I420Frame& f) { return f.y.size() + f.u.size() + f.v.size(); }

size_t FrameBytes(int w, int h) {
  if (!I420Frame::IsValidSize(w, h)) return 0;
  return static_cast<size_t>(w) * static_cast<size_t>(h) * 3 / 2;
}

}  // namespace

SourceFrameCache::SourceFrameCache(size_t max_entries, size_t max_bytes)
    : max_entries_(std::max<size_t>(1, max_entries)), max_bytes_(max_bytes) {
  entries_.reserve(max_entries_);
}

SourceFrameCache& SourceFrameCache::ForThisThread() {
  thread_local SourceFrameCache cache;
  return cache;
}

size_t SourceFrameCache::bytes() const {
  size_t sum = 0;
  for (const Entry& e : entries_) sum += FrameBytes(e.frame);
  return sum;
}

const I420Frame& SourceFrameCache::Get(const SyntheticVideoSource& source, uint32_t frame_number, int width,
                                       int height) {
  ++tick_;
  for (Entry& e : entries_) {
    if (e.frame_number == frame_number && e.width == width && e.height == height && e.seed == source.seed() &&
        e.content == source.content()) {
      e.last_use = tick_;
      ++hits_;
      return e.frame;
    }
  }
  ++misses_;
  // Make room: evict least recently used pictures until the new one fits both bounds.
  const size_t incoming = FrameBytes(width, height);
  auto lru = [&] {
    return std::min_element(entries_.begin(), entries_.end(),
                            [](const Entry& a, const Entry& b) { return a.last_use < b.last_use; });
  };
  Entry* slot = nullptr;
  if (entries_.size() >= max_entries_) slot = &*lru();
  while (!entries_.empty()) {
    size_t total = bytes() + incoming - (slot != nullptr ? FrameBytes(slot->frame) : 0);
    if (total <= max_bytes_) break;
    if (slot == nullptr) {
      slot = &*lru();
      continue;
    }
    // Still too big with the slot reused: drop another picture (never the slot itself).
    auto victim = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (&*it != slot && (victim == entries_.end() || it->last_use < victim->last_use)) victim = it;
    }
    if (victim == entries_.end()) break;  // the slot alone: it is reused, nothing else to drop
    const ptrdiff_t slot_index = slot - entries_.data();
    const ptrdiff_t victim_index = victim - entries_.begin();
    entries_.erase(victim);
    slot = entries_.data() + (slot_index > victim_index ? slot_index - 1 : slot_index);
  }
  if (slot == nullptr) slot = &entries_.emplace_back();
  slot->content = source.content();
  slot->seed = source.seed();
  slot->frame_number = frame_number;
  slot->width = width;
  slot->height = height;
  slot->last_use = tick_;
  source.Render(frame_number, width, height, &slot->frame);
  return slot->frame;
}

}  // namespace sfusim::clients
