// RawSignalingClient: the signaling protocol spoken as plain JSON over a real message stream
// (sim::AsioNet, the length-prefixed framing of real mode), for peers that have no signaling of
// their own (GStreamer in the interop tests, the load generator of BM_RealForward).
//
// Contract: Join() connects, authenticates (token from the SFU's shared secret), joins a channel;
// Request() sends one media_signal request and waits for its response. Both run the loop until
// the answer came or kSignalingTimeout passed; they never block longer. Unsolicited messages
// (presence, new_producer, ...) are kept in order and skipped by the waits.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sfusim/sim/asio_net.h"
#include "sfusim/sim/real_time_loop.h"

namespace sfusim::interop {

inline constexpr sim::TimeDelta kSignalingTimeout = sim::TimeDelta::Seconds(5);
inline constexpr std::size_t kMaxInbox = 1024;  // messages kept that no wait asked for yet

class RawSignalingClient : public sim::MessageStream::Listener {
 public:
  RawSignalingClient(sim::RealTimeLoop* loop, sim::AsioNet* net) : loop_(loop), net_(net) {}
  ~RawSignalingClient() override;
  // Connects, authenticates (token from the SFU's secret) and joins `channel`; false on timeout
  // or error, with `error`.
  bool Join(const sim::SocketAddress& sfu, const std::string& secret, const std::string& username,
            const std::string& channel, std::string* error);
  // One media_signal request; the response's "result", or nullopt (with `error`) on an error
  // response or a timeout.
  std::optional<nlohmann::json> Request(nlohmann::json request, std::string* error);
  void Close();
  const std::string& user_id() const { return user_id_; }

  void OnMessage(std::string_view message) override;
  void OnClosed(std::string_view reason) override;

 private:
  std::optional<nlohmann::json> WaitForMessage(const std::function<bool(const nlohmann::json&)>& match);
  sim::RealTimeLoop* loop_;
  sim::AsioNet* net_;
  std::unique_ptr<sim::MessageStream> stream_;
  std::vector<nlohmann::json> inbox_;
  std::string closed_reason_;
  std::string user_id_;
  int next_request_ = 0;
};

}  // namespace sfusim::interop
