#include "sfusim/clients/video/codec_time.h"

#include <time.h>

namespace sfusim::clients {

uint64_t CodecTimeTotals::total_cpu_ns() const {
  uint64_t sum = 0;
  for (uint64_t ns : cpu_ns) sum += ns;
  return sum;
}

void CodecTime::Enable(bool on) { enabled_ = on; }

void CodecTime::Reset() { totals_ = {}; }

uint64_t CodecTime::ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

void CodecTime::Add(CodecCall call, uint64_t ns) {
  const auto i = static_cast<size_t>(call);
  totals_.cpu_ns[i] += ns;
  ++totals_.calls[i];
}

}  // namespace sfusim::clients
