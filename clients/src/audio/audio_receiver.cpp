#include "sfusim/clients/audio/audio_receiver.h"

#include <algorithm>

#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp/audio_level.h"

namespace sfusim::clients {

protocol::Result<std::unique_ptr<AudioReceiver>> AudioReceiver::Create(sim::Env env, AudioReceiverConfig config,
                                                                       AudioStreamStats* stats) {
  if (stats == nullptr) return protocol::MakeError("invalid_argument", "audio receiver: stats is null");
  if (env.scheduler == nullptr) return protocol::MakeError("invalid_argument", "audio receiver: env.scheduler is null");
  auto decoder = OpusDecoder::Create();
  if (!decoder) return decoder.error();
  return std::unique_ptr<AudioReceiver>(new AudioReceiver(env, config, stats, std::move(decoder).value()));
}

AudioReceiver::AudioReceiver(sim::Env env, AudioReceiverConfig config, AudioStreamStats* stats, OpusDecoder decoder)
    : env_(env),
      config_(config),
      stats_(stats),
      decoder_(std::move(decoder)),
      jitter_buffer_(config.use_fec),
      self_(std::make_shared<AudioReceiver*>(this)) {
  ++stats_->receivers;
}

AudioReceiver::~AudioReceiver() { Stop(); }

void AudioReceiver::Stop() {
  if (!stopped_) {
    // What is still buffered is never played: count it, so the stream's packet ledger closes.
    stats_->packets_discarded += jitter_buffer_.size();
  }
  stopped_ = true;
  if (timer_.valid()) env_.scheduler->Cancel(timer_);
  timer_ = sim::EventId{};
}

void AudioReceiver::OnRtp(std::span<const uint8_t> packet, sim::Timestamp arrival) {
  auto view = protocol::RtpPacketView::Parse(packet);
  if (!view) {
    if (!stopped_) ++stats_->packets_invalid;
    return;
  }
  OnRtp(*view, arrival);
}

void AudioReceiver::OnRtp(const protocol::RtpPacketView& view, sim::Timestamp arrival) {
  if (stopped_) return;
  if (view.payload_type() != config_.payload_type || (config_.ssrc != 0 && view.ssrc() != config_.ssrc) ||
      view.payload().empty()) {
    ++stats_->packets_invalid;
    return;
  }
  stats_->RecordBytes(arrival, view.size());
  JitterPacket p;
  p.sequence_number = view.sequence_number();
  p.timestamp = view.timestamp();
  p.marker = view.marker();
  p.arrival = arrival;
  if (config_.audio_level_id != 0) {
    if (auto level = view.GetExtension<protocol::AudioLevel>(config_.audio_level_id))
      p.voice_activity = level->voice_activity;
  }
  if (config_.abs_capture_time_id != 0) {
    if (auto t = view.GetExtension<protocol::AbsCaptureTime>(config_.abs_capture_time_id)) {
      p.capture_time = sim::Timestamp::Micros(protocol::AbsCaptureTime::ToMicros(t->absolute_capture_timestamp));
    }
  }
  const auto payload = view.payload();
  p.payload.assign(payload.begin(), payload.end());
  const uint64_t discarded_before = jitter_buffer_.discarded();
  switch (jitter_buffer_.Insert(std::move(p))) {
    case JitterBuffer::InsertResult::kInserted:
      ++stats_->packets_received;
      break;
    case JitterBuffer::InsertResult::kDuplicate:
      ++stats_->packets_duplicate;
      break;
    case JitterBuffer::InsertResult::kLate:
      ++stats_->packets_late;
      break;
    case JitterBuffer::InsertResult::kOverflow:
      ++stats_->packets_overflow;
      break;
  }
  stats_->packets_discarded += jitter_buffer_.discarded() - discarded_before;
  if (!timer_started_ && jitter_buffer_.started()) {
    timer_started_ = true;
    next_tick_ = std::max(jitter_buffer_.first_playout_time(), env_.Now());
    std::weak_ptr<AudioReceiver*> weak = self_;
    timer_ = env_.scheduler->PostAt(next_tick_, [weak] {
      if (auto self = weak.lock()) (*self)->Tick();
    });
  }
}

void AudioReceiver::Tick() {
  timer_ = sim::EventId{};
  if (stopped_) return;
  const sim::Timestamp now = env_.Now();
  next_tick_ = now + kAudioFrameDuration;
  std::weak_ptr<AudioReceiver*> weak = self_;
  timer_ = env_.scheduler->PostAt(next_tick_, [weak] {
    if (auto self = weak.lock()) (*self)->Tick();
  });

  const uint64_t discarded_before = jitter_buffer_.discarded();
  JitterBuffer::Frame frame = jitter_buffer_.NextFrame(now);
  stats_->packets_discarded += jitter_buffer_.discarded() - discarded_before;
  stats_->packets_lost += frame.newly_lost;
  if (frame.dropped_one) ++stats_->frames_dropped;
  std::span<int16_t> pcm(pcm_);
  FrameStatus status = frame.status;
  std::optional<double> delay;
  switch (status) {
    case FrameStatus::kNormal: {
      auto n = decoder_.Decode(frame.packet->payload, pcm);
      if (!n) {
        ++stats_->packets_invalid;
        ++stats_->frames_undecodable;
        status = FrameStatus::kConcealed;
        (void)decoder_.Conceal(pcm);
      } else if (frame.packet->capture_time) {
        delay = static_cast<double>((now - *frame.packet->capture_time).us()) / 1000.0;
      }
      break;
    }
    case FrameStatus::kFec:
      if (!decoder_.DecodeFec(frame.packet->payload, pcm)) {
        status = FrameStatus::kConcealed;
        (void)decoder_.Conceal(pcm);
      }
      break;
    case FrameStatus::kConcealed:
      (void)decoder_.Conceal(pcm);
      break;
    case FrameStatus::kNoData:
      std::fill(pcm_.begin(), pcm_.begin() + kAudioFrameSamples, int16_t{0});
      break;
  }
  stats_->RecordFrame(now, status, delay);
}

}  // namespace sfusim::clients
