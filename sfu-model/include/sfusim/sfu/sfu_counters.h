// SfuCounters: monotonic counts of what the SFU did, for tests, invariants and reports. Plain
// values; they only grow during one SfuServer's life.
#pragma once

#include <cstdint>

namespace sfusim::sfu {

struct SfuCounters {
  // Signaling.
  uint64_t connections_accepted = 0;
  uint64_t connections_refused = 0;
  uint64_t connections_closed = 0;
  uint64_t authenticated = 0;
  uint64_t auth_failures = 0;
  uint64_t auth_timeouts = 0;
  uint64_t idle_timeouts = 0;
  uint64_t slow_client_disconnects = 0;
  uint64_t messages_received = 0;
  uint64_t messages_sent = 0;
  uint64_t decode_errors = 0;
  uint64_t rate_limited = 0;
  uint64_t error_responses = 0;  // media_signal errors and `error` notices, decode errors included
  // Media.
  uint64_t transports_created = 0;
  uint64_t producers_created = 0;
  uint64_t producers_closed = 0;
  uint64_t consumers_created = 0;
  uint64_t consumers_closed = 0;
  uint64_t rtp_received = 0;          // authenticated RTP packets from producers
  uint64_t rtp_forwarded = 0;         // RTP packets consumers sent (retransmissions excluded)
  uint64_t rtp_retransmitted = 0;
  uint64_t rtp_dropped = 0;           // unknown SSRC, paused routes, unparsable
  uint64_t srtp_failures = 0;         // unprotect failed (the packet is dropped, no latching)
  uint64_t rtcp_received = 0;
  uint64_t rtcp_sent = 0;
  uint64_t nacks_received = 0;
  uint64_t key_frame_requests_forwarded = 0;
  uint64_t key_frame_requests_throttled = 0;
  // Media-plane feedback towards producers (RR, REMB, upstream NACK).
  uint64_t sender_reports_received = 0;      // SRs from producers (for LSR/DLSR)
  uint64_t receiver_report_blocks_sent = 0;  // report blocks about producers
  uint64_t rembs_sent = 0;
  uint64_t upstream_nacks_sent = 0;          // NACK packets to producers
  uint64_t upstream_nacked_sequences = 0;    // sequence numbers in them (retries count again)
  uint64_t upstream_recovered = 0;           // NACKed input packets that arrived and were forwarded
  // Workers.
  uint64_t worker_crashes = 0;
  uint64_t worker_restarts = 0;
  uint64_t router_resets = 0;  // media_router_reset messages sent
};

}  // namespace sfusim::sfu
