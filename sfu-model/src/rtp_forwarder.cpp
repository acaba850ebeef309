#include "sfusim/sfu/rtp_forwarder.h"

#include <algorithm>

#include "sfusim/protocol/rtp/byte_io.h"

namespace sfusim::sfu {

RtpForwarder::RtpForwarder(uint32_t clock_rate_hz, std::size_t retransmission_capacity, bool resync_on_restart)
    : clock_rate_hz_(clock_rate_hz), resync_on_restart_(resync_on_restart), buffer_(retransmission_capacity) {}

RtpForwarder::Route* RtpForwarder::Find(uint64_t key) {
  auto it = std::lower_bound(consumers_.begin(), consumers_.end(), key,
                             [](const Route& r, uint64_t k) { return r.key < k; });
  return it != consumers_.end() && it->key == key ? &*it : nullptr;
}

const RtpForwarder::Route* RtpForwarder::Find(uint64_t key) const {
  return const_cast<RtpForwarder*>(this)->Find(key);
}

void RtpForwarder::AddConsumer(uint64_t key, uint32_t output_ssrc, uint16_t initial_seq, uint32_t initial_timestamp) {
  if (Find(key) != nullptr) return;
  auto it = std::lower_bound(consumers_.begin(), consumers_.end(), key,
                             [](const Route& r, uint64_t k) { return r.key < k; });
  consumers_.insert(it, Route{key, output_ssrc, true, RtpRewriter(clock_rate_hz_, initial_seq, initial_timestamp, resync_on_restart_)});
}

void RtpForwarder::RemoveConsumer(uint64_t key) {
  auto it = std::lower_bound(consumers_.begin(), consumers_.end(), key,
                             [](const Route& r, uint64_t k) { return r.key < k; });
  if (it != consumers_.end() && it->key == key) consumers_.erase(it);
}

void RtpForwarder::SetPaused(uint64_t key, bool paused) {
  Route* r = Find(key);
  if (r == nullptr || r->paused == paused) return;
  r->paused = paused;
  if (!paused) r->rewriter.RequestResync();
}

const RtpRewriter* RtpForwarder::rewriter(uint64_t key) const {
  const Route* r = Find(key);
  return r ? &r->rewriter : nullptr;
}

void RtpForwarder::Patch(std::vector<uint8_t>& bytes, uint16_t seq, uint32_t ts, uint32_t ssrc) {
  protocol::WriteBe16(bytes.data() + 2, seq);
  protocol::WriteBe32(bytes.data() + 4, ts);
  protocol::WriteBe32(bytes.data() + 8, ssrc);
}

std::size_t RtpForwarder::Forward(const protocol::RtpPacketView& packet, int64_t now_us, Sink& sink) {
  const int64_t ext = unwrapper_.Unwrap(packet.sequence_number());
  if (ext > highest_input_) highest_input_ = ext;
  if (first_input_ < 0 || ext < first_input_) first_input_ = ext;
  ++input_packets_;
  const auto bytes = packet.bytes();
  buffer_.Store(ext, bytes);
  scratch_.assign(bytes.begin(), bytes.end());
  const uint32_t in_ts = packet.timestamp();
  std::size_t outputs = 0;
  for (Route& r : consumers_) {
    if (r.paused) continue;
    const auto out = r.rewriter.Map(ext, in_ts, now_us);
    if (!out) continue;
    Patch(scratch_, out->seq, out->timestamp, r.ssrc);
    sink.OnRtpOut(Sent{r.key, ext, out->seq, r.ssrc, false}, scratch_);
    ++outputs;
  }
  return outputs;
}

bool RtpForwarder::Retransmit(uint64_t key, uint16_t output_seq, Sink& sink) {
  Route* r = Find(key);
  if (r == nullptr || r->paused) return false;
  const auto input = r->rewriter.InputForOutput(output_seq);
  if (!input) return false;
  const auto stored = buffer_.Find(*input);
  if (stored.size() < protocol::RtpPacketView::kFixedHeaderSize) return false;
  const uint32_t in_ts = protocol::ReadBe32(stored.data() + 4);
  const auto out = r->rewriter.MapSent(*input, in_ts);
  if (!out || out->seq != output_seq) return false;
  scratch_.assign(stored.begin(), stored.end());
  Patch(scratch_, out->seq, out->timestamp, r->ssrc);
  sink.OnRtpOut(Sent{r->key, *input, out->seq, r->ssrc, true}, scratch_);
  return true;
}

}  // namespace sfusim::sfu
