// OpusEncoder: RAII wrapper of a libopus encoder for 48 kHz mono 20 ms VoIP frames.
//
// Contract:
// - Create() validates the config (bitrate within limits.h kOpusMinBitrateBps..kOpusMaxBitrateBps,
//   complexity 0..10, packet loss 0..100) and returns Error{"invalid_argument"|"opus_error"}
//   instead of throwing. The object is move-only; libopus state is behind a PIMPL (no <opus.h> here).
// - Encode() takes exactly kAudioFrameSamples samples; the output is one Opus packet. With DTX,
//   libopus returns a packet of <= kDtxMaxPacketBytes bytes for frames that need not be sent
//   (in_dtx() says so); the sender drops those (as libwebrtc does).
// - Setters apply at once (next Encode); single-threaded like everything in the simulation.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sfusim/protocol/result.h"

namespace sfusim::clients {

struct OpusEncoderConfig {
  int bitrate_bps = 32'000;
  bool dtx = false;
  bool fec = true;               // in-band FEC (LBRR); effective only with packet_loss_percent > 0
  int complexity = 9;            // 0..10
  int packet_loss_percent = 10;  // the encoder's expected loss, sizes the FEC
  bool operator==(const OpusEncoderConfig&) const = default;
};

class OpusEncoder {
 public:
  static constexpr size_t kDtxMaxPacketBytes = 2;

  static protocol::Result<OpusEncoder> Create(const OpusEncoderConfig& config);
  OpusEncoder(OpusEncoder&&) noexcept;
  OpusEncoder& operator=(OpusEncoder&&) noexcept;
  ~OpusEncoder();

  // Encodes one 20 ms frame into `out` (replaced). Error "invalid_argument" for a wrong frame size,
  // "opus_error" when libopus fails.
  protocol::Status Encode(std::span<const int16_t> pcm, std::vector<uint8_t>* out);

  protocol::Status SetBitrate(int bitrate_bps);
  protocol::Status Reconfigure(const OpusEncoderConfig& config);

  const OpusEncoderConfig& config() const;
  // True when DTX is on and the last packet is <= kDtxMaxPacketBytes (nothing needs to be sent).
  bool in_dtx() const;

 private:
  struct Impl;
  explicit OpusEncoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfusim::clients
