// BM_SfuForward: the SFU's forwarding core (sfu::RtpForwarder) fanning one producer's RTP out to
// 10 resumed consumers, without SRTP and without sockets: parse the input, store it for NACKs,
// rewrite SSRC/seq/timestamp per consumer, hand the bytes to a sink. items_per_second counts
// packets forwarded (outputs, one per consumer); the "inputs" counter is the input packet rate.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/sfu/rtp_forwarder.h"
#include "sfusim/sfu/sfu_constants.h"

namespace {

using namespace sfusim;

class CountingSink : public sfu::RtpForwarder::Sink {
 public:
  void OnRtpOut(const sfu::RtpForwarder::Sent& sent, std::span<const uint8_t> packet) override {
    bytes += packet.size() + sent.output_seq;
    ++packets;
  }
  uint64_t bytes = 0;
  uint64_t packets = 0;
};

std::vector<uint8_t> OpusLikePacket() {
  protocol::RtpPacket p;
  p.set_payload_type(protocol::kPayloadTypeOpus);
  p.set_sequence_number(1);
  p.set_timestamp(0);
  p.set_ssrc(0xA11CE);
  const uint8_t mid[] = {'0'};
  (void)p.SetExtension(protocol::kHeaderExtensionIdMid, mid);
  const uint8_t abs_send_time[] = {1, 2, 3};
  (void)p.SetExtension(protocol::kHeaderExtensionIdAbsSendTime, abs_send_time);
  const uint8_t audio_level[] = {0x85};
  (void)p.SetExtension(protocol::kHeaderExtensionIdAudioLevel, audio_level);
  std::vector<uint8_t> payload(120, 0x5A);  // ~48 kbps Opus frame of 20 ms
  p.set_payload(payload);
  return p.Serialize().value();
}

void BM_SfuForward(benchmark::State& state) {
  const int consumers = static_cast<int>(state.range(0));
  sfu::RtpForwarder forwarder(protocol::kOpusClockRateHz, sfu::kRetransmissionBufferPackets);
  for (int i = 0; i < consumers; ++i) {
    const auto key = static_cast<uint64_t>(i + 1);
    forwarder.AddConsumer(key, 0x1000 + static_cast<uint32_t>(i), static_cast<uint16_t>(i * 1000), 12345);
    forwarder.SetPaused(key, false);
  }
  CountingSink sink;
  std::vector<uint8_t> packet = OpusLikePacket();
  uint16_t seq = 1;
  uint32_t ts = 0;
  int64_t now_us = 0;
  uint64_t outputs = 0;
  uint64_t inputs = 0;
  for (auto _ : state) {
    protocol::WriteBe16(packet.data() + 2, seq++);
    protocol::WriteBe32(packet.data() + 4, ts += 960);
    now_us += 20'000;
    auto view = protocol::RtpPacketView::Parse(packet);
    outputs += forwarder.Forward(view.value(), now_us, sink);
    ++inputs;
  }
  benchmark::DoNotOptimize(sink.bytes);
  state.SetItemsProcessed(static_cast<int64_t>(outputs));
  state.counters["inputs"] = benchmark::Counter(static_cast<double>(inputs), benchmark::Counter::kIsRate);
  state.counters["consumers"] = consumers;
}
BENCHMARK(BM_SfuForward)->Arg(10);

}  // namespace
