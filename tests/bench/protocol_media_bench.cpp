// Benchmarks of the media payload and SRTP code (Google Benchmark, part of sfusim-bench).
//
// BM_H264Packetize / BM_H264Depacketize: one access unit per iteration; items = RTP packets
// (the frames/s counter gives access units). Frames: a ~30 KB key frame (SPS + PPS + one IDR
// slice) and a ~3 KB delta frame, packetized into 1200-byte payloads (STAP-A + FU-A).
// BM_SrtpProtect / BM_SrtpProtectUnprotect: 1200-byte RTP packets (12-byte header + payload),
// one per iteration; items = packets. Arg 0 = AES_CM_128_HMAC_SHA1_80, 1 = AEAD_AES_128_GCM.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "sfusim/protocol/h264/h264_depacketizer.h"
#include "sfusim/protocol/h264/h264_packetizer.h"
#include "sfusim/protocol/srtp/srtp_session.h"

namespace {

using sfusim::protocol::H264Depacketizer;
using sfusim::protocol::H264Packetizer;
using sfusim::protocol::SrtpDirection;
using sfusim::protocol::SrtpProfile;
using sfusim::protocol::SrtpSession;

constexpr size_t kKeyFrameBytes = 30000;
constexpr size_t kDeltaFrameBytes = 3000;
constexpr size_t kSrtpPacketBytes = 1200;

std::vector<uint8_t> Nal(uint8_t header, size_t size) {
  std::vector<uint8_t> b(size);
  b[0] = header;
  uint32_t x = 0x12345678;
  for (size_t i = 1; i < size; ++i) {
    x = x * 1664525u + 1013904223u;
    b[i] = static_cast<uint8_t>(x >> 24) | 1;
  }
  return b;
}

// A key frame (SPS + PPS + IDR) or a delta frame (one non-IDR slice) of about `bytes`.
std::vector<std::vector<uint8_t>> Frame(size_t bytes) {
  if (bytes >= kKeyFrameBytes) return {Nal(0x67, 10), Nal(0x68, 4), Nal(0x65, bytes)};
  return {Nal(0x41, bytes)};
}

void BM_H264Packetize(benchmark::State& state) {
  const auto nals = Frame(static_cast<size_t>(state.range(0)));
  const std::vector<std::span<const uint8_t>> spans(nals.begin(), nals.end());
  auto packetizer = H264Packetizer::Create({});
  int64_t packets = 0;
  for (auto _ : state) {
    auto out = packetizer->Packetize(spans);
    benchmark::DoNotOptimize(out);
    packets += static_cast<int64_t>(out->size());
  }
  state.SetItemsProcessed(packets);
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["packets/frame"] = static_cast<double>(packets) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_H264Packetize)->ArgName("frame_bytes")->Arg(kKeyFrameBytes)->Arg(kDeltaFrameBytes);

void BM_H264Depacketize(benchmark::State& state) {
  const auto nals = Frame(static_cast<size_t>(state.range(0)));
  const std::vector<std::span<const uint8_t>> spans(nals.begin(), nals.end());
  auto packetizer = H264Packetizer::Create({});
  const auto payloads = *packetizer->Packetize(spans);
  H264Depacketizer depacketizer;
  uint16_t seq = 0;
  uint32_t timestamp = 0;
  int64_t packets = 0;
  // A padding packet first proves where the first frame starts (a delta frame has no SPS);
  // every later frame begins right after the previous one's marker packet.
  (void)depacketizer.Insert(seq++, timestamp, false, {});
  for (auto _ : state) {
    timestamp += 3000;
    for (const auto& p : payloads) (void)depacketizer.Insert(seq++, timestamp, p.marker, p.bytes);
    auto frames = depacketizer.TakeFrames();
    benchmark::DoNotOptimize(frames);
    packets += static_cast<int64_t>(payloads.size());
  }
  if (depacketizer.counters().frames_emitted != static_cast<uint64_t>(state.iterations())) {
    state.SkipWithError("depacketizer lost frames");
  }
  state.SetItemsProcessed(packets);
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_H264Depacketize)->ArgName("frame_bytes")->Arg(kKeyFrameBytes)->Arg(kDeltaFrameBytes);

SrtpProfile ProfileArg(const benchmark::State& state) {
  return state.range(0) == 0 ? SrtpProfile::kAesCm128HmacSha1_80 : SrtpProfile::kAeadAes128Gcm;
}

sfusim::protocol::SrtpMasterKey BenchKey(SrtpProfile profile) {
  return {std::vector<uint8_t>(sfusim::protocol::SrtpMasterKeyBytes(profile), 0x11),
          std::vector<uint8_t>(sfusim::protocol::SrtpMasterSaltBytes(profile), 0x22)};
}

std::vector<uint8_t> RtpPacket() {
  std::vector<uint8_t> p(kSrtpPacketBytes, 0xab);
  const uint8_t header[12] = {0x80, 96, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78};
  std::copy(std::begin(header), std::end(header), p.begin());
  return p;
}

void BM_SrtpProtect(benchmark::State& state) {
  const SrtpProfile profile = ProfileArg(state);
  auto out = SrtpSession::Create({profile, SrtpDirection::kOutbound, BenchKey(profile)});
  if (!out.ok()) {
    state.SkipWithError(out.error().message.c_str());
    return;
  }
  const std::vector<uint8_t> plain = RtpPacket();
  std::vector<uint8_t> buffer;
  buffer.reserve(kSrtpPacketBytes + 256);
  uint16_t seq = 0;
  for (auto _ : state) {
    buffer.assign(plain.begin(), plain.end());
    buffer[2] = static_cast<uint8_t>(seq >> 8);
    buffer[3] = static_cast<uint8_t>(seq);
    ++seq;
    if (!out->ProtectRtp(buffer).ok()) state.SkipWithError("protect failed");
    benchmark::DoNotOptimize(buffer.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kSrtpPacketBytes));
}
BENCHMARK(BM_SrtpProtect)->ArgName("gcm")->Arg(0)->Arg(1);

void BM_SrtpProtectUnprotect(benchmark::State& state) {
  const SrtpProfile profile = ProfileArg(state);
  auto out = SrtpSession::Create({profile, SrtpDirection::kOutbound, BenchKey(profile)});
  auto in = SrtpSession::Create({profile, SrtpDirection::kInbound, BenchKey(profile)});
  if (!out.ok() || !in.ok()) {
    state.SkipWithError("session creation failed");
    return;
  }
  const std::vector<uint8_t> plain = RtpPacket();
  std::vector<uint8_t> buffer;
  buffer.reserve(kSrtpPacketBytes + 256);
  uint16_t seq = 0;
  for (auto _ : state) {
    buffer.assign(plain.begin(), plain.end());
    buffer[2] = static_cast<uint8_t>(seq >> 8);
    buffer[3] = static_cast<uint8_t>(seq);
    ++seq;
    if (!out->ProtectRtp(buffer).ok() || !in->UnprotectRtp(buffer).ok()) state.SkipWithError("round trip failed");
    benchmark::DoNotOptimize(buffer.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SrtpProtectUnprotect)->ArgName("gcm")->Arg(0)->Arg(1);

}  // namespace
