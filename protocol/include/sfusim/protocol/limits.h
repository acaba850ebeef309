// Every number of PROTOCOL.md, as a named constant, in one place.
//
// Contract: code anywhere in sfusim that needs one of these numbers includes this header instead of
// writing the literal, so a change to the protocol is a change here. The first part is the protocol's
// own numbers, grouped by PROTOCOL.md section; the last part ("sfusim's own bounds") holds numbers
// PROTOCOL.md does not give but that sfusim needs because everything that comes from outside has a
// limit (DESIGN.md: "Put a limit on everything").
//
// Units: durations are int64 microseconds (suffix Us), the unit of every time value the protocol
// layer takes (it depends on nothing of ours, so no sim::Timestamp here); rates are bits per second
// (Bps); fractions are 0..1 (suffix Fraction); string lengths count Unicode code points ("chars").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sfusim::protocol {

// ---------------------------------------------------------------------------------------------
// PROTOCOL.md §1 Signaling: message validation
// ---------------------------------------------------------------------------------------------
inline constexpr std::size_t kMaxSignalingPayloadBytes = 32 * 1024;  // checked before parsing
inline constexpr std::size_t kMaxRequestIdLength = 128;
inline constexpr std::size_t kMaxDirectionLength = 16;
inline constexpr std::size_t kMaxTransportIdLength = 128;
inline constexpr std::size_t kMaxKindLength = 16;
inline constexpr std::size_t kMaxSourceLength = 32;
inline constexpr std::size_t kMaxRoutingModeLength = 16;

// The only routing mode the server accepts.
inline constexpr std::string_view kRoutingModeSfu = "sfu";

// At most one camera and one screen producer per connection (checked atomically by the server).
inline constexpr int kMaxCameraProducersPerConnection = 1;
inline constexpr int kMaxScreenProducersPerConnection = 1;

// ---------------------------------------------------------------------------------------------
// PROTOCOL.md §1 Signaling: rate limit and connection limits
// ---------------------------------------------------------------------------------------------
inline constexpr int kRateLimitMaxEvents = 80;                 // media-signal events ...
inline constexpr std::int64_t kRateLimitWindowUs = 5'000'000;  // ... per 5 s window, per connection
inline constexpr std::size_t kOutboundQueueMaxMessages = 256;  // a full queue disconnects that client
inline constexpr std::int64_t kIdleTimeoutUs = 45'000'000;
inline constexpr std::int64_t kAuthTimeoutUs = 15'000'000;

// ---------------------------------------------------------------------------------------------
// PROTOCOL.md §2 Media plane
// ---------------------------------------------------------------------------------------------
inline constexpr int kDefaultWorkerCount = 2;  // a channel's router lives on worker channel_id[0] % N

inline constexpr std::uint32_t kOpusClockRateHz = 48'000;
inline constexpr int kOpusChannels = 2;
inline constexpr std::uint32_t kVideoClockRateHz = 90'000;

// H.264 as the router offers it.
inline constexpr int kH264PacketizationMode = 1;
inline constexpr std::string_view kH264ProfileLevelId = "42e01f";  // constrained baseline, level 3.1

// ---------------------------------------------------------------------------------------------
// PROTOCOL.md §3 Native screen-share sender
// ---------------------------------------------------------------------------------------------
inline constexpr std::uint8_t kPayloadTypeH264 = 96;
inline constexpr std::uint8_t kPayloadTypeVp8 = 98;
inline constexpr std::uint8_t kPayloadTypeVp9 = 100;
inline constexpr std::uint8_t kPayloadTypeAv1 = 102;

// The RTCP cname of the native sender is this prefix followed by the SSRC in hex.
inline constexpr std::string_view kNativeSenderCnamePrefix = "native-";

// The degradation ladder's resolution tiers, highest first (lower fps first, then the tier, then
// the target bitrate).
struct ResolutionTier {
  std::string_view name;
  int width;
  int height;
};
inline constexpr std::array<ResolutionTier, 4> kResolutionTiers = {{
    {"2160p", 3840, 2160},
    {"1440p", 2560, 1440},
    {"1080p", 1920, 1080},
    {"720p", 1280, 720},
}};

// ---------------------------------------------------------------------------------------------
// PROTOCOL.md §4 Web client behaviour
// ---------------------------------------------------------------------------------------------
inline constexpr std::int64_t kMediaSignalRequestTimeoutUs = 10'000'000;
inline constexpr double kVoiceActivityRmsThreshold = 0.04;  // RMS of the mic signal, full scale 1.0
inline constexpr std::int64_t kVoiceActivityHoldUs = 220'000;
inline constexpr std::int64_t kTransportDisconnectedToFailedUs = 10'000'000;

// ---------------------------------------------------------------------------------------------
// PROTOCOL.md §5 Bandwidth controller and targets (sibling prototypes)
// ---------------------------------------------------------------------------------------------
inline constexpr double kBandwidthDecreaseFactor = 0.8;         // when RTT or loss is high
inline constexpr double kBandwidthIncreaseFactor = 1.2;         // when RTT and loss are low
inline constexpr std::int64_t kBandwidthRttHighUs = 200'000;    // RTT > 200 ms: decrease
inline constexpr double kBandwidthLossHighFraction = 0.05;      // loss > 5 %: decrease
inline constexpr std::int64_t kBandwidthRttLowUs = 50'000;      // RTT < 50 ms and ...
inline constexpr double kBandwidthLossLowFraction = 0.01;       // ... loss < 1 %: increase

inline constexpr std::int64_t kTargetConnectionSetupUs = 5'000'000;   // setup < 5 s
inline constexpr std::int64_t kTargetReconnectionUs = 3'000'000;      // reconnection < 3 s
inline constexpr std::int64_t kTargetAudioLatencyUs = 50'000;         // end to end, clean network
inline constexpr std::int64_t kTargetAudioLatencyGoalUs = 10'000;     // the stated goal
inline constexpr double kTargetToleratedLossFraction = 0.05;          // tolerate loss < 5 %
inline constexpr std::int64_t kTargetToleratedJitterUs = 30'000;      // tolerate jitter < 30 ms

// ---------------------------------------------------------------------------------------------
// sfusim's own bounds and choices (not in PROTOCOL.md; every outside input still has a limit)
// ---------------------------------------------------------------------------------------------
// Signaling JSON structure.
inline constexpr std::size_t kMaxJsonDepth = 32;  // nesting of objects/arrays in any message
// Server->client messages carry capability lists and producer snapshots, so they may be larger
// than the 32 KiB a client may send; a client still refuses anything beyond this.
inline constexpr std::size_t kMaxServerPayloadBytes = 1024 * 1024;

// Identifier and name fields PROTOCOL.md gives no length for.
inline constexpr std::size_t kMaxChannelIdLength = 128;
inline constexpr std::size_t kMaxUserIdLength = 128;
inline constexpr std::size_t kMaxUsernameLength = 64;
inline constexpr std::size_t kMaxAuthTokenLength = 512;  // authenticate's opaque token
inline constexpr std::size_t kMaxProducerIdLength = 128;
inline constexpr std::size_t kMaxConsumerIdLength = 128;
inline constexpr std::size_t kMaxActionLength = 64;
inline constexpr std::size_t kMaxTypeLength = 64;
inline constexpr std::size_t kMaxErrorCodeLength = 64;
inline constexpr std::size_t kMaxErrorMessageLength = 1024;
inline constexpr std::size_t kMaxReasonLength = 64;

// create_native_sender_session: the bounded preferred_codecs list.
inline constexpr std::size_t kMaxPreferredCodecs = 8;
inline constexpr std::size_t kMaxPreferredCodecLength = 32;  // e.g. "video/H264"

// client_diagnostic: the free-form object.
inline constexpr std::size_t kMaxDiagnosticBytes = 4096;   // its compact JSON text
inline constexpr std::size_t kMaxDiagnosticDepth = 8;      // the object itself is depth 1
inline constexpr std::size_t kMaxDiagnosticValues = 256;   // every value inside, at any depth

// DTLS / ICE parameters.
inline constexpr std::size_t kMaxDtlsFingerprints = 8;
inline constexpr std::size_t kMaxDtlsRoleLength = 16;          // "auto" | "client" | "server"
inline constexpr std::size_t kMaxDtlsAlgorithmLength = 16;     // "sha-256"
inline constexpr std::size_t kMaxDtlsFingerprintLength = 256;  // sha-512 as hex with colons: 191
inline constexpr std::size_t kMaxIceCredentialLength = 256;
inline constexpr std::size_t kMaxIceCandidates = 16;
inline constexpr std::size_t kMaxIpLength = 64;
inline constexpr std::size_t kMaxIceCandidateWordLength = 16;  // protocol "udp", type "host", ...
inline constexpr std::size_t kMaxIceFoundationLength = 64;

// RTP parameters and capabilities (mediasoup-style objects).
inline constexpr std::size_t kMaxRtpCodecs = 32;
inline constexpr std::size_t kMaxRtpHeaderExtensions = 32;
inline constexpr std::size_t kMaxRtpEncodings = 8;
inline constexpr std::size_t kMaxRtcpFeedback = 16;
inline constexpr std::size_t kMaxCodecParameters = 32;
inline constexpr std::size_t kMaxMimeTypeLength = 64;
inline constexpr std::size_t kMaxRtcpFeedbackTypeLength = 32;
inline constexpr std::size_t kMaxHeaderExtensionUriLength = 256;
inline constexpr std::size_t kMaxCodecParameterKeyLength = 64;
inline constexpr std::size_t kMaxCodecParameterValueLength = 256;
inline constexpr std::size_t kMaxCnameLength = 256;
inline constexpr std::size_t kMaxMidLength = 32;
inline constexpr std::size_t kMaxRidLength = 32;
inline constexpr std::size_t kMaxScalabilityModeLength = 16;
inline constexpr int kMaxRtpPayloadType = 127;       // 7 bits in the RTP header
inline constexpr int kMaxHeaderExtensionId = 255;    // RFC 8285 two-byte form; 1..14 for one-byte
inline constexpr std::uint32_t kMaxClockRateHz = 1'000'000;
inline constexpr int kMaxAudioChannels = 8;
inline constexpr std::int64_t kMaxEncodingBitrateBps = 1'000'000'000;

// Server->client lists.
inline constexpr std::size_t kMaxPresenceChannels = 1024;
inline constexpr std::size_t kMaxPresenceMembers = 1024;   // per channel
inline constexpr std::size_t kMaxAnnouncedProducers = 4096;  // in one create-recv-transport result

// Opus as sfusim's router offers it (payload type as browsers commonly use; bitrate range of the
// maxaveragebitrate fmtp parameter, RFC 7587 §6.1).
inline constexpr std::uint8_t kPayloadTypeOpus = 111;
inline constexpr std::int64_t kOpusMinBitrateBps = 6'000;
inline constexpr std::int64_t kOpusMaxBitrateBps = 510'000;
inline constexpr std::int64_t kDefaultOpusBitrateBps = 32'000;

// Header extension ids in the router's capabilities (mediasoup's preferred ids).
inline constexpr int kHeaderExtensionIdMid = 1;
inline constexpr int kHeaderExtensionIdAbsSendTime = 4;
inline constexpr int kHeaderExtensionIdTransportWideCc = 5;
inline constexpr int kHeaderExtensionIdAudioLevel = 10;
inline constexpr int kHeaderExtensionIdVideoOrientation = 11;
inline constexpr int kHeaderExtensionIdToffset = 12;

}  // namespace sfusim::protocol
