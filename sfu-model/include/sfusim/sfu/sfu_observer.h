// SfuObserver: what the SFU tells the scenario runner's invariant checkers, synchronously
// (E2E_DESIGN.md). Every method is optional. Callbacks must not call back into the SfuServer's
// scenario controls (CrashWorker, SetChannelCodec); reading Snapshot() is fine.
//   OnStateChanged     after any change Snapshot() would show (state_version() grew)
//   OnConsumerRtp      every RTP packet a consumer sends, retransmissions included (flagged)
//   OnWorkerEvent      "crashed", "restarted"
//   OnConnectionEvent  "authenticated", "auth_failed", "auth_timeout", "idle_timeout",
//                      "slow_client_disconnected", "closed"; the subject is the user id once
//                      authenticated, the peer address before
#pragma once

#include <string_view>

#include "sfusim/sfu/consumer_rtp_event.h"

namespace sfusim::sfu {

class SfuObserver {
 public:
  virtual ~SfuObserver() = default;
  virtual void OnStateChanged() {}
  virtual void OnConsumerRtp(const ConsumerRtpEvent& event) { (void)event; }
  virtual void OnWorkerEvent(int worker, std::string_view what) { (void)worker, (void)what; }
  virtual void OnConnectionEvent(std::string_view user_or_address, std::string_view what) {
    (void)user_or_address, (void)what;
  }
};

}  // namespace sfusim::sfu
