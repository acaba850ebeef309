#include "sfusim/sim/socket_address.h"

#include <charconv>

namespace sfusim::sim {

std::string SocketAddress::IpString() const {
  return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xff) + "." + std::to_string((ip >> 8) & 0xff) +
         "." + std::to_string(ip & 0xff);
}

std::string SocketAddress::ToString() const { return IpString() + ":" + std::to_string(port); }

std::optional<SocketAddress> SocketAddress::Parse(std::string_view text) {
  SocketAddress out;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 4; ++i) {
    unsigned v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || v > 255 || next == p) return std::nullopt;
    out.ip = (out.ip << 8) | v;
    p = next;
    char want = i < 3 ? '.' : ':';
    if (p == end || *p != want) return std::nullopt;
    ++p;
  }
  unsigned port = 0;
  auto [next, ec] = std::from_chars(p, end, port);
  if (ec != std::errc() || next != end || port > 65535) return std::nullopt;
  out.port = static_cast<uint16_t>(port);
  return out;
}

}  // namespace sfusim::sim
