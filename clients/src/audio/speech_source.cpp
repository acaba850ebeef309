#include "sfusim/clients/audio/speech_source.h"

#include <algorithm>
#include <cmath>

#include "sfusim/clients/audio/audio_format.h"

namespace sfusim::clients {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kPitchTimeConstantS = 0.2;  // slow drift toward each syllable's pitch target
constexpr double kPitchSpread = 0.2;         // syllable pitch targets within +-20 % of the speaker's
constexpr double kMinSyllableHz = 3;
constexpr double kMaxSyllableHz = 6;
constexpr double kEnvelopeFloor = 0.5;  // envelope in [0.5, 1]: every voiced frame stays loud
constexpr double kMinFormantHz = 300;
constexpr double kMaxFormantHz = 900;
constexpr double kFormantBoost = 2.0;
constexpr int kRampSamples = kAudioSampleRateHz / 200;  // 5 ms fade in/out at talk spurt edges
constexpr double kNoisePole = 0.5;
constexpr int64_t kBlockSamples = 32;  // 0.67 ms: pitch and envelope are slow against it

}  // namespace

SpeechSource::SpeechSource(sim::Rng rng, SpeechSourceConfig config) : rng_(rng), config_(config) {
  base_pitch_hz_ = rng_.Uniform(config_.min_pitch_hz, config_.max_pitch_hz);
  pitch_hz_ = base_pitch_hz_;
  talking_ = !config_.start_talking;  // StartSegment flips it
  StartSegment();
}

void SpeechSource::StartSegment() {
  talking_ = !talking_;
  phasor_valid_ = false;
  const double seconds = talking_ ? rng_.Uniform(config_.min_talk_s, config_.max_talk_s)
                                  : rng_.Uniform(config_.min_pause_s, config_.max_pause_s);
  segment_length_ = std::max<int64_t>(1, static_cast<int64_t>(seconds * kAudioSampleRateHz));
  segment_left_ = segment_length_;
  if (talking_) {
    syllable_phase_ = 0;
    StartSyllable();
  }
}

void SpeechSource::StartSyllable() {
  syllable_hz_ = rng_.Uniform(kMinSyllableHz, kMaxSyllableHz);
  pitch_target_hz_ = std::clamp(base_pitch_hz_ * rng_.Uniform(1 - kPitchSpread, 1 + kPitchSpread), config_.min_pitch_hz,
                                config_.max_pitch_hz);
  // A formant-like emphasis around one harmonic; amplitudes fall as 1/k (glottal pulse spectrum).
  const double formant_hz = rng_.Uniform(kMinFormantHz, kMaxFormantHz);
  const double formant_k = formant_hz / pitch_target_hz_;
  double power = 0;
  for (int k = 1; k <= kHarmonicCount; ++k) {
    const double d = (k - formant_k) / 1.5;
    harmonic_amp_[k - 1] = (1.0 / k) * (1 + kFormantBoost * std::exp(-d * d));
    power += harmonic_amp_[k - 1] * harmonic_amp_[k - 1] / 2;  // mean square of a*sin
  }
  // Normalize so the harmonic sum has RMS 1; the envelope then sets the level.
  const double norm = 1.0 / std::sqrt(power);
  for (double& a : harmonic_amp_) a *= norm;
}

float SpeechSource::NextSample() {
  if (segment_left_ <= 0) StartSegment();
  const int64_t pos = segment_length_ - segment_left_;
  --segment_left_;
  double x;
  if (talking_) {
    const double dt = 1.0 / kAudioSampleRateHz;
    pitch_hz_ += (pitch_target_hz_ - pitch_hz_) * (dt / kPitchTimeConstantS);
    phase_ += pitch_hz_ * dt;
    phase_ -= std::floor(phase_);
    syllable_phase_ += syllable_hz_ * dt;
    if (syllable_phase_ >= 1) {
      syllable_phase_ -= 1;
      StartSyllable();
    }
    // sin(theta) and cos(theta) come from a phasor rotated once per sample; every kBlockSamples
    // samples (counted in samples_rendered_, so chunk sizes do not matter) the phasor is re-derived
    // exactly from phase_ and the envelope is refreshed: 3 trig calls per block, not 3 per sample.
    if (samples_rendered_ % kBlockSamples == 0 || !phasor_valid_) {
      phasor_valid_ = true;
      const double theta = 2 * kPi * phase_;
      phasor_sin_ = std::sin(theta);
      phasor_cos_ = std::cos(theta);
      const double delta = 2 * kPi * pitch_hz_ * dt;
      rotation_sin_ = std::sin(delta);
      rotation_cos_ = std::cos(delta);
      const double e = std::sin(kPi * syllable_phase_);
      envelope_ = kEnvelopeFloor + (1 - kEnvelopeFloor) * e * e;
    } else {
      const double s = phasor_sin_ * rotation_cos_ + phasor_cos_ * rotation_sin_;
      phasor_cos_ = phasor_cos_ * rotation_cos_ - phasor_sin_ * rotation_sin_;
      phasor_sin_ = s;
    }
    // sin(k theta) by the Chebyshev recurrence.
    const double c2 = 2 * phasor_cos_;
    double prev = 0;
    double cur = phasor_sin_;
    double sum = 0;
    for (int k = 0; k < kHarmonicCount; ++k) {
      sum += harmonic_amp_[k] * cur;
      const double next = c2 * cur - prev;
      prev = cur;
      cur = next;
    }
    const double envelope = envelope_;
    double ramp = 1;
    if (pos < kRampSamples) ramp = static_cast<double>(pos) / kRampSamples;
    if (segment_left_ < kRampSamples) ramp = std::min(ramp, static_cast<double>(segment_left_) / kRampSamples);
    // The envelope's mean square is ~0.65: scale so the talk RMS is about config.talk_rms.
    x = config_.talk_rms / 0.8 * envelope * ramp * sum;
  } else {
    const double sigma = config_.pause_rms * std::sqrt((1 + kNoisePole) / (1 - kNoisePole));
    noise_state_ = kNoisePole * noise_state_ + (1 - kNoisePole) * rng_.Normal(0, sigma);
    x = noise_state_;
  }
  ++samples_rendered_;
  return static_cast<float>(std::clamp(x, -1.0, 1.0));
}

void SpeechSource::Render(std::span<float> out) {
  for (float& s : out) s = NextSample();
}

void SpeechSource::Render(std::span<int16_t> out) {
  for (int16_t& s : out) {
    const double v = std::round(static_cast<double>(NextSample()) * 32767.0);
    s = static_cast<int16_t>(std::clamp(v, -32768.0, 32767.0));
  }
}

}  // namespace sfusim::clients
