#include "sfusim/sim/sim_message_stream.h"

#include <utility>

#include "sfusim/sim/sim_network.h"

namespace sfusim::sim {

SimMessageStream::~SimMessageStream() { Close(); }

void SimMessageStream::SetListener(Listener* listener) {
  listener_ = listener;
  // Messages (or the close) that arrived before there was a listener flow now, from the loop.
  if (network_ && listener_) network_->StreamSetListener(*this);
}

bool SimMessageStream::Send(std::string message) {
  if (!network_ || !open_) return false;
  return network_->StreamSend(*this, std::move(message));
}

void SimMessageStream::Close() {
  open_ = false;
  listener_ = nullptr;
  if (!network_) return;
  SimNetwork* network = network_;
  network_ = nullptr;
  network->StreamClose(*this);
}

}  // namespace sfusim::sim
