// SfuServerImplBase: what a transport's socket calls back into (the server's implementation,
// SfuServer::Impl). A separate interface so that TransportState does not depend on the Impl.
#pragma once

#include <cstdint>
#include <span>

#include "sfusim/sim/net.h"

namespace sfusim::sfu {

struct TransportState;

// What a transport's socket calls back into (the server's implementation).
class SfuServerImplBase {
 public:
  virtual ~SfuServerImplBase() = default;
  virtual void OnTransportDatagram(TransportState& transport, const sim::SocketAddress& from,
                                   std::span<const uint8_t> data) = 0;
};

}  // namespace sfusim::sfu
