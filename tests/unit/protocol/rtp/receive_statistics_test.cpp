// ReceiveStatistics against RFC 3550 A.1 (sequence/probation/restart), A.3 (loss, fraction) and
// A.8 (jitter) on hand-built streams.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <set>

#include "sfusim/protocol/rtp/receive_statistics.h"

using sfusim::protocol::ReceiveStatistics;

namespace {
constexpr uint32_t kSsrc = 0x5EED;
constexpr uint32_t kOpusClockHz = 48'000;
constexpr uint32_t kTicksPer20Ms = 960;
constexpr int64_t k20MsUs = 20'000;

// Feeds `count` packets from `first_seq`, 20 ms apart, skipping those in `drop`.
void Feed(ReceiveStatistics& s, uint16_t first_seq, int count, const std::set<int>& drop = {}) {
  for (int i = 0; i < count; ++i) {
    if (drop.count(i)) continue;
    s.OnRtpPacket(static_cast<uint16_t>(first_seq + i), static_cast<uint32_t>(i * kTicksPer20Ms), i * k20MsUs);
  }
}
}  // namespace

TEST_CASE("an in-order stream: probation, counts, zero jitter", "[rtp][stats]") {
  ReceiveStatistics s(kSsrc, kOpusClockHz);
  CHECK_FALSE(s.valid());
  CHECK_FALSE(s.OnRtpPacket(1000, 0, 0));  // first packet: on probation (MIN_SEQUENTIAL=2)
  CHECK_FALSE(s.valid());
  CHECK(s.OnRtpPacket(1001, kTicksPer20Ms, k20MsUs));
  CHECK(s.valid());
  for (int i = 2; i < 100; ++i) s.OnRtpPacket(static_cast<uint16_t>(1000 + i), i * kTicksPer20Ms, i * k20MsUs);
  // base_seq is the packet that ended probation (1001).
  CHECK(s.expected() == 99);
  CHECK(s.received() == 99);
  CHECK(s.cumulative_lost() == 0);
  CHECK(s.extended_highest_sequence() == 1099u);
  CHECK(s.jitter() == 0u);
  const auto b = s.GenerateReportBlock(2'000'000);
  CHECK(b.source_ssrc == kSsrc);
  CHECK(b.fraction_lost == 0);
  CHECK(b.cumulative_lost == 0);
  CHECK(b.extended_highest_sequence == 1099u);
  CHECK(b.jitter == 0u);
  CHECK(b.last_sr == 0u);
  CHECK(b.delay_since_last_sr == 0u);
}

TEST_CASE("min_sequential 1 counts from the first packet", "[rtp][stats]") {
  ReceiveStatistics s(ReceiveStatistics::Config{kSsrc, kOpusClockHz, 1});
  CHECK(s.OnRtpPacket(500, 0, 0));
  CHECK(s.expected() == 1);
  CHECK(s.received() == 1);
}

TEST_CASE("losses, fraction lost per interval", "[rtp][stats]") {
  ReceiveStatistics s(kSsrc, kOpusClockHz);
  Feed(s, 1000, 100, {10, 20, 21, 22});
  CHECK(s.expected() == 99);
  CHECK(s.received() == 95);
  CHECK(s.cumulative_lost() == 4);
  auto b = s.GenerateReportBlock(0);
  CHECK(b.fraction_lost == (4 * 256) / 99);  // 10
  CHECK(b.cumulative_lost == 4);
  // Next interval: 50 more, 25 lost (every other one).
  std::set<int> odd;
  for (int i = 1; i < 50; i += 2) odd.insert(i);
  for (int i = 0; i < 50; ++i) {
    if (odd.count(i)) continue;
    s.OnRtpPacket(static_cast<uint16_t>(1100 + i), 0, 0);
  }
  // Interval: expected 1100..1148 = 49 (the last odd one, 1149, is not known to be lost yet).
  b = s.GenerateReportBlock(0);
  CHECK(b.fraction_lost == (24 * 256) / 49);
  CHECK(b.cumulative_lost == 4 + 24);
  // An interval with nothing new reports 0.
  b = s.GenerateReportBlock(0);
  CHECK(b.fraction_lost == 0);
  CHECK(b.cumulative_lost == 28);
}

TEST_CASE("extended highest sequence across the 16-bit wrap", "[rtp][stats]") {
  ReceiveStatistics s(kSsrc, kOpusClockHz);
  Feed(s, 65530, 20, {8});  // 65530..65535, 0..13; seq 2 lost
  CHECK(s.extended_highest_sequence() == 0x10000u + 13);
  CHECK(s.max_sequence() == 13);
  CHECK(s.expected() == 19);
  CHECK(s.cumulative_lost() == 1);
  // A late packet from before the wrap does not move the cycle count back.
  CHECK(s.OnRtpPacket(65533, 0, 0));
  CHECK(s.extended_highest_sequence() == 0x10000u + 13);
  CHECK(s.cumulative_lost() == 0);  // duplicate of 65533 counts as received (RFC A.3)
}

TEST_CASE("reordering within MAX_MISORDER is not loss", "[rtp][stats]") {
  ReceiveStatistics s(kSsrc, kOpusClockHz);
  for (uint16_t seq : {1000, 1001, 1003, 1002, 1005, 1004, 1006}) CHECK(s.OnRtpPacket(seq, 0, 0) == (seq != 1000));
  CHECK(s.extended_highest_sequence() == 1006u);
  CHECK(s.cumulative_lost() == 0);
}

TEST_CASE("duplicates make cumulative lost negative", "[rtp][stats]") {
  ReceiveStatistics s(kSsrc, kOpusClockHz);
  for (uint16_t seq : {1000, 1001, 1002, 1002, 1003, 1003}) s.OnRtpPacket(seq, 0, 0);
  CHECK(s.expected() == 3);
  CHECK(s.received() == 5);
  CHECK(s.cumulative_lost() == -2);
  const auto b = s.GenerateReportBlock(0);
  CHECK(b.cumulative_lost == -2);
  CHECK(b.fraction_lost == 0);  // RFC A.3: no negative fraction
}

TEST_CASE("a large jump is ignored once, then restarts the sequence", "[rtp][stats]") {
  ReceiveStatistics s(kSsrc, kOpusClockHz);
  Feed(s, 1000, 10);
  CHECK(s.received() == 9);
  CHECK_FALSE(s.OnRtpPacket(9000, 0, 0));  // jump > MAX_DROPOUT: remembered as bad_seq 9001
  CHECK(s.received() == 9);
  CHECK(s.extended_highest_sequence() == 1009u);
  CHECK(s.OnRtpPacket(9001, 0, 0));  // confirms: the sender restarted
  CHECK(s.received() == 1);
  CHECK(s.expected() == 1);
  CHECK(s.extended_highest_sequence() == 9001u);
  // A lone stray packet far back is dropped and does not restart.
  CHECK_FALSE(s.OnRtpPacket(100, 0, 0));
  CHECK(s.OnRtpPacket(9002, 0, 0));
  CHECK(s.extended_highest_sequence() == 9002u);
}

TEST_CASE("probation restarts on an out-of-sequence packet", "[rtp][stats]") {
  ReceiveStatistics s(kSsrc, kOpusClockHz);
  CHECK_FALSE(s.OnRtpPacket(1000, 0, 0));
  CHECK_FALSE(s.OnRtpPacket(1005, 0, 0));  // not 1001: probation starts over at 1005
  CHECK_FALSE(s.valid());
  CHECK(s.OnRtpPacket(1006, 0, 0));
  CHECK(s.valid());
  CHECK(s.expected() == 1);
  CHECK(s.extended_highest_sequence() == 1006u);
}

TEST_CASE("interarrival jitter follows RFC 3550 A.8", "[rtp][stats]") {
  ReceiveStatistics s(ReceiveStatistics::Config{kSsrc, kOpusClockHz, 1});
  // Every other packet arrives 10 ms (480 ticks) late: |D| alternates 480.
  double j = 0;
  int64_t last_transit = 0;
  for (int i = 0; i < 200; ++i) {
    const int64_t arrival_us = i * k20MsUs + (i % 2 ? 10'000 : 0);
    const uint32_t ts = static_cast<uint32_t>(1'000'000 + i * kTicksPer20Ms);  // any offset
    s.OnRtpPacket(static_cast<uint16_t>(i), ts, arrival_us);
    const int64_t transit = arrival_us * kOpusClockHz / 1'000'000 - ts;
    if (i > 0) j += (std::abs(transit - last_transit) - j) / 16.0;
    last_transit = transit;
  }
  CHECK(std::abs(static_cast<double>(s.jitter()) - j) <= 1.0);
  CHECK(s.jitter() > 470u);
  CHECK(s.jitter() <= 480u);
}

TEST_CASE("jitter ignores the RTP timestamp wrap", "[rtp][stats]") {
  ReceiveStatistics s(ReceiveStatistics::Config{kSsrc, kOpusClockHz, 1});
  for (int i = 0; i < 50; ++i) {
    s.OnRtpPacket(static_cast<uint16_t>(i), static_cast<uint32_t>(0xFFFFF000u + i * kTicksPer20Ms), i * k20MsUs);
  }
  CHECK(s.jitter() == 0u);
}

TEST_CASE("LSR and DLSR from the last sender report", "[rtp][stats]") {
  ReceiveStatistics s(kSsrc, kOpusClockHz);
  Feed(s, 1, 5);
  s.OnSenderReport(0x0123456789ABCDEFull, 10'000'000);
  const auto b = s.GenerateReportBlock(11'500'000);
  CHECK(b.last_sr == 0x456789ABu);             // middle 32 bits of the NTP timestamp
  CHECK(b.delay_since_last_sr == 98'304u);     // 1.5 s in 1/65536 s
}

TEST_CASE("a report block before any packet is all zeros", "[rtp][stats]") {
  ReceiveStatistics s(kSsrc, kOpusClockHz);
  const auto b = s.GenerateReportBlock(0);
  CHECK(b.source_ssrc == kSsrc);
  CHECK(b.fraction_lost == 0);
  CHECK(b.cumulative_lost == 0);
  CHECK(b.extended_highest_sequence == 0u);
}
