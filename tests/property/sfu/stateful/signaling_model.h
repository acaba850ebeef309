// A RapidCheck stateful model (rc::state) of the signaling protocol (PROTOCOL.md section 1) run
// against the reference SFU in a World. The model holds, per client slot, whether it is online,
// its channel, its transports and its camera; each command predicts the response (success or a
// stable error code) and after every command the SFU snapshot invariants are checked: the two
// membership maps agree, every consumer has a live producer, at most one camera per connection.
// Mutants are read from SFUSIM_FUZZ_MUTANT (comma list of SfuMutants field names).
#pragma once

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../../unit/sfu/sfu_test_world.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace sfusim::sfu::test::model {

inline constexpr int kClients = 2;
inline const std::vector<std::string> kModelChannels = {"alpha", "bravo"};
inline constexpr sim::TimeDelta kStep = sim::TimeDelta::Millis(30);

// Parses a comma list of mutant names; false (and the bad name in *bad) for an unknown one.
inline bool ParseMutants(const std::string& list, SfuMutants* m, std::string* bad) {
  std::stringstream ss(list);
  std::string name;
  const std::map<std::string, bool SfuMutants::*> fields = {
      {"consumer_leak", &SfuMutants::consumer_leak},
      {"transport_replace", &SfuMutants::transport_replace},
      {"producer_limit_race", &SfuMutants::producer_limit_race},
      {"router_cache", &SfuMutants::router_cache},
      {"no_worker_health", &SfuMutants::no_worker_health},
      {"voice_echo", &SfuMutants::voice_echo},
      {"paused_forwarding", &SfuMutants::paused_forwarding},
      {"no_keyframe_on_resume", &SfuMutants::no_keyframe_on_resume},
      {"pli_unthrottled", &SfuMutants::pli_unthrottled},
      {"rate_limiter_no_reset", &SfuMutants::rate_limiter_no_reset}};
  while (std::getline(ss, name, ',')) {
    if (name.empty()) continue;
    auto it = fields.find(name);
    if (it == fields.end()) {
      *bad = name;
      return false;
    }
    m->*(it->second) = true;
  }
  return true;
}

inline SfuMutants MutantsFromEnv() {
  SfuMutants m;
  const char* env = std::getenv("SFUSIM_FUZZ_MUTANT");
  std::string bad;
  if (env && !ParseMutants(env, &m, &bad)) throw std::runtime_error("SFUSIM_FUZZ_MUTANT: unknown mutant '" + bad + "'");
  return m;
}

struct Slot {
  bool online = true;
  std::string channel;  // "" = none
  bool send = false;
  bool recv = false;
  bool camera = false;
};

struct Model {
  std::vector<Slot> slots = std::vector<Slot>(kClients);
};

struct Sut {
  explicit Sut(SfuMutants mutants) : w(MakeConfig(mutants)) {
    for (int i = 0; i < kClients; ++i) Connect(i);
  }
  static SfuConfig MakeConfig(SfuMutants mutants) {
    SfuConfig c;
    c.mutants = mutants;
    return c;
  }
  void Connect(int i) {
    clients[static_cast<std::size_t>(i)] = &w.Ready("c" + std::to_string(i) + "-" + std::to_string(generation++));
    send[static_cast<std::size_t>(i)].clear();
  }
  TestClient& C(int i) { return *clients[static_cast<std::size_t>(i)]; }
  World w;
  std::vector<TestClient*> clients = std::vector<TestClient*>(kClients, nullptr);
  std::vector<std::string> send = std::vector<std::string>(kClients);
  int generation = 0;
};

inline void CheckInvariants(Sut& sut) {
  const auto s = sut.w.sfu->Snapshot();
  std::size_t members = 0;
  for (const auto& [ch, users] : s.channel_members) {
    members += users.size();
    for (const auto& u : users) {
      RC_ASSERT(s.connection_channel.count(u) == 1u);
      RC_ASSERT(s.connection_channel.at(u) == ch);
    }
  }
  RC_ASSERT(members == s.connection_channel.size());
  for (const auto& [id, c] : s.consumers) RC_ASSERT(s.producers.count(c.producer_id) == 1u);
  std::map<std::string, int> cameras, screens;
  for (const auto& [id, p] : s.producers) {
    if (p.source == MediaSource::kCamera) RC_ASSERT(++cameras[p.user_id] <= 1);
    if (p.source == MediaSource::kScreen) RC_ASSERT(++screens[p.user_id] <= 1);
  }
}

// Each response to request `rid` must appear exactly once.
inline std::string Outcome(TestClient& c, const std::string& rid) {
  int n = 0;
  for (const auto& m : c.messages)
    if (const auto* r = std::get_if<MediaSignalResponse>(&m); r && r->request_id == rid) ++n;
  RC_ASSERT(n == 1);
  return c.ErrorCode(rid);
}

using Cmd = rc::state::Command<Model, Sut>;

struct Join : Cmd {
  int i = *rc::gen::inRange(0, kClients);
  int ch = *rc::gen::inRange(0, static_cast<int>(kModelChannels.size()));
  void checkPreconditions(const Model& m) const override { RC_PRE(m.slots[static_cast<std::size_t>(i)].online); }
  void apply(Model& m) const override {
    auto& s = m.slots[static_cast<std::size_t>(i)];
    if (s.channel != kModelChannels[static_cast<std::size_t>(ch)]) s = Slot{true, kModelChannels[static_cast<std::size_t>(ch)]};
  }
  void run(const Model& m, Sut& sut) const override {
    const auto& s = m.slots[static_cast<std::size_t>(i)];
    if (s.channel != kModelChannels[static_cast<std::size_t>(ch)]) sut.send[static_cast<std::size_t>(i)].clear();
    sut.C(i).Join(kModelChannels[static_cast<std::size_t>(ch)]);
    sut.w.Run(kStep);
    CheckInvariants(sut);
  }
  void show(std::ostream& os) const override { os << "Join(" << i << "," << ch << ")"; }
};

struct Leave : Cmd {
  int i = *rc::gen::inRange(0, kClients);
  void checkPreconditions(const Model& m) const override {
    RC_PRE(m.slots[static_cast<std::size_t>(i)].online && !m.slots[static_cast<std::size_t>(i)].channel.empty());
  }
  void apply(Model& m) const override { m.slots[static_cast<std::size_t>(i)] = Slot{}; }
  void run(const Model& m, Sut& sut) const override {
    sut.C(i).Leave(m.slots[static_cast<std::size_t>(i)].channel);
    sut.send[static_cast<std::size_t>(i)].clear();
    sut.w.Run(kStep);
    CheckInvariants(sut);
    const auto s = sut.w.sfu->Snapshot();
    for (const auto& [u, ch] : s.connection_channel) RC_ASSERT(u != sut.C(i).name() || ch.empty());
  }
  void show(std::ostream& os) const override { os << "Leave(" << i << ")"; }
};

struct CreateTransport : Cmd {
  int i = *rc::gen::inRange(0, kClients);
  bool send = *rc::gen::arbitrary<bool>();
  void checkPreconditions(const Model& m) const override { RC_PRE(m.slots[static_cast<std::size_t>(i)].online); }
  void apply(Model& m) const override {
    auto& s = m.slots[static_cast<std::size_t>(i)];
    if (s.channel.empty()) return;
    (send ? s.send : s.recv) = true;
  }
  void run(const Model& m, Sut& sut) const override {
    const auto& s = m.slots[static_cast<std::size_t>(i)];
    auto& c = sut.C(i);
    const auto dir = send ? TransportDirection::kSend : TransportDirection::kRecv;
    if (!s.channel.empty() && !(send ? s.send : s.recv)) {
      const std::string tid = sut.w.OpenTransport(c, dir);  // create + connect
      RC_ASSERT(!tid.empty());
      if (send) sut.send[static_cast<std::size_t>(i)] = tid;
    } else {
      const auto rid = c.Request(CreateWebRtcTransportRequest{dir});
      sut.w.Run(kStep);
      const std::string expected(s.channel.empty() ? signaling_error::kNotInChannel : signaling_error::kTransportExists);
      RC_ASSERT(Outcome(c, rid) == expected);
    }
    CheckInvariants(sut);
  }
  void show(std::ostream& os) const override { os << "CreateTransport(" << i << "," << (send ? "send" : "recv") << ")"; }
};

struct ProduceCamera : Cmd {
  int i = *rc::gen::inRange(0, kClients);
  void checkPreconditions(const Model& m) const override {
    RC_PRE(m.slots[static_cast<std::size_t>(i)].online && m.slots[static_cast<std::size_t>(i)].send);
  }
  void apply(Model& m) const override { m.slots[static_cast<std::size_t>(i)].camera = true; }
  void run(const Model& m, Sut& sut) const override {
    auto& c = sut.C(i);
    if (c.caps.codecs.empty()) sut.w.Caps(c);
    const auto rid = c.Request(World::VideoProduce(sut.send[static_cast<std::size_t>(i)], c.caps,
                                                   0x1000u + static_cast<uint32_t>(sut.generation * 8 + i), MediaSource::kCamera));
    sut.w.Run(kStep);
    const std::string expected = m.slots[static_cast<std::size_t>(i)].camera ? std::string(signaling_error::kProducerLimit) : "<ok>";
    RC_ASSERT(Outcome(c, rid) == expected);
    CheckInvariants(sut);
  }
  void show(std::ostream& os) const override { os << "ProduceCamera(" << i << ")"; }
};

struct Malformed : Cmd {
  int i = *rc::gen::inRange(0, kClients);
  void checkPreconditions(const Model& m) const override { RC_PRE(m.slots[static_cast<std::size_t>(i)].online); }
  void apply(Model&) const override {}
  void run(const Model&, Sut& sut) const override {
    auto& c = sut.C(i);
    c.SendRaw("{\"type\":");
    sut.w.Run(kStep);
    RC_ASSERT(c.open());  // a bad message never drops the connection
    CheckInvariants(sut);
  }
  void show(std::ostream& os) const override { os << "Malformed(" << i << ")"; }
};

struct Disconnect : Cmd {
  int i = *rc::gen::inRange(0, kClients);
  void checkPreconditions(const Model& m) const override { RC_PRE(m.slots[static_cast<std::size_t>(i)].online); }
  void apply(Model& m) const override { m.slots[static_cast<std::size_t>(i)] = Slot{false, ""}; }
  void run(const Model&, Sut& sut) const override {
    sut.w.net().CutStreams(sut.C(i).host()->name());
    sut.w.Run(kStep);
    CheckInvariants(sut);
  }
  void show(std::ostream& os) const override { os << "Disconnect(" << i << ")"; }
};

struct Reconnect : Cmd {
  int i = *rc::gen::inRange(0, kClients);
  void checkPreconditions(const Model& m) const override { RC_PRE(!m.slots[static_cast<std::size_t>(i)].online); }
  void apply(Model& m) const override { m.slots[static_cast<std::size_t>(i)] = Slot{}; }
  void run(const Model&, Sut& sut) const override {
    sut.Connect(i);
    CheckInvariants(sut);
  }
  void show(std::ostream& os) const override { os << "Reconnect(" << i << ")"; }
};

// One whole check: a fresh World (with the env mutants) and a generated command sequence.
inline void RunModel(SfuMutants mutants) {
  Model initial;
  Sut sut(mutants);
  RC_ASSERT(sut.w.started);
  rc::state::check(initial, sut,
                   rc::state::gen::execOneOfWithArgs<Join, Join, Leave, CreateTransport, CreateTransport,
                                                     ProduceCamera, ProduceCamera, Malformed, Disconnect,
                                                     Reconnect>());
}

}  // namespace sfusim::sfu::test::model
