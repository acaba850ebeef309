// Swarm testing (issue 7; Groce et al., "Swarm testing"; TigerBeetle's VOPR): per seed, a random
// configuration of faults on top of a scenario.
//
// Contract:
// - DrawSwarm(base, base_json, seed, ranges) is a pure function of its arguments. Every draw comes
//   from a named substream of the seed, sim::Rng::Stream(seed, "swarm/<part>") with <part> one of
//   kinds, links, timeline, fault_points, and our own distributions. The values of every part are
//   drawn whether or not their kind is on, so restricting the kinds (ranges.kinds) never changes
//   what the kinds that stay on draw.
// - Whole kinds (kSwarmKinds) are switched on or off per seed (each on with probability 1/2, and
//   only if ranges.kinds allows it). A kind that is off is absent from the result: no link field,
//   no timeline action, no fault point of that kind is added.
// - The result is a plain scenario file (DrawSwarm().scenario): the base file's JSON with
//   * per link (every participant, both directions) the drawn loss / burst_len / jitter_ms /
//     reorder written into network.links (over the base's values);
//   * timeline faults (partition, restart_sfu, crash_worker, disconnect_signaling, capacity steps
//     as a set_link down and one back) merged into the timeline in time order (the base's entries
//     first at equal times), in [kSwarmStartS, duration_s - quiet_tail_s], at least min_gap_s
//     from each other and from the base's own faults, at most faults_max; a capacity step never
//     touches a link the base changes with set_link;
//   * fault_points (the drawn ones, until duration_s - quiet_tail_s) when any fault-point kind is on;
//   * unless ranges.judge_all, expect.slo and expect.events removed (only invariants are judged:
//     the scenario's SLOs assume its own network);
//   * name "<base name>-swarm-<seed>", no "$schema" and no "swarm".
//   `sfusim run` of that file with the same --seed is the same run as `sfusim run BASE --seed N
//   --swarm` (same trace hash), and it validates.
// - DrawSwarm().record is result.json's "swarm" field: the seed, every kind on/off, the judge, the
//   link settings, timeline faults and fault points drawn, and a one-line summary.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sfusim/protocol/result.h"
#include "sfusim/scenario/scenario.h"

namespace sfusim::scenario {

inline constexpr double kSwarmStartS = 2;  // the first timeline fault comes after everyone joined
// The lower ends of the ranges SwarmRanges leaves implicit (the upper ends are SwarmRanges' fields):
// a partition lasts at least kSwarmPartitionMinS, a capacity step at least kSwarmStepMinS; a
// capacity step on a link without a queue bound gets queue_ms kSwarmStepQueueMs, so the queue
// cannot grow without end. Shared with tests/property/scenario/media, which draws from the same ranges.
inline constexpr double kSwarmPartitionMinS = 0.5;
inline constexpr double kSwarmStepMinS = 1;
inline constexpr double kSwarmStepQueueMs = 400;

struct SwarmDraw {
  nlohmann::ordered_json scenario;  // the plain scenario file of this run
  nlohmann::ordered_json record;    // result.json's "swarm"
  std::string summary;              // one line: the kinds on and the faults drawn
};

SwarmDraw DrawSwarm(const Scenario& base, const nlohmann::ordered_json& base_json, uint64_t seed,
                    const SwarmRanges& ranges);

// --swarm-kinds "loss,partition": known, distinct kinds. Error "bad_swarm_kinds" naming the bad one.
protocol::Result<std::vector<std::string>> ParseSwarmKinds(std::string_view text);

}  // namespace sfusim::scenario
