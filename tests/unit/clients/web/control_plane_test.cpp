// Unit tests of the web client's control-plane pieces: ConnectionStateMachine, ReconnectPolicy /
// ReconnectBackoff, RequestTracker, TransportHealth.
#include <catch2/catch.hpp>

#include "sfusim/clients/connection_state_machine.h"
#include "sfusim/clients/reconnect_policy.h"
#include "sfusim/clients/request_tracker.h"
#include "sfusim/clients/transport_health.h"

using namespace sfusim;
using namespace sfusim::clients;
using S = ConnectionState;
using protocol::MediaAction;
using protocol::TransportDirection;

TEST_CASE("ConnectionStateMachine follows PROTOCOL.md section 5", "[clients][state]") {
  ConnectionStateMachine m;
  REQUIRE(m.state() == S::kDisconnected);
  REQUIRE(m.Transition(S::kConnecting).ok());
  REQUIRE(m.Transition(S::kConnected).ok());
  REQUIRE(m.Transition(S::kReconnecting).ok());
  REQUIRE(m.Transition(S::kConnected).ok());
  REQUIRE(m.Transition(S::kReconnecting).ok());
  REQUIRE(m.Transition(S::kFailed).ok());
  REQUIRE(m.Transition(S::kClosed).ok());
  REQUIRE(m.transitions() == 7);
  // Closed is terminal.
  auto r = m.Transition(S::kConnecting);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == "invalid_transition");
  CHECK(r.error().message == "closed -> connecting");
  CHECK(m.state() == S::kClosed);
  CHECK(m.rejected_transitions() == 1);
}

TEST_CASE("ConnectionStateMachine rejects invalid transitions and keeps its state", "[clients][state]") {
  ConnectionStateMachine m;
  CHECK_FALSE(m.Transition(S::kConnected).ok());      // must connect first
  CHECK_FALSE(m.Transition(S::kReconnecting).ok());
  CHECK_FALSE(m.Transition(S::kDisconnected).ok());   // self
  CHECK(m.state() == S::kDisconnected);
  REQUIRE(m.Transition(S::kConnecting).ok());
  CHECK_FALSE(m.Transition(S::kReconnecting).ok());
  CHECK_FALSE(m.Transition(S::kDisconnected).ok());
  REQUIRE(m.Transition(S::kFailed).ok());
  CHECK_FALSE(m.Transition(S::kFailed).ok());
  CHECK_FALSE(m.Transition(S::kConnecting).ok());
  CHECK(m.state() == S::kFailed);
  CHECK(m.Transition(S::kClosed).ok());
}

TEST_CASE("BackoffDelay grows by the multiplier up to the maximum", "[clients][backoff]") {
  ReconnectPolicy p;  // 500 ms, x2, max 8 s, 10 attempts
  CHECK(BackoffDelay(p, 1) == sim::TimeDelta::Millis(500));
  CHECK(BackoffDelay(p, 2) == sim::TimeDelta::Millis(1000));
  CHECK(BackoffDelay(p, 3) == sim::TimeDelta::Millis(2000));
  CHECK(BackoffDelay(p, 5) == sim::TimeDelta::Millis(8000));
  CHECK(BackoffDelay(p, 6) == sim::TimeDelta::Millis(8000));
  CHECK(BackoffDelay(p, 1000000) == sim::TimeDelta::Millis(8000));
  CHECK(BackoffDelay(p, 0) == sim::TimeDelta::Millis(500));
  p.multiplier = 1.5;
  CHECK(BackoffDelay(p, 3) == sim::TimeDelta::Millis(1125));
}

TEST_CASE("ReconnectBackoff hands out max_attempts delays, then none; Reset starts over", "[clients][backoff]") {
  ReconnectPolicy p;
  p.max_attempts = 3;
  ReconnectBackoff b(p);
  CHECK(b.NextDelay() == sim::TimeDelta::Millis(500));
  CHECK(b.NextDelay() == sim::TimeDelta::Millis(1000));
  CHECK(b.NextDelay() == sim::TimeDelta::Millis(2000));
  CHECK(b.exhausted());
  CHECK_FALSE(b.NextDelay().has_value());
  b.Reset();
  CHECK(b.NextDelay() == sim::TimeDelta::Millis(500));
  p.max_attempts = 0;
  ReconnectBackoff none(p);
  CHECK_FALSE(none.NextDelay().has_value());
}

TEST_CASE("ReconnectBackoff jitter is deterministic per seed and within [d(1-j), d]", "[clients][backoff]") {
  ReconnectPolicy p;
  p.jitter_fraction = 0.5;
  sim::Rng a(42), b(42);
  ReconnectBackoff x(p, &a), y(p, &b);
  for (int i = 1; i <= p.max_attempts; ++i) {
    auto dx = x.NextDelay();
    auto dy = y.NextDelay();
    REQUIRE(dx.has_value());
    CHECK(dx == dy);
    const auto full = BackoffDelay(p, i);
    CHECK(*dx <= full);
    CHECK(dx->us() >= full.us() / 2);
  }
}

TEST_CASE("RequestTracker issues unique ids and matches responses once", "[clients][requests]") {
  RequestTracker t;
  const auto t0 = sim::Timestamp::Seconds(1);
  auto a = t.Issue(MediaAction::kGetRouterRtpCapabilities, t0);
  auto b = t.Issue(MediaAction::kCreateWebRtcTransport, t0, 7);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == "r1");
  CHECK(*b == "r2");
  CHECK(t.pending() == 2);
  CHECK(t.NextDeadline() == t0 + sim::TimeDelta::Seconds(10));

  auto c = t.Complete("r2");
  REQUIRE(c.match == RequestMatch::kMatched);
  CHECK(c.request->action == MediaAction::kCreateWebRtcTransport);
  CHECK(c.request->tag == 7);
  CHECK(t.Complete("r2").match == RequestMatch::kAlreadyFinished);
  CHECK(t.Complete("r3").match == RequestMatch::kUnknown);   // never issued
  CHECK(t.Complete("r01").match == RequestMatch::kUnknown);
  CHECK(t.Complete("x1").match == RequestMatch::kUnknown);
  CHECK(t.Complete("").match == RequestMatch::kUnknown);
  CHECK(t.Complete("r99999999999999999999999").match == RequestMatch::kUnknown);
  CHECK(t.counters().matched == 1);
  CHECK(t.counters().late_responses == 1);
  CHECK(t.counters().unknown_responses == 5);
}

TEST_CASE("RequestTracker times requests out after 10 s, exactly once", "[clients][requests]") {
  RequestTracker t;
  const auto t0 = sim::Timestamp::Seconds(0);
  (void)t.Issue(MediaAction::kMediaConsume, t0);
  (void)t.Issue(MediaAction::kMediaResumeConsumer, t0 + sim::TimeDelta::Seconds(1));
  CHECK(t.ExpireUntil(t0 + sim::TimeDelta::Micros(9'999'999)).empty());
  auto e = t.ExpireUntil(t0 + sim::TimeDelta::Seconds(10));
  REQUIRE(e.size() == 1);
  CHECK(e[0].request_id == "r1");
  CHECK(t.Complete("r1").match == RequestMatch::kAlreadyFinished);  // a late answer
  e = t.ExpireUntil(t0 + sim::TimeDelta::Seconds(60));
  REQUIRE(e.size() == 1);
  CHECK(e[0].request_id == "r2");
  CHECK(t.pending() == 0);
  CHECK_FALSE(t.NextDeadline().has_value());
  CHECK(t.counters().timed_out == 2);
}

TEST_CASE("RequestTracker refuses more than kMaxPendingRequests", "[clients][requests]") {
  RequestTracker t;
  for (std::size_t i = 0; i < kMaxPendingRequests; ++i) REQUIRE(t.Issue(MediaAction::kClientDiagnostic, {}));
  CHECK_FALSE(t.Issue(MediaAction::kClientDiagnostic, {}).has_value());
  CHECK(t.counters().refused == 1);
}

TEST_CASE("TransportHealth is the worst of send and recv", "[clients][health]") {
  TransportHealth h;
  const auto t0 = sim::Timestamp::Seconds(5);
  CHECK(h.Overall(t0) == TransportState::kNew);
  h.SetState(TransportDirection::kSend, TransportState::kConnected, t0);
  CHECK(h.Overall(t0) == TransportState::kNew);
  h.SetState(TransportDirection::kRecv, TransportState::kConnected, t0);
  CHECK(h.Overall(t0) == TransportState::kConnected);
  h.SetState(TransportDirection::kRecv, TransportState::kConnecting, t0);
  CHECK(h.Overall(t0) == TransportState::kConnecting);
  CHECK(TransportHealth::Worst(TransportState::kFailed, TransportState::kDisconnected) == TransportState::kFailed);
  CHECK(TransportHealth::Worst(TransportState::kConnected, TransportState::kClosed) == TransportState::kClosed);
}

TEST_CASE("TransportHealth: disconnected for 10 s becomes failed", "[clients][health]") {
  TransportHealth h;
  const auto t0 = sim::Timestamp::Seconds(1);
  h.SetState(TransportDirection::kSend, TransportState::kConnected, t0);
  h.SetState(TransportDirection::kRecv, TransportState::kDisconnected, t0);
  CHECK(h.FailDeadline() == t0 + sim::TimeDelta::Seconds(10));
  // Reporting disconnected again does not restart the clock.
  h.SetState(TransportDirection::kRecv, TransportState::kDisconnected, t0 + sim::TimeDelta::Seconds(5));
  CHECK(h.Overall(t0 + sim::TimeDelta::Micros(9'999'999)) == TransportState::kDisconnected);
  CHECK(h.Overall(t0 + sim::TimeDelta::Seconds(10)) == TransportState::kFailed);
  CHECK(h.State(TransportDirection::kSend, t0 + sim::TimeDelta::Seconds(10)) == TransportState::kConnected);
  // Recovering resets it.
  h.SetState(TransportDirection::kRecv, TransportState::kConnected, t0 + sim::TimeDelta::Seconds(11));
  CHECK(h.Overall(t0 + sim::TimeDelta::Seconds(30)) == TransportState::kConnected);
  CHECK_FALSE(h.FailDeadline().has_value());
}
