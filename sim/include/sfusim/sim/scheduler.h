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
// - No heap allocation per event in steady state: callbacks live inline in pooled slots, and the
//   queue is a radix heap (monotone priority queue: keys never go below the last popped time),
//   which beats a comparison heap at large pending counts.
// - events_hash() folds every fired event's (time, sequence) into a running 64-bit hash, so two
//   runs can be compared event by event even where nothing was traced.
#pragma once

#include <array>
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
  uint32_t slot = 0;
  uint32_t generation = 0;  // 0 = invalid
  bool valid() const { return generation != 0; }
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
  struct Slot {
    EventCallback cb;
    uint64_t seq = 0;
    uint32_t generation = 1;
    uint32_t next_free = 0;
    bool live = false;
  };
  struct Entry {
    int64_t time_us;
    uint32_t slot;
    uint32_t generation;
  };
  static constexpr std::size_t kSlotChunk = 4096;
  static constexpr int kBuckets = 65;
  static constexpr uint32_t kNoSlot = UINT32_MAX;

  Slot& SlotAt(uint32_t i) { return chunks_[i / kSlotChunk][i % kSlotChunk]; }
  const Slot& SlotAt(uint32_t i) const { return chunks_[i / kSlotChunk][i % kSlotChunk]; }
  uint32_t AllocateSlot();
  void FreeSlot(uint32_t i);
  void Push(const Entry& e);
  // Moves the earliest live entry to the front of bucket 0; false when none is left.
  bool PrepareFront();
  bool IsStale(const Entry& e) const;
  void FireFront();

  Clock clock_;
  std::size_t max_pending_;
  std::vector<std::unique_ptr<Slot[]>> chunks_;
  uint32_t slot_count_ = 0;
  uint32_t free_head_ = kNoSlot;

  std::array<std::vector<Entry>, kBuckets> buckets_;
  std::size_t bucket0_head_ = 0;  // bucket 0 is consumed FIFO from here
  int64_t last_us_ = 0;           // the radix heap's reference key: the last minimum extracted
  std::size_t queued_ = 0;        // entries in buckets, live or stale

  std::size_t live_ = 0;
  uint64_t next_seq_ = 0;
  uint64_t fired_ = 0;
  uint64_t events_hash_ = 0x6a09e667f3bcc909ULL;
  bool stop_requested_ = false;
};

}  // namespace sfusim::sim
