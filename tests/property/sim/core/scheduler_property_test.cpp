#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <map>
#include <set>
#include <vector>

#include "sfusim/sim/rng.h"
#include "sfusim/sim/scheduler.h"

using namespace sfusim::sim;

namespace {

// One step of a random workload: post an event `delay_us` from now (small range, so equal times
// are common), cancel the k-th posted event, fire one event, peek at the next event time, or run
// until now + delay_us (the peeks exercise posting below the queue's reference key).
struct Op {
  int kind;  // 0 post, 1 cancel, 2 step, 3 peek, 4 run until
  int64_t delay_us;
  std::size_t k;
};

struct Fired {
  int64_t time_us;
  std::size_t post_index;
};

}  // namespace

namespace rc {
template <>
struct Arbitrary<Op> {
  static Gen<Op> arbitrary() {
    return gen::apply([](int kind, int64_t d, std::size_t k) { return Op{kind, d, k}; }, gen::inRange(0, 5),
                      // Small delays make equal times common; delays around and beyond the timing
                      // wheel's 65.536 ms window exercise the far-future heap and its migration.
                      gen::oneOf(gen::inRange<int64_t>(0, 5), gen::inRange<int64_t>(65530, 65545),
                                 gen::inRange<int64_t>(0, 300000)), gen::inRange<std::size_t>(0, 1000));
  }
};
}  // namespace rc

TEST_CASE("scheduler properties", "[scheduler][property]") {
  rc::prop("events fire in non-decreasing time, FIFO among equal times; cancelled never fire",
           [](const std::vector<Op>& ops_in) {
             std::vector<Op> ops = ops_in;
             Scheduler s;
             std::vector<EventId> ids;
             std::vector<int64_t> due;
             std::set<std::size_t> cancelled;
             std::vector<Fired> fired;
             for (const Op& op : ops) {
               if (op.kind == 0) {
                 std::size_t index = ids.size();
                 due.push_back(s.Now().us() + op.delay_us);
                 ids.push_back(s.PostDelayed(TimeDelta::Micros(op.delay_us),
                                             [&fired, &s, index] { fired.push_back({s.Now().us(), index}); }));
               } else if (op.kind == 1 && !ids.empty()) {
                 std::size_t k = op.k % ids.size();
                 if (s.Cancel(ids[k])) cancelled.insert(k);
               } else if (op.kind == 2) {
                 s.Step();
               } else if (op.kind == 3) {
                 Timestamp next = s.NextEventTime();
                 RC_ASSERT(next >= s.Now());
               } else {
                 s.RunUntil(s.Now() + TimeDelta::Micros(op.delay_us));
               }
             }
             s.RunUntilIdle();
             for (std::size_t i = 0; i < fired.size(); ++i) {
               RC_ASSERT(cancelled.count(fired[i].post_index) == 0u);
               RC_ASSERT(fired[i].time_us == due[fired[i].post_index]);
               if (i > 0) {
                 RC_ASSERT(fired[i - 1].time_us <= fired[i].time_us);
                 if (fired[i - 1].time_us == fired[i].time_us) RC_ASSERT(fired[i - 1].post_index < fired[i].post_index);
               }
             }
             RC_ASSERT(fired.size() + cancelled.size() == ids.size());
             RC_ASSERT(s.pending() == 0u);
           });
}

TEST_CASE("rng substream properties", "[rng][property]") {
  rc::prop("a substream's draws do not change when other substreams are created and used",
           [](uint64_t seed, const std::vector<std::string>& others) {
             Rng alone = Rng::Stream(seed, "participant/alice");
             std::vector<uint64_t> expected;
             for (int i = 0; i < 16; ++i) expected.push_back(alone.NextU64());

             std::vector<Rng> streams;
             for (const auto& name : others) streams.push_back(Rng::Stream(seed, name));
             Rng mine = Rng::Stream(seed, "participant/alice");
             for (int i = 0; i < 16; ++i) {
               for (auto& o : streams) o.NextU64();
               RC_ASSERT(mine.NextU64() == expected[static_cast<std::size_t>(i)]);
             }
           });
  rc::prop("different root seeds give different streams", [](uint64_t a, uint64_t b) {
    RC_PRE(a != b);
    RC_ASSERT(Rng::Stream(a, "x").NextU64() != Rng::Stream(b, "x").NextU64());
  });
}
