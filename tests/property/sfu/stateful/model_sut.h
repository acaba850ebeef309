// The system under test of the stateful signaling model: a World (sfu_test_world.h) whose SFU can
// be restarted, and one scripted client per model slot, replaced on every reconnect. Every command
// sends what it sends through Sut, then advances simulated time with Step(), and reads back the
// messages each client received during that step (New()). Consumer RTP is recorded through the
// SFU observer, so a paused consumer that forwards is seen whether or not a client got the packet.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../../../unit/sfu/sfu_test_world.h"
#include "model_state.h"

namespace sfusim::sfu::test::model {

struct Sut {
  explicit Sut(SfuMutants mutants) : mutants_(mutants), w(MakeConfig(mutants)) {
    for (int i = 0; i < kClients; ++i) hosts[static_cast<std::size_t>(i)] = w.AddClient(Name(i)).host();
    w.sfu->SetObserver(&observer);
  }
  Sut(const Sut&) = delete;
  Sut& operator=(const Sut&) = delete;
  ~Sut() {
    for (auto& c : clients) c.reset();
    w.sfu->SetObserver(nullptr);
  }

  static SfuConfig MakeConfig(SfuMutants mutants) {
    SfuConfig c;
    c.mutants = mutants;
    return c;
  }
  static std::string Name(int i) { return "c" + std::to_string(i); }

  TestClient& C(int i) { return *clients[static_cast<std::size_t>(i)]; }
  bool Has(int i) const { return clients[static_cast<std::size_t>(i)] != nullptr; }

  // A fresh stream for slot i (the old client, if any, closes its stream as it goes).
  TestClient& NewClient(int i) {
    auto& slot = clients[static_cast<std::size_t>(i)];
    slot.reset();
    slot = std::make_unique<TestClient>(&w.net(), hosts[static_cast<std::size_t>(i)], Name(i), SfuConfig{}.auth_secret);
    cursor[static_cast<std::size_t>(i)] = 0;
    return *slot;
  }
  void Drop(int i) { clients[static_cast<std::size_t>(i)].reset(); }

  void Request(int i, const std::string& rid, protocol::MediaSignalBody body) {
    C(i).Send(protocol::MediaSignalRequest{rid, std::move(body)});
  }

  // A command starts: forget the last command's messages and RTP.
  void BeginCommand() {
    for (auto& v : fresh) v.clear();
    rtp.clear();
    for (auto& c : clients)
      if (c)
        for (auto& [id, t] : c->transports) t->rtcp_in.clear();
  }
  // Key frame requests (PLI) client i's transports received since the command began.
  int PlisReceived(int i) const {
    if (!Has(i)) return 0;
    int n = 0;
    for (const auto& [id, t] : clients[static_cast<std::size_t>(i)]->transports)
      for (const auto& compound : t->rtcp_in)
        for (const auto& packet : compound.packets) n += std::holds_alternative<protocol::rtcp::Pli>(packet);
    return n;
  }
  // Advances simulated time by `ms` and collects what every client received meanwhile.
  void Step(int64_t ms = kStepMs) {
    w.Run(sim::TimeDelta::Millis(ms));
    for (int i = 0; i < kClients; ++i) {
      const auto k = static_cast<std::size_t>(i);
      if (!clients[k]) continue;
      auto& msgs = clients[k]->messages;
      for (std::size_t j = cursor[k]; j < msgs.size(); ++j) fresh[k].push_back(msgs[j]);
      cursor[k] = msgs.size();
    }
  }
  const std::vector<protocol::ServerMessage>& New(int i) const { return fresh[static_cast<std::size_t>(i)]; }

  // The SFU host crashes and comes back at once with a fresh server (all state lost).
  void RestartSfu() {
    w.sfu->SetObserver(nullptr);
    w.net().Crash("sfu");
    w.sfu.reset();
    w.net().Restart("sfu");
    sim::Env env{&w.scheduler, sim::Rng::Stream(1, "sfu/restart-" + std::to_string(++restarts)), w.net().host("sfu"),
                 &w.trace};
    w.sfu = std::make_unique<SfuServer>(env, MakeConfig(mutants()));
    for (const auto& [channel, opus] : channel_opus) w.sfu->SetChannelCodec(channel, opus);
    w.started = w.sfu->Start();
    w.sfu->SetObserver(&observer);
  }
  SfuMutants mutants() const { return mutants_; }
  int64_t NowMs() const { return w.scheduler.Now().ms(); }

 private:
  SfuMutants mutants_;

 public:
  World w;
  std::array<sim::SimHost*, kClients> hosts{};
  std::array<std::unique_ptr<TestClient>, kClients> clients;
  std::array<std::size_t, kClients> cursor{};
  std::array<std::vector<protocol::ServerMessage>, kClients> fresh;
  RecordingObserver observer;
  std::vector<RecordingObserver::Rtp>& rtp = observer.rtp;  // this step's consumer RTP
  int restarts = 0;
  std::map<uint32_t, uint16_t> next_seq;  // per producer SSRC
  std::map<std::string, protocol::OpusSettings> channel_opus;  // SetCodec's settings, kept over an SFU restart
};

}  // namespace sfusim::sfu::test::model
