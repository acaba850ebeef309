// WebClientConfig: what a WebClient is told at construction (E2E_DESIGN.md). The scenario runner
// fills it: username = participant id, token = sfu::MakeAuthToken(secret, username), the SFU's
// signaling address, the channel to join on Start().
#pragma once

#include <string>

#include "sfusim/clients/reconnect_policy.h"
#include "sfusim/sim/socket_address.h"

namespace sfusim::clients {

struct WebClientConfig {
  std::string username;
  std::string token;
  sim::SocketAddress sfu_address;
  std::string channel;
  bool publish_microphone = true;
  ReconnectPolicy reconnect;
};

}  // namespace sfusim::clients
