// OpusEncoder / OpusDecoder: real libopus round trips, FEC recovery, PLC, DTX, argument errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sfusim/clients/audio/audio_format.h"
#include "sfusim/clients/audio/opus_decoder.h"
#include "sfusim/clients/audio/opus_encoder.h"
#include "sfusim/clients/audio/speech_source.h"
#include "sfusim/clients/audio/voice_activity_detector.h"
#include "sfusim/sim/rng.h"

using namespace sfusim::clients;
using sfusim::sim::Rng;

namespace {

std::vector<std::vector<uint8_t>> EncodeSpeech(const OpusEncoderConfig& cfg, int frames, uint64_t seed,
                                               std::vector<std::vector<int16_t>>* pcm_out = nullptr) {
  auto enc = OpusEncoder::Create(cfg);
  REQUIRE(enc);
  SpeechSource src{Rng(seed)};
  std::vector<std::vector<uint8_t>> packets;
  std::vector<int16_t> pcm(kAudioFrameSamples);
  for (int i = 0; i < frames; ++i) {
    src.Render(std::span<int16_t>(pcm));
    std::vector<uint8_t> out;
    REQUIRE(enc->Encode(pcm, &out));
    packets.push_back(out);
    if (pcm_out) pcm_out->push_back(pcm);
  }
  return packets;
}

double Correlation(std::span<const int16_t> a, std::span<const int16_t> b) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += double(a[i]) * b[i];
    aa += double(a[i]) * a[i];
    bb += double(b[i]) * b[i];
  }
  return (aa > 0 && bb > 0) ? ab / std::sqrt(aa * bb) : 0;
}

}  // namespace

TEST_CASE("Create validates the configuration", "[opus]") {
  CHECK(OpusEncoder::Create(OpusEncoderConfig{}).ok());
  CHECK(OpusEncoder::Create(OpusEncoderConfig{5'999}).error().code == "invalid_argument");
  CHECK(OpusEncoder::Create(OpusEncoderConfig{510'001}).error().code == "invalid_argument");
  OpusEncoderConfig c;
  c.complexity = 11;
  CHECK(OpusEncoder::Create(c).error().code == "invalid_argument");
  c.complexity = 5;
  c.packet_loss_percent = -1;
  CHECK(OpusEncoder::Create(c).error().code == "invalid_argument");
  auto enc = OpusEncoder::Create(OpusEncoderConfig{});
  REQUIRE(enc);
  CHECK(enc->SetBitrate(1).error().code == "invalid_argument");
  CHECK(enc->config().bitrate_bps == 32'000);  // unchanged after a rejected setter
  REQUIRE(enc->SetBitrate(64'000));
  CHECK(enc->config().bitrate_bps == 64'000);
  std::vector<int16_t> short_frame(480);
  std::vector<uint8_t> out;
  CHECK(enc->Encode(short_frame, &out).error().code == "invalid_argument");
}

TEST_CASE("encode -> decode round trip preserves the speech", "[opus]") {
  std::vector<std::vector<int16_t>> pcm;
  auto packets = EncodeSpeech(OpusEncoderConfig{}, 100, 5, &pcm);
  auto dec = OpusDecoder::Create();
  REQUIRE(dec);
  std::vector<int16_t> out(kOpusMaxFrameSamples);
  size_t bytes = 0;
  double in_energy = 0, out_energy = 0;
  for (size_t i = 0; i < packets.size(); ++i) {
    bytes += packets[i].size();
    auto n = dec->Decode(packets[i], out);
    REQUIRE(n);
    REQUIRE(*n == kAudioFrameSamples);
    in_energy += VoiceActivityDetector::Rms(std::span<const int16_t>(pcm[i]));
    out_energy += VoiceActivityDetector::Rms(std::span<const int16_t>(out.data(), kAudioFrameSamples));
  }
  // 32 kbit/s VBR: 80 bytes per 20 ms on average, give or take.
  const double mean_bytes = double(bytes) / packets.size();
  CHECK(mean_bytes > 40);
  CHECK(mean_bytes < 140);
  CHECK(out_energy == Approx(in_energy).epsilon(0.2));
}

TEST_CASE("in-band FEC of the next packet recovers a lost frame better than PLC", "[opus]") {
  OpusEncoderConfig cfg;
  cfg.fec = true;
  cfg.packet_loss_percent = 20;
  std::vector<std::vector<int16_t>> pcm;
  auto packets = EncodeSpeech(cfg, 40, 9, &pcm);
  const size_t lost = 20;  // inside the first talk spurt (>= 0.8 s = 40 frames)

  auto reference = OpusDecoder::Create();
  auto with_fec = OpusDecoder::Create();
  auto with_plc = OpusDecoder::Create();
  REQUIRE((reference && with_fec && with_plc));
  std::vector<int16_t> ref(kOpusMaxFrameSamples), fec(kOpusMaxFrameSamples), plc(kOpusMaxFrameSamples);
  for (size_t i = 0; i < lost; ++i) {
    REQUIRE(reference->Decode(packets[i], ref));
    REQUIRE(with_fec->Decode(packets[i], fec));
    REQUIRE(with_plc->Decode(packets[i], plc));
  }
  REQUIRE(reference->Decode(packets[lost], ref));
  auto n = with_fec->DecodeFec(packets[lost + 1], fec);
  REQUIRE(n);
  CHECK(*n == kAudioFrameSamples);
  REQUIRE(with_plc->Conceal(plc));
  const std::span<const int16_t> r(ref.data(), kAudioFrameSamples);
  const double c_fec = Correlation(r, std::span<const int16_t>(fec.data(), kAudioFrameSamples));
  const double c_plc = Correlation(r, std::span<const int16_t>(plc.data(), kAudioFrameSamples));
  INFO("correlation with the lost frame: fec " << c_fec << ", plc " << c_plc);
  CHECK(c_fec > 0.5);
  CHECK(c_fec > c_plc);
}

TEST_CASE("DTX: silence becomes tiny packets, speech does not", "[opus]") {
  OpusEncoderConfig cfg;
  cfg.dtx = true;
  auto enc = OpusEncoder::Create(cfg);
  REQUIRE(enc);
  std::vector<int16_t> silence(kAudioFrameSamples, 0);
  std::vector<uint8_t> out;
  int dtx = 0;
  for (int i = 0; i < 50; ++i) {
    REQUIRE(enc->Encode(silence, &out));
    if (enc->in_dtx()) {
      ++dtx;
      CHECK(out.size() <= OpusEncoder::kDtxMaxPacketBytes);
    }
  }
  CHECK(dtx > 30);  // DTX starts after ~200 ms, then sends an update every 400 ms
  SpeechSource src(Rng(1));
  std::vector<int16_t> speech(kAudioFrameSamples);
  src.Render(std::span<int16_t>(speech));
  src.Render(std::span<int16_t>(speech));
  REQUIRE(enc->Encode(speech, &out));
  CHECK(!enc->in_dtx());
  CHECK(out.size() > OpusEncoder::kDtxMaxPacketBytes);
}

TEST_CASE("decoder rejects bad input and stays usable", "[opus]") {
  auto dec = OpusDecoder::Create();
  REQUIRE(dec);
  std::vector<int16_t> out(kOpusMaxFrameSamples);
  CHECK(dec->Decode({}, out).error().code == "invalid_argument");
  const std::vector<uint8_t> code3_no_count = {0x03};  // TOC code 3 needs a frame count byte
  CHECK(dec->Decode(code3_no_count, out).error().code == "opus_error");
  std::vector<int16_t> tiny(10);
  auto packets = EncodeSpeech(OpusEncoderConfig{}, 2, 1);
  CHECK(dec->Decode(packets[0], tiny).error().code == "invalid_argument");
  CHECK(dec->Decode(packets[1], out).ok());
  CHECK(dec->Conceal(out).ok());
  CHECK(dec->Conceal(tiny).error().code == "invalid_argument");
}

TEST_CASE("encoding is deterministic", "[opus]") {
  CHECK(EncodeSpeech(OpusEncoderConfig{}, 100, 42) == EncodeSpeech(OpusEncoderConfig{}, 100, 42));
}
