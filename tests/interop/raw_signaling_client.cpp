// See raw_signaling_client.h.
#include "raw_signaling_client.h"

#include "sfusim/sfu/auth_token.h"

namespace sfusim::interop {

RawSignalingClient::~RawSignalingClient() { Close(); }

void RawSignalingClient::Close() {
  if (stream_) {
    stream_->Close();
    stream_.reset();
  }
}

void RawSignalingClient::OnMessage(std::string_view message) {
  auto j = nlohmann::json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return;
  // Bounded: the oldest unsolicited message goes first (the waits look for recent answers).
  if (inbox_.size() >= kMaxInbox) inbox_.erase(inbox_.begin());
  inbox_.push_back(std::move(j));
}

void RawSignalingClient::OnClosed(std::string_view reason) { closed_reason_ = std::string(reason); }

std::optional<nlohmann::json> RawSignalingClient::WaitForMessage(
    const std::function<bool(const nlohmann::json&)>& match) {
  std::optional<nlohmann::json> found;
  loop_->RunUntil(
      [&] {
        for (auto it = inbox_.begin(); it != inbox_.end(); ++it) {
          if (match(*it)) {
            found = std::move(*it);
            inbox_.erase(it);
            return true;
          }
        }
        return !closed_reason_.empty();
      },
      kSignalingTimeout);
  return found;
}

bool RawSignalingClient::Join(const sim::SocketAddress& sfu, const std::string& secret, const std::string& username,
                              const std::string& channel, std::string* error) {
  std::string connect_error;
  bool connected = false;
  net_->Connect(sfu, [&](std::unique_ptr<sim::MessageStream> s, std::string_view e) {
    connected = true;
    connect_error = std::string(e);
    if (s) {
      stream_ = std::move(s);
      stream_->SetListener(this);
    }
  });
  loop_->RunUntil([&] { return connected; }, kSignalingTimeout);
  if (!stream_) {
    *error = "connect to " + sfu.ToString() + " failed: " + (connected ? connect_error : "timeout");
    return false;
  }
  stream_->Send(nlohmann::json{{"type", "authenticate"},
                               {"token", sfu::MakeAuthToken(secret, username)},
                               {"username", username}}
                    .dump());
  auto auth = WaitForMessage([](const nlohmann::json& j) { return j.value("type", "") != "pong"; });
  if (!auth || auth->value("type", "") != "authenticated") {
    *error = "authenticate failed: " + (auth ? auth->dump() : "no answer " + closed_reason_);
    return false;
  }
  user_id_ = auth->value("user_id", "");
  stream_->Send(nlohmann::json{{"type", "join_voice"}, {"channel_id", channel}}.dump());
  auto joined = WaitForMessage([](const nlohmann::json& j) { return j.value("type", "") == "voice_joined"; });
  if (!joined) {
    *error = "join_voice got no voice_joined";
    return false;
  }
  return true;
}

std::optional<nlohmann::json> RawSignalingClient::Request(nlohmann::json request, std::string* error) {
  if (!stream_) {
    *error = "not connected";
    return std::nullopt;
  }
  const std::string id = "interop-" + std::to_string(++next_request_);
  request["type"] = "media_signal";
  request["request_id"] = id;
  stream_->Send(request.dump());
  auto response = WaitForMessage([&](const nlohmann::json& j) {
    return j.value("type", "") == "media_signal" && j.value("request_id", "") == id;
  });
  if (!response) {
    *error = "no response to " + request.dump();
    return std::nullopt;
  }
  if (!response->contains("result")) {
    *error = "error response: " + response->dump();
    return std::nullopt;
  }
  return (*response)["result"];
}

}  // namespace sfusim::interop
