// SfuServer::Impl's media plane: datagrams in (SRTP unprotect, latching), RTP to the producer's
// forwarder and out to each consumer (SRTP protect), RTCP in (NACK retransmission, PLI/FIR
// key-frame requests, throttled towards the producer; SR from producers for LSR/DLSR) and the
// periodic reports out: SR per consumer, RR with RFC 3550 report blocks and REMB (video) per
// producer; upstream NACKs to video producers for missing input (VIDEO_DESIGN.md V4).
#include <algorithm>
#include <variant>

#include "sfu_server_impl.h"
#include "sfusim/protocol/rtcp/compound_packet.h"
#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"

namespace sfusim::sfu {

namespace {

bool IsRtcp(std::span<const uint8_t> data) { return data.size() >= 2 && data[1] >= 192 && data[1] <= 223; }

uint64_t NtpNow(sim::Timestamp now) {
  const int64_t us = now.us() < 0 ? 0 : now.us();
  const uint64_t seconds = static_cast<uint64_t>(us / 1'000'000) + kNtpUnixEpochOffsetSeconds;
  const uint64_t frac = (static_cast<uint64_t>(us % 1'000'000) << 32) / 1'000'000;
  return (seconds << 32) | frac;
}

}  // namespace

void SfuServer::Impl::OnTransportDatagram(TransportState& t, const sim::SocketAddress& from,
                                          std::span<const uint8_t> data) {
  auto rit = routers_.find(t.channel);
  if (rit == routers_.end() || !rit->second->alive) return;
  RouterState& router = *rit->second;
  if (data.size() < 2 || data.size() > protocol::kMaxSrtpPacketBytes) return;
  // A plain consumer's transport sends to a fixed target and takes nothing in (plain_consumer.h).
  if (t.plain && t.direction == protocol::TransportDirection::kRecv) return;
  const bool rtcp = IsRtcp(data);
  std::vector<uint8_t> buf(data.begin(), data.end());
  if (!t.plain) {
    protocol::SrtpSession* in = t.SrtpIn();
    if (in == nullptr) return;
    const auto st = rtcp ? in->UnprotectRtcp(buf) : in->UnprotectRtp(buf);
    if (!st.ok()) {
      ++counters_.srtp_failures;
      return;
    }
  }
  // ICE-lite latching: answer where the last authenticated packet came from.
  if (!t.remote || *t.remote != from) {
    t.remote = from;
    Trace("latch " + t.id + " " + from.ToString());
  }
  if (rtcp) {
    HandleRtcp(router, t, buf);
  } else {
    HandleRtp(router, t, buf);
  }
}

void SfuServer::Impl::OnRtpOut(const RtpForwarder::Sent& sent, std::span<const uint8_t> packet) {
  RouterState* router = forwarding_router_;
  if (router == nullptr) return;
  auto kit = router->consumer_by_key.find(sent.consumer_key);
  if (kit == router->consumer_by_key.end()) return;
  ConsumerState& consumer = router->consumers.at(kit->second);
  ++consumer.packets;
  consumer.octets += packet.size();
  if (sent.retransmission) {
    ++counters_.rtp_retransmitted;
  } else {
    ++counters_.rtp_forwarded;
  }
  auto tit = router->transports.find(consumer.transport_id);
  if (tit != router->transports.end()) {
    TransportState& t = *tit->second;
    if (t.plain) {
      if (t.remote && t.socket) t.socket->SendTo(*t.remote, packet);  // plain consumer (plain_consumer.h)
    } else if (t.connected && t.remote && t.socket) {
      protocol::SrtpSession* out = t.SrtpOut();
      out_buf_.assign(packet.begin(), packet.end());
      if (out != nullptr && out->ProtectRtp(out_buf_).ok()) t.socket->SendTo(*t.remote, out_buf_);
    }
  }
  if (observer_) {
    ConsumerRtpEvent ev;
    ev.consumer_id = consumer.id;
    ev.producer_id = consumer.producer_id;
    ev.paused = consumer.paused;
    ev.retransmission = sent.retransmission;
    ev.input_seq = sent.input_seq;
    ev.output_seq = sent.output_seq;
    ev.output_ssrc = sent.output_ssrc;
    ev.at = env_.Now();
    observer_->OnConsumerRtp(ev);
  }
}

void SfuServer::Impl::HandleRtp(RouterState& router, TransportState& t, const std::vector<uint8_t>& buf) {
  auto view = protocol::RtpPacketView::Parse(buf);
  if (!view.ok()) {
    ++counters_.rtp_dropped;
    return;
  }
  auto pit = router.producer_by_ssrc.find(view->ssrc());
  if (pit == router.producer_by_ssrc.end()) {
    ++counters_.rtp_dropped;
    return;
  }
  ProducerState& p = router.producers.at(pit->second);
  if (p.transport_id != t.id) {
    ++counters_.rtp_dropped;
    return;
  }
  ++counters_.rtp_received;
  ++p.packets;
  p.octets += view->payload().size();
  OnProducerRtp(router, p, *view);
  forwarding_router_ = &router;
  p.forwarder->Forward(*view, env_.Now().us(), *this);
  forwarding_router_ = nullptr;
}

void SfuServer::Impl::HandleRtcp(RouterState& router, TransportState& t, const std::vector<uint8_t>& buf) {
  ++counters_.rtcp_received;
  auto compound = protocol::rtcp::CompoundPacket::Parse(buf);
  if (!compound.ok()) return;
  for (const auto& packet : compound->packets) {
    if (const auto* nack = std::get_if<protocol::rtcp::Nack>(&packet)) {
      ++counters_.nacks_received;
      ConsumerState* consumer = ConsumerOn(router, t, nack->media_ssrc);
      if (consumer == nullptr) continue;
      auto pit = router.producers.find(consumer->producer_id);
      if (pit == router.producers.end()) continue;
      const auto seqs = nack->SequenceNumbers();
      forwarding_router_ = &router;
      const uint64_t key = consumer->key;
      RtpForwarder& fwd = *pit->second.forwarder;
      for (std::size_t i = 0; i < seqs.size() && i < kMaxNackedPerPacket; ++i) fwd.Retransmit(key, seqs[i], *this);
      forwarding_router_ = nullptr;
    } else if (const auto* sr = std::get_if<protocol::rtcp::SenderReport>(&packet)) {
      HandleSenderReport(router, t, *sr);
    } else if (const auto* pli = std::get_if<protocol::rtcp::Pli>(&packet)) {
      KeyFrameRequestFrom(router, t, pli->media_ssrc);
    } else if (const auto* fir = std::get_if<protocol::rtcp::Fir>(&packet)) {
      for (const auto& e : fir->entries) KeyFrameRequestFrom(router, t, e.ssrc);
    }
  }
}

ConsumerState* SfuServer::Impl::ConsumerOn(RouterState& router, const TransportState& t, uint32_t ssrc) {
  auto it = router.consumer_by_ssrc.find(ssrc);
  if (it == router.consumer_by_ssrc.end()) return nullptr;
  ConsumerState& c = router.consumers.at(it->second);
  return c.transport_id == t.id ? &c : nullptr;
}

void SfuServer::Impl::KeyFrameRequestFrom(RouterState& router, const TransportState& t, uint32_t consumer_ssrc) {
  ConsumerState* consumer = ConsumerOn(router, t, consumer_ssrc);
  if (consumer == nullptr) return;
  auto pit = router.producers.find(consumer->producer_id);
  if (pit != router.producers.end()) RequestKeyFrame(router, pit->second);
}

void SfuServer::Impl::RequestKeyFrame(RouterState& router, ProducerState& p) {
  if (p.kind != protocol::MediaKind::kVideo) return;
  const sim::Timestamp now = env_.Now();
  if (!config_.mutants.pli_unthrottled && p.last_key_frame_request &&
      now - *p.last_key_frame_request < kKeyFrameRequestMinInterval) {
    ++counters_.key_frame_requests_throttled;
    return;
  }
  p.last_key_frame_request = now;
  auto tit = router.transports.find(p.transport_id);
  if (tit == router.transports.end()) return;
  TransportState& t = *tit->second;
  protocol::rtcp::Pli pli;
  pli.sender_ssrc = t.rtcp_ssrc;
  pli.media_ssrc = p.ssrc;
  auto bytes = pli.Serialize();
  if (!bytes.ok()) return;
  ++counters_.key_frame_requests_forwarded;
  Trace("pli " + p.id);
  SendRtcp(t, std::move(bytes.value()));
}

void SfuServer::Impl::SendRtcp(TransportState& t, std::vector<uint8_t> bytes) {
  if (!t.remote || !t.socket) return;
  if (!t.plain) {
    protocol::SrtpSession* out = t.SrtpOut();
    if (out == nullptr || !out->ProtectRtcp(bytes).ok()) return;
  }
  ++counters_.rtcp_sent;
  t.socket->SendTo(*t.remote, bytes);
}

void SfuServer::Impl::ArmRtcp() {
  rtcp_timer_ = env_.scheduler->PostDelayed(kRtcpReportInterval, [this] {
    rtcp_timer_ = {};
    SendReports();
    ArmRtcp();
  });
}

// GCC 12 at -O3 reports a false -Wmaybe-uninitialized on the reallocation path of push_back into
// the CompoundPacket's vector of variants below (as in tests/bench/protocol_rtp_bench.cpp). In the
// single-file SfuServer it did not show because of different inlining; the code is unchanged.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// SR for each consumer that has sent, on its transport; RR for the producers of a send transport.
void SfuServer::Impl::SendReports() {
  const sim::Timestamp now = env_.Now();
  for (auto& [channel, router] : routers_) {
    if (!router->alive) continue;
    for (auto& [tid, t] : router->transports) {
      if (!t->remote) continue;
      // A plain consumer's peer listens for RTP only (plain_consumer.h): no SR towards it.
      if (t->plain && t->direction == protocol::TransportDirection::kRecv) continue;
      protocol::rtcp::CompoundPacket compound;
      std::size_t sr_count = 0;
      for (const auto& cid : t->consumers) {
        const ConsumerState& consumer = router->consumers.at(cid);
        if (consumer.packets == 0) continue;
        auto pit = router->producers.find(consumer.producer_id);
        if (pit == router->producers.end()) continue;
        const RtpRewriter* rw = pit->second.forwarder->rewriter(consumer.key);
        if (rw == nullptr || !rw->has_output()) continue;
        protocol::rtcp::SenderReport sr;
        sr.sender_ssrc = consumer.ssrc;
        sr.ntp_timestamp = NtpNow(now);
        const int64_t elapsed = now.us() - rw->last_output_time_us();
        sr.rtp_timestamp =
            rw->last_output_timestamp() + static_cast<uint32_t>(elapsed * consumer.clock_rate / 1'000'000);
        sr.packet_count = static_cast<uint32_t>(consumer.packets);
        sr.octet_count = static_cast<uint32_t>(consumer.octets);
        compound.packets.push_back(std::move(sr));
        ++sr_count;
      }
      if (!t->producers.empty()) {
        protocol::rtcp::ReceiverReport rr;
        rr.sender_ssrc = t->rtcp_ssrc;
        for (const auto& pid : t->producers) {
          AppendProducerFeedback(*router, router->producers.at(pid), now.us(), rr, compound, t->rtcp_ssrc);
        }
        // The RR goes first (RFC 3550 6.1: a compound starts with SR or RR), REMBs after it.
        compound.packets.insert(compound.packets.begin() + static_cast<std::ptrdiff_t>(sr_count), std::move(rr));
      }
      if (compound.packets.empty()) continue;
      auto bytes = compound.Serialize();
      if (bytes.ok()) SendRtcp(*t, std::move(bytes.value()));
    }
  }
}
// One producer's part of its transport's report: an RFC 3550 report block (fraction and
// cumulative lost, extended highest seq, jitter at its clock rate, LSR/DLSR from its last SR)
// once it has sent, and for video a REMB with the receive-side estimate.
void SfuServer::Impl::AppendProducerFeedback(RouterState& router, ProducerState& p, int64_t now_us,
                                             protocol::rtcp::ReceiverReport& rr,
                                             protocol::rtcp::CompoundPacket& compound, uint32_t sender_ssrc) {
  (void)router;
  if (p.packets == 0 || !p.receive_stats) return;
  if (rr.report_blocks.size() < protocol::rtcp::ReceiverReport::kMaxReportBlocks) {
    rr.report_blocks.push_back(p.receive_stats->GenerateReportBlock(now_us));
    ++counters_.receiver_report_blocks_sent;
  }
  if (p.kind != protocol::MediaKind::kVideo) return;
  p.remb.Update(now_us);
  if (!p.remb.has_estimate()) return;
  protocol::rtcp::Remb remb;
  remb.sender_ssrc = sender_ssrc;
  remb.bitrate_bps = static_cast<uint64_t>(p.remb.estimate_bps());
  remb.ssrcs.push_back(p.ssrc);
  compound.packets.push_back(std::move(remb));
  ++counters_.rembs_sent;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

uint8_t SfuServer::Impl::AbsSendTimeId(const protocol::RtpParameters& rtp) {
  for (const auto& ext : rtp.header_extensions) {
    if (ext.uri == protocol::AbsSendTime::kUri) {
      return ext.id > 0 && ext.id <= protocol::kMaxHeaderExtensionId ? static_cast<uint8_t>(ext.id) : 0;
    }
  }
  // No list (a producer that names none): the router's id, which every client uses.
  return rtp.header_extensions.empty() ? static_cast<uint8_t>(protocol::kHeaderExtensionIdAbsSendTime) : 0;
}

// Per input packet, before it fans out: O(1) and allocation-free (ReceiveStatistics, the REMB
// estimator's buckets and trend ring, the NACK ring; a gap costs O(gap), bounded).
void SfuServer::Impl::OnProducerRtp(RouterState& router, ProducerState& p, const protocol::RtpPacketView& view) {
  (void)router;
  const int64_t now_us = env_.Now().us();
  bool recovered = false;
  if (p.kind == protocol::MediaKind::kVideo) {
    const auto arrival = p.nack.OnPacket(view.sequence_number(), now_us);
    recovered = arrival == NackGenerator::Arrival::kRecovered;
    if (recovered) ++counters_.upstream_recovered;
    std::optional<uint32_t> abs;
    if (p.abs_send_time_id != 0) abs = view.GetExtension<protocol::AbsSendTime>(p.abs_send_time_id);
    p.remb.OnPacket(now_us, abs, view.size(), view.sequence_number(), recovered);
    if (p.nack.missing() > 0 && !env_.scheduler->IsPending(nack_timer_)) ArmNack();
  }
  // A retransmission is not a sample of the path (as libwebrtc, whose RTX stream has its own
  // statistics): the RR keeps reporting the loss the uplink really had.
  if (!recovered && p.receive_stats) p.receive_stats->OnRtpPacket(view.sequence_number(), view.timestamp(), now_us);
}

void SfuServer::Impl::HandleSenderReport(RouterState& router, const TransportState& t,
                                         const protocol::rtcp::SenderReport& sr) {
  auto pit = router.producer_by_ssrc.find(sr.sender_ssrc);
  if (pit == router.producer_by_ssrc.end()) return;
  ProducerState& p = router.producers.at(pit->second);
  if (p.transport_id != t.id || !p.receive_stats) return;
  ++counters_.sender_reports_received;
  p.receive_stats->OnSenderReport(sr.ntp_timestamp, env_.Now().us());
}

void SfuServer::Impl::ArmNack() {
  nack_timer_ = env_.scheduler->PostDelayed(kNackProcessInterval, [this] {
    nack_timer_ = {};
    ProcessNacks();
  });
}

// Every video producer with missing input: one NACK with what is due, on its transport (SRTCP on
// WebRTC transports, plain RTCP to the latched address on plain ones). Re-arms while anything is
// still missing.
void SfuServer::Impl::ProcessNacks() {
  const int64_t now_us = env_.Now().us();
  bool pending = false;
  for (auto& [channel, router] : routers_) {
    if (!router->alive) continue;
    for (auto& [pid, p] : router->producers) {
      if (p.kind != protocol::MediaKind::kVideo || p.nack.missing() == 0) continue;
      nack_scratch_.clear();
      p.nack.Collect(now_us, nack_scratch_);
      if (p.nack.missing() > 0) pending = true;
      if (nack_scratch_.empty()) continue;
      auto tit = router->transports.find(p.transport_id);
      if (tit == router->transports.end()) continue;
      TransportState& t = *tit->second;
      const auto nack = protocol::rtcp::Nack::FromSequenceNumbers(t.rtcp_ssrc, p.ssrc, nack_scratch_);
      auto bytes = nack.Serialize();
      if (!bytes.ok()) continue;
      ++counters_.upstream_nacks_sent;
      counters_.upstream_nacked_sequences += nack_scratch_.size();
      SendRtcp(t, std::move(bytes.value()));
    }
  }
  if (pending) ArmNack();
}

}  // namespace sfusim::sfu
