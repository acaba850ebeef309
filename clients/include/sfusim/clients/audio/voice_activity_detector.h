// VoiceActivityDetector: the web client's speaking indicator (PROTOCOL.md §4).
//
// Contract:
// - Per frame, RMS of the samples (full scale 1.0). A frame with RMS >= threshold (limits.h
//   kVoiceActivityRmsThreshold, 0.04) makes the state speaking at once; the state falls back to
//   not speaking when no frame reached the threshold for `hold` (kVoiceActivityHoldUs, 220 ms),
//   measured from the end time of the last loud frame (`at` is the frame's end time).
// - Process() and SetMuted() return the new state only when it changed (changes only are reported).
// - While muted, frames are ignored and the state is false; muting while speaking reports false at
//   once. Unmuting reports nothing by itself (the next loud frame does).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "sfusim/protocol/limits.h"
#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

class VoiceActivityDetector {
 public:
  explicit VoiceActivityDetector(double threshold = protocol::kVoiceActivityRmsThreshold,
                                 sim::TimeDelta hold = sim::TimeDelta::Micros(protocol::kVoiceActivityHoldUs));

  std::optional<bool> Process(std::span<const float> frame, sim::Timestamp at);
  std::optional<bool> Process(std::span<const int16_t> frame, sim::Timestamp at);
  std::optional<bool> SetMuted(bool muted);

  bool speaking() const { return speaking_; }
  bool muted() const { return muted_; }
  double last_rms() const { return last_rms_; }

  static double Rms(std::span<const float> frame);
  static double Rms(std::span<const int16_t> frame);  // scaled to full scale 1.0 (/32768)

 private:
  std::optional<bool> Update(double rms, sim::Timestamp at);

  double threshold_;
  sim::TimeDelta hold_;
  bool speaking_ = false;
  bool muted_ = false;
  double last_rms_ = 0;
  sim::Timestamp last_loud_;
};

}  // namespace sfusim::clients
