// SignalingConnection: the server's end of one client's signaling stream (PROTOCOL.md §1
// "Connection limits"): the outbound queue, the auth timer and the idle timer. What the messages
// mean is the Delegate's business (SfuServer).
//
// Contract:
// - Send() hands the message to the stream at once when nothing waits; a message the stream
//   refuses while it stays open (the host cannot send right now) waits in the outbound queue,
//   retried every kOutboundRetryInterval in order. A queue beyond kOutboundQueueMaxMessages is a
//   slow client: Delegate::OnSlowClient, once; the delegate decides to disconnect.
// - The auth timer fires once kAuthTimeout after Start() unless MarkAuthenticated() came first;
//   the idle timer fires when nothing was received for kIdleTimeout (re-armed lazily, so a busy
//   connection costs no timer churn). Each timeout is reported once (Delegate::OnTimeout with
//   "auth_timeout" / "idle_timeout"); the delegate answers and closes.
// - Delegate callbacks may run inside Send() (overflow) or from timers and stream events; the
//   delegate must not destroy the connection inside a callback (defer it).
// - The destructor cancels both timers and closes the stream without callbacks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "sfusim/sfu/sfu_constants.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/net.h"

namespace sfusim::sfu {

class SignalingConnection : public sim::MessageStream::Listener {
 public:
  class Delegate {
   public:
    virtual ~Delegate() = default;
    virtual void OnMessage(SignalingConnection& connection, std::string_view text) = 0;
    virtual void OnTimeout(SignalingConnection& connection, std::string_view code) = 0;
    virtual void OnStreamClosed(SignalingConnection& connection, std::string_view reason) = 0;
    virtual void OnSlowClient(SignalingConnection& connection) = 0;
  };

  SignalingConnection(sim::Env env, uint64_t key, std::unique_ptr<sim::MessageStream> stream, Delegate* delegate,
                      std::size_t max_queue = kOutboundQueueMaxMessages);
  ~SignalingConnection() override;
  SignalingConnection(const SignalingConnection&) = delete;
  SignalingConnection& operator=(const SignalingConnection&) = delete;

  void Start();
  void MarkAuthenticated();
  // False when the message could not be sent nor queued (closed, or the queue overflowed).
  bool Send(std::string text);
  // Closes the stream: messages already handed to it still arrive; queued ones are dropped.
  void Close();

  uint64_t key() const { return key_; }
  bool open() const { return !closed_ && stream_ && stream_->is_open(); }
  std::size_t queued() const { return queue_.size(); }
  const std::string& peer() const { return peer_; }
  uint64_t sent() const { return sent_; }

  // sim::MessageStream::Listener
  void OnMessage(std::string_view message) override;
  void OnClosed(std::string_view reason) override;

 private:
  void ArmIdle(sim::Timestamp at);
  void OnIdleTimer();
  void OnRetry();
  void Drain();

  sim::Env env_;
  uint64_t key_;
  std::unique_ptr<sim::MessageStream> stream_;
  Delegate* delegate_;
  std::size_t max_queue_;
  std::string peer_;
  std::deque<std::string> queue_;
  bool closed_ = false;
  bool authenticated_ = false;
  bool overflowed_ = false;
  bool timed_out_ = false;
  sim::Timestamp last_received_;
  sim::EventId auth_timer_;
  sim::EventId idle_timer_;
  sim::EventId retry_timer_;
  uint64_t sent_ = 0;
};

}  // namespace sfusim::sfu
