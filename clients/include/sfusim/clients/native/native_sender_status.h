// NativeSenderStatus and NativeSenderCounters: what a NativeSender shows of itself
// (VIDEO_DESIGN.md V3, PROTOCOL.md §3 "Counters" and "status").
//
// States: kIdle (created) -> kStarting (Start: socket opening) -> kRunning -> kStopping (Stop:
// tearing down) -> kStopped; kRunning -> kFallenBack (a fallback threshold crossed, or a fatal
// failure); Start from kStopped or kFallenBack runs again; any -> kDisposed (final). kStarting
// and kStopping are transient: the simulated sender passes through them inside one call, so an
// observer outside the call sees kIdle, kRunning, kStopped, kFallenBack or kDisposed.
// Counters are cumulative over the sender's life (across Stop/Start).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sfusim::clients {

enum class NativeSenderState { kIdle, kStarting, kRunning, kStopping, kStopped, kFallenBack, kDisposed };

inline std::string_view NativeSenderStateName(NativeSenderState state) {
  switch (state) {
    case NativeSenderState::kIdle: return "idle";
    case NativeSenderState::kStarting: return "starting";
    case NativeSenderState::kRunning: return "running";
    case NativeSenderState::kStopping: return "stopping";
    case NativeSenderState::kStopped: return "stopped";
    case NativeSenderState::kFallenBack: return "fallen_back";
    case NativeSenderState::kDisposed: return "disposed";
  }
  return "unknown";
}

struct NativeSenderStatus {
  NativeSenderState state = NativeSenderState::kIdle;
  std::string last_fallback_reason;  // empty until a fallback; kept afterwards (even after a restart)
  int degradation_level = 0;         // 0 = undegraded; the ladder's rung
  int fps = 0;                       // current capture/encode frame rate
  std::string tier;                  // current resolution tier name ("720p" ...)
  int width = 0, height = 0;         // of the tier
  int64_t bitrate_bps = 0;           // current encoder target (ladder and bandwidth applied)
  bool transport_connected = false;  // the plain RTP socket is open
  bool producer_connected = false;   // the SFU's producer for our SSRC exists (told by the client)
};

struct NativeSenderCounters {
  uint64_t frames_captured = 0;               // capture ticks (dropped ones included)
  uint64_t frames_dropped_before_encode = 0;  // queue full
  uint64_t frames_encoded = 0;
  uint64_t encode_failures = 0;
  uint64_t encodes_discarded = 0;             // in-flight encodes dropped by Stop/fallback/Dispose
  uint64_t packets_sent = 0;                  // RTP packets handed to the socket successfully
  uint64_t packets_dropped_during_send = 0;   // RTP packets whose send failed (send errors)
  uint64_t bytes_sent = 0;                    // RTP bytes sent
  uint64_t retransmissions = 0;               // packets resent on NACK
  uint64_t key_frames = 0;
  uint64_t key_frame_requests = 0;            // PLI + FIR received
  uint64_t nacks_received = 0;                // NACK packets
  uint64_t rtcp_sent = 0;                     // SR compounds sent
  uint64_t rtcp_received = 0;                 // RTCP datagrams accepted
  uint64_t rtcp_errors = 0;                   // datagrams / sub-packets that did not parse
  uint64_t datagrams_ignored = 0;             // not RTCP, or not from rtp_target
  uint64_t degradation_changes = 0;
  uint64_t pipeline_restarts = 0;             // packetizer rebuilds (restart_pipeline_on_tier_change)
  uint64_t fallbacks = 0;
};

}  // namespace sfusim::clients
