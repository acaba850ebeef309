// PcapWriter: records datagrams to a classic libpcap file (LINKTYPE_RAW: IPv4 packets), with
// synthesized IPv4 and UDP headers carrying the hosts' simulated addresses and ports, so Wireshark
// and tshark open it and dissect the payload (RTP/RTCP with the right decode-as settings).
//
// Contract: Open() fails with a message naming the path; a datagram larger than an IPv4 packet
// can carry is truncated in the capture (caplen) but keeps its original length (origlen). The
// checksum of the synthesized IPv4 header is correct; the UDP checksum is 0 (allowed for IPv4).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "sfusim/sim/socket_address.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::sim {

class PcapWriter {
 public:
  // Null with `error` set when the file cannot be created.
  static std::unique_ptr<PcapWriter> Open(const std::string& path, std::string* error);
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  void WriteUdp(Timestamp at, const SocketAddress& src, const SocketAddress& dst, std::span<const uint8_t> payload);
  uint64_t packets_written() const { return packets_; }
  void Flush();

 private:
  explicit PcapWriter(std::FILE* f) : file_(f) {}
  std::FILE* file_;
  uint64_t packets_ = 0;
  uint16_t ip_id_ = 0;
};

}  // namespace sfusim::sim
