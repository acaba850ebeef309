// NackTracker: gap -> NACK only after the reorder wait, reordering inside the wait -> no NACK,
// bounded retries spaced by max(RTT, floor), wrap-around, and every bound.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "sfusim/clients/video/nack_tracker.h"

using sfusim::clients::NackTracker;
namespace c = sfusim::clients;
using sfusim::sim::TimeDelta;
using sfusim::sim::Timestamp;

namespace {
Timestamp Ms(int64_t ms) { return Timestamp::Millis(ms); }
}  // namespace

TEST_CASE("a gap is NACKed only after the reorder wait", "[nack]") {
  NackTracker t;
  CHECK(t.OnPacket(100, Ms(0)) == NackTracker::Arrival::kNew);
  CHECK(t.OnPacket(103, Ms(1)) == NackTracker::Arrival::kInOrderGap);
  CHECK(t.missing_count() == 2);
  CHECK(t.IsMissing(101));
  CHECK(t.IsMissing(102));
  CHECK_FALSE(t.IsMissing(103));
  // Nothing yet: the wait (kNackMinReorderWait, nothing reordered so far) has not passed.
  CHECK(t.GetNacks(Ms(1)).empty());
  CHECK(t.GetNacks(Ms(1) + c::kNackMinReorderWait - TimeDelta::Micros(1)).empty());
  REQUIRE(t.NextDueTime());
  CHECK(*t.NextDueTime() == Ms(1) + c::kNackMinReorderWait);
  CHECK(t.GetNacks(Ms(1) + c::kNackMinReorderWait) == std::vector<uint16_t>{101, 102});
  CHECK(t.RequestCount(101) == 1);
  CHECK(t.counters().requests == 2);
}

TEST_CASE("reordering within the wait causes no NACK", "[nack]") {
  NackTracker t;
  t.OnPacket(10, Ms(0));
  t.OnPacket(12, Ms(1));
  CHECK(t.OnPacket(11, Ms(5)) == NackTracker::Arrival::kRecovered);
  CHECK(t.missing_count() == 0);
  for (int ms = 1; ms < 2000; ms += 5) CHECK(t.GetNacks(Ms(ms)).empty());
  CHECK(t.counters().requests == 0);
  CHECK_FALSE(t.NextDueTime());
}

TEST_CASE("the reorder wait adapts to the reordering observed, within bounds", "[nack]") {
  NackTracker t;
  CHECK(t.reorder_wait() == c::kNackMinReorderWait);
  t.OnPacket(1, Ms(0));
  t.OnPacket(3, Ms(0));
  t.OnPacket(2, Ms(9));  // 9 ms late, inside the 10 ms wait
  CHECK(t.reorder_wait() == TimeDelta::MillisF(9 * c::kNackReorderWaitFactor));
  // A later packet reordered by 12 ms is now within the wait too: no NACK.
  t.OnPacket(5, Ms(20));
  CHECK(t.GetNacks(Ms(31)).empty());
  CHECK(t.OnPacket(4, Ms(32)) == NackTracker::Arrival::kRecovered);
  CHECK(t.counters().requests == 0);
  // Never beyond the cap.
  t.OnPacket(7, Ms(100));
  t.OnPacket(6, Ms(100) + c::kNackMaxReorderWait * 2);  // only possible if not NACKed: GetNacks not called
  CHECK(t.reorder_wait() == c::kNackMaxReorderWait);
}

TEST_CASE("retries are bounded and spaced by max(RTT + margin, floor)", "[nack]") {
  NackTracker t;
  t.SetRtt(TimeDelta::Millis(50));
  CHECK(t.retry_spacing() == TimeDelta::Millis(50) + c::kNackRetryMargin);
  t.OnPacket(1, Ms(0));
  t.OnPacket(3, Ms(0));
  std::vector<Timestamp> sent;
  for (int ms = 0; ms <= 900; ++ms) {
    if (!t.GetNacks(Ms(ms)).empty()) sent.push_back(Ms(ms));
  }
  REQUIRE(sent.size() == static_cast<size_t>(c::kMaxNackRequests));
  CHECK(sent[0] == Ms(0) + c::kNackMinReorderWait);
  for (size_t i = 1; i < sent.size(); ++i) CHECK(sent[i] - sent[i - 1] == TimeDelta::Millis(50) + c::kNackRetryMargin);
  CHECK(t.RequestCount(2) == c::kMaxNackRequests);
  // Still listed, so a late retransmission is recognised as such.
  CHECK(t.OnPacket(2, Ms(901)) == NackTracker::Arrival::kRetransmitted);
  CHECK(t.counters().recovered_after_nack == 1);

  NackTracker small;
  small.SetRtt(TimeDelta::Zero());
  CHECK(small.retry_spacing() == c::kNackRetryFloor);
}

TEST_CASE("a retransmission clears the seq; a duplicate is old", "[nack]") {
  NackTracker t;
  t.OnPacket(1, Ms(0));
  t.OnPacket(4, Ms(0));
  CHECK(t.GetNacks(Ms(20)).size() == 2);
  CHECK(t.OnPacket(2, Ms(60)) == NackTracker::Arrival::kRetransmitted);
  CHECK_FALSE(t.IsMissing(2));
  CHECK(t.IsMissing(3));
  CHECK(t.OnPacket(2, Ms(61)) == NackTracker::Arrival::kOld);
  CHECK(t.OnPacket(4, Ms(61)) == NackTracker::Arrival::kOld);
  const auto again = t.GetNacks(Ms(200));
  CHECK(again == std::vector<uint16_t>{3});
}

TEST_CASE("sequence numbers wrap around", "[nack]") {
  NackTracker t;
  t.OnPacket(65533, Ms(0));
  CHECK(t.OnPacket(2, Ms(1)) == NackTracker::Arrival::kInOrderGap);  // 65534, 65535, 0, 1 missing
  CHECK(t.missing_count() == 4);
  const auto nacks = t.GetNacks(Ms(100));
  CHECK(nacks == std::vector<uint16_t>{65534, 65535, 0, 1});
  CHECK(t.OnPacket(0, Ms(101)) == NackTracker::Arrival::kRetransmitted);
  CHECK(t.missing_count() == 3);
  // The Nack packet carries the same list.
  const auto nack = NackTracker::BuildNack(7, 9, nacks);
  CHECK(nack.sender_ssrc == 7);
  CHECK(nack.media_ssrc == 9);
  CHECK(nack.SequenceNumbers() == nacks);
}

TEST_CASE("entries age out, the list is size-bounded, big jumps reset", "[nack]") {
  SECTION("age") {
    NackTracker t;
    t.OnPacket(1, Ms(0));
    t.OnPacket(3, Ms(0));
    t.GetNacks(Ms(0) + c::kNackMaxAge);
    CHECK(t.missing_count() == 0);
    CHECK(t.counters().given_up == 1);
    CHECK(t.OnPacket(2, Ms(0) + c::kNackMaxAge) == NackTracker::Arrival::kOld);
  }
  SECTION("size") {
    NackTracker t;
    uint16_t seq = 0;
    t.OnPacket(seq, Ms(0));
    // Every other packet lost: 1500 missing found, at most kNackMaxListSize kept (newest).
    for (int i = 0; i < 1500; ++i) {
      seq = static_cast<uint16_t>(seq + 2);
      t.OnPacket(seq, Ms(0));
    }
    CHECK(t.missing_count() == c::kNackMaxListSize);
    CHECK_FALSE(t.IsMissing(1));
    CHECK(t.IsMissing(static_cast<uint16_t>(seq - 1)));
    const auto nacks = t.GetNacks(Ms(100));
    CHECK(nacks.size() == c::kNackMaxSeqsPerPacket);
  }
  SECTION("jump") {
    NackTracker t;
    t.OnPacket(0, Ms(0));
    t.OnPacket(5, Ms(0));
    CHECK(t.missing_count() == 4);
    t.OnPacket(static_cast<uint16_t>(5 + c::kNackMaxGapJump + 1), Ms(1));
    CHECK(t.missing_count() == 0);
    CHECK(t.counters().resets == 1);
  }
  SECTION("forget") {
    NackTracker t;
    t.OnPacket(10, Ms(0));
    t.OnPacket(20, Ms(0));
    t.ForgetUpTo(15);
    CHECK(t.missing_count() == 4);
    CHECK_FALSE(t.IsMissing(15));
    CHECK(t.IsMissing(16));
  }
}
