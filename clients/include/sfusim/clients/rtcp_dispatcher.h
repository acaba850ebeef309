// RtcpDispatcher: what an RTCP compound packet the client received asks of it
// (VIDEO_DESIGN.md V5 "RTCP routing"), as plain values the client routes to its senders and
// receivers. Pure and bounded: it never throws; a compound that does not parse is an error
// (the protocol layer's RtcpCompoundView code: "truncated", "too_large", ...); a sub-packet that does not parse is skipped and
// counted (`skipped`), the rest still count.
// - NACK (RTPFB 1): {media ssrc, sequence numbers} -> the VideoSender owning that SSRC.
// - PLI (PSFB 1) and FIR (PSFB 4, one entry per SSRC): a key frame request for that SSRC.
// - REMB (PSFB 15 'REMB'): {bitrate, ssrcs}.
// - SR / RR: their report blocks (what the far end saw of our streams) and, for an SR, the
//   sender's SSRC and NTP time (for LSR/DLSR of our own report blocks about it).
// RttFromReportBlock: RFC 3550 §6.4.1, RTT = A - LSR - DLSR in 1/65536 s units, with A the
// middle 32 bits of NTP(now); nullopt when LSR is 0 (no SR received yet) or the result is
// negative (clock wrap or nonsense).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sfusim/protocol/rtcp/report_block.h"
#include "sfusim/protocol/result.h"
#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

struct RtcpNackRequest {
  uint32_t media_ssrc = 0;
  std::vector<uint16_t> sequence_numbers;
};

struct RtcpRembInfo {
  uint64_t bitrate_bps = 0;
  std::vector<uint32_t> ssrcs;
};

struct RtcpSenderInfo {
  uint32_t ssrc = 0;
  uint64_t ntp_timestamp = 0;
};

struct RtcpFeedback {
  std::vector<RtcpNackRequest> nacks;
  std::vector<uint32_t> key_frame_requests;   // media SSRCs (PLI and FIR alike)
  std::vector<RtcpRembInfo> rembs;
  std::vector<protocol::rtcp::ReportBlock> report_blocks;
  std::vector<RtcpSenderInfo> sender_reports;
  uint32_t plis = 0;
  uint32_t firs = 0;
  uint32_t skipped = 0;                       // sub-packets that did not parse
};

protocol::Result<RtcpFeedback> ParseRtcpFeedback(std::span<const uint8_t> compound);

// Q32.32 NTP time of a simulated instant (one clock for the whole run, origin 0).
uint64_t NtpFromTimestamp(sim::Timestamp t);
// The middle 32 bits, as LSR and "A" of RFC 3550 §6.4.1 use them.
inline uint32_t NtpMiddle32(uint64_t ntp) { return static_cast<uint32_t>(ntp >> 16); }

std::optional<sim::TimeDelta> RttFromReportBlock(const protocol::rtcp::ReportBlock& block, sim::Timestamp now);

}  // namespace sfusim::clients
