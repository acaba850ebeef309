#include "video_publisher.h"

#include <algorithm>
#include <utility>

#include "sfusim/clients/rtcp_dispatcher.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtcp/sender_report.h"

namespace sfusim::clients {

protocol::Result<std::unique_ptr<VideoPublisher>> VideoPublisher::Create(sim::Env env, VideoPublisherConfig config) {
  if (config.ssrc == 0) return protocol::MakeError("invalid_argument", "ssrc: 0 is not a valid SSRC");
  if (config.min_bitrate_bps < 1 || config.max_bitrate_bps < config.min_bitrate_bps) {
    return protocol::MakeError("invalid_argument", "bitrate: need 1 <= min <= max");
  }
  VideoSenderConfig sc;
  sc.content = config.screen ? VideoContent::kScreen : VideoContent::kCamera;
  sc.width = config.width;
  sc.height = config.height;
  sc.fps = config.fps;
  sc.bitrate_bps = config.max_bitrate_bps;
  sc.source_seed = config.seed;
  sc.rtp.ssrc = config.ssrc;
  sc.rtp.payload_type = config.payload_type;
  sc.rtp.mid = config.mid;
  sc.rtp.extension_ids.mid = config.mid_id;
  sc.rtp.extension_ids.abs_send_time = config.abs_send_time_id;
  sc.rtp.extension_ids.transport_wide_cc = config.transport_wide_cc_id;
  sc.rtp.extension_ids.abs_capture_time = config.abs_capture_time_id;
  auto sender = VideoSender::Create(env, sc);
  if (!sender.ok()) return sender.error();
  BandwidthControllerConfig bc;
  bc.initial_bps = config.max_bitrate_bps;
  bc.min_bps = config.min_bitrate_bps;
  bc.max_bps = config.max_bitrate_bps;
  auto controller = BandwidthController::Create(bc);
  if (!controller.ok()) return controller.error();
  return std::unique_ptr<VideoPublisher>(
      new VideoPublisher(std::move(config), std::move(sender.value()), std::move(controller.value())));
}

VideoPublisher::VideoPublisher(VideoPublisherConfig config, std::unique_ptr<VideoSender> sender,
                               BandwidthController controller)
    : config_(std::move(config)), sender_(std::move(sender)), controller_(std::move(controller)) {}

void VideoPublisher::SetSendCallback(std::function<bool(std::vector<uint8_t>)> send) {
  sender_->SetSendCallback(std::move(send));
}
void VideoPublisher::Start() { sender_->Start(); }
void VideoPublisher::Stop() { sender_->Stop(); }
bool VideoPublisher::running() const { return sender_->running(); }
void VideoPublisher::OnNack(std::span<const uint16_t> sequence_numbers) { sender_->OnNack(sequence_numbers); }
void VideoPublisher::RequestKeyFrame() { sender_->RequestKeyFrame(); }

void VideoPublisher::OnReportBlock(const protocol::rtcp::ReportBlock& block, sim::Timestamp now) {
  if (block.source_ssrc != config_.ssrc) return;
  if (controller_.OnReportBlock(NtpMiddle32(NtpFromTimestamp(now)), block).ok()) ApplyTarget();
}

void VideoPublisher::OnRemb(uint64_t bitrate_bps) {
  const int64_t bps = static_cast<int64_t>(std::min<uint64_t>(bitrate_bps, protocol::kMaxEncodingBitrateBps));
  if (controller_.OnRemb(bps).ok()) ApplyTarget();
}

void VideoPublisher::ApplyTarget() { sender_->SetTargetBitrate(controller_.target_bps()); }

bool VideoPublisher::AppendSenderReport(std::vector<uint8_t>& out, sim::Timestamp now) const {
  const VideoSenderCounters& c = sender_->counters();
  if (c.packets_sent == 0) return false;
  protocol::rtcp::SenderReport sr;
  sr.sender_ssrc = config_.ssrc;
  sr.ntp_timestamp = NtpFromTimestamp(now);
  // 90 kHz of the simulated clock: the same clock the sender stamps capture times with.
  sr.rtp_timestamp = static_cast<uint32_t>(static_cast<uint64_t>(std::max<int64_t>(now.us(), 0)) *
                                           protocol::kVideoClockRateHz / 1'000'000);
  sr.packet_count = static_cast<uint32_t>(c.packets_sent);
  sr.octet_count = static_cast<uint32_t>(c.bytes_sent);
  return sr.AppendTo(out).ok();
}

VideoPublisherStats VideoPublisher::stats() const {
  const VideoSenderCounters& c = sender_->counters();
  return VideoPublisherStats{c.frames_encoded, c.key_frames, c.packets_sent, c.bytes_sent, c.retransmissions};
}

}  // namespace sfusim::clients
