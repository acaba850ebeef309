// The net interface: what the SFU and client code see of a network. Two backends implement it:
// the simulated network (sim::SimNetwork, deterministic, virtual time) and, later, a Boost.Asio
// backend (real UDP for media, TCP for signaling, real timers). Keep it small and free of
// simulation details: no links, no loss, no time here.
//
// Contract:
// - A Net belongs to one host and opens sockets on that host's address.
// - Datagrams are unreliable: SendTo() hands the bytes to the network and returns at once;
//   delivery, loss, delay are the network's business. Receivers are called from the event loop.
// - Message streams are reliable and ordered (the signaling channel: a WebSocket in the real
//   product); either side or the network can close one; OnClosed is called exactly once, unless
//   this end called Close() itself (then no callback follows).
// - Listener pointers must outlive the socket/stream they are registered with; closing a socket
//   or stream stops all callbacks into its listener.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "sfusim/sim/socket_address.h"

namespace sfusim::sim {

class DatagramSocket {
 public:
  class Receiver {
   public:
    virtual ~Receiver() = default;
    virtual void OnDatagram(const SocketAddress& from, std::span<const uint8_t> data) = 0;
  };
  virtual ~DatagramSocket() = default;
  virtual SocketAddress local_address() const = 0;
  // Returns false when the socket is closed or the host is down (a local error; the bytes are not sent).
  virtual bool SendTo(const SocketAddress& to, std::span<const uint8_t> data) = 0;
  virtual void Close() = 0;
};

class MessageStream {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void OnMessage(std::string_view message) = 0;
    virtual void OnClosed(std::string_view reason) = 0;
  };
  virtual ~MessageStream() = default;
  virtual void SetListener(Listener* listener) = 0;
  virtual SocketAddress local_address() const = 0;
  virtual SocketAddress peer_address() const = 0;
  // Returns false when the stream is closed, when the host cannot send right now (paused: the
  // stream stays open), or when the send buffer overflowed (the stream is then closed).
  virtual bool Send(std::string message) = 0;
  virtual void Close() = 0;
  virtual bool is_open() const = 0;
};

class StreamAcceptor {
 public:
  virtual ~StreamAcceptor() = default;
  // A new incoming stream; the acceptor takes ownership and should SetListener() on it.
  virtual void OnAccept(std::unique_ptr<MessageStream> stream) = 0;
};

class Net {
 public:
  virtual ~Net() = default;
  virtual uint32_t host_ip() const = 0;
  // Opens a UDP-like socket on `port` (0: the next free ephemeral port). Null when the port is
  // taken or the host is down; `error` (if given) then says why.
  virtual std::unique_ptr<DatagramSocket> OpenDatagram(uint16_t port, DatagramSocket::Receiver* receiver,
                                                       std::string* error = nullptr) = 0;
  // Accepts message streams on `port`. False (with `error`) when the port is taken.
  virtual bool Listen(uint16_t port, StreamAcceptor* acceptor, std::string* error = nullptr) = 0;
  virtual void StopListening(uint16_t port) = 0;
  // Opens a message stream to `to`. The result arrives later through `on_connected`: the stream,
  // or null (with a reason) when nobody listens there or the network cannot reach it. Never
  // called if this host crashes first.
  using ConnectCallback = std::function<void(std::unique_ptr<MessageStream> stream, std::string_view error)>;
  virtual void Connect(const SocketAddress& to, ConnectCallback on_connected) = 0;
};

}  // namespace sfusim::sim
