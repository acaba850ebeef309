#include "sfusim/clients/audio/opus_decoder.h"

#include <opus.h>

#include <string>

#include "sfusim/clients/video/codec_time.h"

namespace sfusim::clients {
namespace {

protocol::Error OpusError(const char* what, int code) {
  return protocol::MakeError("opus_error", std::string("opus decoder: ") + what + ": " + opus_strerror(code));
}

}  // namespace

struct OpusDecoder::Impl {
  ::OpusDecoder* dec = nullptr;
  ~Impl() {
    if (dec) opus_decoder_destroy(dec);
  }
};

OpusDecoder::OpusDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OpusDecoder::OpusDecoder(OpusDecoder&&) noexcept = default;
OpusDecoder& OpusDecoder::operator=(OpusDecoder&&) noexcept = default;
OpusDecoder::~OpusDecoder() = default;

protocol::Result<OpusDecoder> OpusDecoder::Create() {
  auto impl = std::make_unique<Impl>();
  int err = OPUS_OK;
  {
    CodecTime::Scope timed(CodecCall::kSetup);
    impl->dec = opus_decoder_create(kAudioSampleRateHz, kAudioChannels, &err);
  }
  if (err != OPUS_OK || impl->dec == nullptr) {
    impl->dec = nullptr;
    return OpusError("create", err);
  }
  return OpusDecoder(std::move(impl));
}

protocol::Result<int> OpusDecoder::Decode(std::span<const uint8_t> payload, std::span<int16_t> pcm) {
  if (payload.empty() || payload.size() > static_cast<size_t>(kOpusMaxPacketBytes) * 3) {
    return protocol::MakeError("invalid_argument", "opus decoder: payload of " + std::to_string(payload.size()) +
                                                       " bytes (must be 1.." + std::to_string(kOpusMaxPacketBytes * 3) +
                                                       ")");
  }
  const int samples = opus_decoder_get_nb_samples(impl_->dec, payload.data(), static_cast<opus_int32>(payload.size()));
  if (samples < 0) return OpusError("packet", samples);
  if (static_cast<size_t>(samples) > pcm.size()) {
    return protocol::MakeError("invalid_argument", "opus decoder: packet holds " + std::to_string(samples) +
                                                       " samples, pcm has room for " + std::to_string(pcm.size()));
  }
  int n;
  {
    CodecTime::Scope timed(CodecCall::kOpusDecode);
    n = opus_decode(impl_->dec, payload.data(), static_cast<opus_int32>(payload.size()), pcm.data(),
                    static_cast<int>(pcm.size()), 0);
  }
  if (n < 0) return OpusError("decode", n);
  return n;
}

protocol::Result<int> OpusDecoder::DecodeFec(std::span<const uint8_t> next_payload, std::span<int16_t> pcm,
                                             int frame_samples) {
  if (next_payload.empty() || frame_samples <= 0 || static_cast<size_t>(frame_samples) > pcm.size()) {
    return protocol::MakeError("invalid_argument", "opus decoder: fec needs a payload and room for frame_samples");
  }
  // With decode_fec = 1, libopus needs frame_size to be exactly the lost frame's duration.
  int n;
  {
    CodecTime::Scope timed(CodecCall::kOpusDecode);
    n = opus_decode(impl_->dec, next_payload.data(), static_cast<opus_int32>(next_payload.size()), pcm.data(),
                    frame_samples, 1);
  }
  if (n < 0) return OpusError("decode_fec", n);
  return n;
}

protocol::Result<int> OpusDecoder::Conceal(std::span<int16_t> pcm, int frame_samples) {
  if (frame_samples <= 0 || static_cast<size_t>(frame_samples) > pcm.size()) {
    return protocol::MakeError("invalid_argument", "opus decoder: no room for frame_samples");
  }
  int n;
  {
    CodecTime::Scope timed(CodecCall::kOpusDecode);
    n = opus_decode(impl_->dec, nullptr, 0, pcm.data(), frame_samples, 0);
  }
  if (n < 0) return OpusError("plc", n);
  return n;
}

}  // namespace sfusim::clients
