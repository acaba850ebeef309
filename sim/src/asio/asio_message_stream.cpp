// AsioMessageStream: see asio_message_stream.h.
#include "asio_message_stream.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "asio_datagram_socket.h"

namespace sfusim::sim {
namespace {

std::string TooLarge(std::size_t size) {
  return "message too large: " + std::to_string(size) + " bytes (limit " + std::to_string(AsioNet::kMaxMessageBytes) +
         ")";
}

}  // namespace

AsioMessageStream::AsioMessageStream(RealTimeLoop* loop, boost::asio::ip::tcp::socket socket)
    : loop_(loop), w_(std::make_shared<WriteState>(std::move(socket))) {
  boost::system::error_code ec;
  const auto l = w_->socket.local_endpoint(ec);
  local_ = FromAsioEndpoint(l.address(), l.port());
  const auto p = w_->socket.remote_endpoint(ec);
  peer_ = FromAsioEndpoint(p.address(), p.port());
  w_->socket.set_option(boost::asio::ip::tcp::no_delay(true), ec);  // signaling is latency-bound
  w_->on_error = [this, open = open_](const std::string& why) {
    if (!*open) return;
    loop_->SyncClock();
    Fail(why);
  };
  ReadHeader();
}

AsioMessageStream::~AsioMessageStream() { Close(); }

void AsioMessageStream::SetListener(Listener* listener) {
  listener_ = listener;
  // What arrived before the listener (and a failure meanwhile) is delivered now, in order.
  while (!inbox_.empty() && listener_) {
    std::string m = std::move(inbox_.front());
    inbox_.pop_front();
    listener_->OnMessage(m);
  }
  if (!pending_close_reason_.empty() && listener_) {
    std::string why = std::move(pending_close_reason_);
    pending_close_reason_.clear();
    Listener* l = listener_;
    listener_ = nullptr;
    l->OnClosed(why);
  }
}

void AsioMessageStream::ReadHeader() {
  boost::asio::async_read(w_->socket, boost::asio::buffer(w_->header),
                          [this, open = open_, keep = w_](const boost::system::error_code& ec, std::size_t) {
                            (void)keep;  // the buffers stay valid until the read completes
                            if (!*open) return;  // closed: `this` may be gone
                            loop_->SyncClock();
                            if (!*open) return;
                            if (ec) return Fail(ec == boost::asio::error::eof ? "closed by peer" : ec.message());
                            const std::size_t size = (std::size_t{w_->header[0]} << 24) | (std::size_t{w_->header[1]} << 16) |
                                                     (std::size_t{w_->header[2]} << 8) | std::size_t{w_->header[3]};
                            if (size > AsioNet::kMaxMessageBytes) return Fail(TooLarge(size));
                            ReadBody(size);
                          });
}

void AsioMessageStream::ReadBody(std::size_t size) {
  w_->body.assign(size, '\0');
  boost::asio::async_read(w_->socket, boost::asio::buffer(w_->body.data(), w_->body.size()),
                          [this, open = open_, keep = w_](const boost::system::error_code& ec, std::size_t) {
                            (void)keep;  // the buffers stay valid until the read completes
                            if (!*open) return;
                            loop_->SyncClock();
                            if (!*open) return;
                            if (ec) return Fail(ec == boost::asio::error::eof ? "closed by peer" : ec.message());
                            Deliver();
                            if (*open) ReadHeader();
                          });
}

void AsioMessageStream::Deliver() {
  if (!listener_) {
    inbox_.push_back(std::move(w_->body));
    return;
  }
  listener_->OnMessage(w_->body);  // may Close() or destroy nothing but this stream's users
}

bool AsioMessageStream::Send(std::string message) {
  if (!*open_) return false;
  if (message.size() > AsioNet::kMaxMessageBytes) {
    Fail(TooLarge(message.size()));
    return false;
  }
  const std::size_t framed_size = message.size() + 4;
  if (w_->queued_bytes + framed_size > AsioNet::kMaxQueuedBytes) {
    Fail("send buffer overflow: " + std::to_string(w_->queued_bytes + framed_size) + " bytes (limit " +
         std::to_string(AsioNet::kMaxQueuedBytes) + ")");
    return false;
  }
  std::string framed;
  framed.reserve(framed_size);
  const auto n = static_cast<uint32_t>(message.size());
  framed.push_back(static_cast<char>(n >> 24));
  framed.push_back(static_cast<char>(n >> 16));
  framed.push_back(static_cast<char>(n >> 8));
  framed.push_back(static_cast<char>(n));
  framed += message;
  w_->queued_bytes += framed.size();
  w_->outbox.push_back(std::move(framed));
  if (!w_->writing) WriteNext(w_);
  return true;
}

void AsioMessageStream::WriteNext(const std::shared_ptr<WriteState>& w) {
  if (w->outbox.empty() || !w->socket.is_open()) {
    w->writing = false;
    if (w->closing) CloseSocket(*w);
    return;
  }
  w->writing = true;
  boost::asio::async_write(w->socket, boost::asio::buffer(w->outbox.front()),
                           [w](const boost::system::error_code& ec, std::size_t) {
                             if (ec) {
                               w->writing = false;
                               w->outbox.clear();
                               w->queued_bytes = 0;
                               if (w->on_error) w->on_error(ec.message());
                               CloseSocket(*w);
                               return;
                             }
                             w->queued_bytes -= w->outbox.front().size();
                             w->outbox.pop_front();
                             WriteNext(w);
                           });
}

void AsioMessageStream::CloseSocket(WriteState& w) {
  boost::system::error_code ec;
  if (w.socket.is_open()) {
    w.socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    w.socket.close(ec);
  }
}

void AsioMessageStream::Fail(const std::string& reason) {
  if (!*open_) return;
  *open_ = false;
  w_->on_error = nullptr;
  w_->outbox.clear();
  w_->queued_bytes = 0;
  CloseSocket(*w_);
  if (listener_) {
    Listener* l = listener_;
    listener_ = nullptr;
    l->OnClosed(reason);  // last thing: the listener may destroy this stream
  } else {
    pending_close_reason_ = reason;
  }
}

void AsioMessageStream::Close() {
  if (!*open_) return;
  *open_ = false;
  listener_ = nullptr;
  w_->on_error = nullptr;
  boost::system::error_code ec;
  w_->socket.shutdown(boost::asio::ip::tcp::socket::shutdown_receive, ec);
  w_->closing = true;
  if (!w_->writing) CloseSocket(*w_);  // else the write chain closes it once drained
}

}  // namespace sfusim::sim
