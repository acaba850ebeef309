// AsioDatagramSocket: a real UDP socket behind the DatagramSocket interface (asio_net.h has the
// contract). Private to sim/src/asio.
#pragma once

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <memory>

#include "sfusim/sim/asio_net.h"

namespace sfusim::sim {

class AsioDatagramSocket final : public DatagramSocket {
 public:
  AsioDatagramSocket(RealTimeLoop* loop, boost::asio::ip::udp::socket socket, Receiver* receiver);
  ~AsioDatagramSocket() override;

  SocketAddress local_address() const override { return local_; }
  bool SendTo(const SocketAddress& to, std::span<const uint8_t> data) override;
  void Close() override;

 private:
  void Receive();

  RealTimeLoop* loop_;
  boost::asio::ip::udp::socket socket_;
  Receiver* receiver_;
  SocketAddress local_;
  boost::asio::ip::udp::endpoint from_;
  std::array<uint8_t, AsioNet::kMaxDatagramBytes> buffer_{};
  // Pending handlers check it: after Close() or destruction nothing reaches the receiver.
  std::shared_ptr<bool> open_ = std::make_shared<bool>(true);
};

// Conversions between sfusim's and Asio's IPv4 addresses.
boost::asio::ip::address_v4 ToAsioAddress(uint32_t ip);
SocketAddress FromAsioEndpoint(const boost::asio::ip::address& address, uint16_t port);

}  // namespace sfusim::sim
