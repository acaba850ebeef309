// LinkCounters: running totals of one Link, for metrics and for checking the link's bookkeeping.
//
// Invariant (tested as a property): packets_sent == packets_delivered + packets_dropped_total(),
// and the same for bytes. Duplicates are extra: packets_duplicated counts the second copies, which
// are not part of packets_delivered. Drops are indexed by DropReason (only kLoss, kQueueFull, kMtu
// and kLinkDown occur on a link; the other reasons belong to hosts and sockets).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/trace.h"

namespace sfusim::sim {

struct LinkCounters {
  static constexpr std::size_t kReasons = static_cast<std::size_t>(DropReason::kCount);

  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t packets_delivered = 0;
  uint64_t bytes_delivered = 0;
  uint64_t packets_duplicated = 0;
  uint64_t bytes_duplicated = 0;
  std::array<uint64_t, kReasons> packets_dropped{};
  std::array<uint64_t, kReasons> bytes_dropped{};
  // The longest wait before transmission of any packet the queue accepted.
  TimeDelta max_queue_delay = TimeDelta::Zero();

  uint64_t dropped(DropReason reason) const { return packets_dropped[static_cast<std::size_t>(reason)]; }
  uint64_t packets_dropped_total() const {
    uint64_t sum = 0;
    for (uint64_t v : packets_dropped) sum += v;
    return sum;
  }
  uint64_t bytes_dropped_total() const {
    uint64_t sum = 0;
    for (uint64_t v : bytes_dropped) sum += v;
    return sum;
  }
  bool operator==(const LinkCounters&) const = default;
};

}  // namespace sfusim::sim
