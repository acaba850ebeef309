// BuildRouterRtpCapabilities: the codecs and header extensions of a channel's router (PROTOCOL.md §2).
//
// Contract: a pure function of the channel's Opus settings, so two routers built from the same
// settings are equal (and a settings change gives different capabilities, which is how the
// "router cached, settings ignored" mutant becomes visible). The result, in preference order:
//   audio/opus  48 kHz, 2 ch, pt 111, rtcp-fb transport-cc, fmtp maxaveragebitrate=<opus_bitrate>,
//               usedtx=<opus_dtx ? 1 : 0>, useinbandfec=<opus_fec ? 1 : 0>
//   video/VP8   90 kHz, pt 98                                                        } rtcp-fb nack,
//   video/H264  90 kHz, pt 96, packetization-mode=1, profile-level-id=42e01f,        } nack pli,
//               level-asymmetry not offered (levels are answered with the lower one) } ccm fir,
//   video/VP9   90 kHz, pt 100                                                       } goog-remb,
//   video/AV1   90 kHz, pt 102                                                       } transport-cc
// Video payload types are the native sender's (PROTOCOL.md §3), so a native producer needs no
// payload type remapping. Header extensions: mid, abs-send-time, transport-wide-cc and
// abs-capture-time (both kinds; abs-capture-time lets receivers measure mouth-to-ear delay),
// ssrc-audio-level (audio), video-orientation and toffset (video), with mediasoup's preferred ids
// (mediasoup offers abs-capture-time as id 13).
#pragma once

#include <cstdint>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtp_parameters/rtp_capabilities.h"

namespace sfusim::protocol {

// A channel's Opus settings (scenario files: "opus": {"bitrate", "dtx", "fec"}).
struct OpusSettings {
  std::int64_t bitrate_bps = kDefaultOpusBitrateBps;  // opus_bitrate -> maxaveragebitrate
  bool dtx = false;                                   // opus_dtx -> usedtx
  bool fec = true;                                    // opus_fec -> useinbandfec

  bool operator==(const OpusSettings&) const = default;
};

// Header extension URIs the router offers that the RTP layer has no class for.
inline constexpr std::string_view kVideoOrientationUri = "urn:3gpp:video-orientation";
inline constexpr std::string_view kToffsetUri = "urn:ietf:params:rtp-hdrext:toffset";

// The router's id of libwebrtc's abs-capture-time extension (protocol/rtp/abs_capture_time.h),
// mediasoup's preferred id; the other ids are in limits.h.
inline constexpr int kHeaderExtensionIdAbsCaptureTime = 13;

// fmtp parameter names of Opus (RFC 7587 §6.1).
inline constexpr std::string_view kOpusMaxAverageBitrateParameter = "maxaveragebitrate";
inline constexpr std::string_view kOpusUseDtxParameter = "usedtx";
inline constexpr std::string_view kOpusUseInbandFecParameter = "useinbandfec";

// Error code "out_of_range" when bitrate_bps is outside [kOpusMinBitrateBps, kOpusMaxBitrateBps].
Result<RtpCapabilities> BuildRouterRtpCapabilities(const OpusSettings& opus);

}  // namespace sfusim::protocol
