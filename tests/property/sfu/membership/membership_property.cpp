// Property: after any sequence of join / leave / switch / disconnect / reconnect, the SFU's two
// membership maps agree with each other and with a simple model of where each client is.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include "../../../unit/sfu/sfu_test_world.h"

namespace sfusim::sfu::test {
namespace {

enum class OpKind { kJoin, kLeave, kDisconnect, kReconnect, kSpeak };

struct Op {
  OpKind kind;
  int client;
  int channel;
};

const std::vector<std::string> kChannels = {"alpha", "bravo", "lobby"};

TEST_CASE("membership maps always agree", "[sfu][property]") {
  rc::prop("connection->channel and channel->users agree after random operations", [] {
    const auto ops = *rc::gen::container<std::vector<Op>>(
        *rc::gen::inRange(1, 25),
        rc::gen::build<Op>(rc::gen::set(&Op::kind, rc::gen::element(OpKind::kJoin, OpKind::kJoin, OpKind::kLeave,
                                                                     OpKind::kDisconnect, OpKind::kReconnect,
                                                                     OpKind::kSpeak)),
                           rc::gen::set(&Op::client, rc::gen::inRange(0, 3)),
                           rc::gen::set(&Op::channel, rc::gen::inRange(0, 3))));
    World w;
    constexpr int kClients = 3;
    std::vector<TestClient*> clients(kClients, nullptr);
    std::vector<std::string> model(kClients);  // channel per client slot, "" = none
    std::vector<bool> online(kClients, false);
    int generation = 0;
    auto connect = [&](int i) {
      clients[static_cast<std::size_t>(i)] = &w.Ready("c" + std::to_string(i) + "-" + std::to_string(generation++));
      online[static_cast<std::size_t>(i)] = true;
      model[static_cast<std::size_t>(i)].clear();
    };
    for (int i = 0; i < kClients; ++i) connect(i);
    for (const Op& op : ops) {
      const auto i = static_cast<std::size_t>(op.client);
      const std::string& channel = kChannels[static_cast<std::size_t>(op.channel)];
      switch (op.kind) {
        case OpKind::kJoin:
          if (!online[i]) break;
          clients[i]->Join(channel);
          model[i] = channel;
          break;
        case OpKind::kLeave:
          if (!online[i]) break;
          clients[i]->Leave(model[i].empty() ? channel : model[i]);
          model[i].clear();
          break;
        case OpKind::kDisconnect:
          if (!online[i]) break;
          w.net().CutStreams(clients[i]->host()->name());
          online[i] = false;
          model[i].clear();
          break;
        case OpKind::kReconnect:
          if (online[i]) break;
          connect(op.client);
          break;
        case OpKind::kSpeak:
          if (online[i] && !model[i].empty()) clients[i]->Send(VoiceActivity{model[i], true});
          break;
      }
      w.Run(sim::TimeDelta::Millis(50));
      const auto s = w.sfu->Snapshot();
      std::size_t members = 0;
      for (const auto& [ch, users] : s.channel_members) {
        RC_ASSERT(!users.empty());
        members += users.size();
        for (const auto& u : users) {
          RC_ASSERT(s.connection_channel.count(u) == 1);
          RC_ASSERT(s.connection_channel.at(u) == ch);
        }
      }
      RC_ASSERT(members == s.connection_channel.size());
      // And the SFU agrees with the model.
      std::map<std::string, std::string> expected;  // username -> channel
      for (int k = 0; k < kClients; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        if (online[kk] && !model[kk].empty()) expected[clients[kk]->name()] = model[kk];
      }
      std::map<std::string, std::string> actual;
      for (const auto& [user, ch] : s.connection_channel) actual[s.usernames.at(user)] = ch;
      RC_ASSERT(actual == expected);
    }
  });
}

}  // namespace
}  // namespace sfusim::sfu::test
