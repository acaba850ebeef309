// Tunables of the video receive side (VideoReceiver, NackTracker, VideoStreamStats). None of these
// numbers comes from PROTOCOL.md (those live in protocol/limits.h); they are this implementation's
// choices, named here so tests and reports can refer to them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sfusim/sim/time_delta.h"

namespace sfusim::clients {

// --- NackTracker ---
// A missing sequence number is NACKed only after it has been missing for the reorder wait, so a
// packet that is merely reordered (arrives a little after a later one) never causes a NACK. The
// wait is max(kNackMinReorderWait, kNackReorderWaitFactor x the largest reorder delay observed so
// far), capped at kNackMaxReorderWait.
inline constexpr sim::TimeDelta kNackMinReorderWait = sim::TimeDelta::Millis(10);
inline constexpr double kNackReorderWaitFactor = 1.5;
inline constexpr sim::TimeDelta kNackMaxReorderWait = sim::TimeDelta::Millis(60);
// A sequence number is requested once, then retried at most kMaxNackRetries times:
// kMaxNackRequests is the total number of NACKs that can carry it.
inline constexpr int kMaxNackRetries = 2;                      // retries after the first request
inline constexpr int kMaxNackRequests = 1 + kMaxNackRetries;   // total requests per seq
// Spacing between two requests of the same sequence number: max(RTT + kNackRetryMargin,
// kNackRetryFloor). The margin keeps a retry from racing the answer to the previous request, which
// arrives one RTT later at the earliest (exactly then on a jitter-free link).
inline constexpr sim::TimeDelta kNackRetryMargin = sim::TimeDelta::Millis(10);
inline constexpr sim::TimeDelta kNackRetryFloor = sim::TimeDelta::Millis(20);
// RTT assumed until SetRtt() is called.
inline constexpr sim::TimeDelta kDefaultVideoRtt = sim::TimeDelta::Millis(100);
// A missing sequence number is forgotten after this age (since it was found missing), or when the
// list is full (oldest first), or when it is more than kNackMaxSeqAge packets behind the newest.
inline constexpr sim::TimeDelta kNackMaxAge = sim::TimeDelta::Millis(1000);
inline constexpr size_t kNackMaxListSize = 1000;
inline constexpr int64_t kNackMaxSeqAge = 10000;
// A jump forward larger than this (a new sender, a restart) clears the list instead of marking
// tens of thousands of packets missing.
inline constexpr int64_t kNackMaxGapJump = 3000;
// At most this many sequence numbers per NACK packet built by one GetNacks() call (keeps RTCP small).
inline constexpr size_t kNackMaxSeqsPerPacket = 256;

// --- VideoReceiver packet buffer ---
// How long the receiver waits for a missing packet (to be retransmitted) before it gives up on the
// frame: min(kPacketBufferRttFactor x RTT + kPacketBufferMargin, kPacketBufferMaxWait).
inline constexpr int kPacketBufferRttFactor = 3;
inline constexpr sim::TimeDelta kPacketBufferMargin = sim::TimeDelta::Millis(30);
inline constexpr sim::TimeDelta kPacketBufferMaxWait = sim::TimeDelta::Millis(250);
// Packets older than the first one received, by at most this many, are still accepted.
inline constexpr int64_t kStartReorderWindow = 64;
// Bounds on what the packet buffer holds (oldest dropped first, counted as lost).
inline constexpr size_t kPacketBufferMaxPackets = 2048;
inline constexpr size_t kPacketBufferMaxFrames = 128;
// Largest access unit handed to the decoder (bytes): bigger ones are dropped as invalid.
inline constexpr size_t kVideoMaxAccessUnitBytes = 4 * 1024 * 1024;

// --- PLI ---
// While the receiver waits for a key frame it repeats PLI at most once per kPliThrottle.
inline constexpr sim::TimeDelta kPliThrottle = sim::TimeDelta::Millis(300);

// --- VideoStreamStats ---
// Freeze threshold: a gap between consecutive rendered frames longer than
// max(kFreezeMinGap, kFreezeMeanIntervalFactor x mean inter-frame interval so far).
inline constexpr sim::TimeDelta kFreezeMinGap = sim::TimeDelta::Millis(150);
inline constexpr int kFreezeMeanIntervalFactor = 3;

}  // namespace sfusim::clients
