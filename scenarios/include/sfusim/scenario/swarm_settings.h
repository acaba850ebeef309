// Swarm testing and fault points as a scenario file writes them (issue 7): the optional
// `fault_points` object (code-level faults of the reference SFU and clients, sfu_fault_points.h and
// client_fault_points.h) and the optional `swarm` object (the ranges `--swarm` draws from, swarm.h).
//
// Contract:
// - Plain values, file units (probabilities, ms, s, kbps); the loader fills every default and
//   checks every range (scenarios/schema/scenario.schema.json describes each field).
// - kSwarmKinds are the fault kinds a swarm run switches on or off as wholes; a scenario's
//   `swarm.kinds` (or --swarm-kinds) restricts which of them may be drawn at all.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfusim::scenario {

// Fault points ("fault_points"). Each is off at its zero value.
struct FaultPointSettings {
  static constexpr int kAllWorkers = -1;  // "slow_worker": "all"
  double lost_response = 0;               // probability a successful media_signal response is lost, [0, 1]
  int slow_worker = kAllWorkers;          // the slow worker: an index in [0, sfu.workers) or all
  double slow_worker_ms = 0;              // its request latency, [0, kMaxSlowWorkerMs]; 0 = off
  double notification_delay = 0;         // probability a new_producer/producer_closed is handled late, [0, 1]
  double notification_delay_max_ms = 0;  // the delay is uniform in (0, max], [0, kMaxNotificationDelayMs]
  // Nothing fires from this time on, [0, duration_s]. Default: duration_s - kFaultQuietTailS (>= 0).
  double until_s = 0;
  bool operator==(const FaultPointSettings&) const = default;
};

inline constexpr double kMaxSlowWorkerMs = 5'000;
inline constexpr double kMaxNotificationDelayMs = 10'000;
// The quiet tail of a run: no fault point fires and no swarm fault happens in the last seconds, so
// that no_stuck_state and restart_recovers judge a settled system (kSettleS, kDefaultRecoveryBoundS).
inline constexpr double kFaultQuietTailS = 10;

// What --fault-points turns on when the scenario has no fault_points of its own.
FaultPointSettings DefaultFaultPoints(double duration_s);

// The fault kinds of a swarm run, each switched on or off per seed.
inline constexpr std::array<std::string_view, 12> kSwarmKinds = {
    "loss",        "burst",      "jitter",           "reorder",           "capacity",      "partition",
    "restart_sfu", "crash_worker", "disconnect_signaling", "lost_response", "slow_worker", "notification_delay"};

// The ranges a swarm run draws from ("swarm"). The defaults are the ranges.
struct SwarmRanges {
  std::vector<std::string> kinds = std::vector<std::string>(kSwarmKinds.begin(), kSwarmKinds.end());
  double loss_max = 0.30;           // per-link loss drawn in [0, loss_max], loss_max in [0, 0.5]
  double burst_len_max = 5;         // mean burst length drawn in [1, burst_len_max], [1, 50]
  double jitter_ms_max = 30;        // jitter drawn in [0, jitter_ms_max] ms, [0, 500]
  double capacity_kbps_min = 300;   // a capacity step's rate in [min, max] kbps, (0, 1e6]
  double capacity_kbps_max = 3000;
  int faults_max = 4;               // timeline faults at most, [0, 50]
  double min_gap_s = 12;            // between one fault's end and the next, [0, 600]
  double partition_s_max = 5;       // partition length in [0.5, max] s, [0.5, 60]
  double down_s_max = 3;            // restart_sfu down_s in [0, max] s, [0, kMaxSfuDownS]
  double step_s_max = 8;            // capacity step length in [1, max] s, [1, 600]
  double quiet_tail_s = kFaultQuietTailS;  // no fault in the last seconds, [0, 600]
  // "invariants" (false, the default): under --swarm only the invariants are judged; the
  // scenario's SLOs and expected events assume its own network and are dropped. "all": kept.
  bool judge_all = false;
  bool operator==(const SwarmRanges&) const = default;
};

inline constexpr double kMaxSwarmLoss = 0.5;
inline constexpr double kMaxSwarmBurstLen = 50;
inline constexpr double kMaxSwarmJitterMs = 500;
inline constexpr double kMaxSwarmCapacityKbps = 1e6;
inline constexpr int kMaxSwarmFaults = 50;
inline constexpr double kMaxSwarmSpanS = 600;
inline constexpr double kMaxSwarmPartitionS = 60;

}  // namespace sfusim::scenario
