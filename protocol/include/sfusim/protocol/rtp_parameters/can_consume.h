// Codec matching between a producer's stream and a consumer's capabilities (mediasoup's ortc.ts:
// matchCodecs, canConsume, getConsumerRtpParameters).
//
// Contract: pure functions of their arguments. Two codecs match when the mime types are equal
// ignoring case, the clock rates are equal, audio channel counts are equal (absent = 1) and, in
// strict mode, the codec-specific parameters agree:
//   H.264: packetization-mode equal (absent = 0) and the same profile (profile_idc/profile_iop as
//          libwebrtc reads them); the levels may differ, the consumer gets the lower one;
//   VP9:   profile-id equal (absent = 0);     AV1: profile equal (absent = 0).
// A consumer can consume when the first matching codec is a media codec (not video/rtx).
// Nothing here throws; GetConsumerRtpParameters reports "cannot_consume" as an Error.
#pragma once

#include <cstdint>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtp_parameters/rtp_capabilities.h"
#include "sfusim/protocol/rtp_parameters/rtp_parameters.h"

namespace sfusim::protocol {

// mimeType of retransmission codecs, which never count as a media codec.
inline constexpr std::string_view kRtxMimeType = "video/rtx";

bool IsRtxMimeType(std::string_view mime_type);

// Does the stream's codec match one of the capability's codecs? (strict: see the contract above.)
bool CodecMatchesCapability(const RtpCodecParameters& codec, const RtpCodecCapability& capability,
                            bool strict = true);
bool CodecCapabilitiesMatch(const RtpCodecCapability& a, const RtpCodecCapability& b, bool strict = true);

// Can a consumer with `consumer_caps` receive a producer's stream whose codecs (already mapped to
// the router's payload types) are `consumable`?
bool CanConsume(const RtpParameters& consumable, const RtpCapabilities& consumer_caps);

// Can a device with `consumer_caps` receive anything from a router with `router_caps`? True when
// at least one media codec of the router matches one of the device.
bool CanConsume(const RtpCapabilities& router_caps, const RtpCapabilities& consumer_caps);

// The consumer's rtp_parameters: the producer's codecs that the consumer supports (in the
// producer's order, rtcp-fb from the consumer's capability; H.264 profile-level-id at the lower
// level), the header extensions both sides know with the same id, one encoding with `consumer_ssrc`,
// and the producer's RTCP settings. Congestion feedback as mediasoup reduces it: with the
// transport-wide-cc extension negotiated goog-remb is dropped; otherwise transport-cc is dropped,
// and goog-remb too unless abs-send-time is negotiated.
// Error "cannot_consume" when no media codec matches.
Result<RtpParameters> GetConsumerRtpParameters(const RtpParameters& consumable,
                                               const RtpCapabilities& consumer_caps,
                                               std::uint32_t consumer_ssrc);

}  // namespace sfusim::protocol
