// Link: one direction of a simulated network path, as a pure function of its config, its seed and
// the times passed in (libwebrtc SimulatedNetwork style: hand it a packet at a time, it says when
// the packet arrives, or why it does not). It owns no clock and schedules nothing: the network
// calls Send when a packet enters the link and posts the delivery at the returned arrival.
//
// Per packet, in this order (the first that applies decides):
//   1. MTU: size > mtu (or > kMaxPacketBytes) -> dropped, kMtu.
//   2. Link down (config.up false, or SetUp(false)) -> dropped, kLinkDown.
//   3. Bottleneck queue (FIFO, drop-tail): transmission starts at max(now, end of the previous
//      transmission); if the packet would wait and its wait exceeds queue_time, or the bytes waiting
//      plus its own exceed queue_bytes, or kMaxQueuedPackets are waiting -> dropped, kQueueFull.
//      Otherwise departure = start + transmission time, integrated over the capacity trace.
//   4. Random loss after the bottleneck (Bernoulli when burst_len <= 1, else the simple Gilbert
//      model stepped once per packet that reaches this stage) -> dropped, kLoss. A lost packet has
//      still used the bottleneck.
//   5. arrival = departure + delay + X, X >= 0 drawn from the jitter distribution (stddev jitter).
//      Without reorder, arrival = max(arrival, latest arrival so far): a FIFO pipe.
//   6. With probability `duplicate`, a delivered packet arrives a second time at
//      departure + delay + X' (X' drawn independently), subject to the same ordering rule.
//
// Contract:
// - `now` must never decrease between calls (Send and SetConfig); it must lie in [0, kMaxLinkTime].
//   Both are always-on checks that abort with a message: breaking them is a bug in the caller.
// - Determinism: every random draw comes from substreams of the Rng given at construction, one per
//   knob ("loss", "jitter", "duplicate", "duplicate_jitter"). Every packet that reaches stage 4
//   draws, whatever the outcome, one loss decision (if loss > 0; the Gilbert chain as in
//   gilbert_elliott.h), one jitter (if jitter > 0) and one duplicate decision (if duplicate > 0);
//   a packet that is delivered and duplicated draws one more jitter (if jitter > 0) from
//   "duplicate_jitter". So the results are a pure function of (config, seed, sequence of
//   (now, size)), and changing one knob leaves the other knobs' draws on the same packets
//   unchanged (common random numbers).
// - Packets already accepted keep the arrival they were given: SetConfig and SetUp affect only
//   later packets (a capacity drop does not slow packets already queued; a partition does not
//   destroy packets in flight: the network may discard those itself if it wants).
// - Hot path: Send allocates nothing in steady state (the waiting-packet ring only grows, and at
//   most to kMaxQueuedPackets entries).
// - Time is kept in integer picoseconds inside (see capacity_schedule.h) and reported rounded up to
//   the microsecond.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sfusim/sim/capacity_schedule.h"
#include "sfusim/sim/data_rate.h"
#include "sfusim/sim/gilbert_elliott.h"
#include "sfusim/sim/link_config.h"
#include "sfusim/sim/link_counters.h"
#include "sfusim/sim/link_result.h"
#include "sfusim/sim/rng.h"
#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::sim {

class Link {
 public:
  // With mtu 0 ("unlimited") packets above this are still dropped with kMtu. 1 MiB: above any IP
  // datagram, and it keeps the transmission arithmetic in int64.
  static constexpr std::size_t kMaxPacketBytes = 1 << 20;
  // At most this many packets wait in the bottleneck buffer, whatever the configured bounds
  // (an unbounded queue is bounded here; beyond it: kQueueFull).
  static constexpr std::size_t kMaxQueuedPackets = 1 << 16;

  // Throws std::invalid_argument("invalid link config: <field>: <message>; ...") if invalid.
  Link(LinkConfig config, Rng rng);

  LinkResult Send(Timestamp now, std::size_t size_bytes);
  // Replaces the whole config from `now` on. Throws std::invalid_argument like the constructor
  // (and then changes nothing). The queue content, the Gilbert state (if still bursty) and the
  // ordering horizon carry over.
  void SetConfig(Timestamp now, LinkConfig config);
  void SetUp(bool up) { config_.up = up; }

  bool up() const { return config_.up; }
  const LinkConfig& config() const { return config_; }
  const LinkCounters& counters() const { return counters_; }
  // How long a packet sent at `now` would wait before its transmission starts.
  TimeDelta QueueDelay(Timestamp now) const;
  // Rate in force at `t` under the current config; nullopt = infinite.
  std::optional<DataRate> CapacityAt(Timestamp t) const { return schedule_.RateAt(t); }
  // Whether the Gilbert chain is in Bad (false when losses are Bernoulli).
  bool in_loss_burst() const { return gilbert_ && gilbert_->bad(); }

 private:
  enum class LossMode : uint8_t { kNone, kBernoulli, kGilbert };
  struct Waiting {
    int64_t start_ps;  // when its transmission begins
    int64_t bytes;
  };

  void Apply(LinkConfig config);
  void CheckTime(Timestamp now);
  LinkResult Drop(DropReason reason, std::size_t size_bytes);
  int64_t DrawJitterUs(Rng& rng);
  Timestamp Order(Timestamp arrival);
  void DrainWaiting(int64_t now_ps);
  bool PushWaiting(int64_t start_ps, int64_t bytes);

  LinkConfig config_;
  CapacitySchedule schedule_;
  LossMode loss_mode_ = LossMode::kNone;
  std::optional<GilbertElliott> gilbert_;
  double jitter_scale_us_ = 0;  // exponential mean, or uniform width, in microseconds
  int64_t queue_time_ps_ = -1;  // -1 = unbounded
  int64_t queue_bytes_ = -1;    // -1 = unbounded
  std::size_t max_size_bytes_ = kMaxPacketBytes;

  Rng loss_rng_;
  Rng jitter_rng_;
  Rng duplicate_rng_;
  Rng duplicate_jitter_rng_;

  Timestamp last_now_ = Timestamp::Zero();
  int64_t busy_until_ps_ = 0;  // end of the last accepted transmission
  Timestamp last_arrival_ = Timestamp::Zero();

  // Packets accepted but not yet in transmission, oldest first: a power-of-two ring.
  std::vector<Waiting> ring_;
  std::size_t ring_head_ = 0;
  std::size_t ring_size_ = 0;
  int64_t waiting_bytes_ = 0;

  LinkCounters counters_;
};

}  // namespace sfusim::sim
