// CameraConfig: the camera a WebClient publishes when WebClientConfig::publish_camera is set (or
// after SetCamera(true)). The picture is the synthetic camera source (clients/video), encoded with
// OpenH264 at these settings; the bandwidth controller starts from bitrate_bps and never exceeds it.
// Width and height must be even (I420); the defaults are the 640x360 at 700 kbps, 30 fps.
#pragma once

#include <cstdint>

namespace sfusim::clients {

inline constexpr int kDefaultCameraWidth = 640;
inline constexpr int kDefaultCameraHeight = 360;
inline constexpr int kDefaultCameraFps = 30;
inline constexpr int64_t kDefaultCameraBitrateBps = 700'000;

struct CameraConfig {
  int width = kDefaultCameraWidth;
  int height = kDefaultCameraHeight;
  int fps = kDefaultCameraFps;
  int64_t bitrate_bps = kDefaultCameraBitrateBps;
};

}  // namespace sfusim::clients
