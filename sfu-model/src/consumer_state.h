// ConsumerState: internal state record of one consumer (a producer's stream sent to one
// connection's recv transport), owned by its channel's RouterState. Plain struct.
#pragma once

#include <cstdint>
#include <string>

#include "sfusim/protocol/signaling/media_types.h"

namespace sfusim::sfu {

struct ConsumerState {
  std::string id;
  uint64_t key = 0;  // the forwarder's route key
  uint64_t conn_key = 0;
  std::string user_id;
  std::string producer_id;
  std::string channel;
  std::string transport_id;
  protocol::MediaKind kind = protocol::MediaKind::kAudio;
  uint32_t ssrc = 0;
  uint32_t clock_rate = 0;
  bool paused = true;
  bool closed_producer = false;
  uint64_t packets = 0;
  uint64_t octets = 0;
};

}  // namespace sfusim::sfu
