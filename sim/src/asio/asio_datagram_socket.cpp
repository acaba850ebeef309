// AsioDatagramSocket: see asio_datagram_socket.h.
#include "asio_datagram_socket.h"

#include <boost/asio/buffer.hpp>

namespace sfusim::sim {

boost::asio::ip::address_v4 ToAsioAddress(uint32_t ip) { return boost::asio::ip::address_v4(ip); }

SocketAddress FromAsioEndpoint(const boost::asio::ip::address& address, uint16_t port) {
  SocketAddress a;
  a.ip = address.is_v4() ? address.to_v4().to_uint() : 0;
  a.port = port;
  return a;
}

AsioDatagramSocket::AsioDatagramSocket(RealTimeLoop* loop, boost::asio::ip::udp::socket socket, Receiver* receiver)
    : loop_(loop), socket_(std::move(socket)), receiver_(receiver) {
  boost::system::error_code ec;
  const auto ep = socket_.local_endpoint(ec);
  local_ = FromAsioEndpoint(ep.address(), ep.port());
  socket_.non_blocking(true, ec);
  Receive();
}

AsioDatagramSocket::~AsioDatagramSocket() { Close(); }

void AsioDatagramSocket::Receive() {
  socket_.async_receive_from(boost::asio::buffer(buffer_), from_,
                             [this, open = open_](const boost::system::error_code& ec, std::size_t n) {
                               if (!*open) return;  // closed: `this` may be gone
                               if (!ec) {
                                 loop_->SyncClock();
                                 if (!*open) return;
                                 if (receiver_) {
                                   receiver_->OnDatagram(FromAsioEndpoint(from_.address(), from_.port()),
                                                         std::span<const uint8_t>(buffer_.data(), n));
                                 }
                                 if (!*open) return;  // the receiver closed us
                               } else if (ec == boost::asio::error::operation_aborted) {
                                 return;
                               }
                               // Other errors (e.g. ICMP port unreachable reported on Linux) are
                               // transient for UDP: keep receiving.
                               Receive();
                             });
}

bool AsioDatagramSocket::SendTo(const SocketAddress& to, std::span<const uint8_t> data) {
  if (!*open_ || data.size() > AsioNet::kMaxDatagramBytes) return false;
  boost::system::error_code ec;
  const boost::asio::ip::udp::endpoint ep(ToAsioAddress(to.ip), to.port);
  const std::size_t n = socket_.send_to(boost::asio::buffer(data.data(), data.size()), ep, 0, ec);
  return !ec && n == data.size();
}

void AsioDatagramSocket::Close() {
  if (!*open_) return;
  *open_ = false;
  boost::system::error_code ec;
  socket_.close(ec);
}

}  // namespace sfusim::sim
