// AsioNet: see asio_net.h.
#include "sfusim/sim/asio_net.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "asio_datagram_socket.h"
#include "asio_message_stream.h"
#include "real_time_loop_io.h"

namespace sfusim::sim {

class AsioNet::Acceptor {
 public:
  Acceptor(RealTimeLoop* loop, boost::asio::ip::tcp::acceptor acceptor, StreamAcceptor* target)
      : loop_(loop), acceptor_(std::move(acceptor)), target_(target) {
    Accept();
  }
  ~Acceptor() {
    *open_ = false;
    boost::system::error_code ec;
    acceptor_.close(ec);
  }
  uint16_t port() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec).port();
  }

 private:
  void Accept() {
    acceptor_.async_accept([this, open = open_](const boost::system::error_code& ec, boost::asio::ip::tcp::socket s) {
      if (!*open) return;
      if (!ec) {
        loop_->SyncClock();
        if (!*open) return;
        target_->OnAccept(std::make_unique<AsioMessageStream>(loop_, std::move(s)));
        if (!*open) return;
      } else if (ec == boost::asio::error::operation_aborted) {
        return;
      }
      Accept();
    });
  }

  RealTimeLoop* loop_;
  boost::asio::ip::tcp::acceptor acceptor_;
  StreamAcceptor* target_;
  std::shared_ptr<bool> open_ = std::make_shared<bool>(true);
};

AsioNet::AsioNet(RealTimeLoop* loop, uint32_t ip) : loop_(loop), ip_(ip), alive_(std::make_shared<bool>(true)) {}

AsioNet::~AsioNet() {
  *alive_ = false;
  acceptors_.clear();
}

void AsioNet::SetDatagramPortRange(uint16_t first, uint16_t last) {
  if (first == 0 || first > last) {
    range_first_ = range_last_ = range_next_ = 0;
    return;
  }
  range_first_ = first;
  range_last_ = last;
  range_next_ = first;
}

std::unique_ptr<DatagramSocket> AsioNet::OpenDatagram(uint16_t port, DatagramSocket::Receiver* receiver,
                                                      std::string* error) {
  if (port == 0 && range_first_ != 0) {
    const uint32_t span = uint32_t{range_last_} - range_first_ + 1;
    for (uint32_t i = 0; i < span; ++i) {
      const uint16_t p = range_next_;
      range_next_ = p == range_last_ ? range_first_ : static_cast<uint16_t>(p + 1);
      if (auto s = OpenDatagram(p, receiver, nullptr)) return s;
    }
    if (error) {
      *error = "no free UDP port in " + std::to_string(range_first_) + "-" + std::to_string(range_last_) + " on " +
               SocketAddress{ip_, 0}.IpString();
    }
    return nullptr;
  }
  boost::asio::ip::udp::socket socket(loop_->io().context());
  boost::system::error_code ec;
  const boost::asio::ip::udp::endpoint ep(ToAsioAddress(ip_), port);
  socket.open(ep.protocol(), ec);
  if (!ec) socket.bind(ep, ec);
  if (ec) {
    if (error) *error = "cannot bind UDP " + SocketAddress{ip_, port}.ToString() + ": " + ec.message();
    return nullptr;
  }
  return std::make_unique<AsioDatagramSocket>(loop_, std::move(socket), receiver);
}

bool AsioNet::Listen(uint16_t port, StreamAcceptor* acceptor, std::string* error) {
  if (port != 0 && acceptors_.count(port)) {
    if (error) *error = "cannot listen on TCP " + SocketAddress{ip_, port}.ToString() + ": address already in use";
    return false;
  }
  boost::asio::ip::tcp::acceptor a(loop_->io().context());
  boost::system::error_code ec;
  const boost::asio::ip::tcp::endpoint ep(ToAsioAddress(ip_), port);
  a.open(ep.protocol(), ec);
  // SO_REUSEADDR lets a restarted server bind at once (TIME_WAIT); it never lets two listen.
  if (!ec) a.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    if (error) *error = "cannot listen on TCP " + SocketAddress{ip_, port}.ToString() + ": " + ec.message();
    return false;
  }
  auto acc = std::make_unique<Acceptor>(loop_, std::move(a), acceptor);
  last_listen_port_ = acc->port();
  acceptors_[last_listen_port_] = std::move(acc);
  return true;
}

void AsioNet::StopListening(uint16_t port) { acceptors_.erase(port); }

void AsioNet::Connect(const SocketAddress& to, ConnectCallback on_connected) {
  auto socket = std::make_shared<boost::asio::ip::tcp::socket>(loop_->io().context());
  const boost::asio::ip::tcp::endpoint ep(ToAsioAddress(to.ip), to.port);
  boost::system::error_code ec;
  socket->open(ep.protocol(), ec);
  if (!ec) socket->bind(boost::asio::ip::tcp::endpoint(ToAsioAddress(ip_), 0), ec);
  if (ec) {
    // Reported from the loop, as a network answer would be, never from inside Connect().
    loop_->scheduler().Post([alive = alive_, cb = std::make_shared<ConnectCallback>(std::move(on_connected)),
                             why = "cannot connect to " + to.ToString() + ": " + ec.message()] {
      if (*alive) (*cb)(nullptr, why);
    });
    return;
  }
  socket->async_connect(ep, [this, alive = alive_, socket, to, cb = std::move(on_connected)](
                                const boost::system::error_code& err) {
    if (!*alive) return;
    loop_->SyncClock();
    if (err) {
      cb(nullptr, "cannot connect to " + to.ToString() + ": " + err.message());
      return;
    }
    cb(std::make_unique<AsioMessageStream>(loop_, std::move(*socket)), "");
  });
}

}  // namespace sfusim::sim
