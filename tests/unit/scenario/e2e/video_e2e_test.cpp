// End-to-end video (VIDEO_DESIGN.md V5): two WebClients and the reference SfuServer on a
// SimNetwork with 20 ms links. alice publishes a camera (and, as a desktop client, a screen
// share), bob decodes what the SFU forwards and measures it against the regenerated source.
// - camera: decoded with PSNR >= 30 dB; camera off -> producer_closed -> the consumer is gone and
//   decoding stops; camera on again -> decoding resumes;
// - reconnect: alice's signaling is cut; her camera is re-produced and bob decodes it again, in
//   the same stats entry;
// - native screen share: bob decodes screen frames from the plain transport producer;
// - 3 % loss: NACKs repair (retransmissions reach bob), REMB and RR reach alice's camera sender;
// - encode_error fault: fallback_triggered then fallback_completed; bob then decodes the browser
//   screen share (a non-native producer).
#include <catch2/catch.hpp>

#include <algorithm>
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

constexpr uint64_t kSeed = 11;
const std::vector<std::string> kPeople = {"alice", "bob"};
constexpr double kMinPsnrDb = 30.0;

struct Recorder : clients::ClientObserver {
  std::vector<std::string> events;
  std::vector<std::string> reasons;
  int camera_closed = 0;  // producer_closed notices for a camera
  void OnServerMessage(const protocol::ServerMessage& m) override {
    if (auto* c = std::get_if<protocol::ProducerClosed>(&m)) camera_closed += c->source == protocol::MediaSource::kCamera;
  }
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
  sim::Rng root{kSeed};
  sim::SimNetwork net{&scheduler, nullptr, kSeed};
  std::unique_ptr<sfu::SfuServer> sfu;
  std::map<std::string, std::unique_ptr<WebClient>> clients;
  std::map<std::string, Recorder> recorders;

  explicit World(bool alice_camera, double loss = 0) {
    REQUIRE(net.AddHost("sfu", sim::MakeIpv4(10, 0, 0, 1)) != nullptr);
    sim::LinkConfig link;
    link.delay = sim::TimeDelta::Millis(20);
    link.loss = loss;
    int n = 1;
    for (const auto& p : kPeople) {
      REQUIRE(net.AddHost(p, sim::MakeIpv4(10, 0, 1, static_cast<uint8_t>(n++))) != nullptr);
      REQUIRE(net.SetLink(p, "sfu", link));
      REQUIRE(net.SetLink("sfu", p, link));
    }
    sfu = std::make_unique<sfu::SfuServer>(sim::Env{&scheduler, root.Fork("sfu"), net.host("sfu"), nullptr},
                                           sfu::SfuConfig{});
    std::string error;
    REQUIRE(sfu->Start(&error));
    for (const auto& p : kPeople) {
      clients::WebClientConfig config;
      config.username = p;
      config.token = sfu::MakeAuthToken("sfusim", p);
      config.sfu_address = {sim::MakeIpv4(10, 0, 0, 1), sfu::kDefaultSignalingPort};
      config.channel = "lobby";
      // Small and slow enough for a Debug build; the quality bar is the same.
      config.camera = {320, 180, 15, 400'000};
      config.screen.tier = "720p";
      config.screen.fps = 5;
      config.screen.bitrate_bps = 1'000'000;
      if (p == "alice") {
        config.publish_camera = alice_camera;
        config.desktop = true;
      }
      auto c = std::make_unique<WebClient>(sim::Env{&scheduler, root.Fork("participant/" + p), net.host(p), nullptr},
                                           config);
      c->SetObserver(&recorders[p]);
      clients[p] = std::move(c);
    }
  }
  ~World() {
    for (const auto& [name, c] : clients) CHECK(c->counters().invalid_transitions == 0);
    clients.clear();
    sfu.reset();
  }
  void StartAll() {
    for (auto& [name, c] : clients) c->Start();
  }
  void Run(double seconds) { scheduler.RunFor(sim::TimeDelta::SecondsF(seconds)); }
  WebClient& alice() { return *clients["alice"]; }
  WebClient& bob() { return *clients["bob"]; }
  uint64_t Decoded(const std::string& key) {
    auto it = bob().video_stats().find(key);
    return it == bob().video_stats().end() ? 0 : it->second.frames_decoded;
  }
  // alice's producers of a source in the SFU.
  std::vector<sfu::SfuSnapshot::Producer> AliceProducers(protocol::MediaSource source) {
    std::vector<sfu::SfuSnapshot::Producer> out;
    for (const auto& [id, p] : sfu->Snapshot().producers) {
      if (p.user_id == alice().user_id() && p.source == source) out.push_back(p);
    }
    return out;
  }
  size_t ConsumersOf(const std::string& producer_id) {
    size_t n = 0;
    for (const auto& [id, c] : sfu->Snapshot().consumers) n += c.producer_id == producer_id;
    return n;
  }
};

}  // namespace

TEST_CASE("camera: bob decodes alice's camera, camera off closes it, on again resumes", "[e2e][video]") {
  World w(/*alice_camera=*/true);
  w.StartAll();
  w.Run(4.0);
  REQUIRE(w.alice().phase() == ClientPhase::kActive);
  REQUIRE(w.bob().phase() == ClientPhase::kActive);
  CHECK(w.alice().media_complete());
  CHECK(w.bob().media_complete());
  REQUIRE(w.bob().video_stats().count("alice/camera") == 1);
  CHECK(w.alice().video_stats().empty());  // bob publishes no video; nobody sees themselves
  const auto& stats = w.bob().video_stats().at("alice/camera");
  CHECK(stats.frames_decoded > 30);  // 15 fps for ~3.5 s
  auto psnr = stats.psnr_percentile(50);
  REQUIRE(psnr.has_value());
  CHECK(*psnr >= kMinPsnrDb);
  CHECK(stats.last_width == 320);
  CHECK(stats.last_height == 180);
  auto delay = stats.delay_percentile(50);
  REQUIRE(delay.has_value());
  CHECK(*delay >= 40.0);  // two 20 ms links
  CHECK(w.alice().counters().camera_produces == 1);
  CHECK(w.alice().counters().video_frames_sent > 30);
  CHECK(w.alice().counters().srtp_errors == 0);
  CHECK(w.bob().counters().srtp_errors == 0);
  CHECK(w.bob().counters().video_rtp_received > 0);
  auto cams = w.AliceProducers(protocol::MediaSource::kCamera);
  REQUIRE(cams.size() == 1);
  CHECK(w.ConsumersOf(cams[0].id) == 1);

  // Off: the producer closes, bob hears producer_closed, the consumer goes, decoding stops.
  w.alice().SetCamera(false);
  w.Run(1.0);
  CHECK_FALSE(w.alice().camera_on());
  CHECK(w.AliceProducers(protocol::MediaSource::kCamera).empty());
  CHECK(w.ConsumersOf(cams[0].id) == 0);
  CHECK(w.recorders["bob"].camera_closed == 1);
  CHECK(w.bob().media_complete());
  const uint64_t decoded_off = w.Decoded("alice/camera");
  w.Run(1.0);
  CHECK(w.Decoded("alice/camera") == decoded_off);

  // On again: a new producer, bob decodes again into the same stats entry.
  w.alice().SetCamera(true);
  w.Run(3.0);
  CHECK(w.AliceProducers(protocol::MediaSource::kCamera).size() == 1);
  CHECK(w.alice().counters().camera_produces == 2);
  CHECK(w.Decoded("alice/camera") > decoded_off + 20);
  CHECK(w.bob().media_complete());
  CHECK(w.alice().media_complete());
}

TEST_CASE("reconnect: alice's camera comes back after a signaling cut", "[e2e][video]") {
  World w(/*alice_camera=*/true);
  w.StartAll();
  w.Run(3.0);
  REQUIRE(w.Decoded("alice/camera") > 10);
  REQUIRE(w.net.CutStreams("alice") >= 1);
  w.Run(6.0);
  CHECK(w.recorders["alice"].Count(clients::kEventMediaRestored) == 1);
  CHECK(w.alice().phase() == ClientPhase::kActive);
  const uint64_t before = w.Decoded("alice/camera");
  w.Run(2.0);
  CHECK(w.Decoded("alice/camera") > before + 15);
  CHECK(w.bob().video_stats().size() == 1);  // the same "alice/camera" entry
  CHECK(w.bob().video_stats().at("alice/camera").receivers >= 2);
  auto psnr = w.bob().video_stats().at("alice/camera").psnr_percentile(50);
  REQUIRE(psnr.has_value());
  CHECK(*psnr >= kMinPsnrDb);
  CHECK(w.AliceProducers(protocol::MediaSource::kCamera).size() == 1);
}

TEST_CASE("native screen share: bob decodes it; an encode_error fault falls back to the browser path",
          "[e2e][video][native]") {
  World w(/*alice_camera=*/false);
  w.StartAll();
  w.Run(2.0);
  w.alice().StartScreenShare(/*native=*/true);
  w.Run(4.0);
  const Recorder& ra = w.recorders["alice"];
  CHECK(ra.Count(clients::kEventSenderStarted) == 1);
  auto status = w.alice().native_status();
  REQUIRE(status.has_value());
  CHECK(status->state == clients::NativeSenderState::kRunning);
  auto screens = w.AliceProducers(protocol::MediaSource::kScreen);
  REQUIRE(screens.size() == 1);
  CHECK(screens[0].native);
  const uint64_t native_frames = w.Decoded("alice/screen");
  CHECK(native_frames > 5);  // 5 fps for ~3 s
  CHECK(w.alice().media_complete());
  CHECK(w.bob().media_complete());

  // Encoder failures: the native sender gives up, the client switches to the browser path.
  w.alice().InjectEncoderFault(clients::NativeFault::kEncodeError, w.scheduler.Now() + sim::TimeDelta::Seconds(30));
  w.Run(4.0);
  const int triggered = ra.IndexOf(clients::kEventFallbackTriggered);
  const int completed = ra.IndexOf(clients::kEventFallbackCompleted);
  REQUIRE(triggered >= 0);
  REQUIRE(completed >= 0);
  CHECK(triggered < completed);
  CHECK(ra.Count(clients::kEventEncodeError) > 0);
  CHECK(w.alice().counters().fallbacks == 1);
  CHECK_FALSE(w.alice().screen_native());
  CHECK(w.alice().screen_sharing());
  screens = w.AliceProducers(protocol::MediaSource::kScreen);
  REQUIRE(screens.size() == 1);
  CHECK_FALSE(screens[0].native);
  const uint64_t after_fallback = w.Decoded("alice/screen");
  w.Run(3.0);
  CHECK(w.Decoded("alice/screen") > after_fallback + 5);  // the browser screen share arrives
  CHECK(w.bob().video_stats().at("alice/screen").last_width == 1280);
  CHECK(w.alice().media_complete());

  // Stop: no screen producer left.
  w.alice().StopScreenShare();
  w.Run(1.0);
  CHECK(w.AliceProducers(protocol::MediaSource::kScreen).empty());
}

TEST_CASE("3 % loss: NACK repairs, feedback reaches the sender, quality holds", "[e2e][video]") {
  World w(/*alice_camera=*/true, /*loss=*/0.03);
  w.StartAll();
  w.Run(8.0);
  REQUIRE(w.alice().phase() == ClientPhase::kActive);
  REQUIRE(w.bob().video_stats().count("alice/camera") == 1);
  const auto& stats = w.bob().video_stats().at("alice/camera");
  CHECK(stats.frames_decoded > 60);
  CHECK(stats.packets_retransmitted_received > 0);
  CHECK(w.bob().counters().nacks_sent > 0);      // bob's receiver asked the SFU
  CHECK(w.alice().counters().rembs_received > 0);  // the SFU's REMB about alice's camera
  CHECK(w.alice().counters().video_retransmissions + stats.packets_retransmitted_received > 0);
  auto psnr = stats.psnr_percentile(50);
  REQUIRE(psnr.has_value());
  CHECK(*psnr >= kMinPsnrDb);
}
