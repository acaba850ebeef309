// WebClient against a scripted fake SFU on a SimNetwork: the protocol-level paths the real SFU
// never takes (bad server messages, unknown and late responses, silence, refused connections).
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sfusim/clients/web_client.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/sim_network.h"

#include "fake_sfu.h"

using namespace sfusim;
using clients::ClientPhase;
using clients::WebClient;
using protocol::MediaAction;
using clients::testing::Announce;
using clients::testing::FakeSfu;
using clients::testing::kSfuAddress;

namespace {

struct Recorder : clients::ClientObserver {
  std::vector<std::string> events;
  std::vector<std::string> sent;
  std::vector<std::string> timed_out;
  int server_messages = 0;
  void OnClientEvent(std::string_view name, std::string_view) override { events.emplace_back(name); }
  void OnServerMessage(const protocol::ServerMessage&) override { ++server_messages; }
  void OnRequestSent(std::string_view id, MediaAction) override { sent.emplace_back(id); }
  void OnRequestTimedOut(std::string_view id) override { timed_out.emplace_back(id); }
};

struct World {
  sim::Scheduler scheduler;
  sim::SimNetwork net{&scheduler, nullptr, 1};
  std::unique_ptr<FakeSfu> sfu;
  std::unique_ptr<WebClient> client;
  Recorder recorder;

  explicit World(bool with_sfu = true, clients::ReconnectPolicy policy = {}) {
    net.AddHost("sfu", kSfuAddress.ip);
    net.AddHost("alice", sim::MakeIpv4(10, 0, 1, 1));
    sim::LinkConfig link;
    link.delay = sim::TimeDelta::Millis(10);
    net.SetLink("alice", "sfu", link);
    net.SetLink("sfu", "alice", link);
    if (with_sfu) sfu = std::make_unique<FakeSfu>(net.host("sfu"));
    clients::WebClientConfig config{"alice", "token", kSfuAddress, "lobby", true, policy};
    client = std::make_unique<WebClient>(sim::Env{&scheduler, sim::Rng(3), net.host("alice"), nullptr}, config);
    client->SetObserver(&recorder);
  }
  ~World() {
    CHECK(client->counters().invalid_transitions == 0);
    client.reset();
    sfu.reset();
  }
  void Run(double s) { scheduler.RunFor(sim::TimeDelta::SecondsF(s)); }
};

}  // namespace

TEST_CASE("WebClient authenticates, joins and runs the media setup in order", "[clients][web]") {
  World w;
  w.client->Start();
  CHECK(w.client->phase() == ClientPhase::kConnecting);
  w.Run(2.0);
  REQUIRE(w.sfu->received.size() >= 2);
  CHECK(w.sfu->received[0] == R"({"token":"token","type":"authenticate","username":"alice"})");
  CHECK(w.sfu->received[1] == R"({"channel_id":"lobby","type":"join_voice"})");
  CHECK(w.sfu->requests.at(0).action() == MediaAction::kGetRouterRtpCapabilities);
  CHECK(w.sfu->CountAction(MediaAction::kCreateWebRtcTransport) == 2);
  CHECK(w.sfu->CountAction(MediaAction::kConnectWebRtcTransport) == 2);
  CHECK(w.sfu->CountAction(MediaAction::kMediaProduce) == 1);
  for (const auto& r : w.sfu->requests) {
    if (auto* c = std::get_if<protocol::ConnectWebRtcTransportRequest>(&r.body)) {
      CHECK(c->dtls_parameters.role == protocol::DtlsSetupRole::kClient);
      REQUIRE(c->dtls_parameters.fingerprints.size() == 1);
      CHECK(c->dtls_parameters.fingerprints[0].algorithm == "sha-256");
      CHECK(c->dtls_parameters.fingerprints[0].value.size() == 95);  // 32 bytes as AB:CD:...
    }
    if (auto* p = std::get_if<protocol::MediaProduceRequest>(&r.body)) {
      CHECK(p->transport_id == "t-send");
      REQUIRE(p->rtp_parameters.codecs.size() == 1);
      CHECK(p->rtp_parameters.codecs[0].payload_type == 111);
      REQUIRE(p->rtp_parameters.encodings.size() == 1);
      CHECK(p->rtp_parameters.encodings[0].ssrc.value_or(0) != 0);
    }
  }
  // Request ids unique; every one reported as sent.
  std::set<std::string> ids(w.recorder.sent.begin(), w.recorder.sent.end());
  CHECK(ids.size() == w.recorder.sent.size());
  CHECK(ids.size() == w.sfu->requests.size());
  // RTCP right after connect on both transports, then media on the send transport.
  CHECK(w.sfu->datagrams > 50);
  CHECK(w.client->counters().rtcp_sent >= 2);
  CHECK(w.client->counters().rtp_sent > 50);
  CHECK(w.recorder.events == std::vector<std::string>{"voice_joined"});
  CHECK(w.client->connection_state() == clients::ConnectionState::kConnected);
  // No remote producer and no audio received: complete and active.
  CHECK(w.client->media_complete());
  CHECK(w.client->phase() == ClientPhase::kActive);
}

TEST_CASE("WebClient consumes the recv batch and announcements queued before initialisation", "[clients][web]") {
  World w;
  w.sfu->batch = {Announce("p-bob", "bob"), Announce("p-self-old", "alice")};
  w.sfu->announce_on_join = {Announce("p-carol", "carol")};  // arrives before the device is loaded
  w.client->Start();
  w.Run(2.0);
  std::set<std::string> consumed;
  for (const auto& r : w.sfu->requests) {
    if (auto* c = std::get_if<protocol::MediaConsumeRequest>(&r.body)) {
      CHECK(consumed.insert(c->producer_id).second);  // at most once each
      CHECK_FALSE(c->rtp_capabilities.codecs.empty());
    }
  }
  CHECK(consumed == std::set<std::string>{"p-bob", "p-carol"});  // never its own producer
  CHECK(w.sfu->CountAction(MediaAction::kMediaResumeConsumer) == 2);
  // Resumed but nothing received: not complete (the fake forwards no media).
  CHECK_FALSE(w.client->media_complete());
  CHECK(w.client->phase() == ClientPhase::kSettingUpMedia);
  // producer_closed closes the consumer: nothing left to wait for.
  w.sfu->Send(protocol::ProducerClosed{"p-bob"});
  w.sfu->Send(protocol::ProducerClosed{"p-carol"});
  w.Run(0.5);
  CHECK(w.client->media_complete());
  CHECK(w.client->phase() == ClientPhase::kActive);
}

TEST_CASE("WebClient counts bad server messages and stray responses without failing", "[clients][web]") {
  World w;
  w.client->Start();
  w.Run(2.0);
  const int before = w.recorder.server_messages;
  w.sfu->SendText("{not json");
  w.sfu->SendText(R"({"type":"no_such_message"})");
  w.sfu->Send(protocol::MakeMediaSignalResult("zzz", protocol::MediaResumeConsumerResult{}));
  w.sfu->Send(protocol::MakeMediaSignalResult("r1", protocol::MediaResumeConsumerResult{}));  // answered long ago
  w.sfu->Send(protocol::MakeMediaSignalResult(std::nullopt, protocol::MediaResumeConsumerResult{}));
  w.sfu->Send(protocol::SignalingErrorNotice{"invalid_json", "bad", std::nullopt});
  w.Run(0.5);
  const auto& c = w.client->counters();
  CHECK(c.decode_errors == 2);
  CHECK(c.unknown_responses == 2);
  CHECK(c.late_responses == 1);
  CHECK(c.server_errors == 1);
  CHECK(w.recorder.server_messages == before + 4);
  CHECK(w.client->phase() == ClientPhase::kActive);
  CHECK(w.sfu->accepted == 1);
}

TEST_CASE("WebClient: a request without an answer times out after 10 s, is repeated, then the client starts over",
          "[clients][web]") {
  World w;
  w.sfu->silent = {MediaAction::kGetRouterRtpCapabilities};
  w.client->Start();
  w.Run(9.9);
  CHECK(w.recorder.timed_out.empty());
  CHECK(w.client->phase() == ClientPhase::kSettingUpMedia);
  w.Run(0.2);
  REQUIRE(w.recorder.timed_out.size() == 1);
  CHECK(w.recorder.timed_out[0] == w.recorder.sent.at(0));
  CHECK(w.client->counters().timeouts == 1);
  CHECK(w.recorder.events.back() == "voice_joined");  // repeated alone (request_retry.h), not dropped
  w.Run(21.0);
  CHECK(w.client->counters().timeouts == 3);
  CHECK(w.client->counters().request_retries == 2);
  CHECK(w.recorder.events.back() == "signaling_disconnected");
  w.sfu->silent.clear();
  w.Run(3.0);
  CHECK(w.sfu->accepted == 2);
  CHECK(w.client->phase() == ClientPhase::kActive);
  CHECK(w.recorder.events == std::vector<std::string>{"voice_joined", "signaling_disconnected",
                                                      "signaling_reconnected", "voice_joined", "media_restored"});
  // Ids stay unique across the reconnection.
  std::set<std::string> ids(w.recorder.sent.begin(), w.recorder.sent.end());
  CHECK(ids.size() == w.recorder.sent.size());
}

TEST_CASE("WebClient gives up after max_attempts reconnection attempts", "[clients][web]") {
  clients::ReconnectPolicy policy;
  policy.initial_delay = sim::TimeDelta::Millis(100);
  policy.max_attempts = 3;
  World w(/*with_sfu=*/false, policy);
  w.client->Start();
  w.Run(30.0);
  CHECK(w.client->phase() == ClientPhase::kFailed);
  CHECK(w.client->connection_state() == clients::ConnectionState::kFailed);
  CHECK(w.client->counters().connect_attempts == 4);  // the first one and three retries
  CHECK(w.client->counters().connect_failures == 4);
}

TEST_CASE("WebClient: SendRaw is verbatim; Leave and SwitchChannel", "[clients][web]") {
  World w;
  w.client->Start();
  w.Run(2.0);
  w.client->SendRaw("\x01 not json at all");
  w.Run(0.1);
  CHECK(w.sfu->received.back() == "\x01 not json at all");
  w.client->Leave();
  w.Run(0.5);
  CHECK(w.client->phase() == ClientPhase::kLeft);
  CHECK(w.client->channel().empty());
  CHECK(w.recorder.events.back() == "voice_left");
  w.client->SwitchChannel("other");
  w.Run(2.0);
  CHECK(w.client->channel() == "other");
  CHECK(w.client->phase() == ClientPhase::kActive);
}
