// ConsumerRtpEvent: one RTP packet a consumer sent, as the SFU reports it to its observer
// (E2E_DESIGN.md). The string_views point into the SFU's state and are valid only during the
// callback.
#pragma once

#include <cstdint>
#include <string_view>

#include "sfusim/sim/timestamp.h"

namespace sfusim::sfu {

struct ConsumerRtpEvent {
  std::string_view consumer_id;
  std::string_view producer_id;
  bool paused = false;          // the consumer's state when it sent (a correct SFU: always false)
  bool retransmission = false;  // a NACK answer from the retransmission buffer
  int64_t input_seq = 0;        // the producer's extended (unwrapped) sequence number
  uint16_t output_seq = 0;
  uint32_t output_ssrc = 0;
  sim::Timestamp at;
};

}  // namespace sfusim::sfu
