// PlainConsumer: an sfusim extension for real-network interop (issue 8). PROTOCOL.md has plain RTP
// only for the native sender's upstream; to let a real RTP stack that speaks no SRTP (GStreamer's
// udpsrc ! rtph264depay, a packet capture) receive what the SFU forwards, SfuServer can open a
// plain consumer: one unencrypted RTP stream of one producer, sent to a fixed address.
//
// Contract (SfuServer::OpenPlainConsumer):
// - `user_id` names an authenticated connection that is a member of the producer's channel; the
//   consumer belongs to it (it closes with the producer, or when that connection leaves or drops),
//   so every invariant on consumers holds for it as for any other.
// - Each call opens its own plain transport (a UDP socket on the SFU host) whose remote is
//   `target` from the start (no latching on an incoming packet: the peer may only listen). The
//   consumer starts resumed; a video consumer asks its producer for a key frame at once.
// - Plain RTP only: no SRTP, no RTCP towards the target (an RTP-only receiver port would see the
//   SR as a broken RTP packet). Payload type and clock rate are the producer's (the SFU rewrites
//   SSRC, sequence numbers and timestamps only); the new SSRC is in the result.
// - Errors (nullopt with `error`): unknown user, user in no channel, no such producer in the
//   user's channel, too many consumers on the connection, no free UDP port.
// - Not reachable through signaling: it is a control of the in-process server (tests, tools).
#pragma once

#include <cstdint>
#include <string>

#include "sfusim/protocol/signaling/media_types.h"

namespace sfusim::sfu {

struct PlainConsumerInfo {
  std::string consumer_id;
  std::string transport_id;
  protocol::MediaKind kind = protocol::MediaKind::kAudio;
  uint32_t ssrc = 0;          // the consumer's output SSRC
  uint8_t payload_type = 0;   // the producer's
  uint32_t clock_rate = 0;    // Hz
  std::string mime_type;      // "audio/opus", "video/H264", ...
  uint16_t local_port = 0;    // the SFU's UDP port the stream leaves from
};

}  // namespace sfusim::sfu
