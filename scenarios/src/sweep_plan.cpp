#include "sfusim/scenario/sweep_plan.h"

#include <algorithm>
#include <charconv>
#include <optional>

namespace sfusim::scenario {
namespace {

std::optional<uint64_t> ParseU64(std::string_view s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Shown(std::string_view s) { return "'" + std::string(s.substr(0, 80)) + (s.size() > 80 ? "...'" : "'"); }

}  // namespace

protocol::Result<SeedRange> ParseSeedRange(std::string_view text) {
  std::size_t dots = text.find("..");
  if (dots == std::string_view::npos) {
    return protocol::MakeError("bad_seed_range", "expected A..B (two non-negative integers), got " + Shown(text));
  }
  auto a = ParseU64(text.substr(0, dots));
  auto b = ParseU64(text.substr(dots + 2));
  if (!a || !b) return protocol::MakeError("bad_seed_range", "expected A..B (two non-negative integers), got " + Shown(text));
  if (*a > *b) return protocol::MakeError("bad_seed_range", "expected A..B with A <= B, got " + Shown(text));
  if (*b - *a >= kMaxSweepSeeds) {
    return protocol::MakeError("seed_range_too_large",
                               "at most " + std::to_string(kMaxSweepSeeds) + " seeds per sweep, got " + Shown(text));
  }
  return SeedRange{*a, *b};
}

protocol::Result<Shard> ParseShard(std::string_view text) {
  std::size_t slash = text.find('/');
  std::optional<uint64_t> i;
  std::optional<uint64_t> n;
  if (slash != std::string_view::npos) {
    i = ParseU64(text.substr(0, slash));
    n = ParseU64(text.substr(slash + 1));
  }
  if (!i || !n || *n == 0 || *i >= *n || *n > kMaxShards) {
    return protocol::MakeError("bad_shard", "expected I/N, shard I of N with 0 <= I < N (e.g. 0/4), got " + Shown(text));
  }
  return Shard{*i, *n};
}

std::vector<SweepItem> BuildSweepList(const std::vector<std::pair<std::string, std::string>>& scenarios,
                                      SeedRange range) {
  std::vector<SweepItem> list;
  for (const auto& [file, name] : scenarios) {
    for (uint64_t s = range.first;; ++s) {
      if (list.size() >= kMaxSweepItems) return list;
      list.push_back({file, name, s});
      if (s == range.last) break;  // also when last is UINT64_MAX
    }
  }
  return list;
}

std::vector<SweepItem> ShardOf(const std::vector<SweepItem>& list, Shard shard) {
  std::vector<SweepItem> out;
  if (shard.count == 0) return out;
  for (uint64_t k = shard.index; k < list.size();) {
    out.push_back(list[k]);
    if (list.size() - k <= shard.count) break;  // the next index would be past the end (or overflow)
    k += shard.count;
  }
  return out;
}

}  // namespace sfusim::scenario
