// Properties of ConnectionStateMachine over random transition sequences: the state only ever
// changes along a valid transition, an invalid transition changes nothing and is counted, and the
// machine agrees with an independent model of PROTOCOL.md §5.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <set>
#include <utility>
#include <vector>

#include "sfusim/clients/connection_state_machine.h"
#include "sfusim/clients/reconnect_policy.h"
#include "sfusim/clients/request_tracker.h"

using namespace sfusim;
using namespace sfusim::clients;
using S = ConnectionState;

namespace {

// The transition table written out as the spec lists it (independent of the implementation).
bool ModelValid(S from, S to) {
  static const std::set<std::pair<S, S>> kEdges = {
      {S::kDisconnected, S::kConnecting}, {S::kConnecting, S::kConnected},
      {S::kConnected, S::kReconnecting},  {S::kReconnecting, S::kConnected}};
  if (from == S::kClosed || from == to) return false;
  if (to == S::kFailed || to == S::kClosed) return true;
  return kEdges.count({from, to}) > 0;
}

}  // namespace

TEST_CASE("ConnectionStateMachine over random transition sequences", "[clients][state][property]") {
  rc::prop("only valid transitions change the state", [] {
    const auto steps = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 6));
    ConnectionStateMachine m;
    uint64_t applied = 0, rejected = 0;
    for (int step : steps) {
      const S before = m.state();
      const S to = static_cast<S>(step);
      const bool valid = ModelValid(before, to);
      RC_ASSERT(ConnectionStateMachine::IsValidTransition(before, to) == valid);
      const auto r = m.Transition(to);
      RC_ASSERT(r.ok() == valid);
      if (valid) {
        ++applied;
        RC_ASSERT(m.state() == to);
      } else {
        ++rejected;
        RC_ASSERT(m.state() == before);
        RC_ASSERT(r.error().code == std::string(kErrorInvalidTransition));
      }
    }
    RC_ASSERT(m.transitions() == applied);
    RC_ASSERT(m.rejected_transitions() == rejected);
  });
}

TEST_CASE("ReconnectBackoff delays never decrease and never exceed max_delay", "[clients][backoff][property]") {
  rc::prop("monotone and capped", [] {
    ReconnectPolicy p;
    p.initial_delay = sim::TimeDelta::Millis(*rc::gen::inRange(1, 5000));
    p.multiplier = 1.0 + *rc::gen::inRange(0, 400) / 100.0;
    p.max_delay = p.initial_delay + sim::TimeDelta::Millis(*rc::gen::inRange(0, 60000));
    p.max_attempts = *rc::gen::inRange(0, 50);
    ReconnectBackoff b(p);
    sim::TimeDelta last = sim::TimeDelta::Zero();
    int count = 0;
    while (auto d = b.NextDelay()) {
      RC_ASSERT(*d >= last);
      RC_ASSERT(*d <= p.max_delay);
      RC_ASSERT(*d >= p.initial_delay);
      last = *d;
      ++count;
    }
    RC_ASSERT(count == p.max_attempts);
  });
}

TEST_CASE("RequestTracker: every request ends exactly once", "[clients][requests][property]") {
  rc::prop("matched or timed out, once; ids unique", [] {
    RequestTracker t;
    std::set<std::string> ids;
    std::set<std::string> finished;
    int64_t now_us = 0;
    const auto ops = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 4));
    for (int op : ops) {
      if (op == 0) {
        auto id = t.Issue(protocol::MediaAction::kMediaConsume, sim::Timestamp::Micros(now_us));
        RC_ASSERT(id.has_value());
        RC_ASSERT(ids.insert(*id).second);
      } else if (op == 1 && !ids.empty()) {
        const auto& id = *std::next(ids.begin(), *rc::gen::inRange<std::size_t>(0, ids.size()));
        auto c = t.Complete(id);
        if (finished.count(id)) {
          RC_ASSERT(c.match == RequestMatch::kAlreadyFinished);
        } else {
          RC_ASSERT(c.match == RequestMatch::kMatched);
          finished.insert(id);
        }
      } else if (op == 2) {
        now_us += *rc::gen::inRange<int64_t>(0, 6'000'000);
        for (const auto& r : t.ExpireUntil(sim::Timestamp::Micros(now_us))) {
          RC_ASSERT(finished.insert(r.request_id).second);
        }
      } else {
        RC_ASSERT(t.Complete("bogus").match == RequestMatch::kUnknown);
      }
    }
    RC_ASSERT(t.pending() + finished.size() == ids.size());
  });
}
