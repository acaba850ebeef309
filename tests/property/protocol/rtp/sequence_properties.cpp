// Sequence-number properties:
//   - SequenceNumberUnwrapper recovers the true 64-bit position of a random walk whose steps stay
//     within half the 16-bit range, across any number of wraps;
//   - ReceiveStatistics (RFC 3550 A.1/A.3): on a stream starting anywhere (so often across the
//     wrap) with a random drop pattern and local reordering, the cumulative lost count equals the
//     number of dropped packets, and the extended highest sequence is the last one sent.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sfusim/protocol/rtp/receive_statistics.h"
#include "sfusim/protocol/rtp/sequence_number_unwrapper.h"

using namespace sfusim::protocol;

TEST_CASE("unwrapping a random walk", "[rtp][seq][property]") {
  rc::prop("unwrap", [] {
    int64_t truth = *rc::gen::inRange<int64_t>(0, 65536);
    SequenceNumberUnwrapper u;
    RC_ASSERT(u.Unwrap(static_cast<uint16_t>(truth)) == truth);
    const auto steps = *rc::gen::container<std::vector<int>>(rc::gen::oneOf(
        rc::gen::inRange(-32767, 32768), rc::gen::inRange(-3, 4), rc::gen::inRange(1000, 32768)));
    for (int step : steps) {
      truth += step;
      RC_ASSERT(u.Unwrap(static_cast<uint16_t>(truth & 0xFFFF)) == truth);
    }
  });
}

TEST_CASE("receive statistics lost count equals dropped packets", "[rtp][stats][property]") {
  rc::prop("drops and local reordering", [] {
    const uint16_t start = *rc::gen::arbitrary<uint16_t>();
    const int n = *rc::gen::inRange(3, 3000);
    const int drop_per_mille = *rc::gen::element(0, 10, 100, 500, 900);
    std::vector<int64_t> sent;  // offsets from start that arrive, in arrival order
    int dropped = 0;
    for (int i = 0; i < n; ++i) {
      // The first two end probation and the last one fixes the highest sequence: never dropped.
      const bool keep = i < 2 || i == n - 1 || *rc::gen::inRange(0, 1000) >= drop_per_mille;
      if (keep) {
        sent.push_back(i);
      } else {
        ++dropped;
      }
    }
    // Swap some neighbours after the probation packets (reordering within MAX_MISORDER).
    if (*rc::gen::arbitrary<bool>() && sent.size() > 4) {
      const int swaps = *rc::gen::inRange(1, 20);
      std::vector<bool> touched(sent.size(), false);
      for (int k = 0; k < swaps; ++k) {
        const size_t at = *rc::gen::inRange<size_t>(2, sent.size() - 1);
        // Disjoint pairs, each less than MAX_MISORDER apart: a packet further behind the highest
        // is a stray by design (RFC 3550 A.1).
        if (touched[at] || touched[at + 1] || sent[at + 1] - sent[at] >= ReceiveStatistics::kMaxMisorder) continue;
        touched[at] = touched[at + 1] = true;
        std::swap(sent[at], sent[at + 1]);
      }
    }
    ReceiveStatistics stats(0x1234, 90'000);
    for (int64_t off : sent) {
      stats.OnRtpPacket(static_cast<uint16_t>(start + off), static_cast<uint32_t>(off * 3000), off * 33'333);
    }
    // base_seq is start + 1 (the packet that ended probation).
    RC_ASSERT(stats.expected() == n - 1);
    RC_ASSERT(stats.received() == static_cast<int64_t>(sent.size()) - 1);
    RC_ASSERT(stats.cumulative_lost() == dropped);
    RC_ASSERT(stats.extended_highest_sequence() == static_cast<uint32_t>(start + n - 1));
    const auto block = stats.GenerateReportBlock(0);
    RC_ASSERT(block.cumulative_lost == dropped);
    RC_ASSERT(block.fraction_lost == static_cast<uint8_t>((int64_t{dropped} << 8) / (n - 1)));
  });
}
