// SyntheticVideoSource: a deterministic stand-in for a camera or a shared screen.
//
// Contract:
// - Render(n, w, h, out) is a pure function of (content, seed, n, w, h): the receiver regenerates
//   the exact picture of any frame number it decodes (PSNR against the source) from the
//   publisher's seed (VideoSourceSeed). No state changes between calls; const.
// - kCamera: moving content everywhere (two drifting luma gradients, a moving box, slowly rotating
//   chroma), like a camera with motion. kScreen: a slide/editor: a light background with static
//   text-like blocks (seed-dependent layout), a "typing" region that grows line by line and a
//   small animated region (a progress bar / cursor); most of the picture never changes.
// - Geometry scales with the resolution (positions in fractions of the frame), so every tier
//   shows the same scene.
// - Every frame carries FrameStamp::Write(n) in its luma (top-left corner), written last.
// - Cheap: integer arithmetic and small lookup tables only (no per-pixel sin/pow).
// - Invalid sizes (I420Frame::IsValidSize false) yield an empty 0x0 frame.
#pragma once

#include <cstdint>

#include "sfusim/clients/video/i420_frame.h"

namespace sfusim::clients {

enum class VideoContent { kCamera, kScreen };

class SyntheticVideoSource {
 public:
  SyntheticVideoSource(VideoContent content, uint64_t seed);

  void Render(uint32_t frame_number, int width, int height, I420Frame* out) const;

  VideoContent content() const { return content_; }
  uint64_t seed() const { return seed_; }

 private:
  void RenderCamera(uint32_t n, I420Frame* out) const;
  void RenderScreen(uint32_t n, I420Frame* out) const;

  VideoContent content_;
  uint64_t seed_;
  // Seed-derived scene parameters (fixed at construction).
  uint32_t phase_x_ = 0, phase_y_ = 0;  // gradient phases
  int speed_x_ = 1, speed_y_ = 1;       // gradient speeds, luma units per frame
  uint32_t box_phase_ = 0;
  uint8_t base_u_ = 128, base_v_ = 128;
};

}  // namespace sfusim::clients
