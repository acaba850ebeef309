// H264Packetizer: one H.264 access unit (frame) -> RTP payloads, RFC 6184 packetization-mode=1
// (non-interleaved: single NAL unit packets, STAP-A, FU-A).
//
// Contract:
// - Input is one access unit, as Annex-B bytes or as NAL units (each with its header byte, no
//   start code). Output is the RTP payloads in sending order; the last one has the marker bit
//   (RFC 6184 section 5.1: set on the last packet of the access unit). The caller adds the RTP
//   header: every payload of the access unit gets the same RTP timestamp and consecutive
//   sequence numbers.
// - Every payload is at most config.max_payload_bytes. NAL units that fit are sent whole: runs
//   of consecutive NAL units that fit together become one STAP-A (e.g. SPS + PPS + a small
//   slice), a lone one becomes a single NAL unit packet. A NAL unit that does not fit is split
//   into FU-A fragments of near-equal size (sizes differ by at most one byte), so no runt packet.
// - Deterministic: the same input and config give the same payloads.
// - Errors: "h264_bad_config" (max_payload_bytes outside [kH264MinMaxPayloadBytes,
//   kH264MaxPayloadBytes]), "h264_empty_access_unit", "h264_empty_nal_unit",
//   "h264_bad_nal_type" (type 0 or 24..31: not a NAL unit an encoder produces),
//   "h264_too_many_nal_units", "h264_access_unit_too_large", and AnnexBParser's errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sfusim/protocol/h264/h264_constants.h"
#include "sfusim/protocol/result.h"

namespace sfusim::protocol {

struct H264RtpPayload {
  std::vector<uint8_t> bytes;
  bool marker = false;
};

struct H264PacketizerConfig {
  size_t max_payload_bytes = kH264DefaultMaxPayloadBytes;
  bool aggregate = true;  // false: never build STAP-A (every small NAL unit goes alone)
};

class H264Packetizer {
 public:
  static Result<H264Packetizer> Create(const H264PacketizerConfig& config = {});

  Result<std::vector<H264RtpPayload>> PacketizeAnnexB(std::span<const uint8_t> access_unit) const;
  Result<std::vector<H264RtpPayload>> Packetize(std::span<const std::span<const uint8_t>> nal_units) const;

  const H264PacketizerConfig& config() const { return config_; }

 private:
  explicit H264Packetizer(const H264PacketizerConfig& config) : config_(config) {}
  H264PacketizerConfig config_;
};

}  // namespace sfusim::protocol
