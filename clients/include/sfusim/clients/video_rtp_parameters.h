// Video producer and consumer parameters of the web client (PROTOCOL.md §2, VIDEO_DESIGN.md V5).
//
// Contract (pure functions, deterministic):
// - MakeVideoRtpParameters(router, ssrc, cname, mid): the router's H.264 codec (its payload type,
//   90 kHz, fmtp packetization-mode=1 and profile-level-id=42e01f as the router gives them, its
//   rtcp-fb: nack, nack pli, ccm fir, goog-remb, transport-cc), the router's video header
//   extensions the client writes (mid, abs-send-time, transport-wide-cc, abs-capture-time), one
//   encoding with `ssrc`, rtcp cname, reduced size. Errors: "no_common_codec" when the router
//   has no video/H264 with packetization-mode=1, "invalid_argument" for ssrc 0.
// - VideoExtensionIdFor(router, uri): the router's id of a video header extension, 0 when absent.
// - VideoConsumerParamsFor(consumer): SSRC, H.264 payload type and abs-capture-time id of a
//   consumer's rtp_parameters (0 when absent).
// - ScreenTierFor(name): the protocol::kResolutionTiers entry of that name; the default tier
//   (kDefaultScreenTier) for an unknown name.
// - Mids: microphone "0" (kMicrophoneMid), camera "1", browser screen "2".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtp_parameters/rtp_capabilities.h"
#include "sfusim/protocol/rtp_parameters/rtp_parameters.h"

namespace sfusim::clients {

inline constexpr std::string_view kH264MimeType = "video/H264";
inline constexpr std::string_view kCameraMid = "1";
inline constexpr std::string_view kScreenMid = "2";

protocol::Result<protocol::RtpParameters> MakeVideoRtpParameters(const protocol::RtpCapabilities& router,
                                                                 uint32_t ssrc, const std::string& cname,
                                                                 std::string_view mid);

uint8_t VideoExtensionIdFor(const protocol::RtpCapabilities& router, std::string_view uri);

struct VideoConsumerParams {
  uint32_t ssrc = 0;
  uint8_t payload_type = protocol::kPayloadTypeH264;
  uint8_t abs_capture_time_id = 0;
};
VideoConsumerParams VideoConsumerParamsFor(const protocol::RtpParameters& consumer);

protocol::ResolutionTier ScreenTierFor(std::string_view name);

}  // namespace sfusim::clients
