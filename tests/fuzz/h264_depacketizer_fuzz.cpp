// libFuzzer target for the H.264 RTP depacketizer (and, as an oracle, the packetizer).
//
// Input layout:
//   byte 0: bit 0 = sps_starts_frame, bit 1 = also run the round-trip oracle on the rest
//   then records until the input ends:
//     flags (1 byte): bit 0 marker, bit 1 next RTP timestamp (+3000),
//                     bits 2-3 sequence step: 0 -> +1, 1 -> +0 (duplicate), 2 -> -(1 + byte), 3 -> +byte
//     [step byte when bits 2-3 are 2 or 3]
//     length (1 byte), then up to `length` payload bytes
// Checks: no crash or sanitizer report, bounded state, every emitted frame parses as Annex-B.
// Oracle (bit 1): the whole record area read as one Annex-B access unit, if the packetizer
// accepts it, must come back byte-identical through a fresh depacketizer.
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "sfusim/protocol/h264/annex_b_parser.h"
#include "sfusim/protocol/h264/h264_constants.h"
#include "sfusim/protocol/h264/h264_depacketizer.h"
#include "sfusim/protocol/h264/h264_packetizer.h"

using namespace sfusim::protocol;

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void RoundTrip(std::span<const uint8_t> access_unit) {
  auto nals = AnnexBParser::Split(access_unit);
  if (!nals.ok() || nals->empty()) return;
  const size_t budget = kH264MinMaxPayloadBytes + access_unit.size() % 200;
  auto packetizer = H264Packetizer::Create({budget, access_unit.size() % 2 == 0});
  Check(packetizer.ok());
  auto payloads = packetizer->Packetize(*nals);
  if (!payloads.ok()) return;  // e.g. a NAL type an encoder never emits
  H264Depacketizer d;
  Check(d.Insert(99, 1, true, {}).ok());  // a padding packet proves where the frame starts
  uint16_t seq = 100;
  for (const auto& p : *payloads) {
    Check(p.bytes.size() <= budget);
    Check(d.Insert(seq++, 7, p.marker, p.bytes).ok());
  }
  auto frames = d.TakeFrames();
  Check(frames.size() == 1);
  Check(frames[0].annex_b == AnnexBParser::Join(*nals));
  Check(d.TakeLosses().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::span<const uint8_t> rest(data + 1, size - 1);
  if ((mode & 0x02) != 0) RoundTrip(rest);

  H264Depacketizer d(H264DepacketizerConfig{(mode & 0x01) != 0});
  uint16_t seq = 1000;
  uint32_t ts = 0;
  size_t pos = 0;
  while (pos < rest.size()) {
    const uint8_t flags = rest[pos++];
    const uint8_t step_mode = (flags >> 2) & 0x03;
    uint8_t step = 0;
    if (step_mode >= 2) {
      if (pos >= rest.size()) break;
      step = rest[pos++];
    }
    if (pos >= rest.size()) break;
    const size_t wanted = rest[pos];
    ++pos;
    const size_t length = std::min(wanted, rest.size() - pos);
    const std::span<const uint8_t> payload = rest.subspan(pos, length);
    pos += length;

    if (step_mode == 0) seq = static_cast<uint16_t>(seq + 1);
    if (step_mode == 2) seq = static_cast<uint16_t>(seq - 1 - step);
    if (step_mode == 3) seq = static_cast<uint16_t>(seq + step);
    if ((flags & 0x02) != 0) ts += 3000;
    (void)d.Insert(seq, ts, (flags & 0x01) != 0, payload);

    Check(d.pending_packets() <= kH264MaxPendingPackets);
    for (const auto& f : d.TakeFrames()) {
      Check(f.annex_b.size() <= kH264MaxAccessUnitBytes);
      Check(AnnexBParser::Split(f.annex_b).ok());
    }
    (void)d.TakeLosses();
  }
  d.Flush();
  Check(d.pending_packets() == 0);
  Check(d.TakeFrames().empty());
  return 0;
}
