#include "sfusim/clients/video/video_rtp_sender.h"

#include <algorithm>
#include <string_view>

#include "sfusim/clients/video/video_constants.h"
#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/rtp_mid.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"

namespace sfusim::clients {
namespace {

protocol::H264Packetizer MakePacketizer(size_t max_payload_bytes) {
  protocol::H264PacketizerConfig c;
  c.max_payload_bytes = std::clamp(max_payload_bytes, protocol::kH264MinMaxPayloadBytes, protocol::kH264MaxPayloadBytes);
  // Always valid after the clamp.
  return protocol::H264Packetizer::Create(c).value();
}

constexpr int64_t kMicrosPerSecond = 1'000'000;

}  // namespace

VideoRtpSender::VideoRtpSender(sim::Env env, VideoRtpSenderConfig config, SendFn send)
    : env_(env), config_(std::move(config)), send_(std::move(send)), packetizer_(MakePacketizer(config_.max_payload_bytes)) {
  config_.max_payload_bytes = packetizer_.config().max_payload_bytes;
  // Random initial seq and timestamp (RFC 3550 5.1) from this sender's own substream.
  sim::Rng rng = env_.rng.Fork("rtp");
  seq_ = static_cast<uint16_t>(rng.NextU64());
  timestamp_base_ = static_cast<uint32_t>(rng.NextU64());
}

uint32_t VideoRtpSender::RtpTimestamp(sim::Timestamp capture_time) const {
  // 90 kHz units; the product fits int64 for any simulated time of interest (< 3000 years).
  const int64_t ticks = capture_time.us() * static_cast<int64_t>(protocol::kVideoClockRateHz) / kMicrosPerSecond;
  return timestamp_base_ + static_cast<uint32_t>(ticks);
}

bool VideoRtpSender::Transmit(protocol::RtpPacket& packet, size_t* bytes) {
  const auto& ids = config_.extension_ids;
  if (ids.abs_send_time != 0) {
    (void)packet.SetExtension<protocol::AbsSendTime>(ids.abs_send_time,
                                                     protocol::AbsSendTime::FromMicros(env_.Now().us()));
  }
  if (ids.transport_wide_cc != 0) {
    const uint16_t tseq = next_transport_seq_ ? next_transport_seq_() : transport_seq_++;
    (void)packet.SetExtension<protocol::TransportSequenceNumber>(ids.transport_wide_cc, tseq);
  }
  auto serialized = packet.Serialize();
  if (!serialized) {
    *bytes = 0;
    return false;
  }
  *bytes = serialized->size();
  return send_ ? send_(std::move(serialized).value()) : false;
}

VideoRtpSender::SendOutcome VideoRtpSender::SendFrame(const EncodedVideoFrame& frame, sim::Timestamp capture_time) {
  SendOutcome outcome;
  if (frame.annex_b.empty()) return outcome;
  auto payloads = packetizer_.PacketizeAnnexB(frame.annex_b);
  if (!payloads) {
    ++counters_.packetize_errors;
    return outcome;
  }
  ++counters_.frames_sent;
  if (frame.key_frame) ++counters_.key_frames_sent;
  const uint32_t timestamp = RtpTimestamp(capture_time);
  const auto& ids = config_.extension_ids;
  for (auto& payload : *payloads) {
    protocol::RtpPacket packet;
    packet.set_payload_type(config_.payload_type);
    packet.set_ssrc(config_.ssrc);
    packet.set_sequence_number(seq_++);
    packet.set_timestamp(timestamp);
    packet.set_marker(payload.marker);
    if (ids.mid != 0 && !config_.mid.empty()) {
      (void)packet.SetExtension<protocol::RtpMid>(ids.mid, std::string_view(config_.mid));
    }
    if (ids.abs_capture_time != 0) {
      (void)packet.SetExtension<protocol::AbsCaptureTime>(
          ids.abs_capture_time,
          protocol::AbsCaptureTime::Value{protocol::AbsCaptureTime::FromMicros(capture_time.us()), std::nullopt});
    }
    packet.set_payload(payload.bytes);
    size_t bytes = 0;
    const bool ok = Transmit(packet, &bytes);
    ++outcome.packets;
    ++counters_.packets_sent;
    counters_.bytes_sent += bytes;
    counters_.payload_bytes_sent += payload.bytes.size();
    if (!ok) {
      ++outcome.send_failures;
      ++counters_.send_failures;
    }
    history_.push_back(std::move(packet));
    if (history_.size() > kVideoSendHistoryPackets) history_.pop_front();
  }
  return outcome;
}

size_t VideoRtpSender::OnNack(std::span<const uint16_t> sequence_numbers) {
  ++counters_.nack_requests;
  if (sequence_numbers.size() > kVideoMaxNackSequenceNumbers) {
    sequence_numbers = sequence_numbers.first(kVideoMaxNackSequenceNumbers);
  }
  size_t resent = 0;
  std::vector<uint16_t> done;
  done.reserve(sequence_numbers.size());
  for (const uint16_t seq : sequence_numbers) {
    if (std::find(done.begin(), done.end(), seq) != done.end()) continue;
    done.push_back(seq);
    // The history holds consecutive seqs: the offset from the oldest locates the packet.
    if (history_.empty()) {
      ++counters_.nack_misses;
      continue;
    }
    const uint16_t offset = static_cast<uint16_t>(seq - history_.front().sequence_number());
    if (offset >= history_.size()) {
      ++counters_.nack_misses;
      continue;
    }
    protocol::RtpPacket& packet = history_[offset];
    size_t bytes = 0;
    const bool ok = Transmit(packet, &bytes);
    ++resent;
    ++counters_.retransmissions;
    counters_.retransmitted_bytes += bytes;
    if (!ok) ++counters_.send_failures;
  }
  return resent;
}

}  // namespace sfusim::clients
