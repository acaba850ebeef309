// Real-network mode commands: `sfusim serve` runs the reference SFU as a real server, `sfusim
// client` runs one reference web client against a server, and `sfusim run FILE --real` checks a
// scenario with RealModeProblems before the ScenarioRunner plays it on real loopback sockets
// (RunOptions::real) (issue 8). The code is the simulation's SfuServer and WebClient, unchanged,
// on sim::AsioNet and sim::RealTimeLoop.
//
// Contract:
// - RunServe: listens for signaling (TCP, each message a 4-byte big-endian length then JSON) on
//   options.listen, media on UDP ports from options.rtp_ports (default: kernel-chosen), with
//   options.workers workers; prints one "listening" line, then runs until SIGINT/SIGTERM (or
//   options.duration_s when > 0) and prints the SFU's counters as one JSON object. Exit 0, or 2
//   with "sfusim serve: cannot listen on TCP ADDR:PORT: <reason>" when the port is busy or the
//   address is not on this machine.
// - RunClient: connects to options.server, authenticates as options.name (token from the shared
//   secret, as the reference SFU expects), joins options.channel, publishes what options says,
//   runs for options.duration_s (or until SIGINT/SIGTERM), then prints its metrics as one JSON
//   object (phase, media_complete, counters, one entry per received audio stream). Exit 0 when
//   its media was complete at the end, 1 otherwise, 2 when it could not start.
// - RealModeProblems: what in a scenario `sfusim run FILE --real` cannot do on real loopback:
//   the timeline actions that need the simulator (set_link, partition, restart_sfu,
//   disconnect_signaling: the simulated network or host does them) and network settings whose
//   absence would change what a run must show (loss, reorder, burst_len, duplicate,
//   capacity_trace, up: false), each a Problem (code not_supported) with the JSON pointer of the
//   action or setting. Link delay, jitter, capacity, queue and MTU are not applied either
//   (loopback has none of them): they are accepted and listed by RealModeNotes, which `run
//   --real` prints.
// - Bounded: every run ends by itself (duration) or on a signal; sockets close on exit.
// - Nothing here is deterministic (real time, real sockets): results vary run to run.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/scenario/problem.h"
#include "sfusim/scenario/scenario.h"
#include "sfusim/sim/socket_address.h"

namespace sfusim::scenario {

inline constexpr uint16_t kDefaultServePort = 4443;       // sfu::kDefaultSignalingPort
inline constexpr double kDefaultClientDurationS = 10.0;
inline constexpr double kMaxRealDurationS = 24 * 3600.0;  // a bound on every real run

struct ServeOptions {
  sim::SocketAddress listen{sim::MakeIpv4(127, 0, 0, 1), kDefaultServePort};
  uint16_t rtp_port_first = 0;  // 0: kernel-chosen ephemeral ports
  uint16_t rtp_port_last = 0;
  int workers = 2;
  std::string secret = "sfusim";
  double duration_s = 0;  // 0: until a signal
};

struct ClientOptions {
  sim::SocketAddress server{sim::MakeIpv4(127, 0, 0, 1), kDefaultServePort};
  std::string channel = "lobby";
  std::string name = "client";
  std::string secret = "sfusim";
  bool microphone = true;
  bool camera = false;
  double duration_s = kDefaultClientDurationS;
};

// "A-B" with 1 <= A <= B <= 65535; nullopt (with `error`) otherwise.
std::optional<std::pair<uint16_t, uint16_t>> ParsePortRange(std::string_view text, std::string* error);
// "a.b.c.d:port" with port 0..65535; nullopt (with `error`) otherwise.
std::optional<sim::SocketAddress> ParseHostPort(std::string_view text, std::string* error);

std::vector<Problem> RealModeProblems(const Scenario& scenario);
std::vector<std::string> RealModeNotes(const Scenario& scenario);

int RunServe(const ServeOptions& options, std::ostream& out, std::ostream& err);
int RunClient(const ClientOptions& options, std::ostream& out, std::ostream& err);

}  // namespace sfusim::scenario
