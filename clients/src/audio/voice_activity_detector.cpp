#include "sfusim/clients/audio/voice_activity_detector.h"

#include <cmath>

namespace sfusim::clients {

VoiceActivityDetector::VoiceActivityDetector(double threshold, sim::TimeDelta hold)
    : threshold_(threshold), hold_(hold) {}

double VoiceActivityDetector::Rms(std::span<const float> frame) {
  if (frame.empty()) return 0;
  double sum = 0;
  for (float s : frame) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(frame.size()));
}

double VoiceActivityDetector::Rms(std::span<const int16_t> frame) {
  if (frame.empty()) return 0;
  double sum = 0;
  for (int16_t s : frame) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(frame.size())) / 32768.0;
}

std::optional<bool> VoiceActivityDetector::Process(std::span<const float> frame, sim::Timestamp at) {
  return Update(Rms(frame), at);
}

std::optional<bool> VoiceActivityDetector::Process(std::span<const int16_t> frame, sim::Timestamp at) {
  return Update(Rms(frame), at);
}

std::optional<bool> VoiceActivityDetector::Update(double rms, sim::Timestamp at) {
  last_rms_ = rms;
  if (muted_) return std::nullopt;
  if (rms >= threshold_) {
    last_loud_ = at;
    if (!speaking_) {
      speaking_ = true;
      return true;
    }
    return std::nullopt;
  }
  if (speaking_ && at - last_loud_ >= hold_) {
    speaking_ = false;
    return false;
  }
  return std::nullopt;
}

std::optional<bool> VoiceActivityDetector::SetMuted(bool muted) {
  if (muted == muted_) return std::nullopt;
  muted_ = muted;
  if (muted && speaking_) {
    speaking_ = false;
    return false;
  }
  return std::nullopt;
}

}  // namespace sfusim::clients
