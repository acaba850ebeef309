#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim_network_fixture.h"

using namespace sfusim::sim;
using namespace sfusim::sim::testing;

namespace {
using Strings = std::vector<std::string>;
const SocketAddress kServerAddr{kIpB, 443};

// Stands for the software of a host: rebuilt by the scenario runner through the host hooks.
struct HostSoftware : SimHost::Listener {
  HostSoftware(SimHost* h, Scheduler* s) : host(h), scheduler(s), receiver(s), server(s) { Start(); }
  void Start() {
    socket = host->net()->OpenDatagram(5004, &receiver);
    host->net()->Listen(443, &server);
  }
  void OnCrash(SimHost&) override {
    log.push_back("crash");
    socket_after_crash_sends = socket->SendTo(SocketAddress{kIpA, 1}, std::vector<uint8_t>{1});
    socket.reset();  // the software is gone
  }
  void OnRestart(SimHost&) override {
    log.push_back("restart");
    ports_open_at_restart = host->open_datagram_sockets() + (host->is_listening(443) ? 1 : 0);
    Start();
  }
  void OnPause(SimHost&) override { log.push_back("pause"); }
  void OnResume(SimHost&) override { log.push_back("resume"); }

  SimHost* host;
  Scheduler* scheduler;
  RecordingReceiver receiver;
  Server server;
  std::unique_ptr<DatagramSocket> socket;
  std::vector<std::string> log;
  bool socket_after_crash_sends = true;
  std::size_t ports_open_at_restart = 99;
};
}  // namespace

TEST_CASE("crash: sockets and streams die; in-flight packets dropped host_down; peers told after the latency",
          "[network][fault]") {
  World w;
  w.Join(w.a, w.b, 20, 30);
  HostSoftware sfu(w.b, &w.scheduler);
  w.b->AddListener(&sfu);
  RecordingReceiver ra(&w.scheduler);
  auto sa = w.a->net()->OpenDatagram(0, &ra);
  Client client(&w.scheduler);
  w.a->net()->Connect(kServerAddr, client.Callback());
  w.RunUntil(100);
  REQUIRE(client.stream);
  REQUIRE(sfu.server.streams.size() == 1);
  MessageStream* server_end = sfu.server.streams[0].get();

  sa->SendTo(SocketAddress{kIpB, 5004}, Bytes({1}));  // arrives at 120, after the crash
  server_end->Send("on the wire before the crash");   // arrives at 130
  w.RunUntil(110);
  REQUIRE(w.net.Crash("b"));
  CHECK_FALSE(w.net.Crash("b"));
  CHECK(w.b->is_down());
  CHECK(sfu.log == Strings{"crash"});
  CHECK_FALSE(sfu.socket_after_crash_sends);
  CHECK_FALSE(server_end->is_open());
  CHECK_FALSE(server_end->Send("x"));
  std::string error;
  CHECK(w.b->net()->OpenDatagram(1, &ra, &error) == nullptr);
  CHECK(error.find("is down") != std::string::npos);

  w.RunUntil(1000);
  CHECK(w.b->counters().dropped(DropReason::kHostDown) == 1);
  CHECK(w.HasRecord(TraceKind::kDrop, "a->b", DropReason::kHostDown));
  CHECK(w.HasText(TraceKind::kFault, "crash b"));
  CHECK(client.listener.Whats() == Strings{"msg:on the wire before the crash", "closed:peer crashed"});
  CHECK(client.listener.events[1].at == Timestamp::Millis(140));
  CHECK(sfu.server.listeners[0]->events.empty());  // the crashed side hears nothing
  CHECK_FALSE(client.stream->is_open());
}

TEST_CASE("restart gives a clean host: nothing open, ports from 49152; the software is rebuilt by the hook",
          "[network][fault]") {
  World w;
  w.Join(w.a, w.b, 10, 10);
  HostSoftware sfu(w.b, &w.scheduler);
  w.b->AddListener(&sfu);
  RecordingReceiver r(&w.scheduler);
  auto eph = w.b->net()->OpenDatagram(0, &r);
  CHECK(eph->local_address().port == 49152);
  auto eph2 = w.b->net()->OpenDatagram(0, &r);
  CHECK(eph2->local_address().port == 49153);
  Client client(&w.scheduler);
  w.a->net()->Connect(kServerAddr, client.Callback());
  w.RunUntil(100);
  REQUIRE(client.stream);

  w.net.Crash("b");
  CHECK_FALSE(eph->SendTo(SocketAddress{kIpA, 1}, Bytes({1})));
  CHECK_FALSE(w.net.Restart("a"));  // not down
  w.RunUntil(200);
  // While b is down, connecting is refused after the round trip.
  Client refused(&w.scheduler);
  w.a->net()->Connect(kServerAddr, refused.Callback());
  w.RunUntil(300);
  CHECK(refused.error.find("connection refused: host b (10.0.0.2) is down") != std::string::npos);

  REQUIRE(w.net.Restart("b"));
  CHECK(w.b->is_up());
  CHECK(w.b->epoch() == 1);
  CHECK(sfu.log == Strings{"crash", "restart"});
  CHECK(sfu.ports_open_at_restart == 0);
  CHECK_FALSE(eph->SendTo(SocketAddress{kIpA, 1}, Bytes({1})));  // dead for good
  auto fresh = w.b->net()->OpenDatagram(0, &r);
  CHECK(fresh->local_address().port == 49152);

  // Reconnecting to the rebuilt software works, and it receives datagrams again.
  Client again(&w.scheduler);
  w.a->net()->Connect(kServerAddr, again.Callback());
  RecordingReceiver ra(&w.scheduler);
  auto sa = w.a->net()->OpenDatagram(0, &ra);
  sa->SendTo(SocketAddress{kIpB, 5004}, Bytes({5}));
  w.RunUntil(1000);
  REQUIRE(again.stream);
  REQUIRE(sfu.receiver.got.size() == 1);
  CHECK(w.HasText(TraceKind::kFault, "restart b"));
}

TEST_CASE("pause: sends fail, datagrams are held and delivered in order at the resume time", "[network][fault]") {
  World w;
  w.Join(w.a, w.b, 10, 10);
  HostSoftware sfu(w.b, &w.scheduler);
  w.b->AddListener(&sfu);
  RecordingReceiver ra(&w.scheduler);
  auto sa = w.a->net()->OpenDatagram(0, &ra);
  REQUIRE(w.net.Pause("b", TimeDelta::Millis(500)));
  CHECK(w.b->is_paused());
  CHECK_FALSE(sfu.socket->SendTo(SocketAddress{kIpA, 1}, Bytes({1})));
  for (uint8_t i = 0; i < 5; ++i) {
    w.scheduler.PostAt(Timestamp::Millis(100 + i), [&, i] { sa->SendTo(SocketAddress{kIpB, 5004}, Bytes({i})); });
  }
  w.RunUntil(499);
  CHECK(sfu.receiver.got.empty());
  CHECK(w.b->counters().datagrams_held == 5);
  w.RunUntil(500);
  REQUIRE(sfu.receiver.got.size() == 5);
  for (uint8_t i = 0; i < 5; ++i) {
    CHECK(sfu.receiver.got[i].data == Bytes({i}));
    CHECK(sfu.receiver.got[i].at == Timestamp::Millis(500));
  }
  CHECK(sfu.log == Strings{"pause", "resume"});
  CHECK(w.HasText(TraceKind::kFault, "pause b for 500.000 ms"));
  CHECK(w.HasText(TraceKind::kFault, "resume b"));
  CHECK(sfu.socket->SendTo(SocketAddress{kIpA, 1}, Bytes({1})));
  CHECK_FALSE(w.net.Resume("b"));  // not paused any more
}

TEST_CASE("pause: the hold buffer is bounded (past it host_down), and 0 means drop everything", "[network][fault]") {
  World w;
  w.Join(w.a, w.b, 10, 10);
  HostSoftware sfu(w.b, &w.scheduler);
  RecordingReceiver ra(&w.scheduler);
  auto sa = w.a->net()->OpenDatagram(0, &ra);
  w.net.SetPauseBufferBytes(250);
  w.net.Pause("b", TimeDelta::PlusInfinity());
  for (int i = 0; i < 5; ++i) sa->SendTo(SocketAddress{kIpB, 5004}, std::vector<uint8_t>(100, 1));
  w.RunUntil(1000);
  CHECK(w.b->counters().datagrams_held == 2);
  CHECK(w.b->counters().dropped(DropReason::kHostDown) == 3);
  REQUIRE(w.net.Resume("b"));
  w.RunUntil(1001);
  CHECK(sfu.receiver.got.size() == 2);

  w.net.SetPauseBufferBytes(0);
  w.net.Pause("b", TimeDelta::Seconds(1));
  sa->SendTo(SocketAddress{kIpB, 5004}, Bytes({1}));
  w.RunUntil(5000);
  CHECK(sfu.receiver.got.size() == 2);
  CHECK(w.b->counters().dropped(DropReason::kHostDown) == 4);
}

TEST_CASE("pause: stream messages and accepts wait for the resume; a crash while paused drops what was held",
          "[network][fault]") {
  World w;
  w.Join(w.a, w.b, 10, 10);
  HostSoftware sfu(w.b, &w.scheduler);
  Client client(&w.scheduler);
  w.net.Pause("b", TimeDelta::Millis(300));
  w.a->net()->Connect(kServerAddr, client.Callback());
  w.RunUntil(100);
  // The kernel completed the handshake; the frozen software has not accepted yet.
  REQUIRE(client.stream);
  CHECK(client.done_at == Timestamp::Millis(20));
  CHECK(sfu.server.streams.empty());
  client.stream->Send("m1");
  client.stream->Send("m2");
  w.RunUntil(299);
  CHECK(sfu.server.streams.empty());
  w.RunUntil(300);
  REQUIRE(sfu.server.streams.size() == 1);
  CHECK(sfu.server.accepted_at[0] == Timestamp::Millis(300));
  CHECK(sfu.server.listeners[0]->Whats() == Strings{"msg:m1", "msg:m2"});

  // Paused host's stream sends fail without closing the stream.
  w.net.Pause("b", TimeDelta::Millis(100));
  CHECK_FALSE(sfu.server.streams[0]->Send("frozen"));
  CHECK(sfu.server.streams[0]->is_open());
  RecordingReceiver ra(&w.scheduler);
  auto sa = w.a->net()->OpenDatagram(0, &ra);
  sa->SendTo(SocketAddress{kIpB, 5004}, Bytes({1}));
  w.RunUntil(350);
  CHECK(w.b->counters().datagrams_held == 1);
  w.net.Crash("b");
  CHECK(w.b->counters().dropped(DropReason::kHostDown) == 1);
  w.RunUntil(1000);
  CHECK(sfu.receiver.got.empty());
  CHECK(client.listener.Whats() == Strings{"closed:peer crashed"});
  CHECK(client.listener.events[0].at == Timestamp::Millis(360));
}

TEST_CASE("faults on unknown hosts and invalid transitions return false", "[network][fault]") {
  World w;
  CHECK_FALSE(w.net.Crash("nobody"));
  CHECK_FALSE(w.net.Restart("nobody"));
  CHECK_FALSE(w.net.Pause("nobody", TimeDelta::Millis(1)));
  CHECK_FALSE(w.net.Resume("a"));
  CHECK(w.net.CutStreams("nobody") == 0);
  CHECK_FALSE(w.net.CutStream(nullptr));
  w.net.Crash("a");
  CHECK_FALSE(w.net.Pause("a", TimeDelta::Millis(1)));
}

TEST_CASE("pause: a connect result for a paused host waits for the resume; connecting while paused fails",
          "[network][fault]") {
  World w;
  w.Join(w.a, w.b, 10, 10);
  Server server(&w.scheduler);
  w.b->net()->Listen(443, &server);
  Client client(&w.scheduler);
  w.a->net()->Connect(kServerAddr, client.Callback());
  w.scheduler.PostAt(Timestamp::Millis(15), [&] { w.net.Pause("a", TimeDelta::Millis(100)); });
  w.RunUntil(114);
  CHECK_FALSE(client.done);
  w.RunUntil(115);
  REQUIRE(client.done);
  CHECK(client.stream);
  CHECK(client.done_at == Timestamp::Millis(115));

  w.net.Pause("a", TimeDelta::Millis(100));
  Client frozen(&w.scheduler);
  w.a->net()->Connect(kServerAddr, frozen.Callback());
  w.RunUntil(116);
  // The failure itself is owed to the paused host: it arrives when it resumes.
  CHECK_FALSE(frozen.done);
  w.RunUntil(300);
  REQUIRE(frozen.done);
  CHECK(frozen.error.find("is paused") != std::string::npos);
  CHECK(frozen.done_at == Timestamp::Millis(215));
}
