#include "sfusim/protocol/opus/opus_toc.h"

namespace sfusim::protocol {
namespace {

// RFC 6716 table 2, as frame sizes in 48 kHz samples.
constexpr uint32_t kSilkFrameSamples[4] = {480, 960, 1920, 2880};  // 10, 20, 40, 60 ms
constexpr uint32_t kHybridFrameSamples[2] = {480, 960};            // 10, 20 ms
constexpr uint32_t kCeltFrameSamples[4] = {120, 240, 480, 960};    // 2.5, 5, 10, 20 ms

}  // namespace

std::string_view OpusModeName(OpusMode mode) {
  switch (mode) {
    case OpusMode::kSilk:
      return "silk";
    case OpusMode::kHybrid:
      return "hybrid";
    case OpusMode::kCelt:
      return "celt";
  }
  return "unknown";
}

std::string_view OpusBandwidthName(OpusBandwidth bandwidth) {
  switch (bandwidth) {
    case OpusBandwidth::kNarrowband:
      return "narrowband";
    case OpusBandwidth::kMediumband:
      return "mediumband";
    case OpusBandwidth::kWideband:
      return "wideband";
    case OpusBandwidth::kSuperWideband:
      return "superwideband";
    case OpusBandwidth::kFullband:
      return "fullband";
  }
  return "unknown";
}

OpusMode OpusToc::mode() const {
  if (config < 12) return OpusMode::kSilk;
  if (config < 16) return OpusMode::kHybrid;
  return OpusMode::kCelt;
}

OpusBandwidth OpusToc::bandwidth() const {
  if (config < 12) return static_cast<OpusBandwidth>(config / 4);  // NB, MB, WB
  if (config < 16) return config < 14 ? OpusBandwidth::kSuperWideband : OpusBandwidth::kFullband;
  switch ((config - 16) / 4) {
    case 0:
      return OpusBandwidth::kNarrowband;
    case 1:
      return OpusBandwidth::kWideband;
    case 2:
      return OpusBandwidth::kSuperWideband;
    default:
      return OpusBandwidth::kFullband;
  }
}

uint32_t OpusToc::frame_samples_48k() const {
  const uint8_t c = config & 0x1f;
  if (c < 12) return kSilkFrameSamples[c % 4];
  if (c < 16) return kHybridFrameSamples[c % 2];
  return kCeltFrameSamples[c % 4];
}

uint32_t OpusToc::frame_duration_us() const { return frame_samples_48k() * 1000 / kOpusSamplesPerMs; }

}  // namespace sfusim::protocol
