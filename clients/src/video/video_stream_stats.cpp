#include "sfusim/clients/video/video_stream_stats.h"

#include <algorithm>
#include <cmath>

namespace sfusim::clients {

std::optional<double> VideoSecondBin::mean_psnr_db() const {
  if (psnr_samples == 0) return std::nullopt;
  return psnr_sum_db / psnr_samples;
}

std::optional<double> VideoSecondBin::mean_delay_ms() const {
  if (delay_samples == 0) return std::nullopt;
  return delay_sum_ms / delay_samples;
}

VideoSecondBin& VideoStreamStats::BinAt(sim::Timestamp at) {
  const int64_t second = std::max<int64_t>(0, at.us() / 1'000'000);
  const size_t index = std::min<size_t>(static_cast<size_t>(second), kMaxSecondBins - 1);
  if (seconds.size() <= index) seconds.resize(index + 1);
  return seconds[index];
}

void VideoStreamStats::RecordPacket(sim::Timestamp at, size_t bytes, bool retransmitted) {
  ++packets_received;
  if (retransmitted) ++packets_retransmitted_received;
  bytes_received += bytes;
  last_packet_time = at;
  BinAt(at).bytes_received += bytes;
}

std::optional<double> VideoStreamStats::mean_interval_ms() const {
  if (intervals_counted == 0) return std::nullopt;
  return intervals_total.ms_f() / static_cast<double>(intervals_counted);
}

sim::TimeDelta VideoStreamStats::freeze_threshold() const {
  if (intervals_counted == 0) return kFreezeMinGap;
  const sim::TimeDelta mean = intervals_total / static_cast<int64_t>(intervals_counted);
  return std::max(kFreezeMinGap, mean * kFreezeMeanIntervalFactor);
}

void VideoStreamStats::RecordRenderedFrame(sim::Timestamp at, int width, int height, std::optional<double> psnr,
                                           std::optional<double> delay) {
  if (last_render_time) {
    const sim::TimeDelta gap = at - *last_render_time;
    if (gap > kFpsInactiveGap) {
      ++absences;
    } else {
      // The threshold uses the gaps before this one only.
      if (intervals_counted > 0 && gap > freeze_threshold()) {
        ++freeze_count;
        freeze_total += gap;
        if (freeze_durations_ms.size() < kMaxFreezeDurations) freeze_durations_ms.push_back(static_cast<float>(gap.ms_f()));
      }
      ++intervals_counted;
      intervals_total += gap;
    }
  }
  last_render_time = at;
  ++frames_rendered;
  if (render_times_us.size() < kMaxRenderTimes) render_times_us.push_back(at.us());
  last_width = width;
  last_height = height;
  VideoSecondBin& bin = BinAt(at);
  ++bin.frames_rendered;
  if (psnr) {
    if (psnr_db.size() < kMaxSamples) psnr_db.push_back(static_cast<float>(*psnr));
    ++bin.psnr_samples;
    bin.psnr_sum_db += *psnr;
  }
  if (delay) {
    if (delay_ms.size() < kMaxSamples) delay_ms.push_back(static_cast<float>(*delay));
    ++bin.delay_samples;
    bin.delay_sum_ms += *delay;
  }
}

void VideoStreamStats::RecordKeyFrameAfterPli(sim::TimeDelta elapsed) {
  if (key_frame_after_pli_ms.size() < kMaxSamples) key_frame_after_pli_ms.push_back(static_cast<float>(elapsed.ms_f()));
}

double VideoStreamStats::received_fps() const {
  if (intervals_counted == 0 || intervals_total <= sim::TimeDelta::Zero()) return 0.0;
  return static_cast<double>(intervals_counted) / intervals_total.seconds();
}

std::optional<double> VideoStreamStats::Percentile(const std::vector<float>& samples, double p) {
  if (samples.empty()) return std::nullopt;
  std::vector<float> sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  p = std::clamp(p, 0.0, 100.0);
  // Nearest rank: the smallest value with at least p % of the samples at or below it.
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]);
}

std::optional<double> VideoStreamStats::Mean(const std::vector<float>& samples) {
  if (samples.empty()) return std::nullopt;
  double sum = 0;
  for (float s : samples) sum += s;
  return sum / static_cast<double>(samples.size());
}

std::vector<double> VideoStreamStats::kbps_series() const {
  std::vector<double> out;
  out.reserve(seconds.size());
  for (const VideoSecondBin& b : seconds) out.push_back(b.kbps());
  return out;
}

std::vector<double> VideoStreamStats::fps_series() const {
  std::vector<double> out;
  out.reserve(seconds.size());
  for (const VideoSecondBin& b : seconds) out.push_back(static_cast<double>(b.frames_rendered));
  return out;
}

std::vector<std::optional<double>> VideoStreamStats::psnr_db_series() const {
  std::vector<std::optional<double>> out;
  out.reserve(seconds.size());
  for (const VideoSecondBin& b : seconds) out.push_back(b.mean_psnr_db());
  return out;
}

std::vector<std::optional<double>> VideoStreamStats::delay_ms_series() const {
  std::vector<std::optional<double>> out;
  out.reserve(seconds.size());
  for (const VideoSecondBin& b : seconds) out.push_back(b.mean_delay_ms());
  return out;
}

}  // namespace sfusim::clients
