// SpeechSource: a deterministic speech-like mono 48 kHz signal, the simulated microphone.
//
// Contract:
// - The signal alternates talk spurts and pauses whose lengths are drawn uniformly from the
//   config's ranges. A talk spurt is a harmonic glottal-pulse-like tone (pitch in [min_pitch,
//   max_pitch] with slow random drift, a few formant-ish harmonics with falling amplitude, a
//   syllable-rate amplitude envelope) scaled so each voiced 20 ms frame has RMS well above
//   limits.h kVoiceActivityRmsThreshold (0.04); a pause is low-level noise (RMS 0.0001).
// - Every draw comes from the sim::Rng given at construction (a named substream), so the same
//   seed and name give the same samples, bit for bit, on every machine (our own distributions,
//   glibc's sin/exp).
// - Render() continues where the previous call stopped; any frame length works (960 = 20 ms).
//   int16 output is the float output times 32767, rounded and clamped.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "sfusim/sim/rng.h"

namespace sfusim::clients {

struct SpeechSourceConfig {
  double min_talk_s = 0.8;
  double max_talk_s = 3.0;
  double min_pause_s = 0.3;
  double max_pause_s = 2.0;
  double min_pitch_hz = 90;
  double max_pitch_hz = 250;
  double talk_rms = 0.15;  // target RMS of voiced speech (full scale 1.0)
  // Background noise in pauses: -80 dBFS, a browser mic after noise suppression. (libopus 1.3's
  // DTX treats stationary noise of -54 dBFS and above as activity in pauses this short.)
  double pause_rms = 0.0001;
  bool start_talking = true;  // the first segment is a talk spurt
};

class SpeechSource {
 public:
  explicit SpeechSource(sim::Rng rng, SpeechSourceConfig config = {});

  void Render(std::span<float> out);
  void Render(std::span<int16_t> out);

  // Whether the sample rendered last belongs to a talk spurt.
  bool talking() const { return talking_; }
  int64_t samples_rendered() const { return samples_rendered_; }
  const SpeechSourceConfig& config() const { return config_; }

 private:
  static constexpr int kHarmonicCount = 12;

  void StartSegment();
  void StartSyllable();
  float NextSample();

  sim::Rng rng_;
  SpeechSourceConfig config_;
  bool talking_ = false;
  int64_t segment_left_ = 0;  // samples left in the current segment
  int64_t segment_length_ = 0;
  double base_pitch_hz_ = 120;  // the speaker's mean pitch
  double pitch_hz_ = 120;
  double pitch_target_hz_ = 120;
  double phase_ = 0;           // glottal phase in cycles [0, 1)
  double syllable_phase_ = 0;  // envelope phase in cycles
  double syllable_hz_ = 4;
  double noise_state_ = 0;  // one-pole low-passed noise
  std::array<double, kHarmonicCount> harmonic_amp_{};
  double phasor_sin_ = 0;  // sin/cos of the glottal phase, rotated per sample
  double phasor_cos_ = 1;
  double rotation_sin_ = 0;
  double rotation_cos_ = 1;
  double envelope_ = 1;
  bool phasor_valid_ = false;  // false until the first sample of a talk spurt set it
  int64_t samples_rendered_ = 0;
};

}  // namespace sfusim::clients
