#include "sfusim/clients/video/video_receiver.h"

#include <algorithm>
#include <utility>

#include "sfusim/clients/video/frame_stamp.h"
#include "sfusim/clients/video/psnr.h"
#include "sfusim/clients/video/source_frame_cache.h"
#include "sfusim/protocol/rtcp/pli.h"
#include "sfusim/protocol/rtp/abs_capture_time.h"

namespace sfusim::clients {

namespace {
// Given-up sequence numbers remembered to tell a late arrival from a duplicate.
constexpr size_t kGivenUpMemory = 1024;
}  // namespace

protocol::Result<std::unique_ptr<VideoReceiver>> VideoReceiver::Create(sim::Env env, VideoReceiverConfig config,
                                                                       VideoStreamStats* stats) {
  if (stats == nullptr) return protocol::Error{"invalid_argument", "stats: null"};
  if (env.scheduler == nullptr) return protocol::Error{"invalid_argument", "env.scheduler: null"};
  auto decoder = H264Decoder::Create();
  if (!decoder.ok()) return decoder.error();
  return std::unique_ptr<VideoReceiver>(new VideoReceiver(env, config, stats, std::move(decoder).value()));
}

VideoReceiver::VideoReceiver(sim::Env env, VideoReceiverConfig config, VideoStreamStats* stats,
                             std::unique_ptr<H264Decoder> decoder)
    : env_(env),
      config_(config),
      stats_(stats),
      decoder_(std::move(decoder)),
      source_(config.content, config.source_seed),
      nack_(config.nack_without_reorder_wait),
      self_(std::make_shared<VideoReceiver*>(this)) {
  ++stats_->receivers;
}

VideoReceiver::~VideoReceiver() {
  if (timer_.valid()) env_.scheduler->Cancel(timer_);
  DiscardHeld();
}

void VideoReceiver::DiscardHeld() {
  // Held packets are never depacketized now: say so, so that the stream's packet ledger closes.
  stats_->packets_discarded += held_.size();
  held_.clear();
}

void VideoReceiver::SetRtcpCallback(RtcpCallback send) { send_rtcp_ = std::move(send); }
void VideoReceiver::SetFeedbackSsrc(uint32_t sender_ssrc) { feedback_ssrc_ = sender_ssrc; }

void VideoReceiver::SetRtt(sim::TimeDelta rtt) {
  rtt_ = std::max(rtt, sim::TimeDelta::Zero());
  nack_.SetRtt(rtt_);
  Reschedule();
}

sim::TimeDelta VideoReceiver::buffer_wait() const {
  return std::min(rtt_ * kPacketBufferRttFactor + kPacketBufferMargin, kPacketBufferMaxWait);
}

void VideoReceiver::Stop() {
  stopped_ = true;
  DiscardHeld();
  if (timer_.valid()) env_.scheduler->Cancel(timer_);
  timer_ = {};
  timer_at_.reset();
}

int64_t VideoReceiver::UnwrapNear(uint16_t seq) const {
  if (!highest_seq_) return seq;
  const auto diff = static_cast<int16_t>(static_cast<uint16_t>(seq - static_cast<uint16_t>(*highest_seq_ & 0xFFFF)));
  return *highest_seq_ + diff;
}

void VideoReceiver::OnRtp(std::span<const uint8_t> packet, sim::Timestamp now) {
  auto view = protocol::RtpPacketView::Parse(packet);
  if (!view.ok()) {
    if (!stopped_) ++stats_->packets_invalid;
    return;
  }
  OnRtp(*view, now);
}

void VideoReceiver::OnRtp(const protocol::RtpPacketView& packet, sim::Timestamp now) {
  if (stopped_) return;
  if (packet.payload_type() != config_.payload_type) {
    ++stats_->packets_invalid;
    ++counters_.invalid_payload_type;
    return;
  }
  const uint32_t expected = config_.ssrc != 0 ? config_.ssrc : media_ssrc_.value_or(packet.ssrc());
  if (packet.ssrc() != expected) {
    ++stats_->packets_invalid;
    ++counters_.invalid_ssrc;
    return;
  }
  media_ssrc_ = packet.ssrc();
  const uint16_t seq = packet.sequence_number();
  started_ = true;
  if (!next_seq_) {
    next_seq_ = seq;
    highest_seq_ = seq;
  }
  int64_t u = UnwrapNear(seq);
  if (u - *highest_seq_ > kNackMaxGapJump || *next_seq_ - u > kNackMaxGapJump) {
    Restart(seq, now);
    u = *next_seq_;
  }
  const NackTracker::Arrival arrival = nack_.OnPacket(seq, now);
  if (first_fed_ && u < *first_fed_ && *first_fed_ - u <= kStartReorderWindow && given_up_.empty() &&
      early_fed_.count(u) == 0) {
    // Start of the stream, reordered: older than anything handed on, never given up.
    stats_->RecordPacket(now, packet.size(), false);
    RememberPacketCaptureTime(packet);
    early_fed_.insert(u);
    const auto payload = packet.payload();
    Feed(u, Held{packet.timestamp(), packet.marker(), now, std::vector<uint8_t>(payload.begin(), payload.end())}, now);
    Reschedule();
    return;
  }
  if (u < *next_seq_) {
    if (given_up_.count(u) != 0) {
      ++stats_->packets_late;
    } else {
      ++stats_->packets_duplicate;
    }
    Reschedule();
    return;
  }
  if (held_.count(u) != 0) {
    ++stats_->packets_duplicate;
    return;
  }
  stats_->RecordPacket(now, packet.size(), arrival == NackTracker::Arrival::kRetransmitted);
  RememberPacketCaptureTime(packet);
  highest_seq_ = std::max(*highest_seq_, u);
  if (u != *next_seq_) ++counters_.packets_buffered;
  const auto payload = packet.payload();
  held_.emplace(u, Held{packet.timestamp(), packet.marker(), now, std::vector<uint8_t>(payload.begin(), payload.end())});
  Drain(now);
  Reschedule();
}

void VideoReceiver::Restart(uint16_t seq, sim::Timestamp now) {
  // Hand on what is held (giving up its gaps), end the old stream, start over at `seq`.
  while (!held_.empty()) {
    if (held_.begin()->first != *next_seq_) GiveUpGap(now);
    auto node = held_.extract(held_.begin());
    Feed(node.key(), node.mapped(), now);
    ++*next_seq_;
  }
  depacketizer_.Flush();
  ProcessDepacketizerOutput(now);
  nack_ = NackTracker(config_.nack_without_reorder_wait);
  nack_.SetRtt(rtt_);
  given_up_.clear();
  first_fed_.reset();
  early_fed_.clear();
  ++counters_.stream_restarts;
  // Continue the unwrapped line from the new sequence number.
  highest_seq_.reset();
  highest_seq_ = seq;
  next_seq_ = seq;
  need_key_frame_ = true;
}

std::optional<sim::Timestamp> VideoReceiver::GapDeadline() const {
  if (held_.empty() || !next_seq_ || held_.begin()->first == *next_seq_) return std::nullopt;
  // The gap was first seen when the earliest of the packets beyond it arrived.
  sim::Timestamp first = held_.begin()->second.arrival;
  for (const auto& [seq, p] : held_) first = std::min(first, p.arrival);
  return first + buffer_wait();
}

void VideoReceiver::Drain(sim::Timestamp now) {
  while (next_seq_) {
    while (!held_.empty() && held_.begin()->first == *next_seq_) {
      auto node = held_.extract(held_.begin());
      Feed(node.key(), node.mapped(), now);
      ++*next_seq_;
    }
    if (held_.empty()) break;
    const auto deadline = GapDeadline();
    if (held_.size() > kPacketBufferMaxPackets || (deadline && *deadline <= now)) {
      GiveUpGap(now);
      continue;
    }
    break;
  }
}

void VideoReceiver::GiveUpGap(sim::Timestamp now) {
  if (held_.empty() || !next_seq_) return;
  const int64_t first = *next_seq_;
  const int64_t last = held_.begin()->first - 1;
  if (last < first) return;
  for (int64_t s = first; s <= last; ++s) {
    given_up_.insert(s);
    ++stats_->packets_lost;
  }
  while (given_up_.size() > kGivenUpMemory) given_up_.erase(given_up_.begin());
  nack_.ForgetUpTo(static_cast<uint16_t>(last & 0xFFFF));
  next_seq_ = last + 1;
  ++counters_.gaps_given_up;
  // An unrepaired loss: references can no longer be trusted until a key frame.
  RequestKeyFrame(now);
}

void VideoReceiver::Feed(int64_t seq, const Held& packet, sim::Timestamp now) {
  if (!first_fed_) first_fed_ = seq;
  ++stats_->packets_depacketized;
  const protocol::Status status =
      depacketizer_.Insert(static_cast<uint16_t>(seq & 0xFFFF), packet.timestamp, packet.marker, packet.payload);
  if (!status.ok()) ++stats_->packets_invalid;
  ProcessDepacketizerOutput(now);
}

void VideoReceiver::ProcessDepacketizerOutput(sim::Timestamp now) {
  // Losses are always older than the frame whose completion revealed them.
  const auto losses = depacketizer_.TakeLosses();
  if (!losses.empty()) {
    stats_->frames_lost += losses.size();
    RequestKeyFrame(now);
  }
  for (const protocol::H264Frame& frame : depacketizer_.TakeFrames()) {
    ++stats_->frames_received;
    DecodeFrame(frame, now);
  }
}

void VideoReceiver::RememberPacketCaptureTime(const protocol::RtpPacketView& packet) {
  if (config_.abs_capture_time_id == 0) return;
  if (auto t = packet.GetExtension<protocol::AbsCaptureTime>(config_.abs_capture_time_id)) {
    RememberCaptureTime(packet.timestamp(),
                        sim::Timestamp::Micros(protocol::AbsCaptureTime::ToMicros(t->absolute_capture_timestamp)));
  }
}

void VideoReceiver::RememberCaptureTime(uint32_t rtp_timestamp, sim::Timestamp capture) {
  if (!capture_times_.empty() && capture_times_.back().first == rtp_timestamp) return;
  for (const auto& entry : capture_times_) {
    if (entry.first == rtp_timestamp) return;
  }
  capture_times_.emplace_back(rtp_timestamp, capture);
  while (capture_times_.size() > kCaptureTimeEntries) capture_times_.pop_front();
}

std::optional<sim::Timestamp> VideoReceiver::CaptureTimeOf(uint32_t rtp_timestamp) const {
  for (auto it = capture_times_.rbegin(); it != capture_times_.rend(); ++it) {
    if (it->first == rtp_timestamp) return it->second;
  }
  return std::nullopt;
}

void VideoReceiver::DecodeFrame(const protocol::H264Frame& frame, sim::Timestamp now) {
  if (need_key_frame_ && !frame.key_frame) {
    ++stats_->frames_skipped;
    RequestKeyFrame(now);
    return;
  }
  // A view of the decoder's own buffer: the stamp and PSNR read it in place (no copy per frame).
  auto decoded = decoder_->DecodeView(frame.annex_b);
  if (!decoded.ok()) {
    ++stats_->decode_errors;
    RequestKeyFrame(now);
    return;
  }
  if (!decoded->has_value()) {
    ++stats_->frames_no_output;
    return;
  }
  const I420View& picture = **decoded;
  if (frame.key_frame) {
    ++stats_->key_frames;
    need_key_frame_ = false;
    if (request_open_) {
      stats_->RecordKeyFrameAfterPli(now - request_started_);
      request_open_ = false;
    }
  }
  ++stats_->frames_decoded;
  last_width_ = picture.width;
  last_height_ = picture.height;
  std::optional<double> psnr;
  last_frame_number_ = FrameStamp::Read(picture);
  if (last_frame_number_) {
    if (config_.measure_psnr) {
      // The sender and the other receivers of this source usually rendered it a moment ago.
      const I420Frame& reference =
          SourceFrameCache::ForThisThread().Get(source_, *last_frame_number_, picture.width, picture.height);
      psnr = PsnrY(picture, reference);
    }
  } else {
    ++stats_->stamp_unreadable;
  }
  std::optional<double> delay;
  if (auto capture = CaptureTimeOf(frame.timestamp)) delay = (now - *capture).ms_f();
  stats_->RecordRenderedFrame(now, picture.width, picture.height, psnr, delay);
}

void VideoReceiver::RequestKeyFrame(sim::Timestamp now) {
  need_key_frame_ = true;
  MaybeSendPli(now);
}

void VideoReceiver::MaybeSendPli(sim::Timestamp now) {
  if (!need_key_frame_ || !media_ssrc_) return;
  if (last_pli_ && now - *last_pli_ < kPliThrottle) return;
  const protocol::rtcp::Pli pli{feedback_ssrc_, *media_ssrc_};
  auto bytes = pli.Serialize();
  if (!bytes.ok()) return;
  if (!request_open_) {
    request_open_ = true;
    request_started_ = now;
    ++counters_.key_frame_requests;
  }
  last_pli_ = now;
  ++stats_->plis_sent;
  SendRtcp(std::move(bytes).value());
}

void VideoReceiver::SendNacks(sim::Timestamp now) {
  std::vector<uint16_t> seqs = nack_.GetNacks(now);
  if (seqs.empty() || !media_ssrc_) return;
  const protocol::rtcp::Nack nack = NackTracker::BuildNack(feedback_ssrc_, *media_ssrc_, seqs);
  auto bytes = nack.Serialize();
  if (!bytes.ok()) return;
  stats_->nacks_sent += seqs.size();
  ++stats_->nack_packets;
  SendRtcp(std::move(bytes).value());
}

void VideoReceiver::SendRtcp(std::vector<uint8_t> rtcp) {
  ++counters_.rtcp_sent;
  if (send_rtcp_) send_rtcp_(std::move(rtcp));
}

void VideoReceiver::OnTimer() {
  timer_ = {};
  timer_at_.reset();
  if (stopped_) return;
  const sim::Timestamp now = env_.Now();
  Drain(now);
  SendNacks(now);
  if (need_key_frame_ && request_open_) MaybeSendPli(now);
  Reschedule();
}

void VideoReceiver::Reschedule() {
  if (stopped_) return;
  std::optional<sim::Timestamp> next = GapDeadline();
  if (auto due = nack_.NextDueTime(); due && (!next || *due < *next)) next = due;
  if (need_key_frame_ && request_open_ && last_pli_) {
    const sim::Timestamp repeat = *last_pli_ + kPliThrottle;
    if (!next || repeat < *next) next = repeat;
  }
  if (next && timer_at_ && *next == *timer_at_) return;
  if (timer_.valid()) env_.scheduler->Cancel(timer_);
  timer_ = {};
  timer_at_.reset();
  if (!next) return;
  const sim::Timestamp at = std::max(*next, env_.Now());
  std::weak_ptr<VideoReceiver*> weak = self_;
  timer_ = env_.scheduler->PostAt(at, [weak] {
    if (auto self = weak.lock()) (*self)->OnTimer();
  });
  timer_at_ = at;
}

}  // namespace sfusim::clients
