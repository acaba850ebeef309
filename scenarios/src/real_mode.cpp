// Real-network mode commands: see real_mode.h. The one place in scenarios/ that runs in real
// time (sim::RealTimeLoop) and installs signal handlers.
#include "sfusim/scenario/real_mode.h"

#include <atomic>
#include <charconv>
#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>

#include "sfusim/clients/web_client.h"
#include "sfusim/scenario/metrics.h"
#include "sfusim/sfu/auth_token.h"
#include "sfusim/sfu/sfu_server.h"
#include "sfusim/sim/asio_net.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/real_time_loop.h"

namespace sfusim::scenario {
namespace {

// The loop a SIGINT/SIGTERM stops (RequestStop only sets an atomic flag: async-signal-safe).
std::atomic<sim::RealTimeLoop*> g_signal_loop{nullptr};

extern "C" void OnStopSignal(int) {
  if (sim::RealTimeLoop* loop = g_signal_loop.load()) loop->RequestStop();
}

// Installs the handlers for the lifetime of one command and restores the old ones after.
class StopOnSignal {
 public:
  explicit StopOnSignal(sim::RealTimeLoop* loop) {
    g_signal_loop.store(loop);
    old_int_ = std::signal(SIGINT, OnStopSignal);
    old_term_ = std::signal(SIGTERM, OnStopSignal);
  }
  ~StopOnSignal() {
    std::signal(SIGINT, old_int_);
    std::signal(SIGTERM, old_term_);
    g_signal_loop.store(nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  void (*old_int_)(int) = SIG_DFL;
  void (*old_term_)(int) = SIG_DFL;
};

// Runs until the duration passed (0: no limit but kMaxRealDurationS) or a signal stopped the loop.
void RunBounded(sim::RealTimeLoop& loop, double duration_s) {
  const double s = duration_s > 0 ? duration_s : kMaxRealDurationS;
  loop.RunFor(sim::TimeDelta::Micros(static_cast<int64_t>(s * 1e6)));
}

std::optional<uint16_t> ParsePort(std::string_view text) {
  unsigned v = 0;
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (text.empty() || r.ec != std::errc() || r.ptr != end || v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

nlohmann::ordered_json SfuCountersJson(const sfu::SfuCounters& k) {
  nlohmann::ordered_json j;
  j["connections_accepted"] = k.connections_accepted;
  j["authenticated"] = k.authenticated;
  j["auth_failures"] = k.auth_failures;
  j["error_responses"] = k.error_responses;
  j["rate_limited"] = k.rate_limited;
  j["producers_created"] = k.producers_created;
  j["consumers_created"] = k.consumers_created;
  j["rtp_received"] = k.rtp_received;
  j["rtp_forwarded"] = k.rtp_forwarded;
  j["rtp_retransmitted"] = k.rtp_retransmitted;
  j["srtp_failures"] = k.srtp_failures;
  j["rtcp_received"] = k.rtcp_received;
  j["rtcp_sent"] = k.rtcp_sent;
  j["nacks_received"] = k.nacks_received;
  j["key_frame_requests_forwarded"] = k.key_frame_requests_forwarded;
  return j;
}

nlohmann::ordered_json ClientCountersJson(const clients::ClientCounters& k) {
  nlohmann::ordered_json j;
  j["connect_attempts"] = k.connect_attempts;
  j["reconnects"] = k.reconnects;
  j["requests_sent"] = k.requests_sent;
  j["error_responses"] = k.error_responses;
  j["timeouts"] = k.timeouts;
  j["rtp_sent"] = k.rtp_sent;
  j["rtp_received"] = k.rtp_received;
  j["rtcp_sent"] = k.rtcp_sent;
  j["rtcp_received"] = k.rtcp_received;
  j["srtp_errors"] = k.srtp_errors;
  j["video_frames_sent"] = k.video_frames_sent;
  j["video_rtp_received"] = k.video_rtp_received;
  return j;
}

// The link settings only a simulated link has, checked on one LinkSettings at `pointer`.
void SimulatedOnlySettings(const LinkSettings& l, const std::string& pointer, std::vector<Problem>& out) {
  auto reject = [&](const char* field, const std::string& why) {
    out.push_back(Problem{"not_supported", pointer + "/" + field,
                          std::string(field) + " " + why + ": real mode (--real) runs on loopback, which has no such impairment; run it simulated"});
  };
  if (l.loss && *l.loss > 0) reject("loss", "needs the simulated network");
  if (l.reorder && *l.reorder) reject("reorder", "needs the simulated network");
  if (l.burst_len && *l.burst_len > 1) reject("burst_len", "needs the simulated network");
  if (l.duplicate && *l.duplicate > 0) reject("duplicate", "needs the simulated network");
  if (l.capacity_trace && !l.capacity_trace->empty()) reject("capacity_trace", "needs the simulated network");
  if (l.up && !*l.up) reject("up", "(a partition) needs the simulated network");
}

}  // namespace

std::vector<Problem> RealModeProblems(const Scenario& scenario) {
  std::vector<Problem> out;
  SimulatedOnlySettings(scenario.network.defaults, "/network/default", out);
  for (const auto& [name, l] : scenario.network.links) {
    SimulatedOnlySettings(l, "/network/links/" + EscapePointerToken(name), out);
  }
  for (std::size_t i = 0; i < scenario.timeline.size(); ++i) {
    const Action& a = scenario.timeline[i].action;
    const char* why = nullptr;
    if (std::holds_alternative<SetLink>(a)) why = "changes a simulated link";
    if (std::holds_alternative<Partition>(a)) why = "cuts a simulated link";
    if (std::holds_alternative<RestartSfu>(a)) why = "crashes and restarts the simulated SFU host";
    if (std::holds_alternative<DisconnectSignaling>(a)) why = "cuts a stream of the simulated network";
    if (why == nullptr) continue;
    out.push_back(Problem{"not_supported", "/timeline/" + std::to_string(i) + "/action",
                          "'" + std::string(ActionName(a)) + "' " + why +
                              ": real mode (--real) cannot play it; run this scenario simulated"});
  }
  return out;
}

std::vector<std::string> RealModeNotes(const Scenario& scenario) {
  std::vector<std::string> notes;
  auto note = [&](const LinkSettings& l, const std::string& where) {
    if (l.delay_ms && *l.delay_ms > 0) notes.push_back(where + ": delay_ms not applied (loopback)");
    if (l.jitter_ms && *l.jitter_ms > 0) notes.push_back(where + ": jitter_ms not applied (loopback)");
    if (l.capacity_kbps) notes.push_back(where + ": capacity_kbps not applied (loopback)");
    if (l.queue_ms || l.queue_bytes) notes.push_back(where + ": queue limits not applied (loopback)");
    if (l.mtu) notes.push_back(where + ": mtu not applied (loopback)");
  };
  note(scenario.network.defaults, "/network/default");
  for (const auto& [name, l] : scenario.network.links) note(l, "/network/links/" + EscapePointerToken(name));
  return notes;
}

std::optional<std::pair<uint16_t, uint16_t>> ParsePortRange(std::string_view text, std::string* error) {
  const auto dash = text.find('-');
  std::optional<uint16_t> a, b;
  if (dash != std::string_view::npos) {
    a = ParsePort(text.substr(0, dash));
    b = ParsePort(text.substr(dash + 1));
  }
  if (!a || !b || *a == 0 || *a > *b) {
    if (error) *error = "expected a port range A-B with 1 <= A <= B <= 65535, got '" + std::string(text) + "'";
    return std::nullopt;
  }
  return std::make_pair(*a, *b);
}

std::optional<sim::SocketAddress> ParseHostPort(std::string_view text, std::string* error) {
  auto a = sim::SocketAddress::Parse(text);
  if (!a) {
    if (error) *error = "expected ADDR:PORT with an IPv4 address (e.g. 127.0.0.1:4443), got '" + std::string(text) + "'";
    return std::nullopt;
  }
  return a;
}

int RunServe(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  sim::RealTimeLoop loop;
  sim::AsioNet net(&loop, options.listen.ip);
  if (options.rtp_port_first != 0) net.SetDatagramPortRange(options.rtp_port_first, options.rtp_port_last);
  sfu::SfuConfig config;
  config.signaling_port = options.listen.port;
  config.workers = options.workers;
  config.auth_secret = options.secret;
  // The RNG only picks ids and SSRCs here; real mode is not deterministic anyway.
  sfu::SfuServer sfu(sim::Env{&loop.scheduler(), sim::Rng::Stream(1, "sfu"), &net, nullptr}, config);
  std::string error;
  if (!sfu.Start(&error)) {
    err << "sfusim serve: " << error << "\n";
    return 2;
  }
  const sim::SocketAddress bound{options.listen.ip, net.listening_port()};
  out << "sfusim serve: listening on " << bound.ToString()
      << " (signaling: TCP, 4-byte big-endian length + JSON), media UDP ports "
      << (options.rtp_port_first ? std::to_string(options.rtp_port_first) + "-" + std::to_string(options.rtp_port_last)
                                 : std::string("ephemeral"))
      << ", " << options.workers << " workers; Ctrl-C stops" << std::endl;
  {
    StopOnSignal stop(&loop);
    RunBounded(loop, options.duration_s);
  }
  nlohmann::ordered_json j;
  j["listen"] = bound.ToString();
  j["counters"] = SfuCountersJson(sfu.counters());
  out << j.dump() << std::endl;
  return 0;
}

int RunClient(const ClientOptions& options, std::ostream& out, std::ostream& err) {
  sim::RealTimeLoop loop;
  sim::AsioNet net(&loop, sim::MakeIpv4(127, 0, 0, 1));
  clients::WebClientConfig config;
  config.username = options.name;
  config.token = sfu::MakeAuthToken(options.secret, options.name);
  config.sfu_address = options.server;
  config.channel = options.channel;
  config.publish_microphone = options.microphone;
  config.publish_camera = options.camera;
  auto client = std::make_unique<clients::WebClient>(
      sim::Env{&loop.scheduler(), sim::Rng::Stream(1, "client/" + options.name), &net, nullptr}, config);
  client->Start();
  {
    StopOnSignal stop(&loop);
    RunBounded(loop, options.duration_s);
  }
  nlohmann::ordered_json j;
  j["name"] = options.name;
  j["server"] = options.server.ToString();
  j["phase"] = std::string(clients::ToString(client->phase()));
  j["media_complete"] = client->media_complete();
  j["counters"] = ClientCountersJson(client->counters());
  nlohmann::ordered_json audio = nlohmann::ordered_json::object();
  for (const auto& [from, stats] : client->audio_stats()) {
    const StreamMetrics m = ComputeStreamMetrics(stats);
    nlohmann::ordered_json s;
    s["packets_received"] = m.packets_received;
    s["packets_lost"] = m.packets_lost;
    s["frames_normal"] = m.frames_normal;
    s["frames_concealed"] = m.frames_concealed;
    s["delay_ms_p50"] = m.delay_ms_p50 ? nlohmann::ordered_json(*m.delay_ms_p50) : nlohmann::ordered_json();
    s["delay_ms_p95"] = m.delay_ms_p95 ? nlohmann::ordered_json(*m.delay_ms_p95) : nlohmann::ordered_json();
    audio[from] = s;
  }
  j["audio"] = audio;
  const bool complete = client->media_complete();
  client.reset();
  out << j.dump() << std::endl;
  if (!complete) err << "sfusim client: media was not complete at the end (phase " << j["phase"].get<std::string>() << ")\n";
  return complete ? 0 : 1;
}

}  // namespace sfusim::scenario
