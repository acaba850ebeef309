// VideoRtpSender: encoded frames -> RTP packets (RFC 3550 + RFC 6184 via protocol::H264Packetizer),
// with a bounded retransmission history served on NACK.
//
// Contract:
// - SendFrame(): every packet of the frame gets pt, ssrc, consecutive seq (+1 per packet, the
//   first from env.rng.Fork("rtp")), one 90 kHz timestamp (a random base + capture time in 90 kHz
//   units: consecutive frames keep the clock's pace), marker on the last packet, and the header
//   extensions whose ids are non-zero: mid (if non-empty), abs-send-time (= the send time, Now()),
//   transport-wide seq (from the allocator if set, else an internal counter), abs-capture-time
//   (= capture_time, short form). An empty access unit (an encoder-skipped frame) sends nothing.
//   A packetizer error (malformed access unit) sends nothing and counts packetize_errors.
// - Every packet built is kept in a history of the last kVideoSendHistoryPackets packets (also
//   the ones whose send failed: a NACK can repair them). OnNack() resends, in the order asked,
//   each requested seq still in history, with the same seq/timestamp/payload and fresh
//   abs-send-time and transport-wide seq (no RTX, like the SFU); duplicates in one request are
//   sent once; seqs not in history are counted as nack_misses. At most
//   kVideoMaxNackSequenceNumbers are handled per call.
// - max_payload_bytes outside [kH264MinMaxPayloadBytes, kH264MaxPayloadBytes] is clamped into it.
// - No timers: the caller drives it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "sfusim/clients/video/video_encoder.h"
#include "sfusim/protocol/h264/h264_constants.h"
#include "sfusim/protocol/h264/h264_packetizer.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/sim/env.h"

namespace sfusim::clients {

// RTP header extension ids (0 = do not write). Defaults: the router's.
struct VideoHeaderExtensionIds {
  uint8_t mid = protocol::kHeaderExtensionIdMid;
  uint8_t abs_send_time = protocol::kHeaderExtensionIdAbsSendTime;
  uint8_t transport_wide_cc = protocol::kHeaderExtensionIdTransportWideCc;
  uint8_t abs_capture_time = protocol::kHeaderExtensionIdAbsCaptureTime;
  bool operator==(const VideoHeaderExtensionIds&) const = default;
};

struct VideoRtpSenderConfig {
  uint32_t ssrc = 1;
  uint8_t payload_type = protocol::kPayloadTypeH264;
  std::string mid;
  VideoHeaderExtensionIds extension_ids;
  size_t max_payload_bytes = protocol::kH264DefaultMaxPayloadBytes;
};

struct VideoRtpSenderCounters {
  uint64_t frames_sent = 0;          // non-empty frames packetized
  uint64_t key_frames_sent = 0;
  uint64_t packets_sent = 0;         // first transmissions handed to the send function
  uint64_t bytes_sent = 0;           // RTP bytes of those (whether or not the send succeeded)
  uint64_t payload_bytes_sent = 0;
  uint64_t send_failures = 0;        // send function returned false (first sends and retransmissions)
  uint64_t retransmissions = 0;      // packets resent on NACK
  uint64_t retransmitted_bytes = 0;
  uint64_t nack_requests = 0;        // OnNack calls
  uint64_t nack_misses = 0;          // requested seqs no longer (or never) in history
  uint64_t packetize_errors = 0;
};

class VideoRtpSender {
 public:
  using SendFn = std::function<bool(std::vector<uint8_t> packet)>;  // false: the send failed
  using TransportSequenceAllocator = std::function<uint16_t()>;

  VideoRtpSender(sim::Env env, VideoRtpSenderConfig config, SendFn send);

  struct SendOutcome {
    size_t packets = 0;
    size_t send_failures = 0;
  };
  SendOutcome SendFrame(const EncodedVideoFrame& frame, sim::Timestamp capture_time);
  size_t OnNack(std::span<const uint16_t> sequence_numbers);  // retransmitted count

  void SetSendFunction(SendFn send) { send_ = std::move(send); }
  void SetTransportSequenceAllocator(TransportSequenceAllocator a) { next_transport_seq_ = std::move(a); }

  // The RTP timestamp of a capture time (for sender reports: NTP time <-> RTP time).
  uint32_t RtpTimestamp(sim::Timestamp capture_time) const;
  uint16_t next_sequence_number() const { return seq_; }
  const VideoRtpSenderConfig& config() const { return config_; }
  const VideoRtpSenderCounters& counters() const { return counters_; }
  size_t history_size() const { return history_.size(); }

 private:
  // Stamps the per-transmission extensions and hands the packet to send_. True if sent.
  bool Transmit(protocol::RtpPacket& packet, size_t* bytes);

  sim::Env env_;
  VideoRtpSenderConfig config_;
  SendFn send_;
  TransportSequenceAllocator next_transport_seq_;
  protocol::H264Packetizer packetizer_;
  uint16_t seq_ = 0;
  uint32_t timestamp_base_ = 0;
  uint16_t transport_seq_ = 0;
  std::deque<protocol::RtpPacket> history_;  // oldest first, consecutive seqs
  VideoRtpSenderCounters counters_;
};

}  // namespace sfusim::clients
