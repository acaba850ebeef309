#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sfusim/sim/scheduler.h"

using namespace sfusim::sim;

TEST_CASE("scheduler fires events in time order and FIFO among equal times", "[scheduler]") {
  Scheduler s;
  std::vector<std::string> order;
  s.PostAt(Timestamp::Millis(20), [&] { order.push_back("b20"); });
  s.PostAt(Timestamp::Millis(10), [&] { order.push_back("a10"); });
  s.PostAt(Timestamp::Millis(20), [&] { order.push_back("c20"); });
  s.PostAt(Timestamp::Millis(10), [&] { order.push_back("d10"); });
  s.RunUntilIdle();
  CHECK(order == std::vector<std::string>{"a10", "d10", "b20", "c20"});
  CHECK(s.Now() == Timestamp::Millis(20));
  CHECK(s.fired() == 4);
}

TEST_CASE("events posted for now while firing run after those already queued for now", "[scheduler]") {
  Scheduler s;
  std::vector<int> order;
  s.PostAt(Timestamp::Millis(5), [&] {
    order.push_back(1);
    s.Post([&] { order.push_back(3); });
  });
  s.PostAt(Timestamp::Millis(5), [&] { order.push_back(2); });
  s.RunUntilIdle();
  CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("cancelled events never fire; cancelling twice or after firing is a no-op", "[scheduler]") {
  Scheduler s;
  int fired = 0;
  EventId a = s.PostDelayed(TimeDelta::Millis(1), [&] { fired += 1; });
  EventId b = s.PostDelayed(TimeDelta::Millis(2), [&] { fired += 10; });
  CHECK(s.pending() == 2);
  CHECK(s.Cancel(a));
  CHECK_FALSE(s.Cancel(a));
  CHECK(s.pending() == 1);
  s.RunUntilIdle();
  CHECK(fired == 10);
  CHECK_FALSE(s.Cancel(b));
  CHECK_FALSE(s.IsPending(b));
}

TEST_CASE("a reused slot does not honour a stale id", "[scheduler]") {
  Scheduler s;
  int fired = 0;
  EventId a = s.PostDelayed(TimeDelta::Millis(1), [&] { fired += 1; });
  s.RunUntilIdle();
  EventId b = s.PostDelayed(TimeDelta::Millis(1), [&] { fired += 100; });
  CHECK(a.slot == b.slot);  // the slot is reused, with a new sequence
  CHECK_FALSE(s.Cancel(a));
  s.RunUntilIdle();
  CHECK(fired == 101);
}

TEST_CASE("RunUntil stops at the bound and advances the clock to it", "[scheduler]") {
  Scheduler s;
  int fired = 0;
  s.PostAt(Timestamp::Millis(10), [&] { ++fired; });
  s.PostAt(Timestamp::Millis(30), [&] { ++fired; });
  s.RunUntil(Timestamp::Millis(20));
  CHECK(fired == 1);
  CHECK(s.Now() == Timestamp::Millis(20));
  s.RunFor(TimeDelta::Millis(10));
  CHECK(fired == 2);
  CHECK(s.Now() == Timestamp::Millis(30));
  CHECK(s.NextEventTime().IsPlusInfinity());
}

TEST_CASE("an event at exactly the RunUntil bound fires", "[scheduler]") {
  Scheduler s;
  bool fired = false;
  s.PostAt(Timestamp::Millis(20), [&] { fired = true; });
  s.RunUntil(Timestamp::Millis(20));
  CHECK(fired);
}

TEST_CASE("Stop makes the run return after the current event", "[scheduler]") {
  Scheduler s;
  int fired = 0;
  for (int i = 0; i < 5; ++i) s.PostAt(Timestamp::Millis(i), [&] {
      if (++fired == 2) s.Stop();
    });
  s.RunUntilIdle();
  CHECK(fired == 2);
  CHECK(s.pending() == 3);
}

TEST_CASE("exceeding the pending bound throws a clear error", "[scheduler]") {
  Scheduler s(3);
  EventId first = s.PostDelayed(TimeDelta::Millis(0), [] {});
  for (int i = 1; i < 3; ++i) s.PostDelayed(TimeDelta::Millis(i), [] {});
  try {
    s.PostDelayed(TimeDelta::Millis(9), [] {});
    FAIL("expected SchedulerOverflow");
  } catch (const SchedulerOverflow& e) {
    CHECK_THAT(e.what(), Catch::Contains("more than 3 pending events"));
  }
  // Cancelling frees room again.
  REQUIRE(s.Cancel(first));
  CHECK(s.PostDelayed(TimeDelta::Millis(9), [] {}).valid());
  CHECK(s.pending() == 3);
}

TEST_CASE("the events hash depends on the order and times of fired events", "[scheduler]") {
  auto run = [](int64_t t2) {
    Scheduler s;
    s.PostAt(Timestamp::Millis(1), [] {});
    s.PostAt(Timestamp::Millis(t2), [] {});
    s.RunUntilIdle();
    return s.events_hash();
  };
  CHECK(run(5) == run(5));
  CHECK(run(5) != run(6));
}

TEST_CASE("EventCallback moves captured state without copying it", "[scheduler]") {
  Scheduler s;
  std::vector<int> payload(1000, 7);
  const int* data = payload.data();
  const int* seen = nullptr;
  s.Post([p = std::move(payload), &seen] { seen = p.data(); });
  s.RunUntilIdle();
  CHECK(seen == data);
}

TEST_CASE("FIFO among equal times holds across the far-future queue and the wheel", "[scheduler]") {
  Scheduler s;
  std::vector<std::string> order;
  s.PostAt(Timestamp::Millis(100), [&] { order.push_back("first, posted far ahead"); });
  s.PostAt(Timestamp::Millis(50), [&] {
    s.PostAt(Timestamp::Millis(100), [&] { order.push_back("second, posted near"); });
  });
  s.RunUntil(Timestamp::Millis(40));  // a clock jump moves the window too
  s.PostAt(Timestamp::Millis(100), [&] { order.push_back("between"); });
  s.RunUntilIdle();
  CHECK(order == std::vector<std::string>{"first, posted far ahead", "between", "second, posted near"});
}

TEST_CASE("events far beyond the window and cancelled far events behave", "[scheduler]") {
  Scheduler s;
  std::vector<int64_t> fired;
  for (int i = 10; i > 0; --i) s.PostAt(Timestamp::Seconds(i * 100), [&] { fired.push_back(s.Now().ms()); });
  EventId far = s.PostAt(Timestamp::Seconds(50), [&] { fired.push_back(-1); });
  CHECK(s.Cancel(far));
  s.RunUntilIdle();
  CHECK(fired == std::vector<int64_t>{100000, 200000, 300000, 400000, 500000, 600000, 700000, 800000, 900000, 1000000});
}
