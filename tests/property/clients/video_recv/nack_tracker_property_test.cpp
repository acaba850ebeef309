// NackTracker under random loss, reordering, duplication and retransmission: every NACKed seq was
// missing at that time (sent before, never received), nothing received is NACKed, no seq is
// requested more than kMaxNackRequests times, and the list stays within its bound.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <vector>

#include "sfusim/clients/video/nack_tracker.h"

using namespace sfusim::clients;
using sfusim::sim::TimeDelta;
using sfusim::sim::Timestamp;

TEST_CASE("NackTracker requests only missing packets, boundedly", "[nack][property]") {
  rc::prop("NACKed => missing; received => not NACKed; requests <= bound", [] {
    const int n = *rc::gen::inRange(2, 400);
    const uint16_t seq0 = *rc::gen::arbitrary<uint16_t>();
    const int loss_pct = *rc::gen::inRange(0, 40);
    const int reorder_pct = *rc::gen::inRange(0, 30);
    const int max_reorder_ms = *rc::gen::inRange(1, 80);
    const int rtx_pct = *rc::gen::inRange(0, 100);  // chance a NACKed packet is retransmitted
    const int rtt_ms = *rc::gen::inRange(0, 300);
    const auto rolls = *rc::gen::container<std::vector<int>>(static_cast<size_t>(n) * 4, rc::gen::inRange(0, 100));

    // Arrival schedule: packet i sent at 5 ms * i; lost, or delayed (reordered) by up to max_reorder_ms.
    std::multimap<int64_t, int> arrivals;  // arrival time (us) -> packet index (offset from seq0)
    for (int i = 0; i < n; ++i) {
      const int lost = rolls[static_cast<size_t>(i) * 4] < loss_pct && i != 0;
      if (lost) continue;
      int64_t at = static_cast<int64_t>(i) * 5000;
      if (rolls[static_cast<size_t>(i) * 4 + 1] < reorder_pct) {
        at += static_cast<int64_t>(rolls[static_cast<size_t>(i) * 4 + 2] % max_reorder_ms) * 1000 + 1;
      }
      arrivals.emplace(at, i);
      if (rolls[static_cast<size_t>(i) * 4 + 3] < 5) arrivals.emplace(at + 1000, i);  // duplicate
    }
    NackTracker t;
    t.SetRtt(TimeDelta::Millis(rtt_ms));
    std::set<int> received;   // packet indices received so far
    int highest = -1;
    std::map<int, int> requests;
    const int64_t end_us = static_cast<int64_t>(n) * 5000 + 2'000'000;
    uint64_t step = 0;
    for (int64_t now_us = 0; now_us <= end_us; now_us += 1000) {
      const Timestamp now = Timestamp::Micros(now_us);
      while (!arrivals.empty() && arrivals.begin()->first <= now_us) {
        const int i = arrivals.begin()->second;
        arrivals.erase(arrivals.begin());
        t.OnPacket(static_cast<uint16_t>(seq0 + i), now);
        received.insert(i);
        highest = std::max(highest, i);
        RC_ASSERT(!t.IsMissing(static_cast<uint16_t>(seq0 + i)));
      }
      RC_ASSERT(t.missing_count() <= kNackMaxListSize);
      for (uint16_t s : t.GetNacks(now)) {
        const int i = static_cast<uint16_t>(s - seq0);
        RC_ASSERT(i < n);
        RC_ASSERT(i < highest);                     // only behind the newest seen
        RC_ASSERT(received.count(i) == 0);          // never something received
        RC_ASSERT(++requests[i] <= kMaxNackRequests);
        ++step;
        if ((static_cast<int>(step * 37 % 100)) < rtx_pct) {
          arrivals.emplace(now_us + rtt_ms * 1000 + 1, i);  // the retransmission
        }
      }
    }
    for (const auto& [i, count] : requests) RC_ASSERT(count <= kMaxNackRequests);
  });
}

TEST_CASE("NackTracker: pure reordering within the minimum wait is never NACKed", "[nack][property]") {
  rc::prop("swaps of neighbours arriving within kNackMinReorderWait produce no NACK", [] {
    const int n = *rc::gen::inRange(2, 300);
    const uint16_t seq0 = *rc::gen::arbitrary<uint16_t>();
    const auto swaps = *rc::gen::container<std::vector<bool>>(static_cast<size_t>(n), rc::gen::arbitrary<bool>());
    std::vector<int> order;
    for (int i = 0; i < n; ++i) order.push_back(i);
    for (int i = 1; i + 1 < n; i += 2) {
      if (swaps[static_cast<size_t>(i)]) std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(i + 1)]);
    }
    NackTracker t;
    // One packet per ms: a swapped packet is at most 1 ms late (< kNackMinReorderWait).
    for (size_t k = 0; k < order.size(); ++k) {
      const Timestamp now = Timestamp::Millis(static_cast<int64_t>(k));
      t.OnPacket(static_cast<uint16_t>(seq0 + order[k]), now);
      RC_ASSERT(t.GetNacks(now).empty());
    }
    RC_ASSERT(t.GetNacks(Timestamp::Seconds(10)).empty());
    RC_ASSERT(t.counters().requests == 0u);
  });
}
