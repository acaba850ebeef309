// `sfusim serve` / `sfusim client` as functions (real_mode.h): argument parsing and the errors a
// user sees for a busy port or an unreachable server; `run --real`: what it refuses (by JSON
// pointer) and a short real run through the ScenarioRunner. Loopback only; each run is bounded.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "sfusim/scenario/cli.h"
#include "sfusim/scenario/real_mode.h"
#include "sfusim/scenario/result_json.h"
#include "sfusim/scenario/scenario_loader.h"
#include "sfusim/scenario/scenario_runner.h"
#include "sfusim/sim/asio_net.h"
#include "sfusim/sim/real_time_loop.h"

using namespace sfusim;
using namespace sfusim::scenario;

TEST_CASE("real mode: port ranges and host:port arguments are checked with a message naming the value") {
  std::string error;
  auto r = ParsePortRange("40000-40100", &error);
  REQUIRE(r);
  CHECK(r->first == 40000);
  CHECK(r->second == 40100);
  for (const char* bad : {"", "40000", "40100-40000", "0-10", "1-70000", "a-b", "10-"}) {
    INFO(bad);
    error.clear();
    CHECK_FALSE(ParsePortRange(bad, &error));
    CHECK(error.find(std::string("got '") + bad + "'") != std::string::npos);
  }
  auto a = ParseHostPort("127.0.0.1:4443", &error);
  REQUIRE(a);
  CHECK(a->ToString() == "127.0.0.1:4443");
  for (const char* bad : {"localhost:4443", "127.0.0.1", "127.0.0.1:99999", "1.2.3:4"}) {
    INFO(bad);
    CHECK_FALSE(ParseHostPort(bad, &error));
  }
}

TEST_CASE("sfusim serve: a busy port is exit 2 with the address and the reason") {
  sim::RealTimeLoop loop;
  sim::AsioNet squatter(&loop, sim::MakeIpv4(127, 0, 0, 1));
  struct Ignore : sim::StreamAcceptor {
    void OnAccept(std::unique_ptr<sim::MessageStream>) override {}
  } ignore;
  REQUIRE(squatter.Listen(0, &ignore));
  ServeOptions options;
  options.listen.port = squatter.listening_port();
  options.duration_s = 0.1;
  std::ostringstream out, err;
  CHECK(RunServe(options, out, err) == 2);
  CHECK(err.str().find("127.0.0.1:" + std::to_string(options.listen.port)) != std::string::npos);
  CHECK(err.str().find("in use") != std::string::npos);
}

TEST_CASE("sfusim serve: runs for its duration and prints its counters as JSON") {
  ServeOptions options;
  options.listen.port = 0;
  options.duration_s = 0.2;
  std::ostringstream out, err;
  REQUIRE(RunServe(options, out, err) == 0);
  const std::string text = out.str();
  CHECK(text.find("sfusim serve: listening on 127.0.0.1:") != std::string::npos);
  const auto last_line = text.rfind('\n', text.size() - 2);  // the JSON is the last line
  REQUIRE(last_line != std::string::npos);
  const auto j = nlohmann::json::parse(text.substr(last_line + 1));
  CHECK(j["counters"]["connections_accepted"] == 0);
}

TEST_CASE("sfusim client: with no server it ends after its duration, not complete (exit 1), metrics still printed") {
  // A port that was just free: nobody listens there.
  sim::RealTimeLoop loop;
  sim::AsioNet probe(&loop, sim::MakeIpv4(127, 0, 0, 1));
  struct Ignore : sim::StreamAcceptor {
    void OnAccept(std::unique_ptr<sim::MessageStream>) override {}
  } ignore;
  REQUIRE(probe.Listen(0, &ignore));
  const uint16_t port = probe.listening_port();
  probe.StopListening(port);
  ClientOptions options;
  options.server.port = port;
  options.duration_s = 0.5;
  std::ostringstream out, err;
  CHECK(RunClient(options, out, err) == 1);
  const auto j = nlohmann::json::parse(out.str());
  CHECK(j["media_complete"] == false);
  CHECK(j["counters"]["connect_attempts"].get<int>() >= 1);
  CHECK(err.str().find("media was not complete") != std::string::npos);
}

// --- `sfusim run FILE --real` ------------------------------------------------------------------

namespace {

// A scenario with every kind of thing real mode refuses, and some it only notes.
constexpr const char* kSimOnlyScenario = R"({
  "name": "sim-only", "duration_s": 10,
  "participants": [ { "id": "alice" }, { "id": "bob" } ],
  "network": { "default": { "delay_ms": 20, "jitter_ms": 2, "loss": 0.01, "capacity_kbps": 5000 },
               "links": { "bob->sfu": { "duplicate": 0.1 } } },
  "timeline": [
    { "at_s": 1, "action": "mute", "participant": "alice" },
    { "at_s": 2, "action": "set_link", "link": "sfu->bob", "capacity_kbps": 300 },
    { "at_s": 3, "action": "partition", "participant": "bob", "for_s": 1 },
    { "at_s": 5, "action": "restart_sfu" },
    { "at_s": 6, "action": "disconnect_signaling", "participant": "alice" },
    { "at_s": 7, "action": "crash_worker", "worker": 0 }
  ]
})";

}  // namespace

TEST_CASE("run --real: actions and settings that need the simulator are problems named by JSON pointer") {
  LoadResult loaded = LoadScenarioText(kSimOnlyScenario);
  for (const auto& p : loaded.problems) INFO(p.ToString());
  REQUIRE(loaded.ok());
  std::vector<std::string> pointers;
  for (const Problem& p : RealModeProblems(*loaded.scenario)) {
    INFO(p.ToString());
    CHECK(p.code == "not_supported");
    CHECK(p.message.find("--real") != std::string::npos);
    pointers.push_back(p.pointer);
  }
  const std::vector<std::string> expected = {"/network/default/loss", "/network/links/bob->sfu/duplicate",
                                             "/timeline/1/action", "/timeline/2/action", "/timeline/3/action",
                                             "/timeline/4/action"};
  CHECK(pointers == expected);  // mute (0) and crash_worker (5) run on real sockets too
  const auto problems = RealModeProblems(*loaded.scenario);
  CHECK(problems[2].message.find("'set_link'") != std::string::npos);
  CHECK(problems[4].message.find("'restart_sfu'") != std::string::npos);

  const auto notes = RealModeNotes(*loaded.scenario);
  const std::vector<std::string> expected_notes = {"/network/default: delay_ms not applied (loopback)",
                                                   "/network/default: jitter_ms not applied (loopback)",
                                                   "/network/default: capacity_kbps not applied (loopback)"};
  CHECK(notes == expected_notes);
}

TEST_CASE("run --real: two web clients talk through the SFU on loopback sockets; the result says real") {
  LoadResult loaded = LoadScenarioText(R"({
    "name": "real-two", "duration_s": 2,
    "participants": [ { "id": "alice" }, { "id": "bob" } ],
    "expect": { "invariants": "all" } })");
  REQUIRE(loaded.ok());
  REQUIRE(RealModeProblems(*loaded.scenario).empty());
  RunOptions options;
  options.real = true;
  options.scenario_path = "real-two.json";
  const ScenarioRun run = RunScenario(*loaded.scenario, options);
  INFO(run.error);
  REQUIRE(run.ok);
  const RunResult& r = run.result;
  CHECK(r.real);
  CHECK(r.reproduce.find("--real") != std::string::npos);
  for (const auto& v : r.invariants) {
    INFO(v.name << (v.first_violation ? ": " + v.first_violation->detail : std::string()));
    CHECK(v.passed);
  }
  for (const char* who : {"alice", "bob"}) {
    INFO(who);
    const auto& m = r.metrics.participants.at(who);
    CHECK(m.media_complete);
    REQUIRE(m.streams.size() == 1);
    CHECK(m.streams.begin()->second.packets_received > 25);  // > 0.5 s of 20 ms packets
  }
  CHECK(ResultToJson(r, true)["real"] == true);
}

TEST_CASE("sfusim run --real: refuses by JSON pointer what needs the simulator, else runs with options.real") {
  const std::string dir = std::string(SFUSIM_TEST_TMP_DIR) + "/real_mode_cli";
  std::filesystem::create_directories(dir);
  const std::string sim_only = dir + "/sim-only.json";
  std::ofstream(sim_only) << kSimOnlyScenario;
  const std::string clean = dir + "/clean.json";
  std::ofstream(clean) << R"({"name": "clean", "duration_s": 1, "participants": [ { "id": "alice" } ],
                              "network": { "default": { "delay_ms": 5 } } })";
  std::optional<RunOptions> seen;
  CliEnvironment env;
  env.run_scenario = [&](const Scenario&, const RunOptions& o) {
    seen = o;
    ScenarioRun run;
    run.ok = true;
    run.result.scenario = "clean";
    run.result.real = o.real;
    run.result.passed = true;
    return run;
  };
  std::ostringstream out, err;
  CHECK(RunCli({"run", sim_only, "--real", "--out", dir + "/out1"}, out, err, env) == 2);
  CHECK_FALSE(seen);
  CHECK(err.str().find(sim_only + ": /timeline/1/action: 'set_link' changes a simulated link") != std::string::npos);
  CHECK(err.str().find(sim_only + ": /network/default/loss:") != std::string::npos);

  std::ostringstream out2, err2;
  CHECK(RunCli({"run", clean, "--real", "--pcap", "--out", dir + "/out2"}, out2, err2, env) == 2);
  CHECK(err2.str().find("--pcap: not available with --real") != std::string::npos);

  std::ostringstream out3, err3;
  INFO(err3.str());
  CHECK(RunCli({"run", clean, "--real", "--out", dir + "/out3"}, out3, err3, env) == 0);
  REQUIRE(seen);
  CHECK(seen->real);
  CHECK(out3.str().find("--real: /network/default: delay_ms not applied (loopback)") != std::string::npos);
  CHECK(out3.str().find("on real loopback sockets") != std::string::npos);
}
