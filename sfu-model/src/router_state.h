// RouterState: internal state record of one channel's router on a worker: its codec settings and
// every transport, producer and consumer in it, with lookup maps by key and SSRC. Owned by
// SfuServer::Impl; ordered containers only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "consumer_state.h"
#include "producer_state.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/protocol/rtp_parameters/rtp_parameters.h"
#include "transport_state.h"

namespace sfusim::sfu {

struct RouterState {
  std::string channel;
  int worker = 0;
  uint64_t generation = 0;
  protocol::OpusSettings opus;
  protocol::RtpCapabilities caps;
  bool alive = true;
  std::map<std::string, std::unique_ptr<TransportState>> transports;
  std::map<std::string, ProducerState> producers;
  std::map<std::string, ConsumerState> consumers;
  std::map<uint64_t, std::string> consumer_by_key;
  std::map<uint32_t, std::string> producer_by_ssrc;
  std::map<uint32_t, std::string> consumer_by_ssrc;
  std::set<uint32_t> ssrcs;  // every SSRC in use in this router (producers, consumers, RTCP senders)
};

}  // namespace sfusim::sfu
