// LinkSettings: the link fields of a scenario file, each optional, exactly as written (in the
// file's units: ms, kbps, seconds), and their conversion to sim::LinkConfig.
//
// Contract:
// - A field left unset falls back to the layer below: a link's effective config is
//   sim::LinkConfig{} <- network.default <- network.links["<name>"] <- every set_link action on that
//   link so far (ApplyLinkSettings applies one layer). LinkConfig{}'s own defaults (an ideal link:
//   no delay, no loss, infinite capacity, no queue bound, no MTU) are therefore the file's defaults.
// - ApplyLinkSettings never fails and never has undefined behaviour, whatever the values: numbers
//   are rounded to the nearest microsecond / bit per second and saturated far outside every valid
//   range, so sim::ValidateLinkConfig on the result reports what is wrong. The loader only
//   returns models whose every layer validates.
// - LinkName is the file's link naming, "<participant>->sfu" (uplink) and "sfu-><participant>"
//   (downlink); participant ids never contain "->" (the loader enforces it), so it is unambiguous.
// - LinkFieldForConfigField maps a sim::LinkConfigError field ("queue_time", "capacity_trace[2].at")
//   to the file's JSON pointer suffix ("queue_ms", "capacity_trace/2/0").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/sim/link_config.h"

namespace sfusim::scenario {

// One step of a capacity trace: from at_s on, the link runs at kbps.
struct CapacityPoint {
  double at_s = 0;
  double kbps = 0;
  bool operator==(const CapacityPoint&) const = default;
};

struct LinkSettings {
  std::optional<double> delay_ms;      // base one-way delay                 -> LinkConfig::delay
  std::optional<double> jitter_ms;     // stddev of the extra delay          -> jitter
  std::optional<bool> reorder;         // may packets overtake each other     -> reorder
  std::optional<double> loss;          // long-run loss fraction [0, 1]       -> loss
  std::optional<double> burst_len;     // mean loss burst (>1: Gilbert)       -> burst_len
  std::optional<double> duplicate;     // duplication probability [0, 1]     -> duplicate
  std::optional<double> capacity_kbps;  // bottleneck rate (unset: infinite)  -> capacity
  std::optional<double> queue_ms;      // drop-tail bound on the wait         -> queue_time
  std::optional<int64_t> queue_bytes;  // drop-tail bound on the bytes        -> queue_bytes
  std::optional<int> mtu;              // largest packet, 0 = unlimited       -> mtu
  std::optional<std::vector<CapacityPoint>> capacity_trace;  // [[at_s, kbps], ...] -> capacity_trace
  std::optional<bool> up;              // false: a partition of this direction -> up
  std::optional<sim::JitterDistribution> jitter_distribution;  // "exponential" | "uniform"

  bool Empty() const;
  bool operator==(const LinkSettings&) const = default;
};

// `base` with every field `settings` sets replaced.
sim::LinkConfig ApplyLinkSettings(sim::LinkConfig base, const LinkSettings& settings);

struct LinkName {
  enum class Direction { kUp, kDown };  // kUp: participant -> sfu; kDown: sfu -> participant
  std::string participant;
  Direction direction = Direction::kUp;

  std::string ToString() const;  // "alice->sfu" / "sfu->alice"
  bool operator==(const LinkName&) const = default;
};
// nullopt unless `name` is "<p>->sfu" or "sfu-><p>" with a non-empty <p> (not checked to exist).
std::optional<LinkName> ParseLinkName(std::string_view name);

// "delay" -> "delay_ms", "capacity" -> "capacity_kbps", "queue_time" -> "queue_ms",
// "capacity_trace[3].rate" -> "capacity_trace/3/1", "capacity_trace[3].at" -> "capacity_trace/3/0";
// other names map to themselves.
std::string LinkFieldForConfigField(std::string_view config_field);

}  // namespace sfusim::scenario
