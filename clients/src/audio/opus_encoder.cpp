#include "sfusim/clients/audio/opus_encoder.h"

#include <opus.h>

#include <string>

#include "sfusim/clients/audio/audio_format.h"
#include "sfusim/clients/video/codec_time.h"
#include "sfusim/protocol/limits.h"

namespace sfusim::clients {
namespace {

constexpr int kMaxComplexity = 10;
constexpr int kMaxPacketLossPercent = 100;

protocol::Error OpusError(const char* what, int code) {
  return protocol::MakeError("opus_error", std::string("opus encoder: ") + what + ": " + opus_strerror(code));
}

protocol::Status Validate(const OpusEncoderConfig& c) {
  if (c.bitrate_bps < protocol::kOpusMinBitrateBps || c.bitrate_bps > protocol::kOpusMaxBitrateBps) {
    return protocol::MakeError("invalid_argument", "opus encoder: bitrate_bps " + std::to_string(c.bitrate_bps) +
                                                       " outside " + std::to_string(protocol::kOpusMinBitrateBps) +
                                                       ".." + std::to_string(protocol::kOpusMaxBitrateBps));
  }
  if (c.complexity < 0 || c.complexity > kMaxComplexity) {
    return protocol::MakeError("invalid_argument", "opus encoder: complexity must be 0..10");
  }
  if (c.packet_loss_percent < 0 || c.packet_loss_percent > kMaxPacketLossPercent) {
    return protocol::MakeError("invalid_argument", "opus encoder: packet_loss_percent must be 0..100");
  }
  return protocol::Ok{};
}

}  // namespace

struct OpusEncoder::Impl {
  ::OpusEncoder* enc = nullptr;
  OpusEncoderConfig config;
  bool in_dtx = false;
  ~Impl() {
    if (enc) opus_encoder_destroy(enc);
  }
  protocol::Status Apply(const OpusEncoderConfig& c) {
    if (auto s = Validate(c); !s) return s;
    int err;
    if ((err = opus_encoder_ctl(enc, OPUS_SET_BITRATE(c.bitrate_bps))) != OPUS_OK) return OpusError("bitrate", err);
    if ((err = opus_encoder_ctl(enc, OPUS_SET_DTX(c.dtx ? 1 : 0))) != OPUS_OK) return OpusError("dtx", err);
    if ((err = opus_encoder_ctl(enc, OPUS_SET_INBAND_FEC(c.fec ? 1 : 0))) != OPUS_OK) return OpusError("fec", err);
    if ((err = opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(c.complexity))) != OPUS_OK)
      return OpusError("complexity", err);
    if ((err = opus_encoder_ctl(enc, OPUS_SET_PACKET_LOSS_PERC(c.packet_loss_percent))) != OPUS_OK) {
      return OpusError("packet_loss_perc", err);
    }
    config = c;
    return protocol::Ok{};
  }
};

OpusEncoder::OpusEncoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OpusEncoder::OpusEncoder(OpusEncoder&&) noexcept = default;
OpusEncoder& OpusEncoder::operator=(OpusEncoder&&) noexcept = default;
OpusEncoder::~OpusEncoder() = default;

protocol::Result<OpusEncoder> OpusEncoder::Create(const OpusEncoderConfig& config) {
  if (auto s = Validate(config); !s) return s.error();
  auto impl = std::make_unique<Impl>();
  int err = OPUS_OK;
  {
    CodecTime::Scope timed(CodecCall::kSetup);
    impl->enc = opus_encoder_create(kAudioSampleRateHz, kAudioChannels, OPUS_APPLICATION_VOIP, &err);
  }
  if (err != OPUS_OK || impl->enc == nullptr) {
    impl->enc = nullptr;
    return OpusError("create", err);
  }
  // Constant settings: speech content, variable bitrate (libwebrtc's defaults for Opus).
  opus_encoder_ctl(impl->enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  opus_encoder_ctl(impl->enc, OPUS_SET_VBR(1));
  if (auto s = impl->Apply(config); !s) return s.error();
  return OpusEncoder(std::move(impl));
}

protocol::Status OpusEncoder::Encode(std::span<const int16_t> pcm, std::vector<uint8_t>* out) {
  if (pcm.size() != static_cast<size_t>(kAudioFrameSamples)) {
    return protocol::MakeError("invalid_argument", "opus encoder: frame of " + std::to_string(pcm.size()) +
                                                       " samples, expected " + std::to_string(kAudioFrameSamples));
  }
  out->resize(kOpusMaxPacketBytes);
  opus_int32 n;
  {
    CodecTime::Scope timed(CodecCall::kOpusEncode);
    n = opus_encode(impl_->enc, pcm.data(), kAudioFrameSamples, out->data(), static_cast<opus_int32>(out->size()));
  }
  if (n < 0) {
    out->clear();
    return OpusError("encode", n);
  }
  out->resize(static_cast<size_t>(n));
  // libwebrtc's rule: with DTX on, a packet of <= 2 bytes need not be sent. (OPUS_GET_IN_DTX is
  // also true for the periodic comfort-noise update frames, which must be sent.)
  impl_->in_dtx = impl_->config.dtx && out->size() <= kDtxMaxPacketBytes;
  return protocol::Ok{};
}

protocol::Status OpusEncoder::SetBitrate(int bitrate_bps) {
  OpusEncoderConfig c = impl_->config;
  c.bitrate_bps = bitrate_bps;
  return impl_->Apply(c);
}
protocol::Status OpusEncoder::Reconfigure(const OpusEncoderConfig& config) { return impl_->Apply(config); }

const OpusEncoderConfig& OpusEncoder::config() const { return impl_->config; }
bool OpusEncoder::in_dtx() const { return impl_->in_dtx; }

}  // namespace sfusim::clients
