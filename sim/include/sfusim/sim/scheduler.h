// Scheduler: the discrete-event loop. Owns the Clock.
//
// Contract:
// - Events fire in order of (time, insertion sequence): ties are FIFO and never depend on
//   addresses or hashing (DESIGN.md rule 3).
// - An event may not be scheduled before Now() (an always-on check; it would be a causality bug).
// - Cancel() of a pending event guarantees it never fires; cancelling a fired, cancelled or
//   unknown id is a harmless no-op (ids carry a generation, so a reused slot is never confused).
// - At most `max_pending` live events; exceeding it throws SchedulerOverflow naming the bound and
//   the time, so a runaway scenario stops with a clear error instead of exhausting memory.
// - No heap allocation per event in steady state: callbacks live inline in pooled slots. Events
//   due within kWheelSize microseconds of the window start sit in a timing wheel of 1 us buckets
//   (intrusive FIFO lists, a two-level bitmap to find the next non-empty bucket): O(1) post, fire
//   and cancel. Later events wait in a 4-ary heap of 16-byte entries and move into the wheel as
//   time reaches them, always before anything can be posted directly to their bucket, so FIFO
//   among equal times holds across both. Cancelled heap entries are skipped when they surface
//   and purged in one pass when they outnumber the live ones.
// - events_hash() folds every fired event's (time, sequence) into a running 64-bit hash, so two
//   runs can be compared event by event even where nothing was traced.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sfusim/sim/clock.h"
#include "sfusim/sim/event_callback.h"
#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::sim {

struct EventId {
  uint64_t seq_plus_one = 0;  // 0 = invalid
  uint32_t slot = 0;
  bool valid() const { return seq_plus_one != 0; }
};

class SchedulerOverflow : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Scheduler {
 public:
  static constexpr std::size_t kDefaultMaxPending = 4'000'000;

  explicit Scheduler(std::size_t max_pending = kDefaultMaxPending);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  const Clock& clock() const { return clock_; }
  Timestamp Now() const { return clock_.Now(); }

  EventId PostAt(Timestamp at, EventCallback cb);
  EventId PostDelayed(TimeDelta delay, EventCallback cb) { return PostAt(clock_.Now() + delay, std::move(cb)); }
  EventId Post(EventCallback cb) { return PostAt(clock_.Now(), std::move(cb)); }
  // Returns true if the event was pending and is now cancelled.
  bool Cancel(EventId id);
  bool IsPending(EventId id) const;

  // Fire the next event, if any; returns false when idle.
  bool Step();
  // Fire every event with time <= `until`, then set the clock to `until`.
  void RunUntil(Timestamp until);
  void RunFor(TimeDelta d) { RunUntil(clock_.Now() + d); }
  // Fire events until none are pending (or Stop() is called), with an optional cap on the count.
  void RunUntilIdle(uint64_t max_events = UINT64_MAX);
  // Makes the current Run* call return after the event being fired.
  void Stop() { stop_requested_ = true; }

  // Time of the earliest live event, or PlusInfinity when idle (cleans cancelled entries it meets).
  Timestamp NextEventTime();

  std::size_t pending() const { return live_; }
  std::size_t max_pending() const { return max_pending_; }
  uint64_t fired() const { return fired_; }
  uint64_t events_hash() const { return events_hash_; }

 private:
  // A slot holds one pending event's callback. Its small, hot fields (time, list links, sequence)
  // live in parallel arrays instead: queue maintenance then touches a few bytes per event, not the
  // callback's cache line, which matters when 100k events are pending.
  struct Slot {
    EventCallback cb;
  };
  struct Entry {
    int64_t time_us;
    uint64_t order;  // insertion sequence << kSlotBits | slot: ties break by sequence
    bool operator<(const Entry& o) const { return time_us != o.time_us ? time_us < o.time_us : order < o.order; }
  };
  static constexpr int kSlotBits = 24;
  static constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;
  static constexpr std::size_t kMaxSlots = std::size_t{1} << kSlotBits;
  static constexpr std::size_t kSlotChunk = 4096;
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr uint64_t kFreeSlot = UINT64_MAX;
  static constexpr int kWheelBits = 16;
  static constexpr int64_t kWheelSize = int64_t{1} << kWheelBits;  // buckets of 1 us: a 65.5 ms window
  static constexpr std::size_t kWheelWords = kWheelSize / 64;
  static constexpr std::size_t kSummaryWords = kWheelWords / 64;

  Slot& SlotAt(uint32_t i) { return chunks_[i / kSlotChunk][i % kSlotChunk]; }
  uint32_t AllocateSlot();
  void Release(uint32_t i);
  bool IsStale(const Entry& e) const { return slot_meta_[e.order & kSlotMask].seq != (e.order >> kSlotBits); }

  void WheelAppend(uint32_t slot);
  void WheelUnlink(uint32_t slot);
  // The bucket of the earliest wheel event, or -1 when the wheel is empty.
  int64_t WheelFirstBucket() const;
  // The first non-empty bucket in [from, to), or -1.
  int64_t FindBucket(std::size_t from, std::size_t to) const;
  void HeapPush(Entry e);
  void HeapPopFront();
  void PurgeStale();
  // Moves the window start to `now_us` and heap events now inside the window into the wheel.
  void AdvanceWindow(int64_t now_us);
  // The earliest live event: its slot and time; false when idle.
  bool Front(uint32_t* slot, int64_t* time_us);
  void Fire(uint32_t slot, int64_t time_us);

  Clock clock_;
  std::size_t max_pending_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  struct SlotMeta {
    int64_t time_us = 0;
    uint64_t seq = kFreeSlot;  // of the live event in the slot; kFreeSlot when none
  };
  struct SlotLinks {
    uint32_t next = kNone;  // wheel bucket list, or the free list
    uint32_t prev = kNone;
  };
  std::vector<SlotMeta> slot_meta_;
  std::vector<SlotLinks> slot_links_;
  std::vector<uint8_t> slot_in_wheel_;
  uint32_t slot_count_ = 0;
  uint32_t free_head_ = kNone;

  int64_t window_start_us_ = 0;  // every wheel event is in [window_start, window_start + kWheelSize)
  std::vector<uint32_t> bucket_head_;
  std::vector<uint32_t> bucket_tail_;
  std::vector<uint64_t> bucket_bits_;   // bit per non-empty bucket
  std::vector<uint64_t> summary_bits_;  // bit per non-zero word of bucket_bits_
  std::size_t wheel_count_ = 0;
  std::vector<Entry> heap_;             // events beyond the window

  std::size_t live_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t fired_ = 0;
  uint64_t events_hash_ = 0x6a09e667f3bcc909ULL;
  bool stop_requested_ = false;
};

}  // namespace sfusim::sim
