// OpusDecoder: RAII wrapper of a libopus decoder, 48 kHz mono output.
//
// Contract:
// - Create() returns Error{"opus_error"} instead of throwing; move-only; PIMPL (no <opus.h>).
// - Decode() decodes one packet into `pcm` (at least as many samples as the packet holds, at most
//   kOpusMaxFrameSamples needed) and returns the number of samples written.
// - DecodeFec() recovers the frame BEFORE `next_payload` from its in-band FEC (LBRR) data, writing
//   `frame_samples` samples. If the packet carries no LBRR data, libopus conceals instead (the
//   output is then PLC; the call still succeeds).
// - Conceal() runs packet loss concealment for `frame_samples` samples (comfort noise after DTX).
// - Errors: "invalid_argument" (empty/oversized payload, pcm too small), "opus_error" (corrupt
//   packet); the decoder state stays usable.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "sfusim/clients/audio/audio_format.h"
#include "sfusim/protocol/result.h"

namespace sfusim::clients {

class OpusDecoder {
 public:
  static protocol::Result<OpusDecoder> Create();
  OpusDecoder(OpusDecoder&&) noexcept;
  OpusDecoder& operator=(OpusDecoder&&) noexcept;
  ~OpusDecoder();

  protocol::Result<int> Decode(std::span<const uint8_t> payload, std::span<int16_t> pcm);
  protocol::Result<int> DecodeFec(std::span<const uint8_t> next_payload, std::span<int16_t> pcm,
                                  int frame_samples = kAudioFrameSamples);
  protocol::Result<int> Conceal(std::span<int16_t> pcm, int frame_samples = kAudioFrameSamples);

 private:
  struct Impl;
  explicit OpusDecoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfusim::clients
