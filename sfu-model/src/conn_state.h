// ConnState: internal state record of one signaling connection (its authentication, channel,
// rate limiter and the ids of its media in the channel's router). Owned by SfuServer::Impl.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "sfusim/protocol/signaling/rate_limiter.h"
#include "sfusim/sfu/signaling_connection.h"

namespace sfusim::sfu {

struct ConnState {
  uint64_t key = 0;
  std::unique_ptr<SignalingConnection> sig;
  bool authenticated = false;
  std::string user_id;
  std::string username;
  std::string channel;  // "" = in no channel
  bool speaking = false;
  bool closing = false;
  protocol::RateLimiter limiter;
  std::string send_transport;  // ids in the channel's current router, "" = none
  std::string recv_transport;
  std::string native_transport;
  std::set<std::string> producers;
  std::set<std::string> consumers;
};

}  // namespace sfusim::sfu
