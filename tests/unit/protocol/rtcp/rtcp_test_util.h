// Helpers for the RTCP byte-table tests: parse one packet through the compound view (so offsets
// and padding handling are the real ones), and unwrap results with their error in the log.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "sfusim/protocol/rtcp/compound_packet.h"
#include "sfusim/protocol/rtcp/rtcp_compound_view.h"

namespace rtcp_test {

using Bytes = std::vector<uint8_t>;

template <typename T>
T Must(sfusim::protocol::Result<T> r) {
  INFO((r.ok() ? std::string("ok") : r.error().code + ": " + r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

inline sfusim::protocol::rtcp::RtcpPacketView OnlyPacket(const Bytes& bytes) {
  auto view = Must(sfusim::protocol::rtcp::RtcpCompoundView::Parse(bytes));
  REQUIRE(view.packet_count() == 1);
  return *view.begin();
}

// Parses `bytes` (one packet) as T.
template <typename T>
T ParseAs(const Bytes& bytes) {
  return Must(T::Parse(OnlyPacket(bytes)));
}

template <typename T>
std::string ParseErrorAs(const Bytes& bytes) {
  auto r = T::Parse(OnlyPacket(bytes));
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().message.find("at byte") != std::string::npos);
  return r.error().code;
}

}  // namespace rtcp_test
