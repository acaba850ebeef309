// Voice membership: join/leave/switch, presence, speaking (never echoed), disconnect cleanup, and
// the two membership maps agreeing (PROTOCOL.md §1-2).
#include <catch2/catch.hpp>

#include "../sfu_test_world.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace sfusim::sfu::test {
namespace {

using sim::TimeDelta;

TEST_CASE("join: voice_joined and a presence snapshot to the joiner, voice_user_joined to the others", "[sfu][membership]") {
  World w;
  TestClient& a = w.Ready("alice", "lobby");
  TestClient& b = w.Ready("bob", "lobby");
  REQUIRE(a.Count<VoiceJoined>() == 1);
  CHECK(a.All<VoiceJoined>()[0].channel_id == "lobby");
  CHECK(a.All<VoiceJoined>()[0].user_id == "u-1");
  auto snaps = b.All<VoicePresenceSnapshot>();
  REQUIRE(snaps.size() == 1);
  REQUIRE(snaps[0].channels.size() == 1);
  CHECK(snaps[0].channels[0].members.size() == 2);
  auto joined = a.All<VoiceUserJoined>();
  REQUIRE(joined.size() == 1);
  CHECK(joined[0].username == "bob");
  CHECK(b.Count<VoiceUserJoined>() == 0);
  const auto s = w.sfu->Snapshot();
  CHECK(s.connection_channel.at("u-1") == "lobby");
  CHECK(s.channel_members.at("lobby") == std::set<std::string>{"u-1", "u-2"});
  CHECK(s.routers.at("lobby").generation == 1);
  CHECK(s.routers.at("lobby").worker == static_cast<int>(static_cast<unsigned char>('l') % 2));
}

TEST_CASE("voice_user_speaking goes to every other member and never back to the speaker", "[sfu][membership]") {
  World w;
  TestClient& a = w.Ready("alice", "lobby");
  TestClient& b = w.Ready("bob", "lobby");
  TestClient& c = w.Ready("carol", "lobby");
  TestClient& d = w.Ready("dave", "elsewhere");
  a.Send(VoiceActivity{"lobby", true});
  w.Run();
  CHECK(a.Count<VoiceUserSpeaking>() == 0);
  REQUIRE(b.Count<VoiceUserSpeaking>() == 1);
  CHECK(b.All<VoiceUserSpeaking>()[0].username == "alice");
  CHECK(b.All<VoiceUserSpeaking>()[0].speaking);
  CHECK(c.Count<VoiceUserSpeaking>() == 1);
  CHECK(d.Count<VoiceUserSpeaking>() == 0);
  // voice_activity for a channel the connection is not in is refused.
  a.Send(VoiceActivity{"elsewhere", true});
  w.Run();
  CHECK(d.Count<VoiceUserSpeaking>() == 0);
  CHECK(a.NoticeCodes() == std::vector<std::string>{std::string(protocol::signaling_error::kNotInChannel)});
}

TEST_CASE("switching channels leaves the old one first and cleans its media", "[sfu][membership]") {
  World w;
  TestClient& a = w.Ready("alice", "lobby");
  TestClient& b = w.Ready("bob", "lobby");
  const auto pid = w.Publish(a, 0xA11CE);
  REQUIRE_FALSE(pid.empty());
  a.Join("games");
  w.Run();
  CHECK(a.Count<VoiceLeft>() == 1);
  CHECK(a.Count<VoiceJoined>() == 2);
  CHECK(b.Count<VoiceUserLeft>() == 1);
  REQUIRE(b.Count<ProducerClosed>() == 1);
  CHECK(b.All<ProducerClosed>()[0].producer_id == pid);
  const auto s = w.sfu->Snapshot();
  CHECK(s.connection_channel.at("u-1") == "games");
  CHECK(s.channel_members.at("lobby") == std::set<std::string>{"u-2"});
  CHECK(s.channel_members.at("games") == std::set<std::string>{"u-1"});
  CHECK(s.producers.empty());
}

TEST_CASE("leave_voice closes the connection's media and tells the channel", "[sfu][membership]") {
  World w;
  TestClient& a = w.Ready("alice", "lobby");
  TestClient& b = w.Ready("bob", "lobby");
  w.Publish(a, 0xA11CE);
  a.Leave("lobby");
  w.Run();
  CHECK(a.Count<VoiceLeft>() == 1);
  CHECK(b.Count<VoiceUserLeft>() == 1);
  CHECK(b.Count<ProducerClosed>() == 1);
  const auto s = w.sfu->Snapshot();
  CHECK(s.connection_channel.count("u-1") == 0);
  CHECK(s.channel_members.count("lobby") == 1);
  CHECK(s.channel_members.at("lobby") == std::set<std::string>{"u-2"});
  CHECK(s.producers.empty());
}

TEST_CASE("a dropped connection is cleaned up: membership, producers, consumers, transports", "[sfu][membership]") {
  World w;
  RecordingObserver obs;
  w.sfu->SetObserver(&obs);
  TestClient& a = w.Ready("alice", "lobby");
  TestClient& b = w.Ready("bob", "lobby");
  const auto pa = w.Publish(a, 0xA);
  const auto pb = w.Publish(b, 0xB);
  REQUIRE(w.OpenTransport(a, TransportDirection::kRecv) != "");
  REQUIRE(w.OpenTransport(b, TransportDirection::kRecv) != "");
  REQUIRE(w.Subscribe(a, pb));
  REQUIRE(w.Subscribe(b, pa));
  CHECK(w.sfu->Snapshot().consumers.size() == 2);
  w.net().CutStreams("alice");
  w.Run();
  CHECK(b.Count<VoiceUserLeft>() == 1);
  REQUIRE(b.Count<ProducerClosed>() == 1);
  CHECK(b.All<ProducerClosed>()[0].producer_id == pa);
  const auto s = w.sfu->Snapshot();
  CHECK(s.usernames.count("u-1") == 0);
  CHECK(s.connection_channel.count("u-1") == 0);
  CHECK(s.channel_members.at("lobby") == std::set<std::string>{"u-2"});
  REQUIRE(s.producers.size() == 1);
  CHECK(s.producers.begin()->first == pb);
  CHECK(s.consumers.empty());  // alice's consumer went with her, bob's with alice's producer
  CHECK(obs.HasConnectionEvent("closed"));
}

TEST_CASE("the membership maps agree and state_version grows with every visible change", "[sfu][membership]") {
  World w;
  RecordingObserver obs;
  w.sfu->SetObserver(&obs);
  const uint64_t v0 = w.sfu->state_version();
  TestClient& a = w.Ready("alice", "lobby");
  CHECK(w.sfu->state_version() > v0);
  CHECK(obs.changes > 0);
  w.Ready("bob", "lobby");
  a.Join("games");
  w.Run();
  const auto s = w.sfu->Snapshot();
  for (const auto& [user, channel] : s.connection_channel) CHECK(s.channel_members.at(channel).count(user) == 1);
  std::size_t total = 0;
  for (const auto& [channel, users] : s.channel_members) {
    CHECK_FALSE(users.empty());
    total += users.size();
    for (const auto& u : users) CHECK(s.connection_channel.at(u) == channel);
  }
  CHECK(total == s.connection_channel.size());
}

}  // namespace
}  // namespace sfusim::sfu::test
