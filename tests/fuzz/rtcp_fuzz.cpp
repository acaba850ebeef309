// libFuzzer target for RTCP: RtcpCompoundView framing and every typed parser via
// CompoundPacket::Parse on arbitrary bytes (ASan checks bounds); whenever the parse succeeds,
// Serialize -> Parse must give an equal CompoundPacket, and the NACK and transport-cc helpers
// must agree with themselves. A mismatch aborts via __builtin_trap.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "sfusim/protocol/rtcp/compound_packet.h"
#include "sfusim/protocol/rtcp/rtcp_compound_view.h"

using namespace sfusim::protocol::rtcp;

namespace {
void Check(bool ok) {
  if (!ok) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  auto view = RtcpCompoundView::Parse(bytes);
  auto parsed = CompoundPacket::Parse(bytes);
  if (!view.ok()) {
    Check(!parsed.ok() && parsed.error().code == view.error().code);
    return 0;
  }
  size_t count = 0;
  size_t total = 0;
  for (const RtcpPacketView& p : *view) {
    Check(p.offset == total);
    Check(p.payload.size() <= p.body.size());
    total += RtcpHeader::kSize + p.body.size();
    ++count;
  }
  Check(count == view->packet_count() && total == size);
  if (!parsed.ok()) {
    Check(!parsed.error().code.empty() && !parsed.error().message.empty());
    return 0;
  }
  for (const auto& packet : parsed->packets) {
    if (const auto* nack = std::get_if<Nack>(&packet)) {
      // Packing the expanded list never needs more items than the packet had.
      Check(Nack::ItemsFromSequenceNumbers(nack->SequenceNumbers()).size() <= nack->items.size());
    }
    if (const auto* fb = std::get_if<TransportFeedback>(&packet)) {
      Check(fb->GetPacketResults().size() == fb->packets.size());
    }
  }
  auto out = parsed->Serialize();
  Check(out.ok());
  auto again = CompoundPacket::Parse(*out);
  Check(again.ok());
  Check(*again == *parsed);
  return 0;
}
