// `sfusim serve` / `sfusim client` as functions (real_mode.h): argument parsing and the errors a
// user sees for a busy port or an unreachable server. Loopback only; each run is bounded.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "sfusim/scenario/real_mode.h"
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
