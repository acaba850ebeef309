// RtpForwarder: the forwarding core of one producer, without sockets or SRTP, so it can be driven
// directly (unit tests, tests/bench/sfu_forward_bench.cpp). It unwraps the input sequence, stores
// each packet for retransmission, and for every resumed consumer rewrites SSRC / sequence /
// timestamp (RtpRewriter) into a scratch copy and hands it to a Sink. Paused consumers get
// nothing. The SFU's sink protects the bytes with the consumer transport's SRTP and sends them.
//
// Contract: consumers are kept in key order (deterministic fan-out order); the bytes given to the
// sink are valid only during the call; the sink must not add or remove consumers of this
// forwarder from inside the call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/rtp/sequence_number_unwrapper.h"
#include "sfusim/sfu/retransmission_buffer.h"
#include "sfusim/sfu/rtp_rewriter.h"

namespace sfusim::sfu {

class RtpForwarder {
 public:
  struct Sent {
    uint64_t consumer_key = 0;
    int64_t input_seq = 0;
    uint16_t output_seq = 0;
    uint32_t output_ssrc = 0;
    bool retransmission = false;
  };
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void OnRtpOut(const Sent& sent, std::span<const uint8_t> packet) = 0;
  };

  // resync_on_restart: given to every consumer's RtpRewriter (false: the seq_not_rewritten mutant).
  RtpForwarder(uint32_t clock_rate_hz, std::size_t retransmission_capacity, bool resync_on_restart = true);

  // A new consumer starts paused.
  void AddConsumer(uint64_t key, uint32_t output_ssrc, uint16_t initial_seq, uint32_t initial_timestamp);
  void RemoveConsumer(uint64_t key);
  // Resuming re-syncs the output so it continues where it stopped.
  void SetPaused(uint64_t key, bool paused);
  bool HasConsumer(uint64_t key) const { return Find(key) != nullptr; }
  const RtpRewriter* rewriter(uint64_t key) const;
  std::size_t consumer_count() const { return consumers_.size(); }

  // Forwards one input packet; returns how many outputs went to the sink.
  std::size_t Forward(const protocol::RtpPacketView& packet, int64_t now_us, Sink& sink);
  // Answers a NACK of consumer `key` for its output `output_seq`; true when resent.
  bool Retransmit(uint64_t key, uint16_t output_seq, Sink& sink);

  uint32_t clock_rate_hz() const { return clock_rate_hz_; }
  int64_t highest_input_seq() const { return highest_input_; }
  int64_t first_input_seq() const { return first_input_; }
  uint64_t input_packets() const { return input_packets_; }

 private:
  struct Route {
    uint64_t key = 0;
    uint32_t ssrc = 0;
    bool paused = true;
    RtpRewriter rewriter;
  };
  Route* Find(uint64_t key);
  const Route* Find(uint64_t key) const;
  static void Patch(std::vector<uint8_t>& bytes, uint16_t seq, uint32_t ts, uint32_t ssrc);

  uint32_t clock_rate_hz_;
  bool resync_on_restart_;
  protocol::SequenceNumberUnwrapper unwrapper_;
  int64_t highest_input_ = -1;
  int64_t first_input_ = -1;
  uint64_t input_packets_ = 0;
  RetransmissionBuffer buffer_;
  std::vector<Route> consumers_;  // sorted by key
  std::vector<uint8_t> scratch_;
};

}  // namespace sfusim::sfu
