#include "sfusim/sim/sim_datagram_socket.h"

#include "sfusim/sim/sim_host.h"
#include "sfusim/sim/sim_network.h"

namespace sfusim::sim {

SimDatagramSocket::~SimDatagramSocket() { Close(); }

bool SimDatagramSocket::SendTo(const SocketAddress& to, std::span<const uint8_t> data) {
  if (!host_) return false;
  return host_->network()->SendDatagram(*host_, local_, to, data);
}

void SimDatagramSocket::Close() {
  if (!host_) return;
  host_->network()->CloseDatagramSocket(this);
}

}  // namespace sfusim::sim
