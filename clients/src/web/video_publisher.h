// VideoPublisher (private to the web client): one video producer's send side, the camera or the
// browser screen share: a VideoSender plus its BandwidthController (PROTOCOL.md §5).
//
// Contract:
// - Create() builds the VideoSender (OpenH264) at the config's size, fps and max bitrate; the
//   controller starts at max_bitrate_bps and stays in [min_bitrate_bps, max_bitrate_bps].
// - OnReportBlock(block about our SSRC): RTT = A - LSR - DLSR and loss = fraction_lost / 256 ->
//   controller -> VideoSender::SetTargetBitrate. A block without LSR changes nothing.
//   OnRemb caps the target the same way. NACK and PLI/FIR go to the sender.
// - AppendSenderReport(): an RTCP SR for our SSRC (NTP = simulated time, RTP time = 90 kHz of it,
//   packet/octet counts of first transmissions), only once something was sent.
// - Start/Stop idempotent (the VideoSender's timer); the destructor cancels it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sfusim/clients/bandwidth/bandwidth_controller.h"
#include "sfusim/clients/video/video_sender.h"
#include "sfusim/protocol/rtcp/report_block.h"
#include "sfusim/protocol/result.h"
#include "sfusim/sim/env.h"

namespace sfusim::clients {

struct VideoPublisherConfig {
  bool screen = false;  // VideoContent::kScreen, else kCamera
  int width = 640, height = 360, fps = 30;
  int64_t max_bitrate_bps = 700'000;
  int64_t min_bitrate_bps = 100'000;
  uint32_t ssrc = 0;
  uint8_t payload_type = 96;
  std::string mid;
  uint8_t mid_id = 0, abs_send_time_id = 0, transport_wide_cc_id = 0, abs_capture_time_id = 0;
  uint64_t seed = 0;
  bool operator==(const VideoPublisherConfig&) const = default;
};

struct VideoPublisherStats {
  uint64_t frames_encoded = 0;
  uint64_t key_frames = 0;
  uint64_t packets_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t retransmissions = 0;
};

class VideoPublisher {
 public:
  static protocol::Result<std::unique_ptr<VideoPublisher>> Create(sim::Env env, VideoPublisherConfig config);

  void SetSendCallback(std::function<bool(std::vector<uint8_t>)> send);
  void Start();
  void Stop();
  bool running() const;
  uint32_t ssrc() const { return config_.ssrc; }
  const VideoPublisherConfig& config() const { return config_; }

  void OnNack(std::span<const uint16_t> sequence_numbers);
  void RequestKeyFrame();
  void OnReportBlock(const protocol::rtcp::ReportBlock& block, sim::Timestamp now);
  void OnRemb(uint64_t bitrate_bps);
  // Appends an SR when something was sent; false otherwise (nothing appended).
  bool AppendSenderReport(std::vector<uint8_t>& out, sim::Timestamp now) const;

  int64_t target_bitrate_bps() const { return controller_.target_bps(); }
  VideoPublisherStats stats() const;
  const VideoSender& sender() const { return *sender_; }

 private:
  VideoPublisher(VideoPublisherConfig config, std::unique_ptr<VideoSender> sender, BandwidthController controller);
  void ApplyTarget();

  VideoPublisherConfig config_;
  std::unique_ptr<VideoSender> sender_;
  BandwidthController controller_;
};

}  // namespace sfusim::clients
