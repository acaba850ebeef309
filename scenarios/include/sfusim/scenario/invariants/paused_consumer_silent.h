// PausedConsumerSilent ("paused_consumer_silent"): a paused consumer forwards nothing (PROTOCOL.md
// §2; consumers start paused and forward only after media_resume_consumer).
//
// Violation: an RTP packet (retransmissions included) that a consumer sent while it was paused,
// as the SFU reports it (ConsumerRtpEvent::paused). Each consumer counts once.
#pragma once

#include "sfusim/scenario/invariants/invariant_checker.h"
#include "sfusim/sfu/consumer_rtp_event.h"

namespace sfusim::scenario {

class PausedConsumerSilent : public InvariantChecker {
 public:
  PausedConsumerSilent() : InvariantChecker("paused_consumer_silent") {}
  void OnConsumerRtp(double at_s, const sfu::ConsumerRtpEvent& event);
};

}  // namespace sfusim::scenario
