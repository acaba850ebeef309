#include "sfusim/sim/pcap_writer.h"

#include <cerrno>
#include <cstring>
#include <vector>

namespace sfusim::sim {
namespace {

constexpr uint32_t kPcapMagicMicros = 0xa1b2c3d4;
constexpr uint16_t kPcapVersionMajor = 2;
constexpr uint16_t kPcapVersionMinor = 4;
constexpr uint32_t kSnapLen = 65535;
constexpr uint32_t kLinkTypeRaw = 101;  // LINKTYPE_RAW: the packet starts with the IP header
constexpr std::size_t kIpv4HeaderSize = 20;
constexpr std::size_t kUdpHeaderSize = 8;
constexpr uint8_t kIpProtoUdp = 17;
constexpr uint8_t kDefaultTtl = 64;
constexpr std::size_t kMaxUdpPayload = 65535 - kIpv4HeaderSize - kUdpHeaderSize;

void PutLe32(std::FILE* f, uint32_t v) {
  uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
  std::fwrite(b, 1, 4, f);
}
void PutLe16(std::FILE* f, uint16_t v) {
  uint8_t b[2] = {uint8_t(v), uint8_t(v >> 8)};
  std::fwrite(b, 1, 2, f);
}
void PutBe16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
void PutBe32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

uint16_t Ipv4Checksum(const uint8_t* h) {
  uint32_t sum = 0;
  for (std::size_t i = 0; i < kIpv4HeaderSize; i += 2) sum += (uint32_t{h[i]} << 8) | h[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

}  // namespace

std::unique_ptr<PcapWriter> PcapWriter::Open(const std::string& path, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    if (error) *error = "cannot create pcap file '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  PutLe32(f, kPcapMagicMicros);
  PutLe16(f, kPcapVersionMajor);
  PutLe16(f, kPcapVersionMinor);
  PutLe32(f, 0);  // thiszone
  PutLe32(f, 0);  // sigfigs
  PutLe32(f, kSnapLen);
  PutLe32(f, kLinkTypeRaw);
  return std::unique_ptr<PcapWriter>(new PcapWriter(f));
}

PcapWriter::~PcapWriter() {
  if (file_) std::fclose(file_);
}

void PcapWriter::Flush() { std::fflush(file_); }

void PcapWriter::WriteUdp(Timestamp at, const SocketAddress& src, const SocketAddress& dst,
                          std::span<const uint8_t> payload) {
  std::size_t captured = payload.size() < kMaxUdpPayload ? payload.size() : kMaxUdpPayload;
  std::size_t orig_total = kIpv4HeaderSize + kUdpHeaderSize + payload.size();
  std::size_t cap_total = kIpv4HeaderSize + kUdpHeaderSize + captured;
  uint8_t hdr[kIpv4HeaderSize + kUdpHeaderSize] = {};
  hdr[0] = 0x45;  // version 4, IHL 5
  PutBe16(hdr + 2, static_cast<uint16_t>(cap_total));
  PutBe16(hdr + 4, ip_id_++);
  hdr[8] = kDefaultTtl;
  hdr[9] = kIpProtoUdp;
  PutBe32(hdr + 12, src.ip);
  PutBe32(hdr + 16, dst.ip);
  PutBe16(hdr + 10, Ipv4Checksum(hdr));
  uint8_t* udp = hdr + kIpv4HeaderSize;
  PutBe16(udp, src.port);
  PutBe16(udp + 2, dst.port);
  PutBe16(udp + 4, static_cast<uint16_t>(kUdpHeaderSize + captured));
  // UDP checksum 0: "no checksum" for IPv4.

  int64_t us = at.us();
  PutLe32(file_, static_cast<uint32_t>(us / 1000000));
  PutLe32(file_, static_cast<uint32_t>(us % 1000000));
  PutLe32(file_, static_cast<uint32_t>(cap_total));
  PutLe32(file_, static_cast<uint32_t>(orig_total));
  std::fwrite(hdr, 1, sizeof hdr, file_);
  if (captured) std::fwrite(payload.data(), 1, captured, file_);
  ++packets_;
}

}  // namespace sfusim::sim
