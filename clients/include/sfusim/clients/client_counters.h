// ClientCounters: what a WebClient counts over its whole life (kept across reconnects), for the
// scenario runner's metrics and invariant checks. Plain values; every field only grows.
#pragma once

#include <cstdint>

namespace sfusim::clients {

struct ClientCounters {
  // Signaling.
  uint64_t messages_sent = 0;          // every text handed to the stream (SendRaw included)
  uint64_t messages_received = 0;
  uint64_t decode_errors = 0;          // server messages that failed to decode
  uint64_t server_errors = 0;          // `error` notices from the server
  uint64_t requests_sent = 0;          // media_signal requests
  uint64_t responses = 0;              // matched responses (result or error)
  uint64_t error_responses = 0;        // matched responses carrying an error
  uint64_t unknown_responses = 0;      // request_id never issued (or absent)
  uint64_t late_responses = 0;         // request_id already answered or timed out
  uint64_t timeouts = 0;               // requests that got no response within 10 s
  uint64_t request_retries = 0;        // requests repeated after a timeout (request_retry.h)
  uint64_t pings_sent = 0;
  uint64_t voice_activity_sent = 0;
  // Connection life.
  uint64_t connect_attempts = 0;       // every Net::Connect, the first included
  uint64_t connect_failures = 0;
  uint64_t signaling_drops = 0;        // the stream closed under us
  uint64_t reconnects = 0;             // successful reconnections (authenticated again)
  uint64_t joins = 0;                  // voice_joined received
  uint64_t media_setups = 0;           // media setups started (first, after reconnect, after reset)
  uint64_t media_restored = 0;         // media_restored events
  uint64_t router_resets = 0;          // media_router_reset received
  uint64_t transport_failures = 0;     // TransportHealth reached failed
  uint64_t invalid_transitions = 0;    // ConnectionStateMachine refusals: a client bug, always 0
  // Media plane.
  uint64_t rtp_sent = 0;
  uint64_t rtcp_sent = 0;
  uint64_t rtp_received = 0;
  uint64_t rtcp_received = 0;
  uint64_t srtp_errors = 0;            // protect or unprotect failures
  uint64_t unknown_ssrc_packets = 0;   // RTP for no consumer of ours
  uint64_t malformed_packets = 0;      // neither parseable RTP nor RTCP
  uint64_t send_failures = 0;          // DatagramSocket::SendTo returned false
  // Video (camera and browser screen senders; the native sender counts its own).
  uint64_t video_frames_sent = 0;      // frames encoded and handed to the packetizer
  uint64_t video_key_frames_sent = 0;
  uint64_t video_rtp_sent = 0;         // video RTP packets sent (retransmissions included)
  uint64_t video_retransmissions = 0;  // packets re-sent on NACK
  uint64_t nacks_received = 0;         // NACK packets about our video SSRCs
  uint64_t plis_received = 0;          // PLI + FIR about our video SSRCs
  uint64_t rembs_received = 0;
  uint64_t video_rtp_received = 0;     // RTP packets for our video consumers
  uint64_t nacks_sent = 0;             // NACK packets our video receivers sent
  uint64_t plis_sent = 0;              // PLI packets our video receivers sent
  uint64_t camera_produces = 0;        // camera producers created (media_produce succeeded)
  uint64_t screen_produces = 0;        // browser screen producers created
  uint64_t native_sessions = 0;        // create_native_sender_session succeeded
  uint64_t fallbacks = 0;              // native -> browser switches started
};

}  // namespace sfusim::clients
