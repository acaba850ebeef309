// SocketAddress: an IPv4 address and a UDP/TCP port. Ordered (usable as a std::map key) and
// printable as "a.b.c.d:port". Hosts in the simulation get addresses in 10.0.0.0/8 that exist only
// inside the simulator (the pcap writer uses them in its synthesized headers).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sfusim::sim {

struct SocketAddress {
  uint32_t ip = 0;  // host byte order
  uint16_t port = 0;

  auto operator<=>(const SocketAddress&) const = default;
  std::string ToString() const;
  std::string IpString() const;
  // Parses "a.b.c.d:port"; nullopt when malformed.
  static std::optional<SocketAddress> Parse(std::string_view text);
};

constexpr uint32_t MakeIpv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return (uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | uint32_t{d};
}

}  // namespace sfusim::sim
