// SimDatagramSocket: a UDP-like socket bound to one port of a SimHost (from SimHost::OpenDatagram).
//
// Contract: SendTo() copies the bytes into the network at once (the caller's buffer may be reused
// on return) and returns true when the host is up and the socket open; what happens to the
// datagram afterwards is the network's business (trace, counters). It returns false, sending
// nothing, when the socket is closed, its host crashed (the socket is then dead for good, even
// after a restart), the host is paused, or the datagram exceeds kMaxDatagramBytes. The receiver is
// called from the event loop, never after Close(), destruction or a crash. Destroying the socket
// closes it and frees the port. The socket may outlive the network; it is then simply closed.
#pragma once

#include <cstdint>
#include <span>

#include "sfusim/sim/net.h"

namespace sfusim::sim {

class SimHost;

class SimDatagramSocket final : public DatagramSocket {
 public:
  // The largest UDP payload an IPv4 datagram can carry.
  static constexpr std::size_t kMaxDatagramBytes = 65507;

  ~SimDatagramSocket() override;
  SimDatagramSocket(const SimDatagramSocket&) = delete;
  SimDatagramSocket& operator=(const SimDatagramSocket&) = delete;

  SocketAddress local_address() const override { return local_; }
  bool SendTo(const SocketAddress& to, std::span<const uint8_t> data) override;
  void Close() override;
  bool is_open() const { return host_ != nullptr; }

 private:
  friend class SimHost;
  friend class SimNetwork;
  SimDatagramSocket(SimHost* host, SocketAddress local, Receiver* receiver)
      : host_(host), local_(local), receiver_(receiver) {}
  // The network forgets the socket (crash, network destroyed): no port to free, no callbacks.
  void Detach() { host_ = nullptr; }

  SimHost* host_;  // null once closed or detached
  SocketAddress local_;
  Receiver* receiver_;
};

}  // namespace sfusim::sim
