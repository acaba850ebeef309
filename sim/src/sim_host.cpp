#include "sfusim/sim/sim_host.h"

#include <algorithm>
#include <utility>

#include "sfusim/sim/sim_datagram_socket.h"
#include "sfusim/sim/sim_network.h"

namespace sfusim::sim {

SimHost::SimHost(SimNetwork* network, std::string name, uint32_t ip, uint32_t index, uint32_t trace_subject)
    : network_(network), name_(std::move(name)), ip_(ip), index_(index), trace_subject_(trace_subject) {}

SimHost::~SimHost() {
  // The network detaches sockets before hosts go; this is a second line of defence.
  for (auto& [port, socket] : udp_) socket->Detach();
}

void SimHost::AddListener(Listener* listener) {
  if (std::find(listeners_hooks_.begin(), listeners_hooks_.end(), listener) == listeners_hooks_.end()) {
    listeners_hooks_.push_back(listener);
  }
}

void SimHost::RemoveListener(Listener* listener) {
  listeners_hooks_.erase(std::remove(listeners_hooks_.begin(), listeners_hooks_.end(), listener),
                         listeners_hooks_.end());
}

Env SimHost::MakeEnv(std::string_view rng_name) {
  return Env{network_->scheduler(), Rng::Stream(network_->root_seed(), rng_name), this, network_->trace()};
}

std::string SimHost::Describe() const { return name_ + " (" + SocketAddress{ip_, 0}.IpString() + ")"; }

template <typename InUse>
uint16_t SimHost::NextEphemeral(uint16_t& counter, const InUse& in_use) {
  constexpr uint32_t kRange = uint32_t{kLastEphemeralPort} - kFirstEphemeralPort + 1;
  for (uint32_t i = 0; i < kRange; ++i) {
    uint16_t port = counter;
    counter = port == kLastEphemeralPort ? kFirstEphemeralPort : static_cast<uint16_t>(port + 1);
    if (!in_use(port)) return port;
  }
  return 0;
}

uint16_t SimHost::AllocateStreamPort() {
  uint16_t port = NextEphemeral(next_stream_port_, [this](uint16_t p) {
    return stream_client_ports_.count(p) != 0 || listeners_.count(p) != 0;
  });
  if (port != 0) stream_client_ports_.insert(port);
  return port;
}

void SimHost::ResetPorts() {
  next_udp_port_ = kFirstEphemeralPort;
  next_stream_port_ = kFirstEphemeralPort;
}

std::unique_ptr<DatagramSocket> SimHost::OpenDatagram(uint16_t port, DatagramSocket::Receiver* receiver,
                                                      std::string* error) {
  auto fail = [&](std::string why) -> std::unique_ptr<DatagramSocket> {
    if (error) *error = std::move(why);
    return nullptr;
  };
  if (state_ == State::kDown) return fail("host " + Describe() + " is down");
  if (receiver == nullptr) return fail("OpenDatagram on " + Describe() + ": receiver is null");
  if (udp_.size() >= kMaxDatagramSockets) {
    return fail("host " + Describe() + " has " + std::to_string(udp_.size()) + " datagram sockets open (the limit)");
  }
  if (port == 0) {
    port = NextEphemeral(next_udp_port_, [this](uint16_t p) { return udp_.count(p) != 0; });
    if (port == 0) return fail("host " + Describe() + ": no free ephemeral UDP port");
  } else if (udp_.count(port) != 0) {
    return fail("UDP port " + std::to_string(port) + " on " + Describe() + " is already in use");
  }
  auto socket = std::unique_ptr<SimDatagramSocket>(new SimDatagramSocket(this, SocketAddress{ip_, port}, receiver));
  udp_.emplace(port, socket.get());
  return socket;
}

bool SimHost::Listen(uint16_t port, StreamAcceptor* acceptor, std::string* error) {
  auto fail = [&](std::string why) {
    if (error) *error = std::move(why);
    return false;
  };
  if (state_ == State::kDown) return fail("host " + Describe() + " is down");
  if (port == 0) return fail("Listen on " + Describe() + ": port 0 is not a listening port");
  if (acceptor == nullptr) return fail("Listen on " + Describe() + ": acceptor is null");
  if (listeners_.count(port) != 0 || stream_client_ports_.count(port) != 0) {
    return fail("stream port " + std::to_string(port) + " on " + Describe() + " is already in use");
  }
  listeners_.emplace(port, acceptor);
  return true;
}

void SimHost::StopListening(uint16_t port) { listeners_.erase(port); }

void SimHost::Connect(const SocketAddress& to, ConnectCallback on_connected) {
  network_->StartConnect(*this, to, std::move(on_connected));
}

}  // namespace sfusim::sim
