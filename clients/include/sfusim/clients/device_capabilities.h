// Device capabilities: what "loading the device" (mediasoup-client's Device.load) computes from a
// router's RTP capabilities, and the producer parameters the web client sends.
//
// Contract (pure functions, deterministic):
// - LoadDeviceCapabilities(router): the client's RtpCapabilities: the router's codecs whose mime
//   type the client supports (kSupportedMimeTypes, case-insensitive), and the router's header
//   extensions whose URI the client understands (kSupportedHeaderExtensionUris), in router
//   order. Error "no_common_codec" when audio/opus is missing.
// - MakeMicrophoneRtpParameters(router, ssrc, cname): mid "0", the router's Opus codec (its
//   payload type, clock rate, channels, fmtp and feedback), the router's audio header extensions
//   the client writes, one encoding with `ssrc`, rtcp cname. Error "no_common_codec" without Opus.
// - AudioExtensionIdsFor(...): the id of each audio extension the AudioSender/AudioReceiver
//   writes or reads, 0 when not negotiated.
// - OpusSettingsFromCodec(): maxaveragebitrate / usedtx / useinbandfec back to OpusSettings.
// - MakeDtlsFingerprint(seed): a deterministic "AB:CD:..." sha-256 fingerprint string (32 bytes
//   of SHA-256(seed)), as E2E_DESIGN.md asks ("fingerprints derived from ids").
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "sfusim/clients/audio/audio_receiver.h"
#include "sfusim/clients/audio/audio_sender.h"
#include "sfusim/protocol/result.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/protocol/rtp_parameters/rtp_capabilities.h"
#include "sfusim/protocol/rtp_parameters/rtp_parameters.h"

namespace sfusim::clients {

inline constexpr std::string_view kOpusMimeType = "audio/opus";
inline constexpr std::array<std::string_view, 5> kSupportedMimeTypes = {"audio/opus", "video/VP8", "video/H264",
                                                                        "video/VP9", "video/rtx"};
inline constexpr std::string_view kMicrophoneMid = "0";
inline constexpr std::string_view kFingerprintAlgorithm = "sha-256";

protocol::Result<protocol::RtpCapabilities> LoadDeviceCapabilities(const protocol::RtpCapabilities& router);

protocol::Result<protocol::RtpParameters> MakeMicrophoneRtpParameters(const protocol::RtpCapabilities& router,
                                                                       uint32_t ssrc, const std::string& cname);

AudioHeaderExtensionIds AudioExtensionIdsFor(const protocol::RtpCapabilities& router);
// For a consumer: the ids in its rtp_parameters (the receiver reads audio level and capture time).
AudioReceiverConfig AudioReceiverConfigFor(const protocol::RtpParameters& consumer);

protocol::OpusSettings OpusSettingsFromCodec(const protocol::CodecParameters& parameters);

std::string MakeDtlsFingerprint(std::string_view seed);

}  // namespace sfusim::clients
