// End-to-end: three WebClients and the reference SfuServer on a SimNetwork with 20 ms links.
// Everyone reaches kActive, hears the two others (decoded audio with a plausible mouth-to-ear
// delay) and never itself; a cut signaling stream comes back (media_restored) and audio flows again.
#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sfusim/clients/web_client.h"
#include "sfusim/sfu/auth_token.h"
#include "sfusim/sfu/sfu_server.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/sim_network.h"

using namespace sfusim;
using clients::ClientPhase;
using clients::WebClient;

namespace {

constexpr uint64_t kSeed = 7;
const std::vector<std::string> kPeople = {"alice", "bob", "carol"};

struct Recorder : clients::ClientObserver {
  std::vector<std::string> events;
  int timeouts = 0;
  std::map<std::string, int> speaking_from;  // voice_user_speaking by username
  void OnServerMessage(const protocol::ServerMessage& m) override {
    if (auto* v = std::get_if<protocol::VoiceUserSpeaking>(&m)) ++speaking_from[v->username];
  }
  void OnClientEvent(std::string_view name, std::string_view) override { events.emplace_back(name); }
  void OnRequestTimedOut(std::string_view) override { ++timeouts; }
  int Count(std::string_view name) const {
    int n = 0;
    for (const auto& e : events) n += e == name;
    return n;
  }
};

struct World {
  sim::Scheduler scheduler;
  sim::Rng root{kSeed};
  sim::SimNetwork net{&scheduler, nullptr, kSeed};
  std::unique_ptr<sfu::SfuServer> sfu;
  std::map<std::string, std::unique_ptr<WebClient>> clients;
  std::map<std::string, Recorder> recorders;

  World() {
    sim::SimHost* sfu_host = net.AddHost("sfu", sim::MakeIpv4(10, 0, 0, 1));
    REQUIRE(sfu_host != nullptr);
    sim::LinkConfig link;
    link.delay = sim::TimeDelta::Millis(20);
    int n = 1;
    for (const auto& p : kPeople) {
      REQUIRE(net.AddHost(p, sim::MakeIpv4(10, 0, 1, static_cast<uint8_t>(n++))) != nullptr);
      REQUIRE(net.SetLink(p, "sfu", link));
      REQUIRE(net.SetLink("sfu", p, link));
    }
    StartSfu();
    for (const auto& p : kPeople) {
      clients::WebClientConfig config;
      config.username = p;
      config.token = sfu::MakeAuthToken("sfusim", p);
      config.sfu_address = {sim::MakeIpv4(10, 0, 0, 1), sfu::kDefaultSignalingPort};
      config.channel = "lobby";
      auto c = std::make_unique<WebClient>(sim::Env{&scheduler, root.Fork("participant/" + p), net.host(p), nullptr},
                                           config);
      c->SetObserver(&recorders[p]);
      clients[p] = std::move(c);
    }
  }
  void StartSfu() {
    sfu = std::make_unique<sfu::SfuServer>(sim::Env{&scheduler, root.Fork("sfu"), net.host("sfu"), nullptr},
                                           sfu::SfuConfig{});
    std::string error;
    REQUIRE(sfu->Start(&error));
  }
  void StartAll() {
    for (auto& [name, c] : clients) c->Start();
  }
  bool AllActive() const {
    for (const auto& [name, c] : clients) {
      if (c->phase() != ClientPhase::kActive || !c->media_complete()) return false;
    }
    return true;
  }
  ~World() {
    for (const auto& [name, c] : clients) CHECK(c->counters().invalid_transitions == 0);
    clients.clear();  // clients before the server, both before the network
    sfu.reset();
  }
  void Run(double seconds) { scheduler.RunFor(sim::TimeDelta::SecondsF(seconds)); }
};

// Frames decoded normally (or with FEC) from `from` at `to`.
uint64_t Heard(const WebClient& to, const std::string& from) {
  auto it = to.audio_stats().find(from);
  if (it == to.audio_stats().end()) return 0;
  return it->second.frames_normal + it->second.frames_fec;
}

}  // namespace

TEST_CASE("three web clients talk through the reference SFU, then one reconnects", "[e2e][clients]") {
  World w;
  for (auto& [name, c] : w.clients) c->Start();
  w.Run(4.0);

  for (const auto& [name, c] : w.clients) {
    INFO(name << " phase " << clients::ToString(c->phase()));
    CHECK(c->phase() == ClientPhase::kActive);
    CHECK(c->media_complete());
    CHECK(c->counters().decode_errors == 0);
    CHECK(c->counters().timeouts == 0);
    CHECK(c->counters().srtp_errors == 0);
    CHECK(w.recorders[name].Count(clients::kEventVoiceJoined) == 1);
    CHECK(c->audio_stats().count(name) == 0);  // nobody hears themselves
    CHECK(w.recorders[name].speaking_from.count(name) == 0);  // activity never echoed
    CHECK(c->counters().voice_activity_sent > 0);
    for (const auto& other : kPeople) {
      if (other == name) continue;
      INFO(name << " hears " << other);
      CHECK(Heard(*c, other) > 50);  // more than a second of decoded audio
      CHECK(w.recorders[name].speaking_from[other] > 0);
      const auto& stats = c->audio_stats().at(other);
      auto median = stats.delay_percentile(50);
      REQUIRE(median.has_value());
      // Two 20 ms links plus the jitter buffer: plausible, and below the 50 ms + buffer bound.
      CHECK(*median >= 40.0);
      CHECK(*median <= 200.0);
    }
  }

  // Cut bob's signaling: he must come back with all his media.
  const uint64_t alice_heard_bob = Heard(*w.clients["alice"], "bob");
  const uint64_t bob_heard_carol = Heard(*w.clients["bob"], "carol");
  REQUIRE(w.net.CutStreams("bob") >= 1);
  w.Run(0.01);
  CHECK(w.recorders["bob"].Count(clients::kEventSignalingDisconnected) == 1);
  w.Run(6.0);
  const WebClient& bob = *w.clients["bob"];
  CHECK(w.recorders["bob"].Count(clients::kEventSignalingReconnected) == 1);
  CHECK(w.recorders["bob"].Count(clients::kEventMediaRestored) == 1);
  CHECK(bob.phase() == ClientPhase::kActive);
  CHECK(bob.media_complete());
  CHECK(bob.counters().reconnects == 1);
  CHECK(Heard(*w.clients["alice"], "bob") > alice_heard_bob + 50);
  CHECK(Heard(bob, "carol") > bob_heard_carol + 50);
  for (const auto& [name, c] : w.clients) {
    INFO(name);
    CHECK(c->media_complete());
    CHECK(c->audio_stats().count(name) == 0);
  }
}

TEST_CASE("a worker crash: worker_restarted, media set up again without rejoining", "[e2e][clients]") {
  World w;
  w.StartAll();
  w.Run(3.0);
  REQUIRE(w.AllActive());
  std::map<std::string, uint64_t> heard_before;
  for (const auto& p : kPeople) heard_before[p] = Heard(*w.clients[p], kPeople[(&p - &kPeople[0] + 1) % 3]);
  // "lobby" lives on worker 'l' % 2 = 0.
  REQUIRE(w.sfu->CrashWorker(0));
  w.Run(5.0);
  for (const auto& [name, c] : w.clients) {
    INFO(name);
    const Recorder& r = w.recorders[name];
    CHECK(r.Count(clients::kEventWorkerRestarted) == 1);
    CHECK(r.Count(clients::kEventMediaRestored) == 1);
    CHECK(r.Count(clients::kEventVoiceJoined) == 1);  // no rejoin
    CHECK(r.Count(clients::kEventSignalingDisconnected) == 0);
    CHECK(c->counters().router_resets == 1);
    CHECK(c->phase() == ClientPhase::kActive);
    CHECK(c->media_complete());
  }
  for (const auto& p : kPeople) {
    const std::string& other = kPeople[(&p - &kPeople[0] + 1) % 3];
    INFO(p << " hears " << other);
    CHECK(Heard(*w.clients[p], other) > heard_before[p] + 50);
  }
}

TEST_CASE("a whole-SFU restart: every client reconnects, rejoins and restores media", "[e2e][clients]") {
  World w;
  w.StartAll();
  w.Run(3.0);
  REQUIRE(w.AllActive());
  REQUIRE(w.net.Crash("sfu"));
  w.sfu.reset();
  w.Run(2.0);
  for (const auto& [name, c] : w.clients) CHECK(c->phase() == ClientPhase::kReconnecting);
  REQUIRE(w.net.Restart("sfu"));
  w.StartSfu();
  w.Run(12.0);  // backoff: 0.5, 1, 2, 4, 8 s
  for (const auto& [name, c] : w.clients) {
    INFO(name << " phase " << clients::ToString(c->phase()));
    const Recorder& r = w.recorders[name];
    CHECK(r.Count(clients::kEventSignalingDisconnected) == 1);
    CHECK(r.Count(clients::kEventSignalingReconnected) == 1);
    CHECK(r.Count(clients::kEventMediaRestored) == 1);
    CHECK(r.Count(clients::kEventVoiceJoined) == 2);
    CHECK(c->phase() == ClientPhase::kActive);
    CHECK(c->media_complete());
    CHECK(c->connection_state() == clients::ConnectionState::kConnected);
  }
}

TEST_CASE("leave closes the leaver's producer at the others; mute; raw garbage is survived", "[e2e][clients]") {
  World w;
  w.StartAll();
  w.Run(3.0);
  REQUIRE(w.AllActive());
  WebClient& carol = *w.clients["carol"];
  carol.Leave();
  w.Run(1.0);
  CHECK(carol.phase() == ClientPhase::kLeft);
  CHECK(carol.channel().empty());
  CHECK(w.recorders["carol"].Count(clients::kEventVoiceLeft) == 1);
  const uint64_t alice_from_carol = Heard(*w.clients["alice"], "carol");
  w.Run(2.0);
  CHECK(Heard(*w.clients["alice"], "carol") == alice_from_carol);  // consumer closed: nothing more
  CHECK(w.clients["alice"]->media_complete());
  // Rejoin: consumed again, stats continue under the same username.
  carol.Join("lobby");
  w.Run(3.0);
  CHECK(carol.phase() == ClientPhase::kActive);
  CHECK(Heard(*w.clients["alice"], "carol") > alice_from_carol + 50);
  CHECK(w.clients["alice"]->audio_stats().at("carol").receivers == 2);

  // Muting reports speaking=false at once and sends no further activity.
  WebClient& alice = *w.clients["alice"];
  alice.SetMuted(true);
  CHECK_FALSE(alice.speaking());
  const uint64_t activity = alice.counters().voice_activity_sent;
  w.Run(3.0);
  CHECK(alice.counters().voice_activity_sent == activity);

  // Garbage on the signaling stream: the server answers with an error, nothing breaks.
  const uint64_t errors = alice.counters().server_errors;
  alice.SendRaw("{not json");
  w.Run(1.0);
  CHECK(alice.counters().server_errors == errors + 1);
  CHECK(alice.phase() == ClientPhase::kActive);
  CHECK(alice.counters().decode_errors == 0);
}

TEST_CASE("a quiet client pings after 15 s and is not timed out", "[e2e][clients]") {
  World w;
  for (auto& [name, c] : w.clients) c->SetMuted(true);  // no voice_activity traffic
  w.StartAll();
  w.Run(50.0);
  for (const auto& [name, c] : w.clients) {
    INFO(name);
    CHECK(c->counters().pings_sent >= 2);
    CHECK(c->counters().signaling_drops == 0);
    CHECK(c->phase() == ClientPhase::kActive);
  }
}

TEST_CASE("the same seed gives the same run", "[e2e][clients][determinism]") {
  auto run = [] {
    World w;
    w.StartAll();
    w.Run(3.0);
    std::vector<uint64_t> v;
    for (const auto& [name, c] : w.clients) {
      v.push_back(c->counters().rtp_received);
      v.push_back(c->counters().messages_received);
      for (const auto& [from, s] : c->audio_stats()) {
        v.push_back(s.frames_normal);
        v.push_back(s.delay_ms.size());
      }
    }
    v.push_back(w.scheduler.events_hash());
    return v;
  };
  CHECK(run() == run());
}

TEST_CASE("a client left alone keeps its connection (silence is not a transport failure)", "[e2e][clients]") {
  World w;
  w.StartAll();
  w.Run(3.0);
  REQUIRE(w.AllActive());
  w.clients["bob"]->Leave();
  w.clients["carol"]->Leave();
  w.Run(25.0);
  const WebClient& alice = *w.clients["alice"];
  CHECK(alice.counters().transport_failures == 0);
  CHECK(alice.counters().signaling_drops == 0);
  CHECK(w.recorders["alice"].Count(clients::kEventSignalingDisconnected) == 0);
  CHECK(alice.phase() == ClientPhase::kActive);
  CHECK(alice.media_complete());
  CHECK(alice.transport_state() == clients::TransportState::kConnected);
}

TEST_CASE("media blackholed for 15 s: transport failed, the client reconnects and restores media", "[e2e][clients]") {
  World w;
  w.StartAll();
  w.Run(3.0);
  REQUIRE(w.AllActive());
  sim::LinkConfig clean;
  clean.delay = sim::TimeDelta::Millis(20);
  sim::LinkConfig dead = clean;
  dead.loss = 1.0;  // datagrams only: the signaling stream is never lost
  REQUIRE(w.net.SetLink("sfu", "bob", dead));
  w.Run(4.0);
  const WebClient& bob = *w.clients["bob"];
  CHECK(bob.transport_state() == clients::TransportState::kConnected);  // < 5 s of silence
  w.Run(4.0);
  CHECK(bob.transport_state() == clients::TransportState::kDisconnected);
  w.Run(8.0);  // 10 s after disconnected: failed -> reconnect
  CHECK(bob.counters().transport_failures == 1);
  CHECK(w.recorders["bob"].Count(clients::kEventSignalingDisconnected) == 1);
  REQUIRE(w.net.SetLink("sfu", "bob", clean));
  w.Run(5.0);
  CHECK(w.recorders["bob"].Count(clients::kEventMediaRestored) == 1);
  CHECK(bob.phase() == ClientPhase::kActive);
  CHECK(bob.media_complete());
  CHECK(w.clients["alice"]->counters().transport_failures == 0);
}
