// LinkConfig: the settings of one one-directional simulated link (the SCENARIO.md link fields) and
// their validation.
//
// Contract:
// - ValidateLinkConfig returns every problem at once (empty = valid). Each error names the field by
//   its LinkConfig member name ("loss", "queue_time", "capacity_trace[2].rate") and says what was
//   expected and what was given, so the scenario loader can map it to a JSON pointer.
// - A config that validates can never make a Link misbehave: every bound that keeps the link's
//   integer arithmetic exact (picosecond time, bit-picosecond work) is enforced here.
// - The meaning of each field (what "jitter" is, when the queue drops, the Gilbert model behind
//   burst_len) is written beside it below; link.h describes the order in which they apply.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/sim/data_rate.h"
#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::sim {

// One step of a capacity trace: from `at` on (until the next step) the link runs at `rate`.
struct CapacityStep {
  Timestamp at;
  DataRate rate;
  bool operator==(const CapacityStep&) const = default;
};

// The shape of the extra delay added on top of the base delay. Every shape is scaled so that the
// extra delay X >= 0 has standard deviation `jitter`: changing the shape changes the tail, not the
// spread.
enum class JitterDistribution : uint8_t {
  // X ~ Exponential(mean = jitter), so mean = stddev = jitter. The default, because (a) it is the
  // sojourn time of an M/M/1 queue, the textbook model of cross-traffic queueing on a path, and
  // (b) the difference of two independent draws is Laplace(0, jitter), whose mean absolute value
  // is exactly `jitter`: an RFC 3550 interarrival-jitter estimator on the receiver converges to
  // the configured value (with reordering allowed; without, see Link). Bounded by construction:
  // X <= ln(2^53) * jitter ~ 36.7 * jitter.
  kExponential,
  // X ~ Uniform[0, sqrt(12) * jitter] (mean sqrt(3) * jitter ~ 1.73 * jitter): netem's default
  // shape, one-sided so that no packet arrives before the base delay; hard upper bound.
  kUniform,
};
const char* ToString(JitterDistribution distribution);
// "exponential" | "uniform"; nullopt for anything else.
std::optional<JitterDistribution> ParseJitterDistribution(std::string_view name);

struct LinkConfig {
  // Base one-way delay: the floor of every packet's latency after it left the queue (propagation).
  TimeDelta delay = TimeDelta::Zero();
  // Standard deviation of the extra delay added to `delay` (see JitterDistribution). Never
  // negative, so a packet never arrives before departure + delay.
  TimeDelta jitter = TimeDelta::Zero();
  // false: packets arrive in the order they were sent (a packet whose jitter would overtake an
  // earlier one waits for it, as in a FIFO pipe). true: arrivals are independent and may swap.
  bool reorder = false;
  // Long-run fraction of packets lost at random, in [0, 1].
  double loss = 0;
  // Mean length of a loss burst, in packets. 1 = independent (Bernoulli) losses. > 1 = the simple
  // Gilbert model (Gilbert-Elliott with loss probability 0 in Good and 1 in Bad): with p = loss and
  // L = burst_len, P(Bad->Good) = 1/L and P(Good->Bad) = p / (L * (1 - p)), which is a probability
  // only when p <= L / (L + 1). See gilbert_elliott.h.
  double burst_len = 1;
  // Probability, in [0, 1], that a delivered packet is delivered twice (the copy with its own jitter).
  double duplicate = 0;
  // Bottleneck rate. nullopt = infinite (no queue ever forms). Must be >= kMinCapacity.
  std::optional<DataRate> capacity;
  // Drop-tail bounds on the buffer in front of the bottleneck (either, both or neither; neither =
  // unbounded up to Link::kMaxQueuedPackets). A packet that would have to wait is dropped
  // (kQueueFull) when its wait would exceed queue_time, or when the bytes already waiting plus its
  // own would exceed queue_bytes. A packet that finds the transmitter idle never waits and is never
  // dropped by the queue, so 0 means "no buffer". No effect while the capacity is infinite.
  std::optional<int64_t> queue_bytes;
  std::optional<TimeDelta> queue_time;
  // Largest packet in bytes (as passed to Link::Send); 0 = unlimited (up to Link::kMaxPacketBytes).
  int mtu = 0;
  // Piecewise-constant capacity: each step replaces the rate from its `at` on; before the first
  // step `capacity` applies. Strictly increasing times. A packet in transmission across a step
  // is sent at each rate for the part of it that falls in each interval.
  std::vector<CapacityStep> capacity_trace;
  // false: every packet is dropped with kLinkDown (a partition).
  bool up = true;
  // Shape of the jitter (placed last so that designated initializers in the order above work).
  JitterDistribution jitter_distribution = JitterDistribution::kExponential;

  bool operator==(const LinkConfig&) const = default;
};

// Limits (DESIGN.md: put a limit on everything). They keep every link computation inside int64
// picoseconds: 30 days of simulated time, 1 hour of base delay or jitter, 1 kbit/s at the least.
inline constexpr TimeDelta kMaxLinkDelay = TimeDelta::Seconds(3600);
inline constexpr TimeDelta kMaxLinkJitter = TimeDelta::Seconds(3600);
inline constexpr DataRate kMinCapacity = DataRate::BitsPerSec(1000);
inline constexpr Timestamp kMaxLinkTime = Timestamp::Seconds(30LL * 24 * 3600);
inline constexpr std::size_t kMaxCapacitySteps = 1'000'000;

struct LinkConfigError {
  std::string field;    // LinkConfig member name, with an index for capacity_trace entries
  std::string message;  // what is wrong, with the value given
  bool operator==(const LinkConfigError&) const = default;
};

std::vector<LinkConfigError> ValidateLinkConfig(const LinkConfig& config);
// "loss: must be in [0, 1], got 1.5; mtu: must be >= 0, got -1"
std::string JoinLinkConfigErrors(const std::vector<LinkConfigError>& errors);

}  // namespace sfusim::sim
