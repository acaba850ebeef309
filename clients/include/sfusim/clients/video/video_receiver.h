// VideoReceiver: one video consumer's receive pipeline: plaintext RTP -> packet buffer (waits
// for NACK retransmissions) -> protocol::H264Depacketizer -> H264Decoder, writing its
// measurements into a VideoStreamStats it does not own, and producing NACK and PLI feedback.
//
// Contract:
// - OnRtp() takes a decrypted RTP packet and its arrival time. Another payload type, another SSRC
//   (config.ssrc, or the first SSRC seen when config.ssrc == 0) or an empty/unparsable payload
//   counts as packets_invalid. Duplicates and late packets are counted, never re-delivered.
// - Packet buffer: packets are handed to the depacketizer strictly in sequence order. When the
//   next expected seq is missing, later packets are held until it arrives (a retransmission or a
//   reordered packet) or until buffer_wait() = min(kPacketBufferRttFactor x RTT +
//   kPacketBufferMargin, kPacketBufferMaxWait) has passed since the gap was first seen; then the
//   receiver gives up on the missing run (packets_lost) and goes on. Bounded by
//   kPacketBufferMaxPackets (beyond it the gap is given up at once). A forward jump larger than
//   kNackMaxGapJump restarts the stream. At the start of a stream, packets older than the first
//   one received (reordered, within kStartReorderWindow) still go to the depacketizer (which
//   accepts them while their frame is not complete), so a reordered first key frame is not lost.
// - NACK: a NackTracker sees every packet; its due sequence numbers go out as one RTCP NACK
//   (sender SSRC = SetFeedbackSsrc(), media SSRC = the stream's) at NextDueTime(): mere
//   reordering within the reorder wait is never NACKed; retries are bounded (kMaxNackRetries).
// - Decoding: complete frames are decoded in order. After an unrepaired loss (a given-up packet
//   or a frame the depacketizer reports lost), a decode error, or at the start of a stream that
//   does not begin with a key frame, the receiver waits for a key frame: it does not decode P
//   frames (frames_skipped) and sends PLI, repeated every kPliThrottle while no key frame has
//   been decoded (never more often). The first PLI of a request starts the
//   key_frame_after_pli clock; the decode of the next key frame stops it.
// - Measures per decoded frame (VideoStreamStats::RecordRenderedFrame at the decode time):
//   FrameStamp::Read (on the decoder's buffer, no copy) -> SyntheticVideoSource(config.content, config.source_seed).Render at the
//   decoded size (through SourceFrameCache::ForThisThread(), shared with the sender and the other
//   receivers of the source) -> PsnrY; delay = decode time - abs-capture-time (config.abs_capture_time_id,
//   0 = none).
// - RTCP produced here is a bare feedback packet (NACK or PLI, unprotected); the client wraps or
//   protects it. Timers live on env.scheduler (one wake-up timer, rescheduled as needed); the
//   destructor and Stop() cancel it. Callbacks hold a weak pointer, never a raw `this`.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <utility>
#include <vector>

#include "sfusim/clients/video/h264_decoder.h"
#include "sfusim/clients/video/i420_frame.h"
#include "sfusim/clients/video/nack_tracker.h"
#include "sfusim/clients/video/synthetic_video_source.h"
#include "sfusim/clients/video/video_receive_constants.h"
#include "sfusim/clients/video/video_stream_stats.h"
#include "sfusim/protocol/h264/h264_depacketizer.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/sim/env.h"

namespace sfusim::clients {

struct VideoReceiverConfig {
  uint32_t ssrc = 0;  // 0 = lock onto the first SSRC seen
  uint8_t payload_type = protocol::kPayloadTypeH264;
  uint8_t abs_capture_time_id = protocol::kHeaderExtensionIdAbsCaptureTime;  // 0 = not negotiated
  VideoContent content = VideoContent::kCamera;  // of the remote source, to regenerate it
  uint64_t source_seed = 0;
  bool measure_psnr = true;  // off: no reference rendering (stamps are still read)
  // The nack_for_reorder mutant (client_mutants.h): NACK a gap at once, without the reorder wait.
  bool nack_without_reorder_wait = false;
};

struct VideoReceiverCounters {
  uint64_t packets_buffered = 0;     // held because of a gap before them
  uint64_t gaps_given_up = 0;        // runs of missing seqs given up
  uint64_t stream_restarts = 0;
  uint64_t key_frame_requests = 0;   // key-frame requests opened (first PLI of each wait)
  uint64_t rtcp_sent = 0;
  uint64_t invalid_ssrc = 0;
  uint64_t invalid_payload_type = 0;
};

class VideoReceiver {
 public:
  using RtcpCallback = std::function<void(std::vector<uint8_t> rtcp)>;

  // `stats` must outlive the receiver. Errors: H264Decoder::Create's, "invalid_argument" for a
  // null stats pointer.
  static protocol::Result<std::unique_ptr<VideoReceiver>> Create(sim::Env env, VideoReceiverConfig config,
                                                                 VideoStreamStats* stats);
  ~VideoReceiver();
  VideoReceiver(const VideoReceiver&) = delete;
  VideoReceiver& operator=(const VideoReceiver&) = delete;

  void SetRtcpCallback(RtcpCallback send);
  void SetFeedbackSsrc(uint32_t sender_ssrc);
  void OnRtp(const protocol::RtpPacketView& packet, sim::Timestamp now);
  void OnRtp(std::span<const uint8_t> packet, sim::Timestamp now);  // parses, then as above
  void SetRtt(sim::TimeDelta rtt);  // NACK retry spacing and packet-buffer wait
  void Stop();                      // cancels the timer; later packets are ignored; held packets
                                    // count as packets_discarded

  sim::TimeDelta buffer_wait() const;
  bool waiting_for_key_frame() const { return need_key_frame_; }
  const NackTracker& nack_tracker() const { return nack_; }
  const protocol::H264Depacketizer& depacketizer() const { return depacketizer_; }
  const VideoReceiverCounters& counters() const { return counters_; }
  const VideoStreamStats& stats() const { return *stats_; }
  // Size of the last decoded picture (0 before any). The picture itself is not kept: the stamp
  // and PSNR are read from the decoder's buffer in place.
  int last_frame_width() const { return last_width_; }
  int last_frame_height() const { return last_height_; }
  // Source frame number of the last decoded picture whose stamp was read.
  std::optional<uint32_t> last_frame_number() const { return last_frame_number_; }

 private:
  struct Held {
    uint32_t timestamp = 0;
    bool marker = false;
    sim::Timestamp arrival;
    std::vector<uint8_t> payload;
  };

  VideoReceiver(sim::Env env, VideoReceiverConfig config, VideoStreamStats* stats,
                std::unique_ptr<H264Decoder> decoder);
  int64_t UnwrapNear(uint16_t seq) const;
  void Restart(uint16_t seq, sim::Timestamp now);
  void Drain(sim::Timestamp now);            // feeds the depacketizer what is in order, gives up old gaps
  void GiveUpGap(sim::Timestamp now);         // skips the missing run at next_seq_
  void Feed(int64_t seq, const Held& packet, sim::Timestamp now);
  void RememberPacketCaptureTime(const protocol::RtpPacketView& packet);
  void RememberCaptureTime(uint32_t rtp_timestamp, sim::Timestamp capture);
  std::optional<sim::Timestamp> CaptureTimeOf(uint32_t rtp_timestamp) const;
  void ProcessDepacketizerOutput(sim::Timestamp now);
  void DecodeFrame(const protocol::H264Frame& frame, sim::Timestamp now);
  void RequestKeyFrame(sim::Timestamp now);
  void MaybeSendPli(sim::Timestamp now);
  void SendNacks(sim::Timestamp now);
  void OnTimer();
  void Reschedule();
  std::optional<sim::Timestamp> GapDeadline() const;
  void SendRtcp(std::vector<uint8_t> rtcp);
  void DiscardHeld();  // counts what is held as packets_discarded and drops it

  sim::Env env_;
  VideoReceiverConfig config_;
  VideoStreamStats* stats_;
  std::unique_ptr<H264Decoder> decoder_;
  SyntheticVideoSource source_;
  protocol::H264Depacketizer depacketizer_;
  NackTracker nack_;
  RtcpCallback send_rtcp_;
  uint32_t feedback_ssrc_ = 0;
  std::optional<uint32_t> media_ssrc_;
  sim::TimeDelta rtt_ = kDefaultVideoRtt;

  std::optional<int64_t> next_seq_;      // next seq to hand to the depacketizer (unwrapped)
  std::optional<int64_t> highest_seq_;   // highest seq seen (unwrapped)
  std::optional<int64_t> first_fed_;     // first seq handed on (start-of-stream reordering)
  std::set<int64_t> early_fed_;          // seqs below first_fed_ handed on (at most kStartReorderWindow)
  std::map<int64_t, Held> held_;         // seq -> packet, all > next_seq_ - 1
  std::set<int64_t> given_up_;           // recent given-up seqs (bounded), to classify late arrivals

  bool need_key_frame_ = true;   // until the first key frame is decoded
  bool started_ = false;         // a packet has arrived
  bool request_open_ = false;    // PLI sent for the current key-frame wait
  sim::Timestamp request_started_;
  std::optional<sim::Timestamp> last_pli_;
  // RTP timestamp -> abs-capture-time of recent frames (bounded, kCaptureTimeEntries).
  static constexpr size_t kCaptureTimeEntries = 64;
  std::deque<std::pair<uint32_t, sim::Timestamp>> capture_times_;

  int last_width_ = 0, last_height_ = 0;
  std::optional<uint32_t> last_frame_number_;
  VideoReceiverCounters counters_;

  sim::EventId timer_;
  std::optional<sim::Timestamp> timer_at_;
  bool stopped_ = false;
  std::shared_ptr<VideoReceiver*> self_;
};

}  // namespace sfusim::clients
