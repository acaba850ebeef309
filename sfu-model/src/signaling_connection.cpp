#include "sfusim/sfu/signaling_connection.h"

#include <utility>

namespace sfusim::sfu {

SignalingConnection::SignalingConnection(sim::Env env, uint64_t key, std::unique_ptr<sim::MessageStream> stream,
                                         Delegate* delegate, std::size_t max_queue)
    : env_(env), key_(key), stream_(std::move(stream)), delegate_(delegate), max_queue_(max_queue) {
  if (stream_) peer_ = stream_->peer_address().ToString();
}

SignalingConnection::~SignalingConnection() {
  env_.scheduler->Cancel(auth_timer_);
  env_.scheduler->Cancel(idle_timer_);
  env_.scheduler->Cancel(retry_timer_);
  if (stream_) {
    stream_->SetListener(nullptr);
    if (stream_->is_open()) stream_->Close();
  }
}

void SignalingConnection::Start() {
  last_received_ = env_.Now();
  auth_timer_ = env_.scheduler->PostDelayed(kAuthTimeout, [this] {
    auth_timer_ = {};
    if (authenticated_ || closed_ || timed_out_) return;
    timed_out_ = true;
    delegate_->OnTimeout(*this, "auth_timeout");
  });
  ArmIdle(last_received_ + kIdleTimeout);
  stream_->SetListener(this);
}

void SignalingConnection::MarkAuthenticated() {
  authenticated_ = true;
  env_.scheduler->Cancel(auth_timer_);
  auth_timer_ = {};
}

void SignalingConnection::ArmIdle(sim::Timestamp at) {
  idle_timer_ = env_.scheduler->PostAt(at, [this] { OnIdleTimer(); });
}

void SignalingConnection::OnIdleTimer() {
  idle_timer_ = {};
  if (closed_ || timed_out_) return;
  const sim::Timestamp due = last_received_ + kIdleTimeout;
  if (env_.Now() < due) {
    ArmIdle(due);
    return;
  }
  timed_out_ = true;
  delegate_->OnTimeout(*this, "idle_timeout");
}

bool SignalingConnection::Send(std::string text) {
  if (closed_ || overflowed_ || !stream_ || !stream_->is_open()) return false;
  if (queue_.empty()) {
    if (stream_->Send(text)) {
      ++sent_;
      return true;
    }
    if (!stream_->is_open()) return false;
  }
  if (queue_.size() >= max_queue_) {
    overflowed_ = true;
    queue_.clear();
    delegate_->OnSlowClient(*this);
    return false;
  }
  queue_.push_back(std::move(text));
  if (!retry_timer_.valid()) {
    retry_timer_ = env_.scheduler->PostDelayed(kOutboundRetryInterval, [this] { OnRetry(); });
  }
  return true;
}

void SignalingConnection::OnRetry() {
  retry_timer_ = {};
  Drain();
  if (!queue_.empty() && !closed_ && stream_ && stream_->is_open()) {
    retry_timer_ = env_.scheduler->PostDelayed(kOutboundRetryInterval, [this] { OnRetry(); });
  }
}

void SignalingConnection::Drain() {
  while (!queue_.empty() && !closed_ && stream_ && stream_->is_open()) {
    if (!stream_->Send(queue_.front())) break;
    ++sent_;
    queue_.pop_front();
  }
}

void SignalingConnection::Close() {
  if (closed_) return;
  closed_ = true;
  queue_.clear();
  env_.scheduler->Cancel(auth_timer_);
  env_.scheduler->Cancel(idle_timer_);
  env_.scheduler->Cancel(retry_timer_);
  auth_timer_ = idle_timer_ = retry_timer_ = {};
  if (stream_) {
    stream_->SetListener(nullptr);
    if (stream_->is_open()) stream_->Close();
  }
}

void SignalingConnection::OnMessage(std::string_view message) {
  if (closed_) return;
  last_received_ = env_.Now();
  delegate_->OnMessage(*this, message);
}

void SignalingConnection::OnClosed(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  queue_.clear();
  env_.scheduler->Cancel(auth_timer_);
  env_.scheduler->Cancel(idle_timer_);
  env_.scheduler->Cancel(retry_timer_);
  auth_timer_ = idle_timer_ = retry_timer_ = {};
  delegate_->OnStreamClosed(*this, reason);
}

}  // namespace sfusim::sfu
