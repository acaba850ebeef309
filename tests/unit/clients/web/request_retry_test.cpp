// Request retry after a timeout (request_retry.h): the pure decisions, then the WebClient against
// the FakeSfu losing answers the way the SFU's lost_response fault point does (after the state
// change), so a repeat meets the state the first copy left behind.
#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sfusim/clients/request_retry.h"
#include "sfusim/clients/request_tracker.h"
#include "sfusim/clients/web_client.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/sim_network.h"

#include "fake_sfu.h"

using namespace sfusim;
using clients::ClientPhase;
using clients::RepeatAnswer;
using clients::WebClient;
using protocol::MediaAction;
using clients::testing::Announce;
using clients::testing::FakeSfu;
using clients::testing::kSfuAddress;
namespace err = protocol::signaling_error;

namespace {

struct Recorder : clients::ClientObserver {
  std::vector<std::string> events;
  std::vector<double> sent_at_s;
  sim::Scheduler* scheduler = nullptr;
  void OnClientEvent(std::string_view name, std::string_view) override { events.emplace_back(name); }
  void OnRequestSent(std::string_view, MediaAction) override { sent_at_s.push_back(scheduler->Now().seconds()); }
};

struct World {
  sim::Scheduler scheduler;
  sim::SimNetwork net{&scheduler, nullptr, 1};
  std::unique_ptr<FakeSfu> sfu;
  std::unique_ptr<WebClient> client;
  Recorder recorder;

  explicit World(bool camera = false) {
    net.AddHost("sfu", kSfuAddress.ip);
    net.AddHost("alice", sim::MakeIpv4(10, 0, 1, 1));
    sim::LinkConfig link;
    link.delay = sim::TimeDelta::Millis(10);
    net.SetLink("alice", "sfu", link);
    net.SetLink("sfu", "alice", link);
    sfu = std::make_unique<FakeSfu>(net.host("sfu"));
    sfu->like_sfu = true;
    clients::WebClientConfig config{"alice", "token", kSfuAddress, "lobby", true, {}};
    config.publish_camera = camera;  // the camera instead of the microphone
    config.publish_microphone = !camera;
    config.camera = {160, 90, 10, 200'000};  // small: these tests are about requests
    client = std::make_unique<WebClient>(sim::Env{&scheduler, sim::Rng(3), net.host("alice"), nullptr}, config);
    recorder.scheduler = &scheduler;
    client->SetObserver(&recorder);
  }
  ~World() {
    CHECK(client->counters().invalid_transitions == 0);
    client.reset();
    sfu.reset();
  }
  void Run(double s) { scheduler.RunFor(sim::TimeDelta::SecondsF(s)); }
  std::vector<protocol::MediaSignalRequest> Requests(MediaAction a) const {
    std::vector<protocol::MediaSignalRequest> out;
    for (const auto& r : sfu->requests) {
      if (r.action() == a) out.push_back(r);
    }
    return out;
  }
};

}  // namespace

TEST_CASE("RetryDelay: capped exponential backoff before each repeat", "[clients][web][retry]") {
  CHECK(clients::RetryDelay(2) == clients::kRequestRetryInitialDelay);
  CHECK(clients::RetryDelay(3) == sim::TimeDelta::Millis(500));
  CHECK(clients::RetryDelay(4) == sim::TimeDelta::Seconds(1));
  CHECK(clients::RetryDelay(5) == clients::kRequestRetryMaxDelay);
  CHECK(clients::RetryDelay(60) == clients::kRequestRetryMaxDelay);
  CHECK(clients::RetryDelay(1) == clients::kRequestRetryInitialDelay);  // below 2 counts as the first repeat
}

TEST_CASE("PlanAfterTimeout: repeat until kMaxRequestAttempts sends, never a diagnostic", "[clients][web][retry]") {
  for (MediaAction a : {MediaAction::kGetRouterRtpCapabilities, MediaAction::kCreateWebRtcTransport,
                        MediaAction::kConnectWebRtcTransport, MediaAction::kMediaProduce, MediaAction::kMediaConsume,
                        MediaAction::kMediaResumeConsumer, MediaAction::kMediaCloseProducer,
                        MediaAction::kCreateNativeSenderSession}) {
    INFO(protocol::ToString(a));
    for (int sent = 1; sent < clients::kMaxRequestAttempts; ++sent) {
      const clients::TimeoutPlan plan = clients::PlanAfterTimeout(a, sent);
      CHECK(plan.repeat);
      CHECK(plan.delay == clients::RetryDelay(sent + 1));
    }
    CHECK_FALSE(clients::PlanAfterTimeout(a, clients::kMaxRequestAttempts).repeat);
  }
  CHECK_FALSE(clients::PlanAfterTimeout(MediaAction::kClientDiagnostic, 1).repeat);
  CHECK(clients::RepeatPolicyOf(MediaAction::kGetRouterRtpCapabilities) == clients::RepeatPolicy::kIdempotent);
  CHECK(clients::RepeatPolicyOf(MediaAction::kMediaResumeConsumer) == clients::RepeatPolicy::kIdempotent);
  CHECK(clients::RepeatPolicyOf(MediaAction::kMediaConsume) == clients::RepeatPolicy::kRepeatAndReconcile);
}

TEST_CASE("ClassifyRepeatError: what an error answer to a repeat means, per action", "[clients][web][retry]") {
  CHECK(clients::ClassifyRepeatError(MediaAction::kConnectWebRtcTransport, err::kInvalidValue) == RepeatAnswer::kAlreadyDone);
  CHECK(clients::ClassifyRepeatError(MediaAction::kConnectWebRtcTransport, err::kTransportNotFound) == RepeatAnswer::kAsAnswered);
  CHECK(clients::ClassifyRepeatError(MediaAction::kMediaCloseProducer, err::kProducerNotFound) == RepeatAnswer::kAlreadyDone);
  CHECK(clients::ClassifyRepeatError(MediaAction::kCreateWebRtcTransport, err::kTransportExists) == RepeatAnswer::kExistsUnknownId);
  CHECK(clients::ClassifyRepeatError(MediaAction::kCreateWebRtcTransport, err::kMediaUnavailable) == RepeatAnswer::kAsAnswered);
  CHECK(clients::ClassifyRepeatError(MediaAction::kMediaProduce, err::kProducerLimit) == RepeatAnswer::kExistsUnknownId);
  CHECK(clients::ClassifyRepeatError(MediaAction::kMediaProduce, err::kInvalidValue) == RepeatAnswer::kExistsUnknownId);
  CHECK(clients::ClassifyRepeatError(MediaAction::kMediaProduce, err::kUnsupportedCodec) == RepeatAnswer::kAsAnswered);
  CHECK(clients::ClassifyRepeatError(MediaAction::kCreateNativeSenderSession, err::kTransportExists) == RepeatAnswer::kExistsUnknownId);
  CHECK(clients::ClassifyRepeatError(MediaAction::kMediaConsume, err::kProducerNotFound) == RepeatAnswer::kAsAnswered);
  CHECK(clients::ClassifyRepeatError(MediaAction::kMediaResumeConsumer, err::kConsumerNotFound) == RepeatAnswer::kAsAnswered);
  // kAlreadyDone always comes with a result to act on.
  for (MediaAction a : {MediaAction::kConnectWebRtcTransport, MediaAction::kMediaCloseProducer}) {
    auto ok = clients::AssumedSuccess(a);
    REQUIRE(ok);
    CHECK(protocol::ResultAction(*ok) == a);
  }
  CHECK_FALSE(clients::AssumedSuccess(MediaAction::kCreateWebRtcTransport));
}

TEST_CASE("WebClient repeats a lost get_router_rtp_capabilities alone, after the backoff", "[clients][web][retry]") {
  World w;
  w.sfu->lose[MediaAction::kGetRouterRtpCapabilities] = 1;
  w.client->Start();
  w.Run(14.0);
  const auto caps = w.Requests(MediaAction::kGetRouterRtpCapabilities);
  REQUIRE(caps.size() == 2);
  CHECK(caps[0].request_id != caps[1].request_id);
  // Sent 10 s (the timeout) + the first backoff after the first copy.
  REQUIRE(w.recorder.sent_at_s.size() >= 2);
  CHECK(w.recorder.sent_at_s[1] - w.recorder.sent_at_s[0] ==
        Approx((clients::kMediaSignalRequestTimeout + clients::kRequestRetryInitialDelay).seconds()).margin(1e-6));
  CHECK(w.sfu->accepted == 1);
  CHECK(w.client->counters().timeouts == 1);
  CHECK(w.client->counters().request_retries == 1);
  CHECK(w.client->counters().reconnects == 0);
  CHECK(w.client->phase() == ClientPhase::kActive);
  CHECK(w.recorder.events == std::vector<std::string>{"voice_joined"});
}

TEST_CASE("WebClient falls back to a full re-setup after kMaxRequestAttempts timeouts", "[clients][web][retry]") {
  World w;
  w.sfu->silent = {MediaAction::kGetRouterRtpCapabilities};
  w.client->Start();
  // Three sends: at 0, 10.25 and 20.75 s (+ the join); the last times out at 30.75 s.
  w.Run(30.5);
  CHECK(w.Requests(MediaAction::kGetRouterRtpCapabilities).size() == clients::kMaxRequestAttempts);
  CHECK(w.client->counters().timeouts == 2);
  CHECK(w.sfu->accepted == 1);
  w.Run(0.5);
  CHECK(w.client->counters().timeouts == 3);
  CHECK(w.recorder.events.back() == "signaling_disconnected");
  w.sfu->silent.clear();
  w.Run(3.0);
  CHECK(w.sfu->accepted == 2);
  CHECK(w.client->phase() == ClientPhase::kActive);
}

TEST_CASE("WebClient: a repeated connect_webrtc_transport refused as already connected counts as connected",
          "[clients][web][retry]") {
  World w;
  w.sfu->lose[MediaAction::kConnectWebRtcTransport] = 1;  // the first connect (send transport)
  w.client->Start();
  w.Run(14.0);
  CHECK(w.Requests(MediaAction::kConnectWebRtcTransport).size() == 3);  // send, recv, send again
  CHECK(w.client->counters().error_responses == 1);                    // invalid_value: already connected
  CHECK(w.Requests(MediaAction::kMediaProduce).size() == 1);            // the microphone, after the repeat
  CHECK(w.sfu->accepted == 1);
  CHECK(w.client->phase() == ClientPhase::kActive);
  CHECK(w.client->media_complete());
}

TEST_CASE("WebClient: a repeated create_webrtc_transport that exists means a full re-setup", "[clients][web][retry]") {
  World w;
  w.sfu->lose[MediaAction::kCreateWebRtcTransport] = 1;
  w.client->Start();
  w.Run(10.5);
  CHECK(w.Requests(MediaAction::kCreateWebRtcTransport).size() == 3);  // send (lost), recv, send again
  CHECK(w.recorder.events.back() == "signaling_disconnected");       // transport_exists: its id is lost
  w.Run(3.0);
  CHECK(w.sfu->accepted == 2);
  CHECK(w.client->phase() == ClientPhase::kActive);
  CHECK(w.recorder.events == std::vector<std::string>{"voice_joined", "signaling_disconnected",
                                                      "signaling_reconnected", "voice_joined", "media_restored"});
}

TEST_CASE("WebClient: a repeated microphone media_produce whose SSRC is in use counts as produced",
          "[clients][web][retry]") {
  World w;
  w.sfu->lose[MediaAction::kMediaProduce] = 1;
  w.client->Start();
  w.Run(9.0);
  CHECK_FALSE(w.client->media_complete());
  CHECK(w.client->counters().rtp_sent == 0);  // no sending before the producer is known to exist
  w.Run(2.0);
  const auto produces = w.Requests(MediaAction::kMediaProduce);
  REQUIRE(produces.size() == 2);
  // The very same request (same SSRC): never a second microphone producer.
  CHECK(std::get<protocol::MediaProduceRequest>(produces[0].body) == std::get<protocol::MediaProduceRequest>(produces[1].body));
  CHECK(w.client->counters().error_responses == 1);  // invalid_value: the SSRC is in use (by our producer)
  CHECK(w.sfu->accepted == 1);
  CHECK(w.recorder.events == std::vector<std::string>{"voice_joined"});
  CHECK(w.client->media_complete());
  CHECK(w.client->phase() == ClientPhase::kActive);
  w.Run(1.0);
  CHECK(w.client->counters().rtp_sent > 0);  // the microphone sends on the producer it cannot name
}

TEST_CASE("WebClient: a repeated camera media_produce refused by the limit means a full re-setup",
          "[clients][web][retry]") {
  World w(/*camera=*/true);
  w.sfu->lose[MediaAction::kMediaProduce] = 1;
  w.client->Start();
  w.Run(10.5);
  // The same request again; the fake refuses it (its SSRC is in use) as the SFU would
  // (producer_limit or invalid_value): the camera exists, but without its id it cannot be closed.
  const auto produces = w.sfu->Produces(protocol::MediaSource::kCamera);
  REQUIRE(produces.size() == 2);
  CHECK(produces[0] == produces[1]);
  CHECK(clients::NeedsCreatedId(protocol::MediaSignalBody{produces[0]}));
  CHECK(w.recorder.events.back() == "signaling_disconnected");
  w.Run(3.0);
  CHECK(w.sfu->accepted == 2);
  CHECK(w.sfu->Produces(protocol::MediaSource::kCamera).size() == 3);  // on the fresh connection
  CHECK(w.client->phase() == ClientPhase::kActive);
  CHECK(w.client->media_complete());
}

TEST_CASE("WebClient repeats a lost media_consume and resumes the consumer it got", "[clients][web][retry]") {
  World w;
  w.sfu->batch = {Announce("p-bob", "bob")};
  w.sfu->lose[MediaAction::kMediaConsume] = 1;
  w.client->Start();
  w.Run(12.0);
  const auto consumes = w.Requests(MediaAction::kMediaConsume);
  REQUIRE(consumes.size() == 2);
  const auto resumes = w.Requests(MediaAction::kMediaResumeConsumer);
  REQUIRE(resumes.size() == 1);
  // The first consumer (c-p-bob-1) is the orphan; the second one is resumed.
  CHECK(std::get<protocol::MediaResumeConsumerRequest>(resumes[0].body).consumer_id == "c-p-bob-2");
  CHECK(w.sfu->accepted == 1);
  CHECK(w.client->counters().reconnects == 0);
  CHECK(w.recorder.events == std::vector<std::string>{"voice_joined"});
}

TEST_CASE("WebClient repeats a lost media_resume_consumer for the same consumer", "[clients][web][retry]") {
  World w;
  w.sfu->batch = {Announce("p-bob", "bob")};
  w.sfu->lose[MediaAction::kMediaResumeConsumer] = 1;
  w.client->Start();
  w.Run(12.0);
  const auto resumes = w.Requests(MediaAction::kMediaResumeConsumer);
  REQUIRE(resumes.size() == 2);
  CHECK(std::get<protocol::MediaResumeConsumerRequest>(resumes[0].body) ==
        std::get<protocol::MediaResumeConsumerRequest>(resumes[1].body));
  CHECK(w.Requests(MediaAction::kMediaConsume).size() == 1);
  CHECK(w.sfu->accepted == 1);
}

TEST_CASE("WebClient does not repeat a consume whose producer closed during the backoff", "[clients][web][retry]") {
  World w;
  w.sfu->batch = {Announce("p-bob", "bob")};
  w.sfu->lose[MediaAction::kMediaConsume] = 1;
  w.client->Start();
  w.Run(10.2);  // the consume (sent at ~0.08 s) has timed out; its repeat waits 250 ms
  REQUIRE(w.client->counters().timeouts == 1);
  w.sfu->Send(protocol::ProducerClosed{"p-bob", protocol::MediaSource::kMicrophone, protocol::RoutingMode::kSfu});
  w.Run(2.0);
  CHECK(w.Requests(MediaAction::kMediaConsume).size() == 1);
  CHECK(w.client->counters().request_retries == 0);
  CHECK(w.client->media_complete());
  CHECK(w.sfu->accepted == 1);
}

TEST_CASE("WebClient: a repeat pending when the connection drops is never sent", "[clients][web][retry]") {
  World w;
  w.sfu->lose[MediaAction::kGetRouterRtpCapabilities] = 1;
  w.client->Start();
  w.Run(10.1);  // timed out, the repeat waits
  REQUIRE(w.client->counters().timeouts == 1);
  w.sfu->stream_->Close();
  w.sfu->stream_.reset();
  w.Run(5.0);
  CHECK(w.client->counters().request_retries == 0);
  CHECK(w.sfu->accepted == 2);
  CHECK(w.Requests(MediaAction::kGetRouterRtpCapabilities).size() == 2);  // the first, then the new setup's
  CHECK(w.client->phase() == ClientPhase::kActive);
}
