// AsioNet: the real-network implementation of the net interface (net.h) on Boost.Asio: real UDP
// sockets for media, TCP connections carrying the signaling messages, all on one RealTimeLoop.
// The SFU and the clients run on it unchanged.
//
// Contract (net.h, made precise for real sockets):
// - A host is an IPv4 address of this machine to bind to (real-network tests use the loopback
//   range 127.0.0.0/8 only). host_ip() is that address.
// - Datagrams: OpenDatagram(port) binds UDP ip:port (0 = an ephemeral port the kernel picks, or
//   the next free port of SetDatagramPortRange's range, tried in turn from where the last left off).
//   SendTo() is a non-blocking send: false when the socket is closed, the datagram is larger than
//   kMaxDatagramBytes, or the kernel refused it (buffer full, unreachable); it never blocks.
// - Message streams: TCP, each message framed as a 4-byte big-endian length then the bytes
//   (length-prefixed JSON for signaling). A frame longer than kMaxMessageBytes, in either
//   direction, closes the stream ("message too large: N bytes (limit M)"). Send() queues; more
//   than kMaxQueuedBytes waiting to be written closes the stream ("send buffer overflow ...").
//   OnClosed is called exactly once for a stream this end did not Close() ("closed by peer",
//   or the socket error's text); after Close() or destruction there are no callbacks.
// - Listen(0) picks an ephemeral port: listening_port() tells which. A busy port is false with
//   "address already in use" in `error`. Connect() reports refusals and unreachable addresses
//   through the callback (null stream and the error text), never by throwing.
// - Every socket callback first runs loop.SyncClock(), so components see the current time.
// - Nothing here is deterministic: real-network mode is for checking against reality.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "sfusim/sim/net.h"
#include "sfusim/sim/real_time_loop.h"

namespace sfusim::sim {

class AsioNet final : public Net {
 public:
  static constexpr std::size_t kMaxDatagramBytes = 65'507;        // IPv4 UDP payload maximum
  static constexpr std::size_t kMaxMessageBytes = 4 * 1024 * 1024;
  static constexpr std::size_t kMaxQueuedBytes = 16 * 1024 * 1024;

  // `ip` in host byte order, e.g. MakeIpv4(127, 0, 0, 1). The loop must outlive this Net and
  // every socket and stream it made.
  AsioNet(RealTimeLoop* loop, uint32_t ip);
  ~AsioNet() override;
  AsioNet(const AsioNet&) = delete;
  AsioNet& operator=(const AsioNet&) = delete;

  uint32_t host_ip() const override { return ip_; }
  std::unique_ptr<DatagramSocket> OpenDatagram(uint16_t port, DatagramSocket::Receiver* receiver,
                                               std::string* error = nullptr) override;
  bool Listen(uint16_t port, StreamAcceptor* acceptor, std::string* error = nullptr) override;
  void StopListening(uint16_t port) override;
  void Connect(const SocketAddress& to, ConnectCallback on_connected) override;

  // Ports OpenDatagram(0) takes from (a server's --rtp-ports A-B); first > last or 0 clears it.
  void SetDatagramPortRange(uint16_t first, uint16_t last);

  // The port of the most recent successful Listen() (useful after Listen(0)); 0 before.
  uint16_t listening_port() const { return last_listen_port_; }

 private:
  class Acceptor;
  RealTimeLoop* loop_;
  uint32_t ip_;
  uint16_t last_listen_port_ = 0;
  uint16_t range_first_ = 0, range_last_ = 0, range_next_ = 0;
  std::map<uint16_t, std::unique_ptr<Acceptor>> acceptors_;
  std::shared_ptr<bool> alive_;  // connect callbacks check it: none reaches a destroyed Net
};

}  // namespace sfusim::sim
