#include "sfusim/clients/rtcp_dispatcher.h"

#include <algorithm>

#include "sfusim/protocol/rtcp/fir.h"
#include "sfusim/protocol/rtcp/nack.h"
#include "sfusim/protocol/rtcp/pli.h"
#include "sfusim/protocol/rtcp/receiver_report.h"
#include "sfusim/protocol/rtcp/remb.h"
#include "sfusim/protocol/rtcp/rtcp_compound_view.h"
#include "sfusim/protocol/rtcp/sender_report.h"

namespace sfusim::clients {
namespace {

using protocol::rtcp::RtcpHeader;

// A NACK can name at most this many sequence numbers per packet we act on (17 per item, and the
// sender's history is bounded anyway): bounds the work one hostile packet causes.
constexpr size_t kMaxNackedPerPacket = 1024;

}  // namespace

protocol::Result<RtcpFeedback> ParseRtcpFeedback(std::span<const uint8_t> compound) {
  auto view = protocol::rtcp::RtcpCompoundView::Parse(compound);
  if (!view.ok()) return view.error();
  RtcpFeedback out;
  for (const protocol::rtcp::RtcpPacketView& p : view.value()) {
    const uint8_t pt = p.header.packet_type;
    const uint8_t fmt = p.header.count;
    if (pt == RtcpHeader::kPtSenderReport) {
      auto sr = protocol::rtcp::SenderReport::Parse(p);
      if (!sr.ok()) {
        ++out.skipped;
        continue;
      }
      out.sender_reports.push_back({sr->sender_ssrc, sr->ntp_timestamp});
      out.report_blocks.insert(out.report_blocks.end(), sr->report_blocks.begin(), sr->report_blocks.end());
    } else if (pt == RtcpHeader::kPtReceiverReport) {
      auto rr = protocol::rtcp::ReceiverReport::Parse(p);
      if (!rr.ok()) {
        ++out.skipped;
        continue;
      }
      out.report_blocks.insert(out.report_blocks.end(), rr->report_blocks.begin(), rr->report_blocks.end());
    } else if (pt == RtcpHeader::kPtRtpFeedback && fmt == protocol::rtcp::Nack::kFmt) {
      auto nack = protocol::rtcp::Nack::Parse(p);
      if (!nack.ok()) {
        ++out.skipped;
        continue;
      }
      RtcpNackRequest r;
      r.media_ssrc = nack->media_ssrc;
      r.sequence_numbers = nack->SequenceNumbers();
      if (r.sequence_numbers.size() > kMaxNackedPerPacket) r.sequence_numbers.resize(kMaxNackedPerPacket);
      out.nacks.push_back(std::move(r));
    } else if (pt == RtcpHeader::kPtPayloadFeedback && fmt == protocol::rtcp::Pli::kFmt) {
      auto pli = protocol::rtcp::Pli::Parse(p);
      if (!pli.ok()) {
        ++out.skipped;
        continue;
      }
      ++out.plis;
      out.key_frame_requests.push_back(pli->media_ssrc);
    } else if (pt == RtcpHeader::kPtPayloadFeedback && fmt == protocol::rtcp::Fir::kFmt) {
      auto fir = protocol::rtcp::Fir::Parse(p);
      if (!fir.ok()) {
        ++out.skipped;
        continue;
      }
      ++out.firs;
      for (const auto& e : fir->entries) out.key_frame_requests.push_back(e.ssrc);
    } else if (pt == RtcpHeader::kPtPayloadFeedback && fmt == protocol::rtcp::Remb::kFmt &&
               protocol::rtcp::Remb::IsRemb(p)) {
      auto remb = protocol::rtcp::Remb::Parse(p);
      if (!remb.ok()) {
        ++out.skipped;
        continue;
      }
      out.rembs.push_back({remb->bitrate_bps, remb->ssrcs});
    }
    // SDES, BYE, APP, transport-wide feedback: nothing for this client to do.
  }
  return out;
}

uint64_t NtpFromTimestamp(sim::Timestamp t) {
  const uint64_t us = static_cast<uint64_t>(std::max<int64_t>(t.us(), 0));
  return ((us / 1'000'000) << 32) | (((us % 1'000'000) << 32) / 1'000'000);
}

std::optional<sim::TimeDelta> RttFromReportBlock(const protocol::rtcp::ReportBlock& block, sim::Timestamp now) {
  if (block.last_sr == 0) return std::nullopt;
  const uint32_t a = NtpMiddle32(NtpFromTimestamp(now));
  // Modular 32-bit arithmetic (the compact NTP form wraps every 18 h); a "negative" result
  // (the top bit set) is nonsense.
  const uint32_t rtt = a - block.last_sr - block.delay_since_last_sr;
  if (rtt & 0x80000000u) return std::nullopt;
  return sim::TimeDelta::Micros(static_cast<int64_t>((static_cast<uint64_t>(rtt) * 1'000'000) >> 16));
}

}  // namespace sfusim::clients
