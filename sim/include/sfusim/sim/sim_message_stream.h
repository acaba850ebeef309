// SimMessageStream: one end of a reliable, ordered message stream of the simulated network (the
// signaling channel). Created by SimHost::Connect (the connecting end) or handed to a
// StreamAcceptor (the accepting end). The timing model is SimNetwork's (see sim_network.h).
//
// Contract (net.h, made precise):
// - Send() returns true when the message was queued: it then arrives exactly once, in order, at
//   the peer, unless the stream is closed or cut first. It returns false when the stream is no
//   longer open, when the host is paused (a frozen process sends nothing; the stream stays open),
//   and when the send buffer overflows (the stream is then closed, and OnClosed says so).
// - OnClosed is called exactly once for a stream this end did not Close() itself: "closed by
//   peer", "peer crashed", "cut by network", or the overflow reason. After Close() (or
//   destruction) there are no callbacks at all. Messages arriving before a listener is set wait.
// - The stream may outlive the network; it is then closed without callbacks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sfusim/sim/net.h"

namespace sfusim::sim {

class SimNetwork;

class SimMessageStream final : public MessageStream {
 public:
  ~SimMessageStream() override;
  SimMessageStream(const SimMessageStream&) = delete;
  SimMessageStream& operator=(const SimMessageStream&) = delete;

  void SetListener(Listener* listener) override;
  SocketAddress local_address() const override { return local_; }
  SocketAddress peer_address() const override { return peer_; }
  bool Send(std::string message) override;
  void Close() override;
  bool is_open() const override { return open_; }

  // The network's id of the connection (both ends share it) and which end this is.
  uint64_t connection_id() const { return conn_id_; }
  bool is_connecting_end() const { return side_ == 0; }

 private:
  friend class SimNetwork;
  SimMessageStream(SimNetwork* network, uint64_t conn_id, int side, SocketAddress local, SocketAddress peer)
      : network_(network), conn_id_(conn_id), side_(side), local_(local), peer_(peer) {}

  SimNetwork* network_;  // null once detached (closed, its host crashed, or the network destroyed)
  uint64_t conn_id_;
  int side_;  // 0: the connecting end, 1: the accepting end
  SocketAddress local_;
  SocketAddress peer_;
  Listener* listener_ = nullptr;
  bool open_ = true;
};

}  // namespace sfusim::sim
