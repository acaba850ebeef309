#include "sfusim/sim/scheduler.h"

#include <bit>
#include <cstdio>
#include <cstdlib>

namespace sfusim::sim {
namespace {

[[noreturn]] void Fatal(const char* what, int64_t a, int64_t b) {
  std::fprintf(stderr, "sfusim: scheduler invariant broken: %s (%lld, %lld)\n", what, static_cast<long long>(a),
               static_cast<long long>(b));
  std::abort();
}

inline uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 0xbf58476d1ce4e5b9ULL;
}

}  // namespace

Scheduler::Scheduler(std::size_t max_pending)
    : max_pending_(max_pending < kMaxSlots ? max_pending : kMaxSlots),
      bucket_head_(kWheelSize, kNone),
      bucket_tail_(kWheelSize, kNone),
      bucket_bits_(kWheelWords, 0),
      summary_bits_(kSummaryWords, 0) {}
Scheduler::~Scheduler() = default;

uint32_t Scheduler::AllocateSlot() {
  if (free_head_ != kNone) {
    uint32_t i = free_head_;
    free_head_ = slot_links_[i].next;
    return i;
  }
  if (slot_count_ % kSlotChunk == 0) chunks_.push_back(std::make_unique<Slot[]>(kSlotChunk));
  slot_meta_.emplace_back();
  slot_links_.emplace_back();
  slot_in_wheel_.push_back(0);
  return slot_count_++;
}

void Scheduler::Release(uint32_t i) {
  slot_links_[i].next = free_head_;
  free_head_ = i;
}

void Scheduler::WheelAppend(uint32_t i) {
  std::size_t b = static_cast<std::size_t>(slot_meta_[i].time_us & (kWheelSize - 1));
  slot_in_wheel_[i] = 1;
  slot_links_[i].next = kNone;
  uint32_t tail = bucket_tail_[b];
  slot_links_[i].prev = tail;
  if (tail == kNone) {
    bucket_head_[b] = i;
    bucket_bits_[b / 64] |= uint64_t{1} << (b % 64);
    summary_bits_[b / 4096] |= uint64_t{1} << ((b / 64) % 64);
  } else {
    slot_links_[tail].next = i;
  }
  bucket_tail_[b] = i;
  ++wheel_count_;
}

void Scheduler::WheelUnlink(uint32_t i) {
  std::size_t b = static_cast<std::size_t>(slot_meta_[i].time_us & (kWheelSize - 1));
  uint32_t next = slot_links_[i].next, prev = slot_links_[i].prev;
  if (prev == kNone) bucket_head_[b] = next; else slot_links_[prev].next = next;
  if (next == kNone) bucket_tail_[b] = prev; else slot_links_[next].prev = prev;
  slot_in_wheel_[i] = 0;
  --wheel_count_;
  if (bucket_head_[b] == kNone) {
    uint64_t& word = bucket_bits_[b / 64];
    word &= ~(uint64_t{1} << (b % 64));
    if (word == 0) summary_bits_[b / 4096] &= ~(uint64_t{1} << ((b / 64) % 64));
  } else {
    // The next event to fire is most likely this bucket's new head: start loading its callback.
    __builtin_prefetch(&SlotAt(bucket_head_[b]));
  }
}

int64_t Scheduler::FindBucket(std::size_t from, std::size_t to) const {
  if (from >= to) return -1;
  std::size_t w = from / 64;
  uint64_t word = bucket_bits_[w] & (~uint64_t{0} << (from % 64));
  for (;;) {
    if (word) {
      std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(word));
      return b < to ? static_cast<int64_t>(b) : -1;
    }
    // Jump to the next non-empty word with the summary bitmap.
    ++w;
    if (w * 64 >= to) return -1;
    std::size_t sw = w / 64;
    uint64_t sum = summary_bits_[sw] & (~uint64_t{0} << (w % 64));
    while (sum == 0) {
      ++sw;
      if (sw * 64 * 64 >= to) return -1;
      sum = summary_bits_[sw];
    }
    w = sw * 64 + static_cast<std::size_t>(std::countr_zero(sum));
    if (w * 64 >= to) return -1;
    word = bucket_bits_[w];
  }
}

int64_t Scheduler::WheelFirstBucket() const {
  if (wheel_count_ == 0) return -1;
  // Circular search from the window start's bucket: inside the window, bucket order is time order.
  std::size_t start = static_cast<std::size_t>(window_start_us_ & (kWheelSize - 1));
  int64_t b = FindBucket(start, kWheelSize);
  if (b < 0) b = FindBucket(0, start);
  if (b < 0) Fatal("wheel count and bitmap disagree", static_cast<int64_t>(wheel_count_), 0);
  return b;
}

void Scheduler::HeapPush(Entry e) {
  std::size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    std::size_t parent = (i - 1) / 4;
    if (!(e < heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void Scheduler::HeapPopFront() {
  Entry last = heap_.back();
  heap_.pop_back();
  std::size_t n = heap_.size();
  if (n == 0) return;
  std::size_t i = 0;
  for (;;) {
    std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    std::size_t end = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (heap_[c] < heap_[best]) best = c;
    }
    if (!(heap_[best] < last)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
}

void Scheduler::PurgeStale() {
  std::vector<Entry> live;
  live.reserve(heap_.size());
  for (const Entry& e : heap_) {
    if (!IsStale(e)) live.push_back(e);
  }
  heap_.clear();
  for (const Entry& e : live) HeapPush(e);
}

void Scheduler::AdvanceWindow(int64_t now_us) {
  window_start_us_ = now_us;
  while (!heap_.empty() && heap_.front().time_us < now_us + kWheelSize) {
    Entry e = heap_.front();
    HeapPopFront();
    if (!IsStale(e)) WheelAppend(static_cast<uint32_t>(e.order & kSlotMask));  // in (time, seq) order
  }
}

EventId Scheduler::PostAt(Timestamp at, EventCallback cb) {
  if (at < clock_.Now()) Fatal("event scheduled in the past (at_us, now_us)", at.us(), clock_.Now().us());
  if (live_ >= max_pending_) {
    throw SchedulerOverflow("scheduler: more than " + std::to_string(max_pending_) + " pending events at t=" +
                            std::to_string(clock_.Now().seconds()) + " s (a runaway timer or feedback loop?)");
  }
  uint32_t i = AllocateSlot();
  SlotAt(i).cb = std::move(cb);
  slot_meta_[i].time_us = at.us();
  uint64_t seq = next_seq_++;
  slot_meta_[i].seq = seq;
  ++live_;
  if (at.us() < window_start_us_ + kWheelSize) {
    WheelAppend(i);
  } else {
    slot_in_wheel_[i] = 0;
    if (heap_.size() >= 2 * live_ + 1024) PurgeStale();  // cancelled entries must not pile up
    HeapPush(Entry{at.us(), (seq << kSlotBits) | i});
  }
  return EventId{seq + 1, i};
}

bool Scheduler::IsPending(EventId id) const {
  return id.valid() && id.slot < slot_count_ && slot_meta_[id.slot].seq == id.seq_plus_one - 1;
}

bool Scheduler::Cancel(EventId id) {
  if (!IsPending(id)) return false;
  if (slot_in_wheel_[id.slot]) WheelUnlink(id.slot);  // a heap entry just goes stale, dropped when it surfaces
  slot_meta_[id.slot].seq = kFreeSlot;
  SlotAt(id.slot).cb.Reset();
  Release(id.slot);
  --live_;
  return true;
}

bool Scheduler::Front(uint32_t* slot, int64_t* time_us) {
  int64_t b = WheelFirstBucket();
  if (b >= 0) {
    *slot = bucket_head_[static_cast<std::size_t>(b)];
    *time_us = slot_meta_[*slot].time_us;
    return true;
  }
  while (!heap_.empty()) {
    const Entry& top = heap_.front();
    if (!IsStale(top)) {
      *slot = static_cast<uint32_t>(top.order & kSlotMask);
      *time_us = top.time_us;
      return true;
    }
    HeapPopFront();
  }
  return false;
}

void Scheduler::Fire(uint32_t slot, int64_t time_us) {
  if (time_us < clock_.Now().us()) Fatal("time went backwards (event_us, now_us)", time_us, clock_.Now().us());
  Slot& s = SlotAt(slot);
  if (slot_in_wheel_[slot]) {
    WheelUnlink(slot);
  } else {
    HeapPopFront();  // Front() returned the heap's top only when the wheel was empty
  }
  clock_.AdvanceTo(Timestamp::Micros(time_us));
  AdvanceWindow(time_us);
  events_hash_ = Mix(Mix(events_hash_, static_cast<uint64_t>(time_us)), slot_meta_[slot].seq);
  ++fired_;
  --live_;
  // Retire before running (the callback may Cancel its own id: a no-op now); release after, so the
  // slot, which holds the running callback, is not reused by what the callback posts. Slots live
  // in fixed chunks, so posting cannot move this one.
  slot_meta_[slot].seq = kFreeSlot;
  s.cb();
  s.cb.Reset();
  Release(slot);
}

bool Scheduler::Step() {
  uint32_t slot;
  int64_t t;
  if (!Front(&slot, &t)) return false;
  Fire(slot, t);
  return true;
}

Timestamp Scheduler::NextEventTime() {
  uint32_t slot;
  int64_t t;
  return Front(&slot, &t) ? Timestamp::Micros(t) : Timestamp::PlusInfinity();
}

void Scheduler::RunUntil(Timestamp until) {
  stop_requested_ = false;
  uint32_t slot;
  int64_t t;
  while (!stop_requested_ && Front(&slot, &t) && t <= until.us()) Fire(slot, t);
  if (!stop_requested_ && clock_.Now() < until) {
    clock_.AdvanceTo(until);
    AdvanceWindow(until.us());
  }
}

void Scheduler::RunUntilIdle(uint64_t max_events) {
  stop_requested_ = false;
  uint32_t slot;
  int64_t t;
  for (uint64_t n = 0; n < max_events && !stop_requested_ && Front(&slot, &t); ++n) Fire(slot, t);
}

}  // namespace sfusim::sim
