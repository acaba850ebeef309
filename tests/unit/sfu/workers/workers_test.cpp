// Worker crash, health monitor and media_router_reset (E2E_DESIGN.md "Worker crash"), and the
// no_worker_health mutant.
#include <catch2/catch.hpp>

#include "../sfu_test_world.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace sfusim::sfu::test {
namespace {

namespace err = protocol::signaling_error;
using sim::TimeDelta;

constexpr int kLobbyWorker = static_cast<unsigned char>('l') % protocol::kDefaultWorkerCount;

TEST_CASE("CrashWorker refuses out-of-range and already-down workers", "[sfu][workers]") {
  World w;
  CHECK_FALSE(w.sfu->CrashWorker(-1));
  CHECK_FALSE(w.sfu->CrashWorker(protocol::kDefaultWorkerCount));
  CHECK(w.sfu->CrashWorker(1));
  CHECK_FALSE(w.sfu->CrashWorker(1));
  CHECK_FALSE(w.sfu->Snapshot().workers.at(1).alive);
  CHECK(w.sfu->Snapshot().workers.at(0).alive);
}

TEST_CASE("a worker crash kills its routers' media; the health monitor restarts it and resets the channel",
          "[sfu][workers][mutant]") {
  const bool no_health = GENERATE(false, true);
  SfuConfig config;
  config.mutants.no_worker_health = no_health;
  World w(config);
  RecordingObserver obs;
  w.sfu->SetObserver(&obs);
  TestClient& a = w.Ready("alice", "lobby");
  TestClient& b = w.Ready("bob", "lobby");
  TestClient& c = w.Ready("carol", "kitchen");  // 'k' lives on the other worker
  std::string send_tid;
  const auto pid = w.Publish(a, 0xA, &send_tid);
  REQUIRE(w.OpenTransport(b, TransportDirection::kRecv) != "");
  REQUIRE(w.Subscribe(b, pid));
  const auto kitchen_pid = w.Publish(c, 0xC);
  REQUIRE_FALSE(kitchen_pid.empty());

  REQUIRE(w.sfu->CrashWorker(kLobbyWorker));
  CHECK(obs.worker_events == std::vector<std::string>{std::to_string(kLobbyWorker) + " crashed"});
  auto s = w.sfu->Snapshot();
  CHECK_FALSE(s.routers.at("lobby").alive);
  CHECK(s.routers.at("kitchen").alive);
  REQUIRE(s.producers.size() == 1);  // only the kitchen's survives
  CHECK(s.producers.begin()->first == kitchen_pid);
  CHECK(s.consumers.empty());
  CHECK(s.channel_members.at("lobby").size() == 2);  // membership is kept
  const auto rid = a.Request(GetRouterRtpCapabilitiesRequest{});
  w.Run();
  CHECK(a.ErrorCode(rid) == err::kMediaUnavailable);

  w.Run(kWorkerHealthCheckInterval + kWorkerRestartDelay + TimeDelta::Millis(100));
  s = w.sfu->Snapshot();
  if (no_health) {
    CHECK_FALSE(s.routers.at("lobby").alive);
    CHECK(a.Count<MediaRouterReset>() == 0);
    w.Run(TimeDelta::Seconds(5));
    CHECK(a.Count<MediaRouterReset>() == 0);
    CHECK_FALSE(w.sfu->Snapshot().workers.at(kLobbyWorker).alive);
    return;
  }
  CHECK(s.routers.at("lobby").alive);
  CHECK(s.routers.at("lobby").generation == 2);
  CHECK(s.workers.at(kLobbyWorker).alive);
  REQUIRE(a.Count<MediaRouterReset>() == 1);
  CHECK(a.All<MediaRouterReset>()[0].generation == 2);
  CHECK(a.All<MediaRouterReset>()[0].reason == protocol::kResetReasonWorkerCrashed);
  CHECK(b.Count<MediaRouterReset>() == 1);
  CHECK(c.Count<MediaRouterReset>() == 0);
  CHECK(obs.worker_events.back() == std::to_string(kLobbyWorker) + " restarted");

  // Media comes back once the clients redo their setup.
  std::string new_send;
  const auto pid2 = w.Publish(a, 0xA, &new_send);
  REQUIRE_FALSE(pid2.empty());
  const std::string recv2 = w.OpenTransport(b, TransportDirection::kRecv);
  REQUIRE_FALSE(recv2.empty());
  REQUIRE(w.Subscribe(b, pid2));
  for (uint16_t q = 0; q < 3; ++q) a.transports.at(new_send)->SendRtp(0xA, q, 960u * q);
  w.Run();
  CHECK(b.transports.at(recv2)->rtp_in.size() == 3);
}

}  // namespace
}  // namespace sfusim::sfu::test
