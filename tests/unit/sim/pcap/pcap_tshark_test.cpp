// Writes pcaps of simulated RTP-like traffic through a lossy, jittery, duplicating link and has
// tshark read them back: every packet must dissect cleanly (no malformed packet, no expert error),
// as IPv4/UDP/RTP with our addresses, ports and sequence numbers, at the simulated times.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/sim_network.h"
#include "sfusim/sim/trace.h"

using namespace sfusim::sim;

namespace {

constexpr uint32_t kIpAlice = MakeIpv4(10, 0, 0, 1);
constexpr uint32_t kIpSfu = MakeIpv4(10, 0, 0, 2);
constexpr uint16_t kRtpPort = 5004;
constexpr int kPackets = 400;

struct CommandResult {
  int status = -1;
  std::string output;
};

CommandResult Run(const std::string& command) {
  CommandResult r;
  std::FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  r.status = pclose(p);
  return r;
}

void RequireTshark() {
  CommandResult v = Run("tshark --version");
  if (v.status != 0 || v.output.find("TShark") == std::string::npos) {
    FAIL("tshark is not installed or does not run (" << v.output << "); run scripts/setup.sh to install it");
  }
}

std::vector<uint8_t> RtpPacket(uint16_t seq, uint32_t timestamp, uint32_t ssrc, std::size_t payload_size) {
  std::vector<uint8_t> p(12 + payload_size);
  p[0] = 0x80;  // V=2, no padding, no extension, CC=0
  p[1] = 111;   // M=0, PT=111 (dynamic: Opus)
  p[2] = static_cast<uint8_t>(seq >> 8);
  p[3] = static_cast<uint8_t>(seq);
  for (int i = 0; i < 4; ++i) p[4 + i] = static_cast<uint8_t>(timestamp >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) p[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  for (std::size_t i = 12; i < p.size(); ++i) p[i] = static_cast<uint8_t>(seq * 7 + i);
  return p;
}

struct Arrivals : DatagramSocket::Receiver {
  explicit Arrivals(Scheduler* s) : scheduler(s) {}
  void OnDatagram(const SocketAddress&, std::span<const uint8_t> d) override {
    seen.push_back({scheduler->Now().us(), (d[2] << 8) | d[3]});
  }
  Scheduler* scheduler;
  std::vector<std::pair<int64_t, int>> seen;  // (time in us, RTP sequence number)
};

int CountLinesStartingWith(const std::string& text, const std::string& prefix) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.rfind(prefix, 0) == 0;
  return n;
}

}  // namespace

TEST_CASE("pcaps of a lossy link open cleanly in tshark, one frame per packet, at the simulated times",
          "[pcap]") {
  RequireTshark();
  const std::string dir = SFUSIM_TEST_TMP_DIR;
  const std::string at_arrival = dir + "/sim_pcap_arrival.pcap";
  const std::string at_send = dir + "/sim_pcap_send.pcap";

  Scheduler scheduler;
  Trace trace;
  uint64_t written_arrival = 0, written_send = 0, delivered = 0, duplicated = 0;
  Arrivals arrivals(&scheduler);
  {
    SimNetwork net(&scheduler, &trace, 2024);
    net.AddHost("alice", kIpAlice);
    SimHost* sfu = net.AddHost("sfu", kIpSfu);
    LinkConfig lossy;
    lossy.delay = TimeDelta::Millis(40);
    lossy.jitter = TimeDelta::Millis(8);
    lossy.reorder = true;
    lossy.loss = 0.1;
    lossy.burst_len = 2;
    lossy.duplicate = 0.03;
    lossy.capacity = DataRate::KilobitsPerSec(2000);
    REQUIRE(net.SetLink("alice", "sfu", lossy));
    std::string error;
    REQUIRE(net.EnablePcap("alice", "sfu", at_arrival, &error));
    REQUIRE(net.EnablePcap("alice", "sfu", at_send, &error, SimNetwork::PcapPoint::kSend));
    CHECK_FALSE(net.EnablePcap("sfu", "alice", at_send, &error));  // no such link
    CHECK(error.find("no link sfu->alice") != std::string::npos);

    auto rx = sfu->net()->OpenDatagram(kRtpPort, &arrivals);
    auto tx = net.host("alice")->net()->OpenDatagram(kRtpPort, &arrivals);
    for (int i = 0; i < kPackets; ++i) {
      // 20 ms audio packets with a few bigger ones, like Opus with FEC bursts.
      std::vector<uint8_t> pkt = RtpPacket(static_cast<uint16_t>(65400 + i), 960u * i, 0x1234abcd, i % 10 ? 120 : 900);
      scheduler.PostAt(Timestamp::Millis(20 * i), [&tx, pkt = std::move(pkt)] {
        tx->SendTo(SocketAddress{kIpSfu, kRtpPort}, pkt);
      });
    }
    scheduler.RunUntilIdle();
    net.FlushPcaps();
    written_arrival = net.pcap("alice", "sfu")->packets_written();
    written_send = net.pcap("alice", "sfu", SimNetwork::PcapPoint::kSend)->packets_written();
    delivered = net.link("alice", "sfu")->counters().packets_delivered;
    duplicated = net.link("alice", "sfu")->counters().packets_duplicated;
  }  // the writers close with the network

  CHECK(written_send == kPackets);
  CHECK(written_arrival == delivered + duplicated);
  CHECK(written_arrival == arrivals.seen.size());
  CHECK(written_arrival < kPackets);  // the link did lose some
  CHECK(duplicated > 0);

  for (const std::string& file : {at_arrival, at_send}) {
    const uint64_t expected = file == at_arrival ? written_arrival : written_send;
    CommandResult verbose = Run("tshark -r '" + file + "' -V -d udp.port==5004,rtp");
    INFO(file << "\n" << verbose.output.substr(0, 3000));
    REQUIRE(verbose.status == 0);
    CHECK(CountLinesStartingWith(verbose.output, "Frame ") == static_cast<int>(expected));
    CHECK(CountLinesStartingWith(verbose.output, "Real-Time Transport Protocol") == static_cast<int>(expected));
    CHECK(verbose.output.find("Malformed") == std::string::npos);
    CHECK(verbose.output.find("[Expert Info (Error") == std::string::npos);
    CHECK(verbose.output.find("Source Address: 10.0.0.1") != std::string::npos);
    CHECK(verbose.output.find("Destination Address: 10.0.0.2") != std::string::npos);

    CommandResult expert = Run("tshark -r '" + file + "' -q -z expert,error -d udp.port==5004,rtp");
    INFO(expert.output);
    REQUIRE(expert.status == 0);
    CHECK(expert.output.find("Errors (") == std::string::npos);
    CHECK(expert.output.find("Malformed") == std::string::npos);
  }

  // The arrival capture is, frame by frame, what the receiver got and when.
  CommandResult fields = Run("tshark -r '" + at_arrival +
                             "' -T fields -E separator=, -e frame.time_epoch -e rtp.seq -e udp.srcport "
                             "-d udp.port==5004,rtp");
  REQUIRE(fields.status == 0);
  std::vector<std::pair<int64_t, int>> from_pcap;
  std::istringstream in(fields.output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Running as user", 0) == 0 || line.empty()) continue;
    double t = 0;
    int seq = 0, port = 0;
    REQUIRE(std::sscanf(line.c_str(), "%lf,%d,%d", &t, &seq, &port) == 3);
    CHECK(port == kRtpPort);
    from_pcap.push_back({static_cast<int64_t>(t * 1e6 + 0.5), seq});
  }
  CHECK(from_pcap == arrivals.seen);
}
