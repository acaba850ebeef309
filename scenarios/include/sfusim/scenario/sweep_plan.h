// The list of runs of a sweep: scenario files x seeds, and its deterministic split into shards.
//
// Contract:
// - ParseSeedRange("A..B"): both ends inclusive, A <= B, at most kMaxSweepSeeds seeds; errors
//   "bad_seed_range" / "seed_range_too_large". ParseShard("I/N"): 0-based, 0 <= I < N <=
//   kMaxShards; error "bad_shard".
// - BuildSweepList: scenario-major (every seed of the first file, then the next file), files in
//   the order given (the command line sorts a directory's files by name). Index k of that list is
//   item k.
// - ShardOf(list, {I, N}): the items whose index k has k mod N == I, in list order. Over I = 0..N-1
//   the shards partition the list: every item in exactly one shard. Round-robin (not blocks) so
//   that each shard gets a share of every scenario and the shards take about equally long.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/protocol/result.h"

namespace sfusim::scenario {

constexpr uint64_t kMaxSweepSeeds = 1'000'000;
constexpr uint64_t kMaxShards = 100'000;
constexpr std::size_t kMaxSweepItems = 10'000'000;

struct SeedRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
  uint64_t Count() const { return last - first + 1; }
};

struct Shard {
  uint64_t index = 0;  // 0-based
  uint64_t count = 1;
};

struct SweepItem {
  std::string scenario_file;
  std::string scenario;  // its name
  uint64_t seed = 0;
  friend bool operator==(const SweepItem&, const SweepItem&) = default;
};

protocol::Result<SeedRange> ParseSeedRange(std::string_view text);
protocol::Result<Shard> ParseShard(std::string_view text);

// (file, scenario name) pairs x the seeds of `range`. Stops at kMaxSweepItems.
std::vector<SweepItem> BuildSweepList(const std::vector<std::pair<std::string, std::string>>& scenarios,
                                      SeedRange range);
std::vector<SweepItem> ShardOf(const std::vector<SweepItem>& list, Shard shard);

}  // namespace sfusim::scenario
