// JitterBuffer: playout decisions (normal, fec, concealed, no_data), late/duplicate packets,
// DTX gaps, adaptation of the delay to jitter, resync.
#include "sfusim/clients/audio/jitter_buffer.h"

#include <catch2/catch.hpp>
#include <vector>

using namespace sfusim::clients;
using sfusim::sim::TimeDelta;
using sfusim::sim::Timestamp;

namespace {

constexpr uint32_t kTs0 = 0xFFFFF000;  // wraps soon after the start
constexpr uint16_t kSeq0 = 65530;      // wraps too

JitterPacket Packet(int64_t index, Timestamp arrival, std::optional<bool> voice = std::nullopt,
                    int64_t seq_index = -1) {
  JitterPacket p;
  p.sequence_number = static_cast<uint16_t>(kSeq0 + (seq_index < 0 ? index : seq_index));
  p.timestamp = static_cast<uint32_t>(kTs0 + index * 960);
  p.arrival = arrival;
  p.voice_activity = voice;
  p.payload = {static_cast<uint8_t>(index)};
  return p;
}

struct Harness {
  JitterBuffer jb;
  std::vector<JitterBuffer::Frame> frames;
  std::vector<Timestamp> tick_times;
  Timestamp next_tick;
  bool ticking = false;
  // Packets sent at index*20 ms arrive after `delay`; ticks run every 20 ms from the first playout.
  void Deliver(JitterPacket p) {
    RunUntil(p.arrival);
    auto r = jb.Insert(std::move(p));
    results.push_back(r);
    if (!ticking && jb.started()) {
      ticking = true;
      next_tick = jb.first_playout_time();
    }
  }
  void RunUntil(Timestamp t) {
    while (ticking && next_tick <= t) {
      frames.push_back(jb.NextFrame(next_tick));
      tick_times.push_back(next_tick);
      next_tick = next_tick + TimeDelta::Millis(20);
    }
  }
  std::vector<JitterBuffer::InsertResult> results;
  int Count(FrameStatus s) const {
    int n = 0;
    for (const auto& f : frames) n += f.status == s;
    return n;
  }
};

}  // namespace

TEST_CASE("no data before the first packet", "[jitter_buffer]") {
  JitterBuffer jb;
  CHECK(!jb.started());
  CHECK(jb.NextFrame(Timestamp::Millis(100)).status == FrameStatus::kNoData);
}

TEST_CASE("constant delay: every packet plays normally, buffer delay = initial target", "[jitter_buffer]") {
  Harness h;
  const TimeDelta d = TimeDelta::Millis(30);
  for (int i = 0; i < 100; ++i) h.Deliver(Packet(i, Timestamp::Millis(20 * i) + d));
  h.RunUntil(Timestamp::Millis(20 * 100 + 200));
  CHECK(h.jb.first_playout_time() == Timestamp::Millis(30) + JitterBuffer::kInitialTargetDelay);
  REQUIRE(h.Count(FrameStatus::kNormal) == 100);
  for (size_t i = 0; i < 100; ++i) {
    REQUIRE(h.frames[i].status == FrameStatus::kNormal);
    CHECK(h.frames[i].packet->payload[0] == static_cast<uint8_t>(i));  // in order across the wraps
    // Played at send time + network delay + buffer delay.
    CHECK(h.tick_times[i] == Timestamp::Millis(20 * static_cast<int64_t>(i)) + d + JitterBuffer::kInitialTargetDelay);
  }
  CHECK(h.jb.target_delay() == JitterBuffer::kMinTargetDelay);
  CHECK(h.jb.buffer_delay() == JitterBuffer::kInitialTargetDelay);
}

TEST_CASE("a single loss is recovered by FEC from the next packet", "[jitter_buffer]") {
  Harness h;
  for (int i = 0; i < 20; ++i) {
    if (i == 7) continue;
    h.Deliver(Packet(i, Timestamp::Millis(20 * i + 10)));
  }
  h.RunUntil(Timestamp::Millis(20 * 20 + 100));
  REQUIRE(h.frames.size() >= 20);
  CHECK(h.frames[7].status == FrameStatus::kFec);
  CHECK(h.frames[7].packet->payload[0] == 8);  // the FEC source is packet 8
  CHECK(h.frames[7].newly_lost == 1);
  CHECK(h.frames[8].status == FrameStatus::kNormal);
  CHECK(h.frames[8].newly_lost == 0);
  CHECK(h.Count(FrameStatus::kFec) == 1);
  for (size_t i = 0; i < 20; ++i) CHECK(h.frames[i].status != FrameStatus::kConcealed);
}

TEST_CASE("without FEC, a lost packet is concealed", "[jitter_buffer]") {
  Harness h;
  h.jb = JitterBuffer(/*use_fec=*/false);
  for (int i = 0; i < 20; ++i) {
    if (i == 7) continue;
    h.Deliver(Packet(i, Timestamp::Millis(20 * i + 10)));
  }
  CHECK(h.frames[7].status == FrameStatus::kConcealed);
  CHECK(h.frames[8].status == FrameStatus::kNormal);
  CHECK(h.frames[8].newly_lost == 1);
}

TEST_CASE("a burst: concealment, then FEC for the last lost frame", "[jitter_buffer]") {
  Harness h;
  for (int i = 0; i < 30; ++i) {
    if (i >= 10 && i < 15) continue;
    h.Deliver(Packet(i, Timestamp::Millis(20 * i + 10)));
  }
  for (int i = 10; i < 14; ++i) CHECK(h.frames[i].status == FrameStatus::kConcealed);
  CHECK(h.frames[14].status == FrameStatus::kFec);
  CHECK(h.frames[15].status == FrameStatus::kNormal);
  uint64_t lost = 0;
  for (const auto& f : h.frames) lost += f.newly_lost;
  CHECK(lost == 5);
}

TEST_CASE("DTX gap (timestamp jumps, seq does not) is no_data, not loss", "[jitter_buffer]") {
  Harness h;
  // Packets 0..9 talk, then silence with DTX: the sender sends nothing for frames 10..29, then
  // frame 30 with the next sequence number.
  for (int i = 0; i < 10; ++i) h.Deliver(Packet(i, Timestamp::Millis(20 * i + 10), i < 9));
  h.Deliver(Packet(30, Timestamp::Millis(20 * 30 + 10), true, 10));
  h.Deliver(Packet(31, Timestamp::Millis(20 * 31 + 10), true, 11));
  h.RunUntil(Timestamp::Millis(20 * 32 + 100));
  for (int i = 10; i < 30; ++i) {
    INFO("slot " << i);
    CHECK(h.frames[i].status == FrameStatus::kNoData);
  }
  CHECK(h.frames[30].status == FrameStatus::kNormal);
  CHECK(h.frames[31].status == FrameStatus::kNormal);
  uint64_t lost = 0;
  for (const auto& f : h.frames) lost += f.newly_lost;
  CHECK(lost == 0);
}

TEST_CASE("buffer running dry: concealed while talking (bounded), no_data while silent", "[jitter_buffer]") {
  Harness talking;
  for (int i = 0; i < 5; ++i) talking.Deliver(Packet(i, Timestamp::Millis(20 * i + 10), true));
  talking.RunUntil(Timestamp::Millis(2000));
  CHECK(talking.Count(FrameStatus::kNormal) == 5);
  CHECK(talking.Count(FrameStatus::kConcealed) == JitterBuffer::kMaxEmptyConcealFrames);
  Harness silent;
  for (int i = 0; i < 5; ++i) silent.Deliver(Packet(i, Timestamp::Millis(20 * i + 10), false));
  silent.RunUntil(Timestamp::Millis(2000));
  CHECK(silent.Count(FrameStatus::kConcealed) == 0);
}

TEST_CASE("late and duplicate packets", "[jitter_buffer]") {
  Harness h;
  for (int i = 0; i < 10; ++i) {
    if (i == 3) continue;
    h.Deliver(Packet(i, Timestamp::Millis(20 * i + 10)));
  }
  h.Deliver(Packet(5, Timestamp::Millis(20 * 9 + 11)));  // duplicate
  h.Deliver(Packet(3, Timestamp::Millis(20 * 9 + 12)));  // its slot has passed
  CHECK(h.results[h.results.size() - 2] == JitterBuffer::InsertResult::kDuplicate);
  CHECK(h.results.back() == JitterBuffer::InsertResult::kLate);
  CHECK(h.frames[3].status == FrameStatus::kFec);
}

TEST_CASE("reordering within the buffer is harmless", "[jitter_buffer]") {
  Harness h;
  h.Deliver(Packet(0, Timestamp::Millis(10)));
  h.Deliver(Packet(2, Timestamp::Millis(50)));
  h.Deliver(Packet(1, Timestamp::Millis(55)));
  h.Deliver(Packet(3, Timestamp::Millis(70)));
  h.RunUntil(Timestamp::Millis(200));
  for (int i = 0; i < 4; ++i) {
    REQUIRE(h.frames[i].status == FrameStatus::kNormal);
    CHECK(h.frames[i].packet->payload[0] == i);
  }
}

TEST_CASE("jitter raises the target and the buffer follows it", "[jitter_buffer]") {
  Harness h;
  // Delay alternates 10 ms and 110 ms: p95 - min = 100 ms -> target 140 ms.
  for (int i = 0; i < 400; ++i) {
    const int64_t delay = (i % 5 == 4) ? 110 : 10;
    h.Deliver(Packet(i, Timestamp::Millis(20 * i + delay), (i / 50) % 2 == 0));  // talk/silence every second
  }
  h.RunUntil(Timestamp::Millis(20 * 400 + 300));
  CHECK(h.jb.target_delay() == TimeDelta::Millis(140));
  CHECK(h.jb.buffer_delay() >= TimeDelta::Millis(120));
  CHECK(h.jb.buffer_delay() <= TimeDelta::Millis(160));
  // Once adapted, nothing is late any more: count late packets in the second half.
  int late_second_half = 0;
  for (size_t i = 200; i < h.results.size(); ++i) late_second_half += h.results[i] == JitterBuffer::InsertResult::kLate;
  CHECK(late_second_half == 0);
}

TEST_CASE("the buffer shrinks in silence when jitter goes away", "[jitter_buffer]") {
  Harness h;
  int i = 0;
  for (; i < 200; ++i) h.Deliver(Packet(i, Timestamp::Millis(20 * i + ((i % 5 == 4) ? 150 : 10)), false));
  h.RunUntil(Timestamp::Millis(20 * i + 100));
  const TimeDelta high = h.jb.buffer_delay();
  for (; i < 600; ++i) h.Deliver(Packet(i, Timestamp::Millis(20 * i + 10), false));
  h.RunUntil(Timestamp::Millis(20 * i + 100));
  CHECK(high > TimeDelta::Millis(150));
  CHECK(h.jb.buffer_delay() <= JitterBuffer::kMinTargetDelay + JitterBuffer::kShrinkHysteresis);
  bool dropped = false;
  for (const auto& f : h.frames) dropped |= f.dropped_one;
  CHECK(dropped);
}

TEST_CASE("a stream that jumps back in time resyncs", "[jitter_buffer]") {
  Harness h;
  for (int i = 0; i < 50; ++i) h.Deliver(Packet(i, Timestamp::Millis(20 * i + 10)));
  // The same SSRC restarts from index 0 two seconds later.
  for (int i = 0; i < 50; ++i) h.Deliver(Packet(i, Timestamp::Millis(3000 + 20 * i), std::nullopt, 1000 + i));
  h.RunUntil(Timestamp::Millis(5000));
  CHECK(h.jb.resyncs() == 1);
  CHECK(h.Count(FrameStatus::kNormal) >= 50 + 50 - JitterBuffer::kResyncLatePackets);
}

TEST_CASE("buffer overflow is bounded", "[jitter_buffer]") {
  JitterBuffer jb;
  int overflow = 0;
  for (int i = 0; i < 200; ++i) {
    overflow += jb.Insert(Packet(i, Timestamp::Millis(1))) == JitterBuffer::InsertResult::kOverflow;
  }
  CHECK(jb.size() == JitterBuffer::kMaxPackets);
  CHECK(overflow == 200 - static_cast<int>(JitterBuffer::kMaxPackets));
}

TEST_CASE("timestamps that move off the 960 grid are followed", "[jitter_buffer]") {
  Harness h;
  for (int i = 0; i < 40; ++i) {
    JitterPacket p = Packet(i, Timestamp::Millis(20 * i + 10));
    if (i >= 20) p.timestamp += 300;  // the sender's clock shifted by 6.25 ms
    h.Deliver(std::move(p));
  }
  h.RunUntil(Timestamp::Millis(20 * 40));
  CHECK(h.Count(FrameStatus::kNormal) == 37);  // the last 3 are still buffered
  for (const auto r : h.results) CHECK(r == JitterBuffer::InsertResult::kInserted);
}

TEST_CASE("the packet ledger closes: played + dropped + discarded + buffered = inserted", "[jitter_buffer]") {
  Harness h;
  for (int i = 0; i < 40; ++i) {
    h.Deliver(Packet(i, Timestamp::Millis(20 * i + 10)));
    // A second packet with slot 10's timestamp (another seq) replaces the first one: discarded.
    if (i == 10) h.Deliver(Packet(10, Timestamp::Millis(20 * i + 11), std::nullopt, 60));
  }
  const auto ledger = [&] {
    int inserted = 0, dropped = 0;
    for (auto r : h.results) inserted += r == JitterBuffer::InsertResult::kInserted;
    for (const auto& f : h.frames) dropped += f.dropped_one;
    return static_cast<uint64_t>(inserted) ==
           static_cast<uint64_t>(h.Count(FrameStatus::kNormal) + dropped) + h.jb.discarded() + h.jb.size();
  };
  CHECK(h.jb.size() > 0);  // still buffered, in the ledger
  CHECK(ledger());
  h.RunUntil(Timestamp::Millis(2000));
  CHECK(h.jb.discarded() == 1);
  CHECK(h.jb.size() == 0);
  CHECK(ledger());
}
