#include "sfusim/protocol/rtp/abs_capture_time.h"

namespace sfusim::protocol {

uint64_t AbsCaptureTime::FromMicros(int64_t time_us) {
  // Split into whole seconds and a microsecond remainder so the shift cannot overflow:
  // rem < 1e6, so rem << 32 < 2^52.
  int64_t seconds = time_us / kMicrosPerSecond;
  int64_t rem = time_us % kMicrosPerSecond;
  if (rem < 0) {
    rem += kMicrosPerSecond;
    --seconds;
  }
  const uint64_t fraction =
      (static_cast<uint64_t>(rem) << kFractionBits) / kMicrosPerSecond +
      ((((static_cast<uint64_t>(rem) << kFractionBits) % kMicrosPerSecond) * 2 >= kMicrosPerSecond) ? 1 : 0);
  // fraction may round up to 2^32: the addition carries into the seconds, as it should.
  return (static_cast<uint64_t>(seconds) << kFractionBits) + fraction;
}

int64_t AbsCaptureTime::ToMicros(uint64_t ntp) {
  const int64_t seconds = static_cast<int64_t>(ntp >> kFractionBits);
  const uint64_t fraction = ntp & 0xFFFFFFFFULL;
  // fraction * 1e6 < 2^52: no overflow.
  const int64_t micros =
      static_cast<int64_t>((fraction * kMicrosPerSecond + (uint64_t{1} << (kFractionBits - 1))) >> kFractionBits);
  return seconds * kMicrosPerSecond + micros;
}

}  // namespace sfusim::protocol
