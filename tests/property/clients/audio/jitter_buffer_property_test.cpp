// JitterBuffer properties under random loss with a constant network delay: every delivered packet
// plays normally exactly once, in order; every dropped packet is counted lost once; FEC is used
// exactly for the dropped packets whose successor arrived; nothing is late.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>
#include <set>
#include <vector>

#include "sfusim/clients/audio/jitter_buffer.h"

using namespace sfusim::clients;
using sfusim::sim::TimeDelta;
using sfusim::sim::Timestamp;

TEST_CASE("jitter buffer accounting under random loss", "[jitter_buffer][property]") {
  rc::prop("delivered play once in order, dropped are lost once, fec iff the next arrived", [] {
    const int n = *rc::gen::inRange(3, 120);
    const int delay_ms = *rc::gen::inRange(0, 36);
    const uint16_t seq0 = *rc::gen::arbitrary<uint16_t>();
    const uint32_t ts0 = *rc::gen::arbitrary<uint32_t>();
    const auto drop_mask = *rc::gen::container<std::vector<bool>>(static_cast<size_t>(n), rc::gen::arbitrary<bool>());
    std::set<int> dropped;
    for (int i = 1; i + 1 < n; ++i) {  // the first and the last always arrive
      if (drop_mask[static_cast<size_t>(i)]) dropped.insert(i);
    }
    JitterBuffer jb;
    std::vector<JitterBuffer::Frame> frames;
    bool ticking = false;
    Timestamp next_tick;
    auto run_until = [&](Timestamp t) {
      while (ticking && next_tick <= t) {
        frames.push_back(jb.NextFrame(next_tick));
        next_tick = next_tick + TimeDelta::Millis(20);
      }
    };
    for (int i = 0; i < n; ++i) {
      if (dropped.count(i)) continue;
      JitterPacket p;
      p.sequence_number = static_cast<uint16_t>(seq0 + i);
      p.timestamp = ts0 + static_cast<uint32_t>(i) * 960;
      p.arrival = Timestamp::Millis(20 * i + delay_ms);
      p.payload = {static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)};
      run_until(p.arrival);
      RC_ASSERT(jb.Insert(std::move(p)) == JitterBuffer::InsertResult::kInserted);
      if (!ticking) {
        ticking = true;
        next_tick = jb.first_playout_time();
      }
    }
    run_until(Timestamp::Millis(20 * n + delay_ms + 200));
    std::vector<int> played;
    int fec = 0;
    uint64_t lost = 0;
    int expected_fec = 0;
    for (int i : dropped) expected_fec += dropped.count(i + 1) == 0;
    for (const auto& f : frames) {
      lost += f.newly_lost;
      if (f.status == FrameStatus::kNormal) played.push_back(f.packet->payload[0] | (f.packet->payload[1] << 8));
      if (f.status == FrameStatus::kFec) ++fec;
    }
    RC_ASSERT(played.size() == static_cast<size_t>(n) - dropped.size());
    for (size_t k = 1; k < played.size(); ++k) RC_ASSERT(played[k] > played[k - 1]);
    RC_ASSERT(lost == dropped.size());
    RC_ASSERT(fec == expected_fec);
    // Slots from the first to the last normal frame cover exactly the n packets.
    size_t first = 0, last = 0;
    for (size_t k = 0; k < frames.size(); ++k) {
      if (frames[k].status == FrameStatus::kNormal) {
        if (played.front() == (frames[k].packet->payload[0] | (frames[k].packet->payload[1] << 8))) first = k;
        last = k;
      }
    }
    RC_ASSERT(last - first + 1 == static_cast<size_t>(n));
  });
}
