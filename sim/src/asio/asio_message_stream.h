// AsioMessageStream: a TCP connection behind the MessageStream interface, each message framed as
// a 4-byte big-endian length then its bytes (asio_net.h has the contract). Private to sim/src/asio.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "sfusim/sim/asio_net.h"

namespace sfusim::sim {

class AsioMessageStream final : public MessageStream {
 public:
  AsioMessageStream(RealTimeLoop* loop, boost::asio::ip::tcp::socket socket);
  ~AsioMessageStream() override;

  void SetListener(Listener* listener) override;
  SocketAddress local_address() const override { return local_; }
  SocketAddress peer_address() const override { return peer_; }
  bool Send(std::string message) override;
  void Close() override;
  bool is_open() const override { return *open_; }

 private:
  void ReadHeader();
  void ReadBody(std::size_t size);
  void Deliver();
  // The stream ends for a reason this end did not choose: callbacks stop, OnClosed once.
  void Fail(const std::string& reason);

  // The write side outlives the stream: Close() lets queued messages drain (an error sent right
  // before a close still arrives), then the socket closes; handlers own it through this.
  struct WriteState {
    explicit WriteState(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}
    boost::asio::ip::tcp::socket socket;
    std::deque<std::string> outbox;  // framed messages waiting to be written
    std::size_t queued_bytes = 0;
    bool writing = false;
    bool closing = false;  // close the socket once the outbox is empty
    std::function<void(const std::string&)> on_error;  // set while the stream is open
    // Read buffers live here too: a read still pending in the kernel never writes into a
    // destroyed stream.
    std::array<uint8_t, 4> header{};
    std::string body;
  };
  static void WriteNext(const std::shared_ptr<WriteState>& w);
  static void CloseSocket(WriteState& w);

  RealTimeLoop* loop_;
  std::shared_ptr<WriteState> w_;
  SocketAddress local_;
  SocketAddress peer_;
  Listener* listener_ = nullptr;
  std::deque<std::string> inbox_;      // messages that arrived before a listener was set
  std::string pending_close_reason_;   // a failure before a listener was set
  std::shared_ptr<bool> open_ = std::make_shared<bool>(true);
};

}  // namespace sfusim::sim
