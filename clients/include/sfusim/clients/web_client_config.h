// WebClientConfig: what a WebClient is told at construction (E2E_DESIGN.md, VIDEO_DESIGN.md V5).
// The scenario runner fills it: username = participant id, token = sfu::MakeAuthToken(secret,
// username), the SFU's signaling address, the channel to join on Start(), and what it publishes:
// the microphone, the camera (CameraConfig), the screen (ScreenConfig; the native path only when
// `desktop`), with the native sender's fallback thresholds.
#pragma once

#include <cstdint>
#include <string>

#include "sfusim/clients/camera_config.h"
#include "sfusim/clients/client_fault_points.h"
#include "sfusim/clients/client_mutants.h"
#include "sfusim/clients/native/fallback_thresholds.h"
#include "sfusim/clients/reconnect_policy.h"
#include "sfusim/clients/screen_config.h"
#include "sfusim/sim/socket_address.h"

namespace sfusim::clients {

struct WebClientConfig {
  std::string username;
  std::string token;
  sim::SocketAddress sfu_address;
  std::string channel;
  bool publish_microphone = true;
  ReconnectPolicy reconnect;
  // Video (VIDEO_DESIGN.md V5).
  bool publish_camera = false;     // produce the camera on every media setup (SetCamera changes it)
  CameraConfig camera;
  bool desktop = false;            // the desktop client: has the native screen-share path
  bool publish_screen = false;     // share the screen on every media setup (Start/StopScreenShare)
  ScreenConfig screen;
  ClientMutants mutants;           // defects switched on (client_mutants.h); all off by default
  ClientFaultPoints fault_points;  // code-level faults (client_fault_points.h); all off by default
  FallbackThresholds thresholds;   // the native sender's fallback thresholds
};

}  // namespace sfusim::clients
