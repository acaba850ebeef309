// Link: the deterministic parts (bottleneck, drop-tail queue, capacity traces, MTU, partitions,
// SetConfig) and a golden value that pins the whole model's output for one seed.
//
// Where a test uses random inputs (interarrival times, sizes) they come from a seeded Rng of the
// test, and every check is exact: the queue has no randomness of its own.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "sfusim/sim/link.h"

using namespace sfusim::sim;

namespace {

struct Sent {
  Timestamp at;
  std::size_t size;
  LinkResult result;
};

double Mbps(double bytes, TimeDelta span) { return bytes * 8 / span.seconds() / 1e6; }

}  // namespace

TEST_CASE("throughput equals capacity under 2x overload (picosecond-exact serialization)", "[link][queue]") {
  // 1 Gbit/s, 1200-byte packets every 5 us (1.92 Gbit/s offered). 1200 bytes take 9.6 us: a model
  // that rounded each packet to whole microseconds would deliver 0.96 Gbit/s.
  LinkConfig c;
  c.capacity = DataRate::BitsPerSec(1'000'000'000);
  c.queue_time = TimeDelta::Millis(5);
  Link link(c, Rng(1));
  const int n = 200000;
  std::vector<Sent> log;
  for (int i = 0; i < n; ++i) {
    Timestamp t = Timestamp::Micros(5LL * i);
    log.push_back({t, 1200, link.Send(t, 1200)});
  }
  // Departures of delivered packets are 9.6 us apart, so after warm-up the rate is exact.
  std::vector<Timestamp> departures;
  for (const auto& s : log) {
    if (s.result.delivered()) departures.push_back(s.result.departure);
  }
  REQUIRE(departures.size() > 1000);
  // Skip the first 10 % (queue filling). Bytes that departed in (first, last] over that span.
  std::size_t first = departures.size() / 10;
  double bytes = 1200.0 * static_cast<double>(departures.size() - 1 - first);
  TimeDelta span = departures.back() - departures[first];
  // Departures are rounded up to the microsecond: the span is exact within 1 us of 0.9 s.
  CHECK(Mbps(bytes, span) == Approx(1000).epsilon(2e-6));
  // About half the offered packets were dropped at the queue, none for other reasons.
  const auto& k = link.counters();
  CHECK(k.dropped(DropReason::kQueueFull) > n * 0.47);
  CHECK(k.dropped(DropReason::kQueueFull) < n * 0.49);
  CHECK(k.packets_delivered + k.dropped(DropReason::kQueueFull) == static_cast<uint64_t>(n));
  // The queue really filled to its bound, and never beyond.
  CHECK(k.max_queue_delay <= TimeDelta::Millis(5));
  CHECK(k.max_queue_delay >= TimeDelta::Millis(5) - TimeDelta::Micros(10));
}

TEST_CASE("no capacity means no queue: departure = send time", "[link][queue]") {
  LinkConfig c;
  c.delay = TimeDelta::Millis(7);
  c.queue_time = TimeDelta::Zero();  // no effect without a capacity
  Link link(c, Rng(2));
  for (int i = 0; i < 1000; ++i) {
    LinkResult r = link.Send(Timestamp::Millis(1), 1500);  // a burst at one instant
    REQUIRE(r.delivered());
    CHECK(r.departure == Timestamp::Millis(1));
    CHECK(r.arrival == Timestamp::Millis(8));
    CHECK(r.queue_delay == TimeDelta::Zero());
  }
}

namespace {

// A bursty random workload (exponential gaps, mean `gap_us`, sizes uniform in [100, 1500]) on a
// link; returns every packet with the queue state just before it was sent, checks nothing.
struct QueuedPacket {
  Timestamp at;
  int64_t size;
  TimeDelta wait_before;  // link.QueueDelay(at) just before Send
  LinkResult result;
};
std::vector<QueuedPacket> Drive(Link& link, int n, double gap_us, uint64_t seed) {
  Rng rng(seed);
  std::vector<QueuedPacket> out;
  double t = 0;
  for (int i = 0; i < n; ++i) {
    t += rng.Exponential(gap_us);
    Timestamp at = Timestamp::Micros(static_cast<int64_t>(t));
    int64_t size = rng.UniformRange(100, 1500);
    TimeDelta wait = link.QueueDelay(at);
    out.push_back({at, size, wait, link.Send(at, static_cast<std::size_t>(size))});
  }
  return out;
}

// Replays the packets and checks the drop-tail rule exactly, both ways: every accepted packet that
// waits fits both bounds, every kQueueFull drop broke one. Bytes waiting at time t = sizes of the
// accepted packets whose transmission starts after t (start = send time + queue_delay; the
// rounding up to microseconds keeps "start > t" exact for integer-microsecond t).
struct ReplayCounts {
  int accepted_waiting = 0;
  int dropped_for_time = 0;
  int dropped_for_bytes = 0;
};
ReplayCounts CheckDropTail(const std::vector<QueuedPacket>& packets, std::optional<TimeDelta> queue_time,
                           std::optional<int64_t> queue_bytes) {
  ReplayCounts counts;
  std::vector<std::pair<Timestamp, int64_t>> accepted;  // (start, size)
  std::size_t head = 0;
  int64_t waiting = 0;
  for (const QueuedPacket& p : packets) {
    while (head < accepted.size() && accepted[head].first <= p.at) waiting -= accepted[head++].second;
    if (p.wait_before == TimeDelta::Zero()) {
      // Idle transmitter: never dropped by the queue.
      REQUIRE(p.result.drop != DropReason::kQueueFull);
      REQUIRE(waiting == 0);
    }
    bool over_time = queue_time && p.wait_before > *queue_time;
    bool over_bytes = queue_bytes && p.wait_before > TimeDelta::Zero() && waiting + p.size > *queue_bytes;
    if (p.result.drop == DropReason::kQueueFull) {
      REQUIRE((over_time || over_bytes));
      counts.dropped_for_time += over_time;
      counts.dropped_for_bytes += over_bytes && !over_time;
    } else {
      REQUIRE_FALSE(over_time);
      REQUIRE_FALSE(over_bytes);
      REQUIRE(p.result.queue_delay == p.wait_before);
      if (queue_time) REQUIRE(p.result.queue_delay <= *queue_time);
      if (p.result.queue_delay > TimeDelta::Zero()) {
        ++counts.accepted_waiting;
        accepted.push_back({p.at + p.result.queue_delay, p.size});
        waiting += p.size;
        if (queue_bytes) REQUIRE(waiting <= *queue_bytes);
      }
    }
  }
  return counts;
}

}  // namespace

TEST_CASE("drop-tail by time: no accepted packet waits longer than queue_time", "[link][queue]") {
  LinkConfig c;
  c.capacity = DataRate::KilobitsPerSec(5000);
  c.queue_time = TimeDelta::Millis(20);
  c.loss = 0.01;  // after the queue: must not disturb it
  Link link(c, Rng(3));
  // Mean size 800 bytes every 1 ms = 6.4 Mbit/s offered on 5 Mbit/s.
  auto packets = Drive(link, 150000, 1000, 33);
  ReplayCounts counts = CheckDropTail(packets, c.queue_time, std::nullopt);
  CHECK(counts.dropped_for_time > 1000);
  CHECK(counts.accepted_waiting > 10000);
  CHECK(link.counters().max_queue_delay <= TimeDelta::Millis(20));
  CHECK(link.counters().max_queue_delay > TimeDelta::Millis(19));
}

TEST_CASE("drop-tail by bytes: the bytes waiting never exceed queue_bytes", "[link][queue]") {
  LinkConfig c;
  c.capacity = DataRate::KilobitsPerSec(5000);
  c.queue_bytes = 10000;
  Link link(c, Rng(4));
  auto packets = Drive(link, 150000, 1000, 44);
  ReplayCounts counts = CheckDropTail(packets, std::nullopt, c.queue_bytes);
  CHECK(counts.dropped_for_bytes > 1000);
  CHECK(counts.accepted_waiting > 10000);
}

TEST_CASE("both bounds on a varying capacity: each binds in turn", "[link][queue]") {
  // 8000 bytes = 6.4 ms at 10 Mbit/s (bytes bind first) but 32 ms at 2 Mbit/s (time binds first).
  LinkConfig c;
  c.capacity = DataRate::KilobitsPerSec(10000);
  c.queue_bytes = 8000;
  c.queue_time = TimeDelta::Millis(10);
  for (int s = 1; s <= 100; ++s) {
    c.capacity_trace.push_back({Timestamp::Millis(1000LL * s), DataRate::KilobitsPerSec(s % 2 ? 2000 : 10000)});
  }
  Link link(c, Rng(5));
  // 12 Mbit/s offered: above both rates.
  auto packets = Drive(link, 150000, 533, 55);
  ReplayCounts counts = CheckDropTail(packets, c.queue_time, c.queue_bytes);
  CHECK(counts.dropped_for_time > 1000);
  CHECK(counts.dropped_for_bytes > 1000);
}

TEST_CASE("queue_time 0 and queue_bytes 0 mean no buffer: only an idle link accepts", "[link][queue]") {
  for (int which = 0; which < 2; ++which) {
    LinkConfig c;
    c.capacity = DataRate::KilobitsPerSec(1000);  // 1200 bytes = 9.6 ms
    if (which == 0) c.queue_time = TimeDelta::Zero();
    if (which == 1) c.queue_bytes = 0;
    Link link(c, Rng(6));
    CHECK(link.Send(Timestamp::Millis(0), 1200).delivered());
    CHECK(link.Send(Timestamp::Millis(5), 1200).drop == DropReason::kQueueFull);
    CHECK(link.Send(Timestamp::Micros(9599), 1200).drop == DropReason::kQueueFull);
    LinkResult r = link.Send(Timestamp::Micros(9600), 1200);
    CHECK(r.delivered());
    CHECK(r.departure == Timestamp::Micros(19200));
  }
}

TEST_CASE("an unbounded queue is still bounded by kMaxQueuedPackets", "[link][queue]") {
  LinkConfig c;
  c.capacity = kMinCapacity;
  Link link(c, Rng(7));
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < Link::kMaxQueuedPackets + 100; ++i) accepted += link.Send(Timestamp::Zero(), 1).delivered();
  // The first packet goes straight to transmission; kMaxQueuedPackets wait behind it.
  CHECK(accepted == Link::kMaxQueuedPackets + 1);
  CHECK(link.counters().dropped(DropReason::kQueueFull) == 99);
}

TEST_CASE("capacity trace steps change the throughput at the right times", "[link][capacity]") {
  // 2 Mbit/s, then 6 Mbit/s from 1 s, 1 Mbit/s from 2 s; 8 Mbit/s offered in 1000-byte packets.
  LinkConfig c;
  c.capacity = DataRate::KilobitsPerSec(2000);
  c.capacity_trace = {{Timestamp::Seconds(1), DataRate::KilobitsPerSec(6000)},
                      {Timestamp::Seconds(2), DataRate::KilobitsPerSec(1000)}};
  c.queue_time = TimeDelta::Millis(10);
  Link link(c, Rng(8));
  std::vector<Timestamp> departures;
  for (int64_t t = 0; t < 3'000'000; t += 1000) {
    LinkResult r = link.Send(Timestamp::Micros(t), 1000);
    if (r.delivered()) departures.push_back(r.departure);
  }
  auto bytes_between = [&](int64_t from_us, int64_t to_us) {
    int64_t n = 0;
    for (Timestamp d : departures) n += d > Timestamp::Micros(from_us) && d <= Timestamp::Micros(to_us);
    return 1000.0 * static_cast<double>(n);
  };
  // Each 0.9 s window after a step (the queue adapts within 10 ms): rate within one packet.
  CHECK(Mbps(bytes_between(100'000, 1'000'000), TimeDelta::Millis(900)) == Approx(2).margin(0.01));
  CHECK(Mbps(bytes_between(1'100'000, 2'000'000), TimeDelta::Millis(900)) == Approx(6).margin(0.01));
  CHECK(Mbps(bytes_between(2'100'000, 3'000'000), TimeDelta::Millis(900)) == Approx(1).margin(0.01));
  CHECK(link.CapacityAt(Timestamp::Micros(999'999)) == DataRate::KilobitsPerSec(2000));
  CHECK(link.CapacityAt(Timestamp::Seconds(1)) == DataRate::KilobitsPerSec(6000));

  // One packet straddling a step is integrated: 1 Mbit/s then 2 Mbit/s at 1000 us; 250 bytes
  // from 500 us: 500 bits by 1000 us, 1500 bits in 750 us -> departs at 1750 us.
  LinkConfig s;
  s.capacity = DataRate::BitsPerSec(1'000'000);
  s.capacity_trace = {{Timestamp::Micros(1000), DataRate::BitsPerSec(2'000'000)}};
  Link straddle(s, Rng(9));
  CHECK(straddle.Send(Timestamp::Micros(500), 250).departure == Timestamp::Micros(1750));
}

TEST_CASE("MTU: larger packets are dropped with kMtu and counted, before anything else", "[link][mtu]") {
  LinkConfig c;
  c.mtu = 1200;
  c.up = false;  // MTU is checked before the partition
  Link link(c, Rng(10));
  uint64_t big = 0;
  for (std::size_t size = 1000; size <= 1400; ++size) {
    LinkResult r = link.Send(Timestamp::Zero(), size);
    if (size > 1200) {
      ++big;
      CHECK(r.drop == DropReason::kMtu);
    } else {
      CHECK(r.drop == DropReason::kLinkDown);
    }
  }
  CHECK(link.counters().dropped(DropReason::kMtu) == big);
  CHECK(link.counters().dropped(DropReason::kLinkDown) == 401 - big);
  CHECK(link.counters().bytes_dropped[static_cast<std::size_t>(DropReason::kMtu)] == (1201 + 1400) * big / 2);

  // mtu 0 is unlimited up to kMaxPacketBytes.
  Link unlimited(LinkConfig{}, Rng(11));
  CHECK(unlimited.Send(Timestamp::Zero(), Link::kMaxPacketBytes).delivered());
  CHECK(unlimited.Send(Timestamp::Zero(), Link::kMaxPacketBytes + 1).drop == DropReason::kMtu);
}

TEST_CASE("link down drops everything with kLinkDown and counts it; up again resumes", "[link][down]") {
  LinkConfig c;
  c.delay = TimeDelta::Millis(10);
  c.capacity = DataRate::KilobitsPerSec(1000);
  c.loss = 0.5;
  Link link(c, Rng(12));
  link.SetUp(false);
  CHECK_FALSE(link.up());
  for (int i = 0; i < 1000; ++i) CHECK(link.Send(Timestamp::Millis(i), 500).drop == DropReason::kLinkDown);
  const auto& k = link.counters();
  CHECK(k.dropped(DropReason::kLinkDown) == 1000);
  CHECK(k.bytes_dropped[static_cast<std::size_t>(DropReason::kLinkDown)] == 500'000);
  CHECK(k.packets_delivered == 0);
  CHECK(k.dropped(DropReason::kLoss) == 0);  // nothing reached the random stage
  CHECK(link.QueueDelay(Timestamp::Millis(1000)) == TimeDelta::Zero());
  link.SetUp(true);
  int delivered = 0;
  for (int i = 1000; i < 2000; ++i) delivered += link.Send(Timestamp::Millis(i), 100).delivered();
  CHECK(delivered > 400);
  CHECK(delivered < 600);
  // The same through the config.
  c.up = false;
  link.SetConfig(Timestamp::Millis(2000), c);
  CHECK(link.Send(Timestamp::Millis(2001), 100).drop == DropReason::kLinkDown);
}

TEST_CASE("SetConfig applies from now on; queued packets keep their times", "[link][config]") {
  LinkConfig c;
  c.delay = TimeDelta::Millis(10);
  c.capacity = DataRate::KilobitsPerSec(800);  // 1000 bytes = 10 ms
  Link link(c, Rng(13));
  CHECK(link.Send(Timestamp::Zero(), 1000).departure == Timestamp::Millis(10));
  CHECK(link.Send(Timestamp::Zero(), 1000).departure == Timestamp::Millis(20));
  c.capacity = DataRate::KilobitsPerSec(8000);  // 1 ms per packet from now on
  c.delay = TimeDelta::Millis(50);
  link.SetConfig(Timestamp::Millis(1), c);
  // Waits behind the two packets already queued (until 20 ms), then 1 ms at the new rate.
  LinkResult r = link.Send(Timestamp::Millis(2), 1000);
  CHECK(r.departure == Timestamp::Millis(21));
  CHECK(r.queue_delay == TimeDelta::Millis(18));
  CHECK(r.arrival == Timestamp::Millis(71));
}

TEST_CASE("a Gilbert chain keeps its state across SetConfig while bursty", "[link][config]") {
  LinkConfig c;
  c.loss = 0.5;
  c.burst_len = 50;
  Link link(c, Rng(14));
  Timestamp t = Timestamp::Zero();
  while (!link.in_loss_burst()) {
    link.Send(t, 100);
    t += TimeDelta::Millis(1);
  }
  c.loss = 0.3;
  link.SetConfig(t, c);
  CHECK(link.in_loss_burst());
  c.burst_len = 1;  // Bernoulli from now on
  link.SetConfig(t, c);
  CHECK_FALSE(link.in_loss_burst());
}

TEST_CASE("golden: one seed's output is pinned (a change here changes every trace hash)", "[link][golden]") {
  LinkConfig c;
  c.delay = TimeDelta::Millis(20);
  c.jitter = TimeDelta::Millis(5);
  c.loss = 0.05;
  c.burst_len = 2;
  c.duplicate = 0.05;
  c.capacity = DataRate::KilobitsPerSec(10000);
  c.queue_time = TimeDelta::Millis(50);
  Link link(c, Rng::Stream(42, "link/alice->sfu"));
  uint64_t h = 0xcbf29ce484222325ULL;
  auto fold = [&h](uint64_t v) {
    h ^= v;
    h *= 0x100000001b3ULL;
  };
  Rng sizes(1);
  for (int i = 0; i < 10000; ++i) {
    LinkResult r = link.Send(Timestamp::Micros(700LL * i), 200 + sizes.UniformInt(1300));
    fold(static_cast<uint64_t>(r.drop));
    fold(static_cast<uint64_t>(r.arrival.us()));
    fold(r.duplicate_arrival ? static_cast<uint64_t>(r.duplicate_arrival->us()) : 0);
  }
  INFO("hash " << std::hex << h);
  CHECK(h == 0x3fb67175a5b95bb6ULL);
}
