#include "sfusim/protocol/rtp_parameters/router_capabilities.h"

#include <string>

#include "sfusim/protocol/rtp/abs_capture_time.h"
#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/audio_level.h"
#include "sfusim/protocol/rtp/rtp_mid.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"
#include "sfusim/protocol/rtp_parameters/h264_profile_level_id.h"

namespace sfusim::protocol {
namespace {

std::vector<RtcpFeedback> VideoFeedback() {
  return {
      {std::string(kRtcpFeedbackNack), ""},
      {std::string(kRtcpFeedbackNack), std::string(kRtcpFeedbackParameterPli)},
      {std::string(kRtcpFeedbackCcm), std::string(kRtcpFeedbackParameterFir)},
      {std::string(kRtcpFeedbackGoogRemb), ""},
      {std::string(kRtcpFeedbackTransportCc), ""},
  };
}

RtpCodecCapability VideoCodec(std::string mime_type, std::uint8_t payload_type, CodecParameters parameters) {
  RtpCodecCapability codec;
  codec.kind = MediaKind::kVideo;
  codec.mime_type = std::move(mime_type);
  codec.preferred_payload_type = payload_type;
  codec.clock_rate = kVideoClockRateHz;
  codec.parameters = std::move(parameters);
  codec.rtcp_feedback = VideoFeedback();
  return codec;
}

RtpHeaderExtensionCapability Extension(MediaKind kind, std::string_view uri, int id) {
  return RtpHeaderExtensionCapability{kind, std::string(uri), id, false};
}

}  // namespace

Result<RtpCapabilities> BuildRouterRtpCapabilities(const OpusSettings& opus) {
  if (opus.bitrate_bps < kOpusMinBitrateBps || opus.bitrate_bps > kOpusMaxBitrateBps) {
    return MakeError("out_of_range", "opus_bitrate: must be " + std::to_string(kOpusMinBitrateBps) + ".." +
                                         std::to_string(kOpusMaxBitrateBps) + " bit/s");
  }
  RtpCapabilities caps;

  RtpCodecCapability audio;
  audio.kind = MediaKind::kAudio;
  audio.mime_type = "audio/opus";
  audio.preferred_payload_type = kPayloadTypeOpus;
  audio.clock_rate = kOpusClockRateHz;
  audio.channels = kOpusChannels;
  audio.parameters = {
      {std::string(kOpusMaxAverageBitrateParameter), opus.bitrate_bps},
      {std::string(kOpusUseDtxParameter), std::int64_t{opus.dtx ? 1 : 0}},
      {std::string(kOpusUseInbandFecParameter), std::int64_t{opus.fec ? 1 : 0}},
  };
  audio.rtcp_feedback = {{std::string(kRtcpFeedbackTransportCc), ""}};
  caps.codecs.push_back(std::move(audio));

  caps.codecs.push_back(VideoCodec("video/VP8", kPayloadTypeVp8, {}));
  caps.codecs.push_back(VideoCodec("video/H264", kPayloadTypeH264,
                                   {{std::string(kH264PacketizationModeParameter), std::int64_t{kH264PacketizationMode}},
                                    {std::string(kH264ProfileLevelIdParameter), std::string(kH264ProfileLevelId)}}));
  caps.codecs.push_back(VideoCodec("video/VP9", kPayloadTypeVp9, {}));
  caps.codecs.push_back(VideoCodec("video/AV1", kPayloadTypeAv1, {}));

  for (MediaKind kind : {MediaKind::kAudio, MediaKind::kVideo}) {
    caps.header_extensions.push_back(Extension(kind, RtpMid::kUri, kHeaderExtensionIdMid));
    caps.header_extensions.push_back(Extension(kind, AbsSendTime::kUri, kHeaderExtensionIdAbsSendTime));
    caps.header_extensions.push_back(
        Extension(kind, TransportSequenceNumber::kUri, kHeaderExtensionIdTransportWideCc));
    caps.header_extensions.push_back(Extension(kind, AbsCaptureTime::kUri, kHeaderExtensionIdAbsCaptureTime));
  }
  caps.header_extensions.push_back(Extension(MediaKind::kAudio, AudioLevel::kUri, kHeaderExtensionIdAudioLevel));
  caps.header_extensions.push_back(
      Extension(MediaKind::kVideo, kVideoOrientationUri, kHeaderExtensionIdVideoOrientation));
  caps.header_extensions.push_back(Extension(MediaKind::kVideo, kToffsetUri, kHeaderExtensionIdToffset));
  return caps;
}

}  // namespace sfusim::protocol
