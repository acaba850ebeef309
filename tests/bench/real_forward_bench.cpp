// BM_RealForward: the whole reference SFU forwarding over real loopback UDP (sim::AsioNet on one
// RealTimeLoop), one producer fanned out to 10 consumers: the real-network counterpart of
// BM_SfuForward. A load generator sends Opus-sized plain RTP into a native sender session's plain
// transport; 10 plain consumers (plain_consumer.h) send their streams to 10 sockets of the
// benchmark that count what arrives. Each iteration sends a burst of kBurst packets and runs the
// loop until all kBurst x 10 outputs arrived (bounded by kBurstTimeout; a shortfall is counted as
// "missing" rather than waited for). items_per_second counts packets received from the SFU per
// wall second (UseRealTime: the kernel's share of the work is the point); SFU, generator and
// receivers share one thread, so this is a lower bound on what the SFU alone can do.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "raw_signaling_client.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtp/byte_io.h"
#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/sfu/sfu_server.h"
#include "sfusim/sim/asio_net.h"
#include "sfusim/sim/real_time_loop.h"

namespace {

using namespace sfusim;

constexpr uint32_t kLoopback = sim::MakeIpv4(127, 0, 0, 1);
constexpr int kBurst = 32;  // small enough for the default socket buffers
constexpr sim::TimeDelta kBurstTimeout = sim::TimeDelta::Seconds(1);
constexpr std::size_t kOpusLikePayloadBytes = 120;  // ~48 kbps Opus frame of 20 ms, as BM_SfuForward
const std::string kChannel = "bench";

struct CountingReceiver : sim::DatagramSocket::Receiver {
  void OnDatagram(const sim::SocketAddress&, std::span<const uint8_t> data) override {
    ++packets;
    bytes += data.size();
  }
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

void BM_RealForward(benchmark::State& state) {
  const int consumers = static_cast<int>(state.range(0));
  sim::RealTimeLoop loop;
  sim::AsioNet sfu_net(&loop, kLoopback);
  sfu::SfuConfig config;
  config.signaling_port = 0;
  sfu::SfuServer sfu(sim::Env{&loop.scheduler(), sim::Rng::Stream(1, "sfu"), &sfu_net, nullptr}, config);
  std::string error;
  if (!sfu.Start(&error)) {
    state.SkipWithError(("sfu start: " + error).c_str());
    return;
  }
  const sim::SocketAddress sfu_address{kLoopback, sfu_net.listening_port()};

  sim::AsioNet source_net(&loop, kLoopback);
  interop::RawSignalingClient source(&loop, &source_net);
  std::optional<nlohmann::json> session;
  if (source.Join(sfu_address, config.auth_secret, "source", kChannel, &error)) {
    session = source.Request({{"action", "create_native_sender_session"}}, &error);
  }
  if (!session) {
    state.SkipWithError(("source setup: " + error).c_str());
    return;
  }
  const sim::SocketAddress target{kLoopback, (*session)["rtp_target"]["port"].get<uint16_t>()};
  const std::string producer_id = (*session)["producer_id"].get<std::string>();

  std::vector<std::unique_ptr<sim::AsioNet>> nets;
  std::vector<std::unique_ptr<interop::RawSignalingClient>> sinks;
  std::vector<std::unique_ptr<CountingReceiver>> receivers;
  std::vector<std::unique_ptr<sim::DatagramSocket>> sockets;
  for (int i = 0; i < consumers; ++i) {
    nets.push_back(std::make_unique<sim::AsioNet>(&loop, kLoopback));
    sinks.push_back(std::make_unique<interop::RawSignalingClient>(&loop, nets.back().get()));
    receivers.push_back(std::make_unique<CountingReceiver>());
    sockets.push_back(nets.back()->OpenDatagram(0, receivers.back().get(), &error));
    if (!sockets.back() ||
        !sinks.back()->Join(sfu_address, config.auth_secret, "sink" + std::to_string(i), kChannel, &error) ||
        !sfu.OpenPlainConsumer(sinks.back()->user_id(), producer_id, sockets.back()->local_address(), &error)) {
      state.SkipWithError(("consumer setup: " + error).c_str());
      return;
    }
  }
  auto source_socket = source_net.OpenDatagram(0, nullptr, &error);

  protocol::RtpPacket p;
  p.set_payload_type(protocol::kPayloadTypeH264);  // the session's codec; the SFU forwards any payload
  p.set_ssrc((*session)["ssrc"].get<uint32_t>());
  p.set_payload(std::vector<uint8_t>(kOpusLikePayloadBytes, 0x5A));
  std::vector<uint8_t> packet = p.Serialize().value();
  uint16_t seq = 1;
  uint32_t ts = 0;
  uint64_t expected = 0;
  auto received = [&] {
    uint64_t n = 0;
    for (const auto& r : receivers) n += r->packets;
    return n;
  };
  const uint64_t before = received();
  for (auto _ : state) {
    const uint64_t goal = received() + static_cast<uint64_t>(kBurst) * static_cast<uint64_t>(consumers);
    for (int i = 0; i < kBurst; ++i) {
      protocol::WriteBe16(packet.data() + 2, seq++);
      protocol::WriteBe32(packet.data() + 4, ts += 960);
      source_socket->SendTo(target, packet);
    }
    expected += static_cast<uint64_t>(kBurst) * static_cast<uint64_t>(consumers);
    loop.RunUntil([&] { return received() >= goal; }, kBurstTimeout);  // a shortfall shows as "missing"
  }
  const uint64_t got = received() - before;
  state.SetItemsProcessed(static_cast<int64_t>(got));
  state.counters["consumers"] = consumers;
  state.counters["missing"] = static_cast<double>(expected - got);
  state.counters["inputs"] =
      benchmark::Counter(static_cast<double>(expected) / consumers, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RealForward)->Arg(10)->UseRealTime();

}  // namespace
