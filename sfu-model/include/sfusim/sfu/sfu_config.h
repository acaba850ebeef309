// SfuConfig: what the scenario runner gives the reference SFU at construction (E2E_DESIGN.md).
// Channels not listed get default Opus settings on first join.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/sfu/sfu_constants.h"
#include "sfusim/sfu/sfu_fault_points.h"
#include "sfusim/sfu/sfu_mutants.h"

namespace sfusim::sfu {

struct SfuConfig {
  uint16_t signaling_port = kDefaultSignalingPort;
  int workers = protocol::kDefaultWorkerCount;  // clamped to [1, kMaxWorkers]
  std::map<std::string, protocol::OpusSettings> channels;  // known channels; others get defaults
  std::string auth_secret = "sfusim";
  SfuMutants mutants;
  SfuFaultPoints fault_points;  // all off by default (sfu_fault_points.h)
};

}  // namespace sfusim::sfu
