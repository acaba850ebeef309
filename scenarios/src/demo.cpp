#include "sfusim/scenario/demo.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sfusim/sim/link_config.h"
#include "sfusim/sim/net.h"
#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/sim_host.h"
#include "sfusim/sim/sim_network.h"
#include "sfusim/sim/trace.h"

// Not the reference SFU: a stand-in forwarder so that the simulation core can be exercised end
// to end (links, streams, faults, trace, pcap) before the SFU model exists.

namespace sfusim::scenario {
namespace {

using sim::DataRate;
using sim::LinkConfig;
using sim::SocketAddress;
using sim::TimeDelta;
using sim::Timestamp;

constexpr uint16_t kMediaPort = 5000;
constexpr uint16_t kSignalingPort = 7000;
constexpr TimeDelta kPacketInterval = TimeDelta::Millis(20);
constexpr std::size_t kPacketBytes = 160;
constexpr TimeDelta kDuration = TimeDelta::Seconds(30);
constexpr TimeDelta kReconnectDelay = TimeDelta::Seconds(1);
constexpr uint32_t kSfuIp = sim::MakeIpv4(10, 0, 0, 1);

// Forwards every datagram from one participant to all the others it has heard from, and answers
// every signaling message with "ok". Rebuilt from scratch when its host restarts.
class Forwarder : public sim::DatagramSocket::Receiver, public sim::StreamAcceptor, public sim::SimHost::Listener {
 public:
  explicit Forwarder(sim::SimHost* host) : host_(host) {
    host_->AddListener(this);
    Start();
  }
  ~Forwarder() override { host_->RemoveListener(this); }

  void OnDatagram(const SocketAddress& from, std::span<const uint8_t> data) override {
    peers_[from] = true;
    for (const auto& [peer, _] : peers_) {
      if (peer != from) socket_->SendTo(peer, data);
    }
  }
  void OnAccept(std::unique_ptr<sim::MessageStream> stream) override {
    auto conn = std::make_unique<Conn>();
    conn->stream = std::move(stream);
    conn->stream->SetListener(conn.get());
    conns_.push_back(std::move(conn));
  }
  void OnCrash(sim::SimHost&) override {
    socket_.reset();
    conns_.clear();
    peers_.clear();
  }
  void OnRestart(sim::SimHost&) override { Start(); }

 private:
  struct Conn : sim::MessageStream::Listener {
    std::unique_ptr<sim::MessageStream> stream;
    void OnMessage(std::string_view) override { stream->Send("ok"); }
    void OnClosed(std::string_view) override {}
  };
  void Start() {
    socket_ = host_->net()->OpenDatagram(kMediaPort, this);
    host_->net()->Listen(kSignalingPort, this);
  }

  sim::SimHost* host_;
  std::unique_ptr<sim::DatagramSocket> socket_;
  std::map<SocketAddress, bool> peers_;
  std::vector<std::unique_ptr<Conn>> conns_;
};

// Sends a 160-byte datagram every 20 ms to the forwarder, counts what comes back, keeps a
// signaling stream open and reconnects it after a cut.
class Participant : public sim::DatagramSocket::Receiver, public sim::MessageStream::Listener {
 public:
  Participant(sim::Scheduler* scheduler, sim::SimHost* host) : scheduler_(scheduler), host_(host) {
    socket_ = host_->net()->OpenDatagram(0, this);
    Connect();
    SendNext();
  }
  void OnDatagram(const SocketAddress&, std::span<const uint8_t>) override { ++received_; }
  void OnMessage(std::string_view) override { ++answers_; }
  void OnClosed(std::string_view) override {
    ++disconnects_;
    stream_.reset();
    scheduler_->PostDelayed(kReconnectDelay, [this] { Connect(); });
  }
  uint64_t sent() const { return sent_; }
  uint64_t received() const { return received_; }
  uint64_t answers() const { return answers_; }
  uint64_t disconnects() const { return disconnects_; }

 private:
  void Connect() {
    host_->net()->Connect(SocketAddress{kSfuIp, kSignalingPort},
                          [this](std::unique_ptr<sim::MessageStream> s, std::string_view) {
                            if (!s) {
                              scheduler_->PostDelayed(kReconnectDelay, [this] { Connect(); });
                              return;
                            }
                            stream_ = std::move(s);
                            stream_->SetListener(this);
                            stream_->Send("hello");
                          });
  }
  void SendNext() {
    if (scheduler_->Now() >= Timestamp::Zero() + kDuration) return;
    std::vector<uint8_t> payload(kPacketBytes, 0);
    for (int i = 0; i < 8; ++i) payload[i] = static_cast<uint8_t>(sent_ >> (8 * i));
    socket_->SendTo(SocketAddress{kSfuIp, kMediaPort}, payload);
    ++sent_;
    if (stream_ && sent_ % 50 == 0) stream_->Send("keepalive");
    scheduler_->PostDelayed(kPacketInterval, [this] { SendNext(); });
  }

  sim::Scheduler* scheduler_;
  sim::SimHost* host_;
  std::unique_ptr<sim::DatagramSocket> socket_;
  std::unique_ptr<sim::MessageStream> stream_;
  uint64_t sent_ = 0, received_ = 0, answers_ = 0, disconnects_ = 0;
};

LinkConfig BaseLink() {
  LinkConfig c;
  c.delay = TimeDelta::Millis(20);
  c.jitter = TimeDelta::Millis(2);
  c.capacity = DataRate::KilobitsPerSec(20000);
  c.queue_time = TimeDelta::Millis(300);
  return c;
}

}  // namespace

int RunDemo(const DemoOptions& options, std::ostream& out, std::ostream& err) {
  sim::Scheduler scheduler;
  sim::Trace trace;
  sim::SimNetwork net(&scheduler, &trace, options.seed);
  std::string error;
  sim::SimHost* sfu = net.AddHost("sfu", kSfuIp, &error);
  const std::vector<std::string> names = {"alice", "bob", "carol"};
  std::vector<sim::SimHost*> hosts;
  for (std::size_t i = 0; i < names.size(); ++i) {
    hosts.push_back(net.AddHost(names[i], sim::MakeIpv4(10, 0, 1, static_cast<uint8_t>(i + 1)), &error));
    LinkConfig up = BaseLink(), down = BaseLink();
    if (names[i] == "carol") {
      up.loss = 0.03;
      up.burst_len = 3;
    }
    if (names[i] == "bob") {
      down.capacity = DataRate::KilobitsPerSec(100);  // below the ~130 kbit/s forwarded to bob
      down.queue_time = TimeDelta::Millis(200);
    }
    if (names[i] == "alice") up.loss = 0.05;
    if (!net.SetLink(names[i], "sfu", up, &error) || !net.SetLink("sfu", names[i], down, &error)) {
      err << "sfusim demo: " << error << "\n";
      return 2;
    }
    if (!options.pcap_dir.empty()) {
      for (auto [from, to] : {std::pair{names[i], std::string("sfu")}, std::pair{std::string("sfu"), names[i]}}) {
        std::string path = options.pcap_dir + "/" + from + "-" + to + ".pcap";
        if (!net.EnablePcap(from, to, path, &error)) {
          err << "sfusim demo: --pcap: " << error << "\n";
          return 2;
        }
      }
    }
  }

  Forwarder forwarder(sfu);
  std::vector<std::unique_ptr<Participant>> participants;
  for (auto* h : hosts) participants.push_back(std::make_unique<Participant>(&scheduler, h));

  // The fault timeline.
  scheduler.PostAt(Timestamp::Seconds(10), [&] { net.SetLinkUp("alice", "sfu", false); });
  scheduler.PostAt(Timestamp::Seconds(12), [&] { net.SetLinkUp("alice", "sfu", true); });
  scheduler.PostAt(Timestamp::Seconds(15), [&] { net.Crash("sfu"); });
  scheduler.PostAt(Timestamp::Seconds(16), [&] { net.Restart("sfu"); });
  scheduler.PostAt(Timestamp::Seconds(20), [&] { net.CutStreams("bob"); });

  scheduler.RunUntil(Timestamp::Zero() + kDuration + TimeDelta::Seconds(1));
  net.FlushPcaps();

  char hash[20];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(trace.trace_hash()));
  out << "sfusim demo (seed " << options.seed << ", " << kDuration.seconds() << " s simulated, "
      << scheduler.fired() << " events)\n";
  out << "  the simulation core with a stand-in forwarder; the reference SFU and clients are not built yet\n";
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& p = *participants[i];
    out << "  " << names[i] << ": sent " << p.sent() << ", received " << p.received() << ", signaling answers "
        << p.answers() << ", disconnects " << p.disconnects() << "\n";
  }
  for (auto* link_host : hosts) {
    for (auto [from, to] : {std::pair{link_host->name(), std::string("sfu")}, std::pair{std::string("sfu"), link_host->name()}}) {
      const auto& c = net.link(from, to)->counters();
      out << "  link " << from << "->" << to << ": sent " << c.packets_sent << ", delivered " << c.packets_delivered;
      for (std::size_t r = 1; r < static_cast<std::size_t>(sim::DropReason::kCount); ++r) {
        if (c.packets_dropped[r]) out << ", " << sim::ToString(static_cast<sim::DropReason>(r)) << " " << c.packets_dropped[r];
      }
      out << "\n";
    }
  }
  out << "  host drops: host_down " << net.drops(sim::DropReason::kHostDown) << ", no_socket "
      << net.drops(sim::DropReason::kNoSocket) << "\n";
  out << "trace_hash " << hash << " (" << trace.record_count() << " records)\n";
  if (!options.trace_file.empty()) {
    std::ofstream f(options.trace_file);
    if (!f) {
      err << "sfusim demo: --trace: cannot write '" << options.trace_file << "'\n";
      return 2;
    }
    trace.WriteJsonLines(f);
  }
  return 0;
}

}  // namespace sfusim::scenario
