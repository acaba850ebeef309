// The reference SFU's own numbers (E2E_DESIGN.md), in one place. PROTOCOL.md's numbers live in
// protocol/limits.h and are re-expressed here as sim::TimeDelta where the SFU schedules with them.
//
// Contract: every timer interval, bound and throttle the SFU uses is a named constant here; the
// clients and the scenario runner include this header when they need to agree with the SFU.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sfusim/protocol/limits.h"
#include "sfusim/sim/time_delta.h"

namespace sfusim::sfu {

// Signaling.
inline constexpr uint16_t kDefaultSignalingPort = 4443;
inline constexpr sim::TimeDelta kAuthTimeout = sim::TimeDelta::Micros(protocol::kAuthTimeoutUs);
inline constexpr sim::TimeDelta kIdleTimeout = sim::TimeDelta::Micros(protocol::kIdleTimeoutUs);
// A client pings after this long without sending anything (well inside kIdleTimeout).
inline constexpr sim::TimeDelta kHeartbeatInterval = sim::TimeDelta::Seconds(15);
inline constexpr std::size_t kOutboundQueueMaxMessages = protocol::kOutboundQueueMaxMessages;
// How often a connection retries handing queued messages to a stream that refused them.
inline constexpr sim::TimeDelta kOutboundRetryInterval = sim::TimeDelta::Millis(10);
// Open signaling connections the server accepts at once (more are refused at accept).
inline constexpr std::size_t kMaxConnections = 4096;

// Workers.
inline constexpr sim::TimeDelta kWorkerHealthCheckInterval = sim::TimeDelta::Millis(500);
inline constexpr sim::TimeDelta kWorkerRestartDelay = sim::TimeDelta::Millis(200);
inline constexpr int kMaxWorkers = 64;
// The time a request to a worker takes (producer creation). Only the producer_limit_race mutant
// lets it show: the limit is checked before it and the producer created after it.
inline constexpr sim::TimeDelta kWorkerRequestLatency = sim::TimeDelta::Millis(1);

// Media plane.
// Packets each producer keeps for NACK retransmissions (about 5 s of 100 pps video).
inline constexpr std::size_t kRetransmissionBufferPackets = 512;
// A key frame request reaches a producer at most this often, however many consumers ask.
inline constexpr sim::TimeDelta kKeyFrameRequestMinInterval = sim::TimeDelta::Millis(500);
// RTCP SR per consumer and RR towards the producers (RFC 3550 interval simplified to a fixed 1 s).
inline constexpr sim::TimeDelta kRtcpReportInterval = sim::TimeDelta::Seconds(1);
// How often the SFU looks for upstream NACKs that are due (only while some video producer has
// missing packets; the NACK rules themselves are in nack_generator.h).
inline constexpr sim::TimeDelta kNackProcessInterval = sim::TimeDelta::Millis(10);
// An input sequence jump larger than this is a restarted stream: the consumer re-syncs its output.
inline constexpr int64_t kSequenceRestartThreshold = 3000;
// Re-sync segments a consumer remembers to map NACKed output seqs back to input seqs.
inline constexpr std::size_t kMaxRewriteSegments = 16;
// Sequence numbers one NACK may ask for (a NACK item covers 17).
inline constexpr std::size_t kMaxNackedPerPacket = 256;
inline constexpr std::size_t kMaxTransportsPerConnection = 2;
inline constexpr std::size_t kMaxProducersPerConnection = 16;
inline constexpr std::size_t kMaxConsumersPerConnection = 1024;

// NTP time of the simulation's time zero (1970-01-01, as the Unix epoch: RFC 3550 NTP offset).
inline constexpr uint64_t kNtpUnixEpochOffsetSeconds = 2'208'988'800ULL;

}  // namespace sfusim::sfu
