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

Scheduler::Scheduler(std::size_t max_pending) : max_pending_(max_pending) {}
Scheduler::~Scheduler() = default;

uint32_t Scheduler::AllocateSlot() {
  if (free_head_ != kNoSlot) {
    uint32_t i = free_head_;
    free_head_ = SlotAt(i).next_free;
    return i;
  }
  if (slot_count_ % kSlotChunk == 0) chunks_.push_back(std::make_unique<Slot[]>(kSlotChunk));
  return slot_count_++;
}

void Scheduler::FreeSlot(uint32_t i) {
  Slot& s = SlotAt(i);
  s.live = false;
  if (++s.generation == 0) s.generation = 1;  // 0 marks an invalid id
  s.next_free = free_head_;
  free_head_ = i;
}

void Scheduler::Push(const Entry& e) {
  int b = e.time_us == last_us_ ? 0 : 64 - std::countl_zero(static_cast<uint64_t>(e.time_us ^ last_us_));
  buckets_[b].push_back(e);
  ++queued_;
}

EventId Scheduler::PostAt(Timestamp at, EventCallback cb) {
  if (at < clock_.Now()) Fatal("event scheduled in the past (at_us, now_us)", at.us(), clock_.Now().us());
  if (live_ >= max_pending_) {
    throw SchedulerOverflow("scheduler: more than " + std::to_string(max_pending_) + " pending events at t=" +
                            std::to_string(clock_.Now().seconds()) + " s (a runaway timer or feedback loop?)");
  }
  uint32_t i = AllocateSlot();
  Slot& s = SlotAt(i);
  s.cb = std::move(cb);
  s.seq = next_seq_++;
  s.live = true;
  ++live_;
  Push(Entry{at.us(), i, s.generation});
  return EventId{i, s.generation};
}

bool Scheduler::IsPending(EventId id) const {
  if (!id.valid() || id.slot >= slot_count_) return false;
  const Slot& s = SlotAt(id.slot);
  return s.live && s.generation == id.generation;
}

bool Scheduler::Cancel(EventId id) {
  if (!IsPending(id)) return false;
  Slot& s = SlotAt(id.slot);
  s.cb.Reset();
  FreeSlot(id.slot);
  --live_;
  return true;  // its queue entry is now stale and is skipped when reached
}

bool Scheduler::IsStale(const Entry& e) const {
  const Slot& s = SlotAt(e.slot);
  return !s.live || s.generation != e.generation;
}

bool Scheduler::PrepareFront() {
  for (;;) {
    auto& b0 = buckets_[0];
    while (bucket0_head_ < b0.size()) {
      if (!IsStale(b0[bucket0_head_])) return true;
      ++bucket0_head_;
      --queued_;
    }
    b0.clear();
    bucket0_head_ = 0;
    if (queued_ == 0) return false;
    int i = 1;
    while (buckets_[i].empty()) ++i;
    auto& bi = buckets_[i];
    int64_t min_us = bi.front().time_us;
    for (const Entry& e : bi) min_us = e.time_us < min_us ? e.time_us : min_us;
    last_us_ = min_us;
    queued_ -= bi.size();
    // Redistribution keeps relative order, and every target bucket is empty: FIFO among equal times holds.
    for (const Entry& e : bi) {
      if (!IsStale(e)) Push(e);
    }
    bi.clear();
  }
}

void Scheduler::FireFront() {
  Entry e = buckets_[0][bucket0_head_++];
  --queued_;
  Slot& s = SlotAt(e.slot);
  if (e.time_us < clock_.Now().us()) Fatal("time went backwards (event_us, now_us)", e.time_us, clock_.Now().us());
  clock_.AdvanceTo(Timestamp::Micros(e.time_us));
  events_hash_ = Mix(Mix(events_hash_, static_cast<uint64_t>(e.time_us)), s.seq);
  ++fired_;
  --live_;
  // Take the callback out and retire the slot first: the callback may post or cancel events.
  EventCallback cb = std::move(s.cb);
  FreeSlot(e.slot);
  cb();
}

bool Scheduler::Step() {
  if (!PrepareFront()) return false;
  FireFront();
  return true;
}

Timestamp Scheduler::NextEventTime() {
  if (!PrepareFront()) return Timestamp::PlusInfinity();
  return Timestamp::Micros(buckets_[0][bucket0_head_].time_us);
}

void Scheduler::RunUntil(Timestamp until) {
  stop_requested_ = false;
  while (!stop_requested_ && PrepareFront() && buckets_[0][bucket0_head_].time_us <= until.us()) FireFront();
  if (!stop_requested_ && clock_.Now() < until) clock_.AdvanceTo(until);
}

void Scheduler::RunUntilIdle(uint64_t max_events) {
  stop_requested_ = false;
  for (uint64_t n = 0; n < max_events && !stop_requested_ && PrepareFront(); ++n) FireFront();
}

}  // namespace sfusim::sim
