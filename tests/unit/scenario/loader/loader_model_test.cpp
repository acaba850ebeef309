// The typed model: SCENARIO.md's full example parses with the right values, defaults are filled in,
// and every timeline action is read into its own struct with its own fields.
#include <catch2/catch.hpp>

#include <variant>

#include "loader_test_util.h"
#include "sfusim/scenario/vocabulary.h"

using nlohmann::json;
using namespace sfusim::scenario;  // NOLINT: test file
namespace sim = sfusim::sim;
using sfusim::scenario::testing::MinimalScenario;

namespace {

// SCENARIO.md's example, verbatim.
constexpr const char* kScenarioMdExample = R"({
  "name": "audio-restart",
  "description": "Three people talk; the SFU restarts at 20 s; all audio must come back.",
  "duration_s": 40,
  "sfu": { "workers": 2,
           "channels": [ { "id": "lobby", "opus": { "bitrate": 32000, "dtx": false, "fec": true } } ] },
  "participants": [
    { "id": "alice", "client": "web", "channel": "lobby", "publish": ["microphone"] },
    { "id": "bob",   "client": "web", "channel": "lobby", "publish": ["microphone", "camera"],
      "camera": { "width": 640, "height": 360, "fps": 30, "bitrate_kbps": 700 } },
    { "id": "carol", "client": "desktop", "channel": "lobby", "publish": ["microphone", "screen"],
      "screen": { "path": "native", "tier": "720p", "fps": 30 }, "join_at_s": 2 }
  ],
  "network": {
    "default": { "delay_ms": 20, "jitter_ms": 2, "loss": 0.0, "capacity_kbps": 20000, "queue_ms": 300 },
    "links": { "carol->sfu": { "loss": 0.02, "burst_len": 3 } }
  },
  "timeline": [
    { "at_s": 10, "action": "set_link", "link": "sfu->bob", "capacity_kbps": 500 },
    { "at_s": 20, "action": "restart_sfu" },
    { "at_s": 30, "action": "encoder_faults", "participant": "carol", "kind": "encode_error", "for_s": 3 }
  ],
  "expect": {
    "invariants": "all",
    "slo": [
      { "metric": "audio.recovery_s", "after": "restart_sfu", "max": 3.0 },
      { "metric": "video.psnr_db_p50", "participant": "alice", "from": "bob", "min": 30 }
    ],
    "events": [ { "name": "fallback_triggered", "participant": "carol", "between_s": [30, 33] } ]
  }
})";

template <typename T>
const T& ActionAt(const Scenario& s, std::size_t i) {
  REQUIRE(i < s.timeline.size());
  const T* a = std::get_if<T>(&s.timeline[i].action);
  REQUIRE(a != nullptr);
  return *a;
}

}  // namespace

TEST_CASE("SCENARIO.md's example parses with the right values (video allowed)", "[loader][model]") {
  LoadResult r = LoadScenarioText(kScenarioMdExample, LoadOptions{.allow_unsupported = true});
  REQUIRE_VALID(r);
  const Scenario& s = *r.scenario;
  CHECK(s.name == "audio-restart");
  CHECK(s.description == "Three people talk; the SFU restarts at 20 s; all audio must come back.");
  CHECK(s.duration_s == 40);

  CHECK(s.sfu.workers == 2);
  REQUIRE(s.sfu.channels.size() == 1);
  CHECK(s.sfu.channels[0] == Channel{"lobby", OpusSettings{32000, false, true}});

  REQUIRE(s.participants.size() == 3);
  const Participant& alice = s.participants[0];
  CHECK(alice.id == "alice");
  CHECK(alice.client == ClientKind::kWeb);
  CHECK(alice.channel == "lobby");
  CHECK(alice.publish == std::vector<PublishKind>{PublishKind::kMicrophone});
  CHECK(alice.join_at_s == 0);
  const Participant& bob = s.participants[1];
  CHECK(bob.publish == std::vector<PublishKind>{PublishKind::kMicrophone, PublishKind::kCamera});
  CHECK(bob.camera == CameraSettings{640, 360, 30, 700});
  const Participant& carol = s.participants[2];
  CHECK(carol.client == ClientKind::kDesktop);
  CHECK(carol.Publishes(PublishKind::kScreen));
  CHECK(carol.screen == ScreenSettings{ScreenPath::kNative, "720p", 30});
  CHECK(carol.join_at_s == 2);

  CHECK(s.network.defaults.delay_ms == 20);
  CHECK(s.network.defaults.jitter_ms == 2);
  CHECK(s.network.defaults.loss == 0.0);
  CHECK(s.network.defaults.capacity_kbps == 20000);
  CHECK(s.network.defaults.queue_ms == 300);
  CHECK_FALSE(s.network.defaults.burst_len.has_value());
  REQUIRE(s.network.links.count("carol->sfu") == 1);
  CHECK(s.network.links.at("carol->sfu").loss == 0.02);
  CHECK(s.network.links.at("carol->sfu").burst_len == 3);

  REQUIRE(s.timeline.size() == 3);
  CHECK(s.timeline[0].at_s == 10);
  const auto& set_link = ActionAt<SetLink>(s, 0);
  CHECK(set_link.link == "sfu->bob");
  CHECK(set_link.settings.capacity_kbps == 500);
  CHECK(ActionName(s.timeline[0].action) == "set_link");
  CHECK(s.timeline[1].at_s == 20);
  CHECK(ActionAt<RestartSfu>(s, 1).down_s == 0);
  const auto& faults = ActionAt<EncoderFaults>(s, 2);
  CHECK(faults.participant == "carol");
  CHECK(faults.kind == EncoderFaultKind::kEncodeError);
  CHECK(faults.for_s == 3);

  CHECK(s.expect.all_invariants);
  CHECK(s.expect.invariants.empty());
  REQUIRE(s.expect.slo.size() == 2);
  CHECK(s.expect.slo[0] == Slo{"audio.recovery_s", "", "", "restart_sfu", std::nullopt, 3.0});
  CHECK(s.expect.slo[1] == Slo{"video.psnr_db_p50", "alice", "bob", "", 30.0, std::nullopt});
  REQUIRE(s.expect.events.size() == 1);
  CHECK(s.expect.events[0] == EventExpectation{"fallback_triggered", "carol", std::make_pair(30.0, 33.0)});
}

TEST_CASE("SCENARIO.md's example loads without allow_unsupported (video is supported)", "[loader][model]") {
  LoadResult strict = LoadScenarioText(kScenarioMdExample);
  REQUIRE_VALID(strict);
  LoadResult allowed = LoadScenarioText(kScenarioMdExample, LoadOptions{.allow_unsupported = true});
  REQUIRE_VALID(allowed);
  CHECK(*strict.scenario == *allowed.scenario);  // the option has no effect any more
}

TEST_CASE("the example's links resolve to sim::LinkConfig through the layers", "[loader][model][link]") {
  LoadResult r = LoadScenarioText(kScenarioMdExample, LoadOptions{.allow_unsupported = true});
  REQUIRE_VALID(r);
  sim::LinkConfig carol_up = r.scenario->LinkConfigFor({"carol", LinkName::Direction::kUp});
  CHECK(carol_up.delay == sim::TimeDelta::Millis(20));
  CHECK(carol_up.jitter == sim::TimeDelta::Millis(2));
  CHECK(carol_up.loss == 0.02);
  CHECK(carol_up.burst_len == 3);
  CHECK(carol_up.capacity == sim::DataRate::KilobitsPerSec(20000));
  CHECK(carol_up.queue_time == sim::TimeDelta::Millis(300));
  CHECK(carol_up.up);
  sim::LinkConfig bob_down = r.scenario->LinkConfigFor({"bob", LinkName::Direction::kDown});
  CHECK(bob_down.loss == 0);
  CHECK(bob_down.burst_len == 1);
  // The set_link at 10 s applies on top.
  sim::LinkConfig later = ApplyLinkSettings(bob_down, ActionAt<SetLink>(*r.scenario, 0).settings);
  CHECK(later.capacity == sim::DataRate::KilobitsPerSec(500));
  CHECK(later.delay == sim::TimeDelta::Millis(20));
  CHECK(sim::ValidateLinkConfig(later).empty());
}

TEST_CASE("defaults: a minimal file gets every documented default", "[loader][model]") {
  json j = json::parse(R"({"name": "m", "duration_s": 5, "participants": [{"id": "a"}]})");
  LoadResult r = LoadScenarioJson(j);
  REQUIRE_VALID(r);
  const Scenario& s = *r.scenario;
  CHECK(s.description.empty());
  CHECK(s.sfu.workers == 2);
  REQUIRE(s.sfu.channels.size() == 1);
  CHECK(s.sfu.channels[0] == Channel{"lobby", OpusSettings{32000, false, true}});
  const Participant& a = s.participants[0];
  CHECK(a.client == ClientKind::kWeb);
  CHECK(a.channel == "lobby");
  CHECK(a.publish == std::vector<PublishKind>{PublishKind::kMicrophone});
  CHECK(a.camera == CameraSettings{640, 360, 30, 700});
  CHECK(a.screen == ScreenSettings{ScreenPath::kBrowser, "1080p", 30});
  CHECK(a.join_at_s == 0);
  CHECK(s.network.defaults.Empty());
  CHECK(s.network.links.empty());
  CHECK(s.timeline.empty());
  CHECK(s.expect.all_invariants);
  CHECK(s.expect.slo.empty());
  CHECK(s.expect.events.empty());
  CHECK(s.LinkConfigFor({"a", LinkName::Direction::kUp}) == sim::LinkConfig{});
}

TEST_CASE("a participant's channel defaults to the first channel", "[loader][model]") {
  json j = MinimalScenario();
  j["sfu"] = {{"channels", {{{"id", "stage"}, {"opus", {{"bitrate", 64000}}}}, {{"id", "lobby"}}}}};
  LoadResult r = LoadScenarioJson(j);
  REQUIRE_VALID(r);
  CHECK(r.scenario->participants[0].channel == "stage");
  CHECK(r.scenario->sfu.channels[0].opus == OpusSettings{64000, false, true});
  CHECK(r.scenario->FindChannel("lobby") != nullptr);
  CHECK(r.scenario->FindChannel("nope") == nullptr);
  CHECK(r.scenario->FindParticipant("bob") == &r.scenario->participants[1]);
}

TEST_CASE("every action of SCENARIO.md is read into its own struct", "[loader][model]") {
  json j = MinimalScenario();
  j["duration_s"] = 100;
  j["sfu"] = {{"workers", 3}, {"channels", {{{"id", "lobby"}}, {{"id", "stage"}}}}};
  j["participants"][2]["client"] = "desktop";
  j["participants"].push_back({{"id", "dave"}, {"join_at_s", 90}});  // joins by the timeline first, leaves again
  j["timeline"] = json::parse(R"([
    {"at_s": 1, "action": "set_link", "link": "alice->sfu", "delay_ms": 50, "jitter_ms": 5, "reorder": true,
     "loss": 0.1, "burst_len": 2, "duplicate": 0.01, "capacity_kbps": 800, "queue_ms": 100, "queue_bytes": 64000,
     "mtu": 1200, "capacity_trace": [[2, 700], [3.5, 600]], "up": false, "jitter_distribution": "uniform"},
    {"at_s": 2, "action": "partition", "participant": "bob", "for_s": 1.5},
    {"at_s": 3, "action": "restart_sfu", "down_s": 0.5},
    {"at_s": 4, "action": "crash_worker", "worker": 2},
    {"at_s": 5, "action": "disconnect_signaling", "participant": "carol"},
    {"at_s": 6, "action": "join", "participant": "dave", "channel": "stage"},
    {"at_s": 7, "action": "leave", "participant": "dave"},
    {"at_s": 8, "action": "switch_channel", "participant": "alice", "channel": "stage"},
    {"at_s": 9, "action": "mute", "participant": "bob"},
    {"at_s": 10, "action": "unmute", "participant": "bob"},
    {"at_s": 11, "action": "camera_on", "participant": "bob"},
    {"at_s": 12, "action": "camera_off", "participant": "bob"},
    {"at_s": 13, "action": "screen_on", "participant": "carol", "path": "browser"},
    {"at_s": 14, "action": "screen_off", "participant": "carol"},
    {"at_s": 15, "action": "set_channel_codec", "channel": "stage", "opus": {"bitrate": 24000, "fec": false}},
    {"at_s": 16, "action": "encoder_faults", "participant": "carol", "kind": "slow_encode", "for_s": 4},
    {"at_s": 17, "action": "send_raw", "participant": "bob", "message": {"type": "join_voice"}, "count": 3,
     "interval_ms": 250},
    {"at_s": 18, "action": "send_raw", "participant": "bob", "message": "{\"type\": "},
    {"at_s": 18, "action": "leave", "participant": "bob"},
    {"at_s": 19, "action": "join", "participant": "bob"}
  ])");
  LoadResult r = LoadScenarioJson(j, LoadOptions{.allow_unsupported = true});
  REQUIRE_VALID(r);
  const Scenario& s = *r.scenario;
  REQUIRE(s.timeline.size() == 20);
  // Each action name maps to its own alternative, in kActionNames order.
  for (std::size_t i = 0; i < kActionNames.size(); ++i) {
    CHECK(ActionName(s.timeline[i].action) == kActionNames[i]);
    CHECK(s.timeline[i].action.index() == i);
  }

  const LinkSettings& l = ActionAt<SetLink>(s, 0).settings;
  CHECK(l.delay_ms == 50);
  CHECK(l.jitter_ms == 5);
  CHECK(l.reorder == true);
  CHECK(l.loss == 0.1);
  CHECK(l.burst_len == 2);
  CHECK(l.duplicate == 0.01);
  CHECK(l.capacity_kbps == 800);
  CHECK(l.queue_ms == 100);
  CHECK(l.queue_bytes == 64000);
  CHECK(l.mtu == 1200);
  CHECK(l.capacity_trace == std::vector<CapacityPoint>{{2, 700}, {3.5, 600}});
  CHECK(l.up == false);
  CHECK(l.jitter_distribution == sim::JitterDistribution::kUniform);

  CHECK(ActionAt<Partition>(s, 1) == Partition{"bob", 1.5});
  CHECK(ActionAt<RestartSfu>(s, 2) == RestartSfu{0.5});
  CHECK(ActionAt<CrashWorker>(s, 3) == CrashWorker{2});
  CHECK(ActionAt<DisconnectSignaling>(s, 4) == DisconnectSignaling{"carol"});
  CHECK(ActionAt<Join>(s, 5) == Join{"dave", "stage"});
  CHECK(ActionAt<Leave>(s, 6) == Leave{"dave"});
  CHECK(ActionAt<SwitchChannel>(s, 7) == SwitchChannel{"alice", "stage"});
  CHECK(ActionAt<Mute>(s, 8) == Mute{"bob"});
  CHECK(ActionAt<Unmute>(s, 9) == Unmute{"bob"});
  CHECK(ActionAt<CameraOn>(s, 10) == CameraOn{"bob"});
  CHECK(ActionAt<CameraOff>(s, 11) == CameraOff{"bob"});
  CHECK(ActionAt<ScreenOn>(s, 12) == ScreenOn{"carol", ScreenPath::kBrowser});
  CHECK(ActionAt<ScreenOff>(s, 13) == ScreenOff{"carol"});
  CHECK(ActionAt<SetChannelCodec>(s, 14) == SetChannelCodec{"stage", OpusChange{24000, std::nullopt, false}});
  CHECK(ActionAt<EncoderFaults>(s, 15) == EncoderFaults{"carol", EncoderFaultKind::kSlowEncode, 4});
  CHECK(ActionAt<SendRaw>(s, 16) == SendRaw{"bob", R"({"type":"join_voice"})", 3, 250});
  // A string message is sent verbatim, even when it is not JSON.
  CHECK(ActionAt<SendRaw>(s, 17) == SendRaw{"bob", "{\"type\": ", 1, 0});
  // join without channel: the participant's own channel.
  CHECK(ActionAt<Join>(s, 19) == Join{"bob", "lobby"});
}

TEST_CASE("expectations: invariant lists, SLO bounds, event windows", "[loader][model]") {
  json j = MinimalScenario();
  j["timeline"] = json::array({{{"at_s", 5}, {"action", "partition"}, {"participant", "bob"}, {"for_s", 2}}});
  j["expect"] = json::parse(R"({
    "invariants": ["ssrc_unique", "membership_maps_agree"],
    "slo": [ {"metric": "audio.concealed_ratio", "participant": "alice", "from": "bob", "min": 0, "max": 0.05},
             {"metric": "rejoin_s_max", "participant": "bob", "after": "partition", "max": 3},
             {"metric": "sfu.consumers_leaked", "max": 0} ],
    "events": [ {"name": "signaling_reconnected", "participant": "bob", "between_s": [5, 10]},
                {"name": "worker_restarted"} ]
  })");
  LoadResult r = LoadScenarioJson(j);
  REQUIRE_VALID(r);
  const Expectations& e = r.scenario->expect;
  CHECK_FALSE(e.all_invariants);
  CHECK(e.invariants == std::vector<std::string>{"ssrc_unique", "membership_maps_agree"});
  CHECK(e.slo[0] == Slo{"audio.concealed_ratio", "alice", "bob", "", 0.0, 0.05});
  CHECK(e.slo[1] == Slo{"rejoin_s_max", "bob", "", "partition", std::nullopt, 3.0});
  CHECK(e.slo[2] == Slo{"sfu.consumers_leaked", "", "", "", std::nullopt, 0.0});
  CHECK(e.events[0] == EventExpectation{"signaling_reconnected", "bob", std::make_pair(5.0, 10.0)});
  CHECK(e.events[1] == EventExpectation{"worker_restarted", "", std::nullopt});

  j["expect"] = {{"invariants", json::array()}};
  LoadResult none = LoadScenarioJson(j);
  REQUIRE_VALID(none);
  CHECK_FALSE(none.scenario->expect.all_invariants);
  CHECK(none.scenario->expect.invariants.empty());
}

TEST_CASE("loading is deterministic: the same text gives the same model", "[loader][model]") {
  LoadResult a = LoadScenarioText(kScenarioMdExample, LoadOptions{.allow_unsupported = true});
  LoadResult b = LoadScenarioText(kScenarioMdExample, LoadOptions{.allow_unsupported = true});
  REQUIRE(a.ok());
  CHECK(*a.scenario == *b.scenario);
}
