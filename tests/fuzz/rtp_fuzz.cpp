// libFuzzer target for RtpPacketView: parse arbitrary bytes; every accessor and extension walk
// must stay in bounds (ASan), and whenever the parse succeeds, RtpPacket::FromView -> Serialize
// -> Parse must give the same packet (and the same bytes when the padding bytes were zeros).
// A mismatch aborts via __builtin_trap so libFuzzer records the input.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/audio_level.h"
#include "sfusim/protocol/rtp/rtp_mid.h"
#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"

using namespace sfusim::protocol;

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

struct Elements {
  std::vector<std::pair<uint8_t, std::vector<uint8_t>>> list;
  bool operator==(const Elements&) const = default;
};

Elements Walk(const RtpPacketView& v) {
  Elements e;
  v.ForEachExtension([&](const RtpHeaderExtension::Element& el) {
    e.list.emplace_back(el.id, std::vector<uint8_t>(el.data.begin(), el.data.end()));
  });
  return e;
}

bool SameView(const RtpPacketView& a, const RtpPacketView& b) {
  if (a.marker() != b.marker() || a.payload_type() != b.payload_type() || a.sequence_number() != b.sequence_number() ||
      a.timestamp() != b.timestamp() || a.ssrc() != b.ssrc() || a.csrc_count() != b.csrc_count() ||
      a.has_extension() != b.has_extension() || a.padding_size() != b.padding_size()) {
    return false;
  }
  for (size_t i = 0; i < a.csrc_count(); ++i) {
    if (a.csrc(i) != b.csrc(i)) return false;
  }
  if (a.has_extension() && a.extension_profile() != b.extension_profile()) return false;
  if (!std::equal(a.extension_data().begin(), a.extension_data().end(), b.extension_data().begin(),
                  b.extension_data().end())) {
    return false;
  }
  if (!(Walk(a) == Walk(b))) return false;
  return std::equal(a.payload().begin(), a.payload().end(), b.payload().begin(), b.payload().end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto v = RtpPacketView::Parse(std::span<const uint8_t>(data, size));
  if (!v.ok()) {
    Check(!v.error().code.empty() && !v.error().message.empty());
    return 0;
  }
  Check(v->header_size() + v->payload().size() + v->padding_size() == size);
  // Typed reads on every id present and a few absent ones: absent or wrong-sized is nullopt.
  std::vector<uint8_t> ids = {0, 1, 14, 15, 255};
  v->ForEachExtension([&](const RtpHeaderExtension::Element& e) { ids.push_back(e.id); });
  for (uint8_t id : ids) {
    auto raw = v->FindExtension(id);
    Check(!raw || (raw->data() >= data && raw->data() + raw->size() <= data + size));
    (void)v->GetExtension<AbsSendTime>(id);
    (void)v->GetExtension<TransportSequenceNumber>(id);
    (void)v->GetExtension<AudioLevel>(id);
    (void)v->GetExtension<RtpMid>(id);
  }
  const RtpPacket packet = RtpPacket::FromView(*v);
  auto bytes = packet.Serialize();
  Check(bytes.ok());
  auto again = RtpPacketView::Parse(*bytes);
  Check(again.ok());
  Check(SameView(*v, *again));
  Check(RtpPacket::FromView(*again) == packet);
  bool zero_padding = true;
  for (size_t i = size - v->padding_size(); i + 1 < size; ++i) zero_padding = zero_padding && data[i] == 0;
  if (zero_padding) Check(std::equal(bytes->begin(), bytes->end(), data, data + size));
  return 0;
}
