// CapacitySchedule: exact transmission times, integration across steps, picosecond precision.
#include <catch2/catch.hpp>

#include "sfusim/sim/capacity_schedule.h"

using namespace sfusim::sim;

namespace {
constexpr int64_t kPs = CapacitySchedule::kPsPerUs;
}

TEST_CASE("a constant rate gives size * 8 / rate, in picoseconds", "[capacity]") {
  CapacitySchedule s(DataRate::BitsPerSec(1'000'000'000), {});
  // 1200 bytes at 1 Gbit/s: 9.6 us exactly (rounding to whole microseconds would say 10).
  CHECK(s.TransmitEnd(0, 1200) == 9'600'000);
  CHECK(s.TransmitEnd(5 * kPs, 0) == 5 * kPs);
  // 1 byte at 3 bit/s... at 1 kbit/s: 8 ms.
  CapacitySchedule slow(DataRate::BitsPerSec(1000), {});
  CHECK(slow.TransmitEnd(0, 1) == 8'000 * kPs);
  // Rounds up to the next picosecond: 1 byte at 3 kbit/s = 2.666... ms.
  CapacitySchedule odd(DataRate::BitsPerSec(3000), {});
  CHECK(odd.TransmitEnd(0, 1) == 2'666'666'667);
}

TEST_CASE("infinite capacity sends at once", "[capacity]") {
  CapacitySchedule inf;
  CHECK(inf.AlwaysInfinite());
  CHECK(inf.TransmitEnd(123 * kPs, 1500) == 123 * kPs);
  CHECK_FALSE(inf.RateAt(Timestamp::Seconds(5)).has_value());
}

TEST_CASE("a transmission across a step is integrated over both rates", "[capacity]") {
  // 1 Mbit/s until 1000 us, then 2 Mbit/s. 250 bytes = 2000 bits starting at 500 us:
  // 500 bits in the first 500 us, the remaining 1500 bits at 2 Mbit/s take 750 us -> 1750 us.
  CapacitySchedule s(DataRate::BitsPerSec(1'000'000), {{Timestamp::Micros(1000), DataRate::BitsPerSec(2'000'000)}});
  CHECK(s.TransmitEnd(500 * kPs, 250) == 1750 * kPs);
  // Entirely before / after the step.
  CHECK(s.TransmitEnd(0, 100) == 800 * kPs);
  CHECK(s.TransmitEnd(2000 * kPs, 250) == 3000 * kPs);
  // Backwards start times still work (the cursor walks back).
  CHECK(s.TransmitEnd(0, 250) == 1500 * kPs);  // 1000 bits by 1000 us, 1000 bits at 2 Mbit/s = 500 us
  CHECK(s.RateAt(Timestamp::Micros(999)) == DataRate::BitsPerSec(1'000'000));
  CHECK(s.RateAt(Timestamp::Micros(1000)) == DataRate::BitsPerSec(2'000'000));
}

TEST_CASE("a transmission spanning several steps, from an infinite start", "[capacity]") {
  // Infinite before 100 us, 8 kbit/s (1 byte/ms) on [100 us, 2100 us), 16 kbit/s on [2100, 3100),
  // then 1 kbit/s. 5 bytes from 2000 us: 0.1 byte by 2100, 2 bytes by 3100, then 2.9 bytes at
  // 1 byte per 8 ms = 23.2 ms -> 26300 us.
  CapacitySchedule s(std::nullopt, {{Timestamp::Micros(100), DataRate::BitsPerSec(8000)},
                                    {Timestamp::Micros(2100), DataRate::BitsPerSec(16000)},
                                    {Timestamp::Micros(3100), DataRate::BitsPerSec(1000)}});
  CHECK(s.TransmitEnd(0, 1000) == 0);  // infinite segment
  CHECK(s.TransmitEnd(2000 * kPs, 5) == 26'300 * kPs);
  // Starting in the infinite segment sends everything there, even if a finite segment is near.
  CHECK(s.TransmitEnd(99 * kPs, 1000) == 99 * kPs);
}
