#include "sfusim/clients/audio/audio_stream_stats.h"

#include <algorithm>
#include <cmath>

#include "sfusim/clients/audio/audio_format.h"

namespace sfusim::clients {

const char* FrameStatusName(FrameStatus s) {
  switch (s) {
    case FrameStatus::kNoData:
      return "no_data";
    case FrameStatus::kNormal:
      return "normal";
    case FrameStatus::kFec:
      return "fec";
    case FrameStatus::kConcealed:
      return "concealed";
  }
  return "unknown";
}

AudioSecondBin& AudioStreamStats::BinAt(sim::Timestamp at) {
  const int64_t second = std::max<int64_t>(0, at.us() / 1'000'000);
  const size_t index = std::min<size_t>(static_cast<size_t>(second), kMaxSecondBins - 1);
  if (seconds.size() <= index) seconds.resize(index + 1);
  return seconds[index];
}

void AudioStreamStats::RecordBytes(sim::Timestamp at, size_t bytes) {
  bytes_received += bytes;
  last_packet_time = at;
  BinAt(at).bytes_received += bytes;
}

void AudioStreamStats::RecordFrame(sim::Timestamp slot_time, FrameStatus status, std::optional<double> delay) {
  switch (status) {
    case FrameStatus::kNoData:
      ++frames_no_data;
      break;
    case FrameStatus::kNormal:
      ++frames_normal;
      break;
    case FrameStatus::kFec:
      ++frames_fec;
      break;
    case FrameStatus::kConcealed:
      ++frames_concealed;
      break;
  }
  if (!first_slot_time) first_slot_time = slot_time;
  // The slot index on the 20 ms grid that started at first_slot_time (rounded: a later receiver's
  // grid has another phase). Gaps (between receivers) are no_data; a slot already logged (a
  // receiver re-created within 10 ms) is overwritten.
  const int64_t offset_us = (slot_time - *first_slot_time).us();
  if (offset_us >= 0) {
    const int64_t frame_us = kAudioFrameDuration.us();
    const size_t index = static_cast<size_t>((offset_us + frame_us / 2) / frame_us);
    if (index < kMaxFrameLogSlots) {
      if (frame_log.size() <= index) frame_log.resize(index + 1, static_cast<uint8_t>(FrameStatus::kNoData));
      frame_log[index] = static_cast<uint8_t>(status);
    }
  }
  AudioSecondBin* bin = nullptr;
  if (status == FrameStatus::kConcealed) {
    bin = &BinAt(slot_time);
    ++bin->frames_concealed;
  }
  if (delay) {
    if (delay_ms.size() < kMaxDelaySamples) delay_ms.push_back(static_cast<float>(*delay));
    if (!bin) bin = &BinAt(slot_time);
    ++bin->delay_samples;
    bin->delay_sum_ms += *delay;
  }
}

double AudioStreamStats::concealed_ratio() const {
  const uint64_t audible = frames_normal + frames_fec + frames_concealed;
  return audible ? static_cast<double>(frames_concealed) / static_cast<double>(audible) : 0.0;
}

std::optional<double> AudioStreamStats::delay_percentile(double p) const {
  if (delay_ms.empty()) return std::nullopt;
  std::vector<float> sorted = delay_ms;
  std::sort(sorted.begin(), sorted.end());
  p = std::clamp(p, 0.0, 100.0);
  // Nearest rank: the smallest value with at least p % of the samples at or below it.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]);
}

std::optional<double> AudioStreamStats::mean_delay_ms() const {
  if (delay_ms.empty()) return std::nullopt;
  double sum = 0;
  for (float d : delay_ms) sum += d;
  return sum / static_cast<double>(delay_ms.size());
}

double AudioStreamStats::mean_concealed_burst() const {
  uint64_t bursts = 0;
  uint64_t frames = 0;
  bool in_burst = false;
  for (uint8_t s : frame_log) {
    const bool concealed = s == static_cast<uint8_t>(FrameStatus::kConcealed);
    if (concealed) {
      ++frames;
      if (!in_burst) ++bursts;
    }
    in_burst = concealed;
  }
  return bursts ? static_cast<double>(frames) / static_cast<double>(bursts) : 0.0;
}

}  // namespace sfusim::clients
