// Test harness: SyntheticVideoSource -> H264Encoder -> VideoRtpSender -> (lossy, delaying,
// reordering test link on a sim::Scheduler) -> VideoReceiver, with the receiver's RTCP (NACK,
// PLI) carried back to the sender over the same one-way delay.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <vector>

#include "sfusim/clients/video/h264_encoder.h"
#include "sfusim/clients/video/synthetic_video_source.h"
#include "sfusim/clients/video/video_receiver.h"
#include "sfusim/clients/video/video_rtp_sender.h"
#include "sfusim/clients/video/video_stream_stats.h"
#include "sfusim/protocol/rtcp/nack.h"
#include "sfusim/protocol/rtcp/rtcp_compound_view.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/scheduler.h"

namespace sfusim::clients::testing {

struct LoopConfig {
  int width = 640, height = 360, fps = 30;
  int64_t bitrate_bps = 700'000;
  VideoContent content = VideoContent::kCamera;
  uint64_t seed = 42;
  sim::TimeDelta one_way = sim::TimeDelta::Millis(20);
  uint32_t ssrc = 0x1234;
  bool measure_psnr = true;
};

class VideoLoop {
 public:
  explicit VideoLoop(LoopConfig config = {}) : config_(config), source_(config.content, config.seed) {
    env_ = sim::Env{&scheduler_, sim::Rng(7), nullptr, nullptr};
    H264EncoderConfig ec;
    ec.width = config.width;
    ec.height = config.height;
    ec.fps = config.fps;
    ec.bitrate_bps = config.bitrate_bps;
    ec.content = config.content;
    auto enc = H264Encoder::Create(ec);
    if (enc.ok()) encoder_ = std::move(enc).value();
    VideoRtpSenderConfig sc;
    sc.ssrc = config.ssrc;
    sender_ = std::make_unique<VideoRtpSender>(env_.Sub("tx"), sc, [this](std::vector<uint8_t> p) { return Forward(std::move(p)); });
    VideoReceiverConfig rc;
    rc.ssrc = config.ssrc;
    rc.content = config.content;
    rc.source_seed = config.seed;
    rc.measure_psnr = config.measure_psnr;
    auto rx = VideoReceiver::Create(env_.Sub("rx"), rc, &stats_);
    if (rx.ok()) receiver_ = std::move(rx).value();
    if (receiver_) {
      receiver_->SetFeedbackSsrc(0x77);
      receiver_->SetRtt(config.one_way * 2);
      receiver_->SetRtcpCallback([this](std::vector<uint8_t> rtcp) { Backward(std::move(rtcp)); });
    }
  }

  bool ok() const { return encoder_ && receiver_; }

  // Captures `frames` frames at fps starting at time 0, then runs `tail` more.
  void Run(int frames, sim::TimeDelta tail = sim::TimeDelta::Seconds(1)) {
    for (int k = 0; k < frames; ++k) {
      const auto at = sim::Timestamp::Micros(static_cast<int64_t>(k) * 1'000'000 / config_.fps);
      scheduler_.PostAt(at, [this, k] { CaptureFrame(static_cast<uint32_t>(k)); });
    }
    scheduler_.RunUntil(sim::Timestamp::Micros(static_cast<int64_t>(frames) * 1'000'000 / config_.fps) + tail);
  }

  // Hooks. drop(seq, transmission) -> true drops the packet (transmission 0 = first send).
  std::function<bool(uint16_t seq, int transmission)> drop;
  // Extra forward delay of a packet (reordering).
  std::function<sim::TimeDelta(uint16_t seq, int transmission)> extra_delay;
  // When set and returning false at the time a PLI reaches the sender, the PLI is ignored.
  std::function<bool(sim::Timestamp now)> honour_pli;

  sim::Scheduler& scheduler() { return scheduler_; }
  VideoReceiver& receiver() { return *receiver_; }
  VideoRtpSender& sender() { return *sender_; }
  const VideoStreamStats& stats() const { return stats_; }
  VideoStreamStats& mutable_stats() { return stats_; }
  void DestroyReceiver() { receiver_.reset(); }

  // What reached the sender side.
  std::vector<sim::Timestamp> pli_times;
  std::vector<uint16_t> nacked;  // every seq in every NACK, in order
  std::map<uint16_t, int> transmissions;
  std::vector<uint32_t> key_frame_numbers;  // frames encoded as IDR
  uint64_t packets_delivered = 0;

 private:
  void CaptureFrame(uint32_t k) {
    source_.Render(k, config_.width, config_.height, &frame_);
    auto encoded = encoder_->Encode(frame_, k, key_requested_);
    key_requested_ = false;
    if (!encoded.ok()) return;
    if (encoded->key_frame) key_frame_numbers.push_back(k);
    sender_->SendFrame(*encoded, scheduler_.Now());
  }

  bool Forward(std::vector<uint8_t> packet) {
    auto view = protocol::RtpPacketView::Parse(packet);
    if (!view.ok()) return true;
    const uint16_t seq = view->sequence_number();
    const int transmission = transmissions[seq]++;
    if (drop && drop(seq, transmission)) return true;
    sim::TimeDelta delay = config_.one_way;
    if (extra_delay) delay += extra_delay(seq, transmission);
    scheduler_.PostDelayed(delay, [this, p = std::move(packet)] {
      if (!receiver_) return;
      ++packets_delivered;
      receiver_->OnRtp(std::span<const uint8_t>(p), scheduler_.Now());
    });
    return true;
  }

  void Backward(std::vector<uint8_t> rtcp) {
    scheduler_.PostDelayed(config_.one_way, [this, r = std::move(rtcp)] { OnRtcp(r); });
  }

  void OnRtcp(const std::vector<uint8_t>& bytes) {
    auto compound = protocol::rtcp::RtcpCompoundView::Parse(bytes);
    if (!compound.ok()) return;
    for (const protocol::rtcp::RtcpPacketView& p : *compound) {
      if (p.header.packet_type == protocol::rtcp::Nack::kPacketType && p.header.count == protocol::rtcp::Nack::kFmt) {
        auto nack = protocol::rtcp::Nack::Parse(p);
        if (!nack.ok()) continue;
        const auto seqs = nack->SequenceNumbers();
        nacked.insert(nacked.end(), seqs.begin(), seqs.end());
        sender_->OnNack(seqs);
      } else if (p.header.packet_type == protocol::rtcp::RtcpHeader::kPtPayloadFeedback && p.header.count == 1) {
        pli_times.push_back(scheduler_.Now());
        if (!honour_pli || honour_pli(scheduler_.Now())) key_requested_ = true;
      }
    }
  }

  LoopConfig config_;
  sim::Scheduler scheduler_;
  sim::Env env_;
  SyntheticVideoSource source_;
  I420Frame frame_;
  VideoStreamStats stats_;
  std::unique_ptr<H264Encoder> encoder_;
  std::unique_ptr<VideoRtpSender> sender_;
  std::unique_ptr<VideoReceiver> receiver_;
  bool key_requested_ = false;
};

}  // namespace sfusim::clients::testing
