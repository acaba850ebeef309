// Real-network mode, end to end: the reference SfuServer and three reference WebClients, the
// same code as in simulation, on AsioNet (real TCP signaling, real UDP + SRTP media) over
// 127.0.0.1, driven by one RealTimeLoop. Bounded: at most kSetupTimeout to get everyone active,
// then kTalk of audio. Asserts what happened, never how fast.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sfusim/clients/web_client.h"
#include "sfusim/sfu/auth_token.h"
#include "sfusim/sfu/sfu_server.h"
#include "sfusim/sim/asio_net.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/real_time_loop.h"

using namespace sfusim;

namespace {

constexpr uint32_t kLoopback = sim::MakeIpv4(127, 0, 0, 1);
constexpr sim::TimeDelta kSetupTimeout = sim::TimeDelta::Seconds(10);
constexpr sim::TimeDelta kTalk = sim::TimeDelta::Seconds(2);
const std::vector<std::string> kPeople = {"alice", "bob", "carol"};

TEST_CASE("real loopback: three web clients join, set up SRTP media and hear each other through the SFU") {
  sim::RealTimeLoop loop;
  sim::Rng root(11);
  sim::AsioNet sfu_net(&loop, kLoopback);
  sfu::SfuConfig config;
  config.signaling_port = 0;  // an ephemeral port: nothing on this machine can be in the way
  sfu::SfuServer sfu(sim::Env{&loop.scheduler(), root.Fork("sfu"), &sfu_net, nullptr}, config);
  std::string error;
  REQUIRE(sfu.Start(&error));
  const uint16_t port = sfu_net.listening_port();
  REQUIRE(port != 0);

  std::map<std::string, std::unique_ptr<sim::AsioNet>> nets;
  std::map<std::string, std::unique_ptr<clients::WebClient>> people;
  for (const auto& p : kPeople) {
    nets[p] = std::make_unique<sim::AsioNet>(&loop, kLoopback);
    clients::WebClientConfig c;
    c.username = p;
    c.token = sfu::MakeAuthToken(config.auth_secret, p);
    c.sfu_address = {kLoopback, port};
    c.channel = "lobby";
    people[p] = std::make_unique<clients::WebClient>(
        sim::Env{&loop.scheduler(), root.Fork("client/" + p), nets[p].get(), nullptr}, c);
    people[p]->Start();
  }
  const bool active = loop.RunUntil(
      [&] {
        for (const auto& [name, c] : people) {
          if (c->phase() != clients::ClientPhase::kActive) return false;
        }
        return true;
      },
      kSetupTimeout);
  for (const auto& [name, c] : people) INFO(name << " phase " << static_cast<int>(c->phase()));
  REQUIRE(active);
  loop.RunFor(kTalk);

  const auto snap = sfu.Snapshot();
  CHECK(snap.channel_members.at("lobby").size() == kPeople.size());
  for (const auto& [name, c] : people) {
    INFO(name);
    CHECK(c->media_complete());
    CHECK(c->counters().srtp_errors == 0);
    const auto& stats = c->audio_stats();
    CHECK(stats.size() == kPeople.size() - 1);
    CHECK(stats.count(name) == 0);  // never hears itself
    for (const auto& [from, s] : stats) {
      INFO("from " << from);
      CHECK(s.packets_received > 25);  // > 0.5 s of 20 ms packets in the talk time
    }
  }
  for (auto& [name, c] : people) c.reset();
}

}  // namespace
