// FallbackReason: why a native sender fell back, structured (the `fallback_triggered` reason).
//
// `rule` is one of kFallbackRule*; `count` the events that crossed it (encode failures or send
// errors in the window; for queue_drops the drops in the window; 1 for the fatal ones);
// `text` the human/structured form that goes into the event and status, e.g.
//   "encode_failures: 6 in 2 s > 5"
//   "send_errors: 21 in 2 s > 20"
//   "queue_drops: 31/60 in 2 s > 0.5 for 3 s"
//   "producer_failed: <detail>", "transport_closed: <detail>"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sfusim/sim/time_delta.h"

namespace sfusim::clients {

inline constexpr std::string_view kFallbackRuleEncodeFailures = "encode_failures";
inline constexpr std::string_view kFallbackRuleSendErrors = "send_errors";
inline constexpr std::string_view kFallbackRuleQueueDrops = "queue_drops";
inline constexpr std::string_view kFallbackRuleProducerFailed = "producer_failed";
inline constexpr std::string_view kFallbackRuleTransportClosed = "transport_closed";

struct FallbackReason {
  std::string rule;
  int64_t count = 0;
  sim::TimeDelta window;
  std::string text;
};

}  // namespace sfusim::clients
