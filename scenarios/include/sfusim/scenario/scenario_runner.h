// ScenarioRunner: one deterministic run of a scenario (E2E_DESIGN.md "World layout",
// ../shared/SCENARIO.md): builds the simulated world (host "sfu" at 10.0.0.1 with the reference
// SfuServer, one host and one WebClient per participant, links from the scenario), plays the
// timeline, runs the invariant checkers continuously, then computes metrics, SLO and event
// verdicts into a RunResult.
//
// Contract:
// - Deterministic: every RNG is Rng::Stream(seed, name) ("sfu", "sfu/restart-<k>",
//   "client/<id>", the network's "link/<from>-><to>"); nothing reads a clock. Two runs with the
//   same scenario, options and binaries give the same trace hash and the same result (wall_s,
//   which the caller measures, aside).
// - Timeline: participants start at join_at_s (before the timeline's actions at the same time),
//   actions run in file order. A client action aimed at a participant whose client does not
//   exist yet is skipped and noted in the trace.
// - Video: a participant's camera/screen settings become its WebClientConfig (client desktop ->
//   the native screen-share path; screen.path native -> ScreenConfig::native); camera_on/off ->
//   SetCamera, screen_on (path) / screen_off -> StartScreenShare / StopScreenShare,
//   encoder_faults -> InjectEncoderFault(kind, at_s + for_s). The native sender's events
//   (sender_started, sender_stopped, encode_error, transport_error, fallback_triggered,
//   degradation_changed) and fallback_completed land in result.json's events; its status is
//   polled every 100 ms (degradation level series, final state).
// - restart_sfu crashes host "sfu", destroys the SfuServer, restarts the host after down_s and
//   starts a fresh SfuServer (same config, channel codecs as changed so far).
// - Invariants: the scenario's list ("all" = every name); fallback_iff_thresholds is checked when
//   some desktop participant shares its screen natively, and listed as not applicable otherwise.
// - Fault points (the scenario's fault_points, swarm_settings.h) become SfuConfig::fault_points
//   (every SFU generation) and each client's WebClientConfig::fault_points, and result.json's
//   "fault_points". With lost_response on, restart_recovers' bound for every action is one request
//   timeout (10 s) longer (a lost response costs the client a timeout before it starts over), and a
//   request timeout of a client in voice is itself a disruption ("request_timeout") it must recover
//   from. A request timeout always counts as a disturbance of the client for no_stuck_state.
//   Without fault points nothing of this changes a run (the trace is byte-identical).
// - Run() may be called once. It returns false with `error` only when the world cannot be built
//   (an SFU that will not start, a pcap file that cannot be written); a failing scenario is a
//   RunResult with passed = false.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sfusim/scenario/run_result.h"
#include "sfusim/scenario/scenario.h"
#include "sfusim/scenario/mutant_names.h"
#include "sfusim/sim/trace.h"

namespace sfusim::clients {
class WebClient;
}  // namespace sfusim::clients

namespace sfusim::scenario {

struct RunOptions {
  uint64_t seed = 1;
  Mutants mutants;
  std::string mutant_name;    // as given on the command line ("" = none), for the result
  std::string pcap_dir;       // "" = no pcap; else one <from>-<to>.pcap per link
  std::string scenario_path;  // for the reproduce line ("" = the scenario's name + ".json")
  // Real-network mode (issue 8, `run --real`): the SFU and every participant on sim::AsioNet over
  // loopback, driven by a sim::RealTimeLoop; the scenario's link settings are not applied and
  // pcap_dir must be "". Not deterministic: the result says "real": true. Check the scenario with
  // RealModeProblems (real_mode.h) first: actions that need the simulator are not played.
  bool real = false;
  // Called at the end of the run (after the final checks, before the world is torn down) once per
  // participant whose client exists, in participant-id order: lets a test read what the result
  // does not carry (the clients' own stream stats: tests/property/scenario/media's ledgers).
  // Empty = none. Changes nothing in the run or its result.
  std::function<void(const std::string& participant, const clients::WebClient& client)> inspect_client;
};

class ScenarioRunner {
 public:
  ScenarioRunner(const Scenario& scenario, RunOptions options);
  ~ScenarioRunner();
  ScenarioRunner(const ScenarioRunner&) = delete;
  ScenarioRunner& operator=(const ScenarioRunner&) = delete;

  bool Run(RunResult* result, std::string* error);
  // The run's trace (complete after Run()).
  const sim::Trace& trace() const;

 private:
  class World;
  std::unique_ptr<World> world_;
};

// One run as the command line needs it: the result and the trace (for check-determinism and
// --trace), or the error that kept the world from being built.
struct ScenarioRun {
  bool ok = false;
  std::string error;
  RunResult result;
  // The run's trace; it keeps the finished world alive (so it may be large: drop it when done).
  std::shared_ptr<const sim::Trace> trace;
};
ScenarioRun RunScenario(const Scenario& scenario, const RunOptions& options);

// The reproduce line: "sfusim run <path> --seed <seed>[ --mutant <name>]".
std::string ReproduceLine(const std::string& scenario_path, uint64_t seed, const std::string& mutant);

}  // namespace sfusim::scenario
