// The built-in simulation demo: what `sfusim` runs with no arguments until the scenario runner
// exists. Three participant hosts and an SFU host exchange RTP-sized datagrams (50 packets/s of
// 160-byte "audio" each way) and signaling messages over links with delay, jitter, loss, a
// capacity limit and a partition, and the SFU host crashes and restarts mid-run. It prints the
// trace hash, the record count and the drops by reason per link; the same seed always prints the
// same hash.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace sfusim::scenario {

struct DemoOptions {
  uint64_t seed = 1;
  std::string pcap_dir;    // empty: no pcap
  std::string trace_file;  // empty: no JSON-lines trace
};

// Returns the process exit code (0 ok, 2 bad input such as an unwritable output path).
int RunDemo(const DemoOptions& options, std::ostream& out, std::ostream& err);

}  // namespace sfusim::scenario
