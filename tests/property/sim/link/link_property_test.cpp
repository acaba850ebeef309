// Link properties over random configs (any valid combination, including partitions, capacity
// traces, Gilbert bursts and mid-run SetConfig/SetUp) and random packet sequences:
//   - same seed + same inputs -> identical results and counters (and a copied Link continues the
//     same way: the model is a value);
//   - arrival >= now + delay and >= departure + delay, departure >= now, for every copy;
//   - without reorder, no copy arrives before any copy delivered earlier;
//   - counters add up: sent == delivered + sum(dropped), per reason and in bytes, duplicates apart;
//   - drop-tail and MTU rules hold for every packet.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "sfusim/sim/link.h"

using namespace sfusim::sim;

namespace {

rc::Gen<LinkConfig> GenConfig() {
  return rc::gen::exec([] {
    LinkConfig c;
    c.delay = TimeDelta::Micros(*rc::gen::inRange<int64_t>(0, 100'001));
    c.jitter = TimeDelta::Micros(*rc::gen::element<int64_t>(0, 0, 1, 1000, 20'000, 200'000));
    c.jitter_distribution = *rc::gen::element(JitterDistribution::kExponential, JitterDistribution::kUniform);
    c.reorder = *rc::gen::arbitrary<bool>();
    c.burst_len = *rc::gen::element(1.0, 1.0, 1.5, 3.0, 20.0);
    const double max_loss = c.burst_len > 1 ? GilbertElliott::MaxLossForBurst(c.burst_len) : 1.0;
    c.loss = *rc::gen::element(0, 0, 1, 100, 500, 1000) / 1000.0 * max_loss;
    c.duplicate = *rc::gen::element(0, 0, 10, 500, 1000) / 1000.0;
    if (*rc::gen::arbitrary<bool>()) c.capacity = DataRate::BitsPerSec(*rc::gen::inRange<int64_t>(1000, 100'000'001));
    if (*rc::gen::arbitrary<bool>()) c.queue_bytes = *rc::gen::inRange<int64_t>(0, 50'001);
    if (*rc::gen::arbitrary<bool>()) c.queue_time = TimeDelta::Micros(*rc::gen::inRange<int64_t>(0, 200'001));
    c.mtu = *rc::gen::element(0, 0, 1, 576, 1200, 1500);
    int steps = *rc::gen::inRange(0, 5);
    int64_t at = 0;
    for (int i = 0; i < steps; ++i) {
      at += *rc::gen::inRange<int64_t>(1, 300'000);
      c.capacity_trace.push_back(
          {Timestamp::Micros(at), DataRate::BitsPerSec(*rc::gen::inRange<int64_t>(1000, 100'000'001))});
    }
    c.up = *rc::gen::element(true, true, true, false);
    RC_PRE(ValidateLinkConfig(c).empty());
    return c;
  });
}

struct Op {
  int kind;  // 0-7 send, 8 toggle up, 9 switch to the other config
  int64_t gap_us;
  std::size_t size;
};

rc::Gen<Op> GenOp() {
  return rc::gen::apply([](int kind, int64_t gap, std::size_t size) { return Op{kind, gap, size}; },
                        rc::gen::inRange(0, 10), rc::gen::element<int64_t>(0, 0, 1, 100, 1000, 20'000),
                        rc::gen::element<std::size_t>(0, 1, 100, 576, 577, 1200, 1500, 1501, 9000));
}

struct Record {
  Timestamp now;
  std::size_t size;
  LinkResult result;
  LinkConfig config;  // in force when sent
  TimeDelta wait_before;
};

struct RunOut {
  std::vector<Record> records;
  LinkCounters counters;
};

RunOut Run(const LinkConfig& first, const LinkConfig& second, uint64_t seed, const std::vector<Op>& ops,
           std::optional<std::size_t> copy_at = std::nullopt) {
  RunOut out;
  Link link(first, Rng(seed));
  bool on_first = true;
  Timestamp now = Timestamp::Zero();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (copy_at && *copy_at == i) {
      Link copy = link;  // continue with a copy: it must behave exactly as the original would
      link = copy;
    }
    const Op& op = ops[i];
    now += TimeDelta::Micros(op.gap_us);
    if (op.kind == 8) {
      link.SetUp(!link.up());
    } else if (op.kind == 9) {
      on_first = !on_first;
      link.SetConfig(now, on_first ? first : second);
    } else {
      TimeDelta wait = link.QueueDelay(now);
      LinkConfig in_force = link.config();
      out.records.push_back({now, op.size, link.Send(now, op.size), in_force, wait});
    }
  }
  out.counters = link.counters();
  return out;
}

bool SameResult(const LinkResult& a, const LinkResult& b) {
  return a.drop == b.drop && a.arrival == b.arrival && a.duplicate_arrival == b.duplicate_arrival &&
         a.departure == b.departure && a.queue_delay == b.queue_delay;
}

}  // namespace

TEST_CASE("link properties", "[link][property]") {
  rc::prop("same seed and inputs give identical results; a copied link continues identically", [] {
    LinkConfig a = *GenConfig();
    LinkConfig b = *GenConfig();
    uint64_t seed = *rc::gen::arbitrary<uint64_t>();
    std::vector<Op> ops = *rc::gen::scale(5.0, rc::gen::container<std::vector<Op>>(GenOp()));
    RunOut x = Run(a, b, seed, ops);
    std::size_t copy_at = ops.empty() ? 0 : *rc::gen::inRange<std::size_t>(0, ops.size());
    RunOut y = Run(a, b, seed, ops, copy_at);
    RC_ASSERT(x.records.size() == y.records.size());
    for (std::size_t i = 0; i < x.records.size(); ++i) RC_ASSERT(SameResult(x.records[i].result, y.records[i].result));
    RC_ASSERT(x.counters == y.counters);
  });

  rc::prop("arrival >= now + delay and >= departure + delay; departure >= now", [] {
    LinkConfig a = *GenConfig();
    LinkConfig b = *GenConfig();
    std::vector<Op> ops = *rc::gen::scale(5.0, rc::gen::container<std::vector<Op>>(GenOp()));
    RunOut x = Run(a, b, *rc::gen::arbitrary<uint64_t>(), ops);
    for (const Record& r : x.records) {
      const LinkResult& res = r.result;
      if (res.delivered() || res.drop == DropReason::kLoss) {
        RC_ASSERT(res.departure >= r.now);
        RC_ASSERT(res.departure >= r.now + res.queue_delay);
      }
      if (!res.delivered()) {
        RC_ASSERT(!res.duplicate_arrival.has_value());
        continue;
      }
      RC_ASSERT(res.arrival >= r.now + r.config.delay);
      RC_ASSERT(res.arrival >= res.departure + r.config.delay);
      if (res.duplicate_arrival) RC_ASSERT(*res.duplicate_arrival >= res.departure + r.config.delay);
      // Uniform jitter is bounded by sqrt(12) J (+ rounding), when no earlier packet holds it back.
      if (r.config.reorder && r.config.jitter_distribution == JitterDistribution::kUniform) {
        RC_ASSERT((res.arrival - res.departure - r.config.delay).us() <=
                  static_cast<int64_t>(3.4642 * static_cast<double>(r.config.jitter.us())) + 1);
      }
    }
  });

  rc::prop("without reorder no copy arrives before an earlier-delivered copy", [] {
    LinkConfig a = *GenConfig();
    LinkConfig b = *GenConfig();
    std::vector<Op> ops = *rc::gen::scale(5.0, rc::gen::container<std::vector<Op>>(GenOp()));
    RunOut x = Run(a, b, *rc::gen::arbitrary<uint64_t>(), ops);
    Timestamp latest = Timestamp::Zero();
    for (const Record& r : x.records) {
      if (!r.result.delivered()) continue;
      if (!r.config.reorder) RC_ASSERT(r.result.arrival >= latest);
      latest = std::max(latest, r.result.arrival);
      if (r.result.duplicate_arrival) {
        if (!r.config.reorder) RC_ASSERT(*r.result.duplicate_arrival >= latest);
        latest = std::max(latest, *r.result.duplicate_arrival);
      }
    }
  });

  rc::prop("counters add up and match the results", [] {
    LinkConfig a = *GenConfig();
    LinkConfig b = *GenConfig();
    std::vector<Op> ops = *rc::gen::scale(5.0, rc::gen::container<std::vector<Op>>(GenOp()));
    RunOut x = Run(a, b, *rc::gen::arbitrary<uint64_t>(), ops);
    const LinkCounters& k = x.counters;
    RC_ASSERT(k.packets_sent == x.records.size());
    RC_ASSERT(k.packets_sent == k.packets_delivered + k.packets_dropped_total());
    RC_ASSERT(k.bytes_sent == k.bytes_delivered + k.bytes_dropped_total());
    LinkCounters expect;
    for (const Record& r : x.records) {
      expect.packets_sent++;
      expect.bytes_sent += r.size;
      if (r.result.delivered()) {
        expect.packets_delivered++;
        expect.bytes_delivered += r.size;
        if (r.result.duplicate_arrival) {
          expect.packets_duplicated++;
          expect.bytes_duplicated += r.size;
        }
      } else {
        expect.packets_dropped[static_cast<std::size_t>(r.result.drop)]++;
        expect.bytes_dropped[static_cast<std::size_t>(r.result.drop)] += r.size;
      }
      if (r.result.delivered() || r.result.drop == DropReason::kLoss) {
        expect.max_queue_delay = std::max(expect.max_queue_delay, r.result.queue_delay);
      }
    }
    RC_ASSERT(k == expect);
    for (DropReason reason : {DropReason::kNone, DropReason::kNoRoute, DropReason::kHostDown, DropReason::kNoSocket}) {
      RC_ASSERT(k.dropped(reason) == 0u);
    }
  });

  rc::prop("MTU, partition and drop-tail rules hold for every packet", [] {
    LinkConfig a = *GenConfig();
    LinkConfig b = *GenConfig();
    std::vector<Op> ops = *rc::gen::scale(5.0, rc::gen::container<std::vector<Op>>(GenOp()));
    RunOut x = Run(a, b, *rc::gen::arbitrary<uint64_t>(), ops);
    for (const Record& r : x.records) {
      const bool too_big = r.config.mtu > 0 && r.size > static_cast<std::size_t>(r.config.mtu);
      RC_ASSERT((r.result.drop == DropReason::kMtu) == too_big);
      if (too_big) continue;
      RC_ASSERT((r.result.drop == DropReason::kLinkDown) == !r.config.up);
      if (!r.config.up) continue;
      if (r.result.drop == DropReason::kQueueFull) {
        RC_ASSERT(r.wait_before > TimeDelta::Zero());
        RC_ASSERT((r.config.queue_time && r.wait_before > *r.config.queue_time) || r.config.queue_bytes.has_value());
      } else {
        RC_ASSERT(r.result.queue_delay == r.wait_before);
        if (r.config.queue_time) RC_ASSERT(r.result.queue_delay <= *r.config.queue_time);
      }
      if (r.config.loss == 0) RC_ASSERT(r.result.drop != DropReason::kLoss);
    }
  });
}
