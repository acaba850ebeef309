#include "sfusim/clients/video/video_sender.h"

#include <algorithm>
#include <string>

#include "sfusim/clients/video/source_frame_cache.h"
#include "sfusim/clients/video/video_constants.h"
#include "sfusim/protocol/limits.h"

namespace sfusim::clients {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

protocol::Status Validate(const sim::Env& env, const VideoSenderConfig& c) {
  if (env.scheduler == nullptr) return protocol::MakeError("invalid_argument", "video sender: env.scheduler is null");
  if (c.rtp.ssrc == 0) return protocol::MakeError("invalid_argument", "video sender: ssrc must not be 0");
  if (c.rtp.payload_type > protocol::kMaxRtpPayloadType) {
    return protocol::MakeError("invalid_argument", "video sender: payload_type must be 0..127");
  }
  if (!I420Frame::IsValidSize(c.width, c.height)) {
    return protocol::MakeError("invalid_argument", "video sender: size " + std::to_string(c.width) + "x" +
                                                       std::to_string(c.height) + " is not even or out of range");
  }
  if (c.fps < kVideoMinFps || c.fps > kVideoMaxFps) {
    return protocol::MakeError("invalid_argument", "video sender: fps " + std::to_string(c.fps) + " out of range");
  }
  if (c.bitrate_bps < kVideoMinBitrateBps || c.bitrate_bps > kVideoMaxBitrateBps) {
    return protocol::MakeError("invalid_argument", "video sender: bitrate_bps out of range");
  }
  return protocol::Ok{};
}

}  // namespace

protocol::Result<std::unique_ptr<VideoSender>> VideoSender::Create(sim::Env env, VideoSenderConfig config) {
  if (auto s = Validate(env, config); !s) return s.error();
  H264EncoderConfig ec;
  ec.width = config.width;
  ec.height = config.height;
  ec.fps = config.fps;
  ec.bitrate_bps = config.bitrate_bps;
  ec.content = config.content;
  ec.key_frame_interval_s = config.key_frame_interval_s;
  auto encoder = H264Encoder::Create(ec);
  if (!encoder) return encoder.error();
  std::unique_ptr<VideoEncoder> e = std::move(encoder).value();
  return std::unique_ptr<VideoSender>(new VideoSender(env, std::move(config), std::move(e)));
}

protocol::Result<std::unique_ptr<VideoSender>> VideoSender::Create(sim::Env env, VideoSenderConfig config,
                                                                   std::unique_ptr<VideoEncoder> encoder) {
  if (auto s = Validate(env, config); !s) return s.error();
  if (encoder == nullptr) return protocol::MakeError("invalid_argument", "video sender: encoder is null");
  return std::unique_ptr<VideoSender>(new VideoSender(env, std::move(config), std::move(encoder)));
}

VideoSender::VideoSender(sim::Env env, VideoSenderConfig config, std::unique_ptr<VideoEncoder> encoder)
    : env_(env),
      config_(std::move(config)),
      source_(config_.content, config_.source_seed),
      encoder_(std::move(encoder)),
      rtp_(env.Sub("video_rtp"), config_.rtp, VideoRtpSender::SendFn{}),
      target_bitrate_bps_(config_.bitrate_bps),
      applied_bitrate_bps_(config_.bitrate_bps),
      pending_width_(config_.width),
      pending_height_(config_.height),
      self_(std::make_shared<VideoSender*>(this)) {
  // The RTP sender calls through a weak handle: the callback can be replaced at any time.
  std::weak_ptr<VideoSender*> weak = self_;
  rtp_.SetSendFunction([weak](std::vector<uint8_t> packet) {
    auto self = weak.lock();
    if (!self || !(*self)->send_) return false;
    return (*self)->send_(std::move(packet));
  });
}

VideoSender::~VideoSender() { Stop(); }

void VideoSender::SetSendCallback(SendCallback send) { send_ = std::move(send); }

void VideoSender::SetTransportSequenceAllocator(VideoRtpSender::TransportSequenceAllocator a) {
  rtp_.SetTransportSequenceAllocator(std::move(a));
}

void VideoSender::Start() {
  if (running_) return;
  running_ = true;
  start_time_ = env_.Now();
  ticks_since_start_ = 0;
  ScheduleNext();
}

void VideoSender::Stop() {
  running_ = false;
  if (timer_.valid()) env_.scheduler->Cancel(timer_);
  timer_ = sim::EventId{};
}

void VideoSender::ScheduleNext() {
  // Frame k at start + k / fps, from k (no accumulated rounding).
  const int64_t offset_us =
      static_cast<int64_t>(ticks_since_start_) * kMicrosPerSecond / static_cast<int64_t>(config_.fps);
  std::weak_ptr<VideoSender*> weak = self_;
  timer_ = env_.scheduler->PostAt(start_time_ + sim::TimeDelta::Micros(offset_us), [weak] {
    if (auto self = weak.lock()) (*self)->Tick();
  });
}

void VideoSender::RequestKeyFrame() {
  ++counters_.key_frame_requests;
  key_frame_pending_ = true;
}

void VideoSender::OnNack(std::span<const uint16_t> seqs) { (void)rtp_.OnNack(seqs); }

void VideoSender::SetTargetBitrate(int64_t bps) {
  target_bitrate_bps_ = std::clamp(bps, kVideoMinBitrateBps, kVideoMaxBitrateBps);
}

protocol::Status VideoSender::SetResolution(int width, int height) {
  if (!I420Frame::IsValidSize(width, height)) {
    return protocol::MakeError("invalid_argument", "video sender: size " + std::to_string(width) + "x" +
                                                       std::to_string(height) + " is not even or out of range");
  }
  pending_width_ = width;
  pending_height_ = height;
  return protocol::Ok{};
}

const VideoSenderCounters& VideoSender::counters() const {
  const auto& r = rtp_.counters();
  counters_.packets_sent = r.packets_sent;
  counters_.bytes_sent = r.bytes_sent;
  counters_.send_failures = r.send_failures;
  counters_.retransmissions = r.retransmissions;
  return counters_;
}

void VideoSender::Tick() {
  timer_ = sim::EventId{};
  if (!running_) return;
  const sim::Timestamp capture_time = env_.Now();
  ++ticks_since_start_;
  ScheduleNext();

  if (pending_width_ != config_.width || pending_height_ != config_.height) {
    if (auto s = encoder_->SetResolution(pending_width_, pending_height_); s) {
      config_.width = pending_width_;
      config_.height = pending_height_;
    } else {
      pending_width_ = config_.width;
      pending_height_ = config_.height;
    }
  }
  if (target_bitrate_bps_ != applied_bitrate_bps_) {
    if (auto s = encoder_->SetRates(target_bitrate_bps_, config_.fps); s) applied_bitrate_bps_ = target_bitrate_bps_;
  }

  const uint32_t frame_number = next_frame_number_++;
  ++counters_.frames_captured;
  // Rendered through the thread's cache: the receivers regenerate the same picture for PSNR.
  const I420Frame& picture =
      SourceFrameCache::ForThisThread().Get(source_, frame_number, config_.width, config_.height);
  const bool force_key = key_frame_pending_;
  auto encoded = encoder_->Encode(picture, frame_number, force_key);
  if (!encoded) {
    ++counters_.encode_errors;
    key_frame_pending_ = true;
    return;
  }
  key_frame_pending_ = false;
  if (encoded->annex_b.empty()) {
    ++counters_.frames_skipped;
    if (force_key) key_frame_pending_ = true;  // the IDR is still owed
    return;
  }
  ++counters_.frames_encoded;
  if (encoded->key_frame) ++counters_.key_frames;
  counters_.encoded_bytes += encoded->annex_b.size();
  (void)rtp_.SendFrame(*encoded, capture_time);
}

}  // namespace sfusim::clients
