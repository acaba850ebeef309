// WebClient video request flows against the scripted FakeSfu (VIDEO_DESIGN.md V5): the camera
// producer's parameters, camera off/on, the send transport created on demand, the native screen
// share session, the fallback to the browser path (negotiation error and the sender's own
// fallback_triggered) with fallback_completed, a retry of native afterwards, stop.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "sfusim/clients/video_rtp_parameters.h"
#include "sfusim/clients/web_client.h"
#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/sim_network.h"

#include "fake_sfu.h"

using namespace sfusim;
using clients::ClientPhase;
using clients::WebClient;
using clients::testing::FakeSfu;
using clients::testing::kSfuAddress;
using protocol::MediaAction;
using protocol::MediaSource;

namespace {

struct Recorder : clients::ClientObserver {
  std::vector<std::string> events;
  std::vector<std::string> reasons;
  void OnClientEvent(std::string_view name, std::string_view reason) override {
    events.emplace_back(name);
    reasons.emplace_back(reason);
  }
  int Count(std::string_view name) const { return static_cast<int>(std::count(events.begin(), events.end(), name)); }
  int IndexOf(std::string_view name) const {
    auto it = std::find(events.begin(), events.end(), name);
    return it == events.end() ? -1 : static_cast<int>(it - events.begin());
  }
};

struct World {
  sim::Scheduler scheduler;
  sim::SimNetwork net{&scheduler, nullptr, 1};
  std::unique_ptr<FakeSfu> sfu;
  std::unique_ptr<WebClient> client;
  Recorder recorder;

  explicit World(clients::WebClientConfig config) {
    net.AddHost("sfu", kSfuAddress.ip);
    net.AddHost("alice", sim::MakeIpv4(10, 0, 1, 1));
    sim::LinkConfig link;
    link.delay = sim::TimeDelta::Millis(10);
    net.SetLink("alice", "sfu", link);
    net.SetLink("sfu", "alice", link);
    sfu = std::make_unique<FakeSfu>(net.host("sfu"));
    config.username = "alice";
    config.token = "token";
    config.sfu_address = kSfuAddress;
    config.channel = "lobby";
    config.camera = {160, 90, 10, 200'000};  // small: these tests are about requests
    config.screen.fps = 5;  // 5 encode failures in the 2 s window need more than 2.5 fps
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

clients::WebClientConfig Camera() {
  clients::WebClientConfig c;
  c.publish_camera = true;
  return c;
}

clients::WebClientConfig Desktop() {
  clients::WebClientConfig c;
  c.desktop = true;
  return c;
}

bool HasFeedback(const protocol::RtpCodecParameters& codec, std::string_view type, std::string_view parameter) {
  return std::any_of(codec.rtcp_feedback.begin(), codec.rtcp_feedback.end(),
                     [&](const protocol::RtcpFeedback& f) { return f.type == type && f.parameter == parameter; });
}

}  // namespace

TEST_CASE("camera: an H.264 video producer with the router's parameters", "[clients][web][video]") {
  World w(Camera());
  w.client->Start();
  w.Run(2.0);
  CHECK(w.client->phase() == ClientPhase::kActive);
  CHECK(w.client->media_complete());
  CHECK(w.client->camera_on());
  const auto mics = w.sfu->Produces(MediaSource::kMicrophone);
  const auto cams = w.sfu->Produces(MediaSource::kCamera);
  REQUIRE(mics.size() == 1);
  REQUIRE(cams.size() == 1);
  const protocol::MediaProduceRequest& cam = cams[0];
  CHECK(cam.kind == protocol::MediaKind::kVideo);
  CHECK(cam.transport_id == "t-send");
  CHECK(cam.routing_mode == protocol::RoutingMode::kSfu);
  REQUIRE(cam.rtp_parameters.codecs.size() == 1);
  const auto& codec = cam.rtp_parameters.codecs[0];
  CHECK(codec.mime_type == "video/H264");
  CHECK(codec.payload_type == protocol::kPayloadTypeH264);
  CHECK(codec.clock_rate == protocol::kVideoClockRateHz);
  CHECK(protocol::GetIntParameter(codec.parameters, "packetization-mode") == 1);
  CHECK(protocol::GetStringParameter(codec.parameters, "profile-level-id") == std::string(protocol::kH264ProfileLevelId));
  CHECK(HasFeedback(codec, "nack", ""));
  CHECK(HasFeedback(codec, "nack", "pli"));
  CHECK(HasFeedback(codec, "ccm", "fir"));
  CHECK(HasFeedback(codec, "goog-remb", ""));
  CHECK(HasFeedback(codec, "transport-cc", ""));
  CHECK(cam.rtp_parameters.mid == std::string(clients::kCameraMid));
  bool capture_time = false;
  for (const auto& e : cam.rtp_parameters.header_extensions) {
    capture_time |= e.uri == protocol::AbsCaptureTime::kUri && e.id == protocol::kHeaderExtensionIdAbsCaptureTime;
  }
  CHECK(capture_time);
  REQUIRE(cam.rtp_parameters.encodings.size() == 1);
  REQUIRE(cam.rtp_parameters.encodings[0].ssrc.has_value());
  CHECK(*cam.rtp_parameters.encodings[0].ssrc != 0);
  CHECK(*cam.rtp_parameters.encodings[0].ssrc != *mics[0].rtp_parameters.encodings[0].ssrc);
  CHECK(w.client->counters().camera_produces == 1);
  CHECK(w.client->counters().video_frames_sent > 5);
  CHECK(w.client->counters().video_rtp_sent > 5);
  CHECK(w.client->counters().video_key_frames_sent >= 1);
}

TEST_CASE("camera off closes the producer and stops sending; on produces again", "[clients][web][video]") {
  World w(Camera());
  w.client->Start();
  w.Run(2.0);
  REQUIRE(w.sfu->Produces(MediaSource::kCamera).size() == 1);
  w.client->SetCamera(false);
  CHECK_FALSE(w.client->camera_on());
  w.Run(0.5);
  REQUIRE(w.sfu->Closed() == std::vector<std::string>{"p-camera-1"});
  const uint64_t sent = w.client->counters().video_rtp_sent;
  w.Run(2.0);
  CHECK(w.client->counters().video_rtp_sent == sent);  // nothing more while off
  CHECK(w.client->media_complete());                   // nothing wanted that is missing
  w.client->SetCamera(false);                           // idempotent
  w.Run(0.2);
  CHECK(w.sfu->Closed().size() == 1);
  w.client->SetCamera(true);
  w.Run(1.0);
  CHECK(w.sfu->Produces(MediaSource::kCamera).size() == 2);
  CHECK(w.client->counters().camera_produces == 2);
  CHECK(w.client->counters().video_rtp_sent > sent);
  CHECK(w.client->media_complete());
  // The same SSRC for the same camera across producers.
  const auto cams = w.sfu->Produces(MediaSource::kCamera);
  CHECK(cams[0].rtp_parameters.encodings[0].ssrc == cams[1].rtp_parameters.encodings[0].ssrc);
}

TEST_CASE("a listener-only client creates its send transport when the camera goes on", "[clients][web][video]") {
  clients::WebClientConfig config;
  config.publish_microphone = false;
  World w(config);
  w.client->Start();
  w.Run(2.0);
  REQUIRE(w.client->media_complete());
  CHECK(w.sfu->CountAction(MediaAction::kCreateWebRtcTransport) == 1);  // recv only
  w.client->SetCamera(true);
  CHECK_FALSE(w.client->media_complete());  // wanted, not produced yet
  w.Run(1.0);
  CHECK(w.sfu->CountAction(MediaAction::kCreateWebRtcTransport) == 2);
  CHECK(w.sfu->Produces(MediaSource::kMicrophone).empty());
  CHECK(w.sfu->Produces(MediaSource::kCamera).size() == 1);
  CHECK(w.client->media_complete());
}

TEST_CASE("a web (non-desktop) client shares its screen on the browser path", "[clients][web][video]") {
  World w(clients::WebClientConfig{});
  w.client->Start();
  w.Run(2.0);
  w.client->StartScreenShare(/*native=*/true);  // no native path on the web
  w.Run(1.0);
  CHECK(w.sfu->CountAction(MediaAction::kCreateNativeSenderSession) == 0);
  const auto screens = w.sfu->Produces(MediaSource::kScreen);
  REQUIRE(screens.size() == 1);
  CHECK(screens[0].rtp_parameters.mid == std::string(clients::kScreenMid));
  CHECK(w.client->screen_sharing());
  CHECK_FALSE(w.client->screen_native());
  CHECK(w.client->counters().screen_produces == 1);
  CHECK(w.recorder.Count(clients::kEventFallbackCompleted) == 0);  // no fallback: a plain share
  w.client->StopScreenShare();
  w.Run(0.5);
  CHECK(w.sfu->Closed() == std::vector<std::string>{"p-screen-1"});
  CHECK_FALSE(w.client->screen_sharing());
}

TEST_CASE("native share: the session starts a native sender; stop closes its producer", "[clients][web][video]") {
  World w(Desktop());
  w.client->Start();
  w.Run(2.0);
  CHECK_FALSE(w.client->native_status().has_value());
  w.client->StartScreenShare(/*native=*/true);
  w.Run(1.0);
  CHECK(w.sfu->CountAction(MediaAction::kCreateNativeSenderSession) == 1);
  CHECK(w.sfu->Produces(MediaSource::kScreen).empty());  // nothing on the WebRTC transport
  auto status = w.client->native_status();
  REQUIRE(status.has_value());
  CHECK(status->state == clients::NativeSenderState::kRunning);
  CHECK(status->producer_connected);
  CHECK(w.recorder.Count(clients::kEventSenderStarted) == 1);
  CHECK(w.client->screen_native());
  CHECK(w.client->media_complete());
  CHECK(w.client->counters().native_sessions == 1);
  w.client->StopScreenShare();
  w.Run(0.5);
  CHECK(w.sfu->Closed() == std::vector<std::string>{"p-native-1"});
  CHECK(w.recorder.Count(clients::kEventSenderStopped) == 1);
  CHECK_FALSE(w.client->native_status().has_value());
  CHECK(w.recorder.Count(clients::kEventFallbackTriggered) == 0);
}

TEST_CASE("native share: a negotiation error falls back to the browser screen share", "[clients][web][video]") {
  World w(Desktop());
  w.sfu->native_error = "unsupported_codec";
  w.client->Start();
  w.Run(2.0);
  w.client->StartScreenShare(/*native=*/true);
  w.Run(1.0);
  const int triggered = w.recorder.IndexOf(clients::kEventFallbackTriggered);
  const int completed = w.recorder.IndexOf(clients::kEventFallbackCompleted);
  REQUIRE(triggered >= 0);
  REQUIRE(completed > triggered);
  CHECK(w.recorder.reasons[static_cast<size_t>(triggered)].find("unsupported_codec") != std::string::npos);
  CHECK(w.sfu->Produces(MediaSource::kScreen).size() == 1);
  CHECK(w.client->counters().fallbacks == 1);
  CHECK(w.client->screen_sharing());
  CHECK_FALSE(w.client->screen_native());
  CHECK(w.client->media_complete());
}

TEST_CASE("native share: encode failures -> fallback_triggered -> browser producer -> fallback_completed; "
          "native can be retried",
          "[clients][web][video]") {
  World w(Desktop());
  w.client->Start();
  w.Run(2.0);
  // Injected before any native sender exists: remembered until its end time.
  w.client->InjectEncoderFault(clients::NativeFault::kEncodeError, w.scheduler.Now() + sim::TimeDelta::Seconds(8));
  w.client->StartScreenShare(/*native=*/true);
  w.Run(5.0);
  const int triggered = w.recorder.IndexOf(clients::kEventFallbackTriggered);
  const int completed = w.recorder.IndexOf(clients::kEventFallbackCompleted);
  REQUIRE(triggered >= 0);
  REQUIRE(completed > triggered);
  CHECK(w.recorder.Count(clients::kEventEncodeError) > 0);
  CHECK(w.recorder.IndexOf(clients::kEventEncodeError) < triggered);
  // The native producer was closed before the browser one was asked for.
  REQUIRE(w.sfu->Closed() == std::vector<std::string>{"p-native-1"});
  REQUIRE(w.sfu->Produces(MediaSource::kScreen).size() == 1);
  size_t close_at = 0, produce_at = 0;
  for (size_t i = 0; i < w.sfu->requests.size(); ++i) {
    const auto& r = w.sfu->requests[i];
    if (r.action() == MediaAction::kMediaCloseProducer) close_at = i;
    if (const auto* p = std::get_if<protocol::MediaProduceRequest>(&r.body); p && p->source == MediaSource::kScreen) {
      produce_at = i;
    }
  }
  CHECK(close_at < produce_at);
  CHECK_FALSE(w.client->screen_native());
  CHECK(w.client->media_complete());
  CHECK(w.client->counters().fallbacks == 1);

  // Retry native after the fault window: a new session, the browser producer closed.
  w.Run(2.0);
  w.client->StartScreenShare(/*native=*/true);
  w.Run(1.0);
  CHECK(w.sfu->CountAction(MediaAction::kCreateNativeSenderSession) == 2);
  CHECK(w.client->screen_native());
  auto status = w.client->native_status();
  REQUIRE(status.has_value());
  CHECK(status->state == clients::NativeSenderState::kRunning);
  const auto closed = w.sfu->Closed();
  CHECK(std::find(closed.begin(), closed.end(), "p-screen-1") != closed.end());
  CHECK(w.recorder.Count(clients::kEventFallbackTriggered) == 1);  // the retry runs clean
  CHECK(w.recorder.Count(clients::kEventSenderStarted) == 2);
}

TEST_CASE("a fault injected while the native sender runs reaches it", "[clients][web][video]") {
  World w(Desktop());
  w.client->Start();
  w.Run(2.0);
  w.client->StartScreenShare(/*native=*/true);
  w.Run(1.0);
  REQUIRE(w.client->native_status().has_value());
  CHECK(w.recorder.Count(clients::kEventFallbackTriggered) == 0);
  w.client->InjectEncoderFault(clients::NativeFault::kEncodeError, w.scheduler.Now() + sim::TimeDelta::Seconds(5));
  w.Run(4.0);
  CHECK(w.recorder.Count(clients::kEventFallbackTriggered) == 1);
  CHECK(w.recorder.Count(clients::kEventFallbackCompleted) == 1);
}
