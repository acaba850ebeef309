// BM_RtpParse: RtpPacketView::Parse of a 1200-byte video packet carrying abs-send-time, the
// transport-wide sequence number and mid (one-byte form), then reading seq/ts/ssrc and two typed
// extensions, as an SFU's receive path does per packet. Target: >= 50M packets/s (Release).
// BM_RtpSerialize: RtpPacket::AppendTo of the same packet into a reused buffer.
// BM_RtcpCompoundView: framing-only walk over an SR+SDES+NACK+REMB compound (no allocation).
// BM_RtcpCompoundParse: CompoundPacket::Parse of that compound into typed packets.
// BM_TransportFeedbackRoundTrip: build a 100-packet transport-cc feedback, serialize, parse.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtcp/compound_packet.h"
#include "sfusim/protocol/rtcp/rtcp_compound_view.h"
#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/rtp_mid.h"
#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"

namespace {

using namespace sfusim::protocol;

constexpr size_t kPayloadSize = 1200;
constexpr size_t kDistinctPackets = 16;  // cycled, so the branch predictor sees varying values

std::vector<std::vector<uint8_t>> MakeRtpPackets() {
  std::vector<std::vector<uint8_t>> out;
  for (size_t i = 0; i < kDistinctPackets; ++i) {
    RtpPacket p;
    p.set_payload_type(kPayloadTypeVp8);
    p.set_sequence_number(static_cast<uint16_t>(1000 + i));
    p.set_timestamp(static_cast<uint32_t>(90'000 + i * 3000));
    p.set_ssrc(0x1234'5678);
    p.set_marker(i % 4 == 3);
    (void)p.SetExtension<RtpMid>(kHeaderExtensionIdMid, "1");
    (void)p.SetExtension<AbsSendTime>(kHeaderExtensionIdAbsSendTime, AbsSendTime::FromMicros(static_cast<int64_t>(i) * 33'333));
    (void)p.SetExtension<TransportSequenceNumber>(kHeaderExtensionIdTransportWideCc, static_cast<uint16_t>(i * 7));
    p.set_payload(std::vector<uint8_t>(kPayloadSize, static_cast<uint8_t>(i)));
    out.push_back(*p.Serialize());
  }
  return out;
}

void BM_RtpParse(benchmark::State& state) {
  const auto packets = MakeRtpPackets();
  size_t i = 0;
  uint64_t sum = 0;
  for (auto _ : state) {
    const auto& bytes = packets[i++ & (kDistinctPackets - 1)];
    auto v = RtpPacketView::Parse(bytes);
    if (!v.ok()) state.SkipWithError("parse failed");
    sum += v->sequence_number() + v->timestamp() + v->ssrc();
    sum += v->GetExtension<TransportSequenceNumber>(kHeaderExtensionIdTransportWideCc).value_or(0);
    sum += v->GetExtension<AbsSendTime>(kHeaderExtensionIdAbsSendTime).value_or(0);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * packets[0].size()));
}
BENCHMARK(BM_RtpParse);

void BM_RtpSerialize(benchmark::State& state) {
  const auto packets = MakeRtpPackets();
  const RtpPacket packet = RtpPacket::FromView(*RtpPacketView::Parse(packets[0]));
  std::vector<uint8_t> out;
  out.reserve(2048);
  for (auto _ : state) {
    out.clear();
    if (!packet.AppendTo(out).ok()) state.SkipWithError("serialize failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RtpSerialize);

std::vector<uint8_t> MakeCompound() {
  rtcp::SenderReport sr;
  sr.sender_ssrc = 0x1111;
  sr.ntp_timestamp = 0xE54F1D6B80000000ull;
  sr.rtp_timestamp = 90'000;
  sr.packet_count = 1000;
  sr.octet_count = 1'200'000;
  sr.report_blocks.push_back(rtcp::ReportBlock{0x2222, 3, 17, 70'000, 45, 0x4F1D6B80, 6553});
  const std::vector<uint16_t> lost = {100, 101, 104, 130, 131};
  // Built from an initializer list: GCC 12 -O2 reports false maybe-uninitialized warnings on the
  // reallocation path of push_back for a vector of this variant.
  const rtcp::CompoundPacket c{{sr, rtcp::Sdes::WithCname(0x1111, "native-00001111"),
                                rtcp::Nack::FromSequenceNumbers(0x1111, 0x2222, lost),
                                rtcp::Remb{0x1111, 1'500'000, {0x2222, 0x3333}}}};
  return *c.Serialize();
}

void BM_RtcpCompoundView(benchmark::State& state) {
  const auto bytes = MakeCompound();
  for (auto _ : state) {
    auto v = rtcp::RtcpCompoundView::Parse(bytes);
    if (!v.ok()) state.SkipWithError("parse failed");
    size_t types = 0;
    for (const auto& p : *v) types += p.header.packet_type;
    benchmark::DoNotOptimize(types);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RtcpCompoundView);

void BM_RtcpCompoundParse(benchmark::State& state) {
  const auto bytes = MakeCompound();
  for (auto _ : state) {
    auto c = rtcp::CompoundPacket::Parse(bytes);
    if (!c.ok() || c->packets.size() != 4) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(c->packets.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_RtcpCompoundParse);

void BM_TransportFeedbackRoundTrip(benchmark::State& state) {
  std::vector<rtcp::TransportFeedback::PacketResult> results;
  for (int i = 0; i < 100; ++i) {
    results.push_back({static_cast<uint16_t>(65500 + i), i % 10 != 3, 1'000'000 + i * 5'000 + (i % 3) * 700});
  }
  for (auto _ : state) {
    auto fb = rtcp::TransportFeedback::FromPacketResults(1, 2, 0, results);
    auto bytes = fb->Serialize();
    auto back = rtcp::CompoundPacket::Parse(*bytes);
    if (!back.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(back->packets.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_TransportFeedbackRoundTrip);

}  // namespace
