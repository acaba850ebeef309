#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim_network_fixture.h"

using namespace sfusim::sim;
using namespace sfusim::sim::testing;

TEST_CASE("hosts: names and addresses are unique and validated", "[network]") {
  World w;
  std::string error;
  CHECK(w.net.AddHost("a", MakeIpv4(10, 0, 0, 9), &error) == nullptr);
  CHECK(error.find("'a' is already taken") != std::string::npos);
  CHECK(w.net.AddHost("d", kIpB, &error) == nullptr);
  CHECK(error.find("10.0.0.2") != std::string::npos);
  CHECK(error.find("'b'") != std::string::npos);
  CHECK(w.net.AddHost("", MakeIpv4(10, 0, 0, 9), &error) == nullptr);
  CHECK(w.net.AddHost("x->y", MakeIpv4(10, 0, 0, 9), &error) == nullptr);
  CHECK(w.net.AddHost("x", 0, &error) == nullptr);
  SimHost* d = w.net.AddHost("d", MakeIpv4(10, 0, 0, 4), &error);
  REQUIRE(d != nullptr);
  CHECK(w.net.host("d") == d);
  CHECK(w.net.HostByIp(MakeIpv4(10, 0, 0, 4)) == d);
  CHECK(d->net()->host_ip() == MakeIpv4(10, 0, 0, 4));
  std::vector<std::string> names;
  for (SimHost* h : w.net.hosts()) names.push_back(h->name());
  CHECK(names == std::vector<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("links: unknown hosts, self links and invalid configs are rejected", "[network]") {
  World w;
  std::string error;
  CHECK_FALSE(w.net.SetLink("a", "zz", Delay(1), &error));
  CHECK(error.find("unknown host 'zz'") != std::string::npos);
  CHECK_FALSE(w.net.SetLink("a", "a", Delay(1), &error));
  LinkConfig bad;
  bad.loss = 1.5;
  CHECK_FALSE(w.net.SetLink("a", "b", bad, &error));
  CHECK(error.find("link a->b") != std::string::npos);
  CHECK(error.find("loss") != std::string::npos);
  CHECK(w.net.link("a", "b") == nullptr);
  CHECK_FALSE(w.net.SetLinkUp("a", "b", false, &error));
  CHECK(error.find("no link a->b") != std::string::npos);
  CHECK(SimNetwork::LinkName("alice", "sfu") == "alice->sfu");
}

TEST_CASE("a datagram arrives after the link delay, with send and deliver records", "[network]") {
  World w;
  w.Join(w.a, w.b, 20, 35);
  RecordingReceiver ra(&w.scheduler), rb(&w.scheduler);
  auto sa = w.a->net()->OpenDatagram(5000, &ra);
  auto sb = w.b->net()->OpenDatagram(6000, &rb);
  REQUIRE(sa);
  REQUIRE(sb);
  CHECK(sa->local_address() == SocketAddress{kIpA, 5000});

  const std::vector<uint8_t> payload = Bytes({1, 2, 3, 4, 5});
  w.scheduler.PostAt(Timestamp::Millis(10), [&] { CHECK(sa->SendTo(sb->local_address(), payload)); });
  w.RunUntil(29);
  CHECK(rb.got.empty());
  w.RunUntil(30);
  REQUIRE(rb.got.size() == 1);
  CHECK(rb.got[0].at == Timestamp::Millis(30));
  CHECK(rb.got[0].from == SocketAddress{kIpA, 5000});
  CHECK(rb.got[0].data == payload);

  // The answer takes the other link's delay.
  w.scheduler.Post([&] { sb->SendTo(rb.got[0].from, Bytes({9})); });
  w.RunUntil(100);
  REQUIRE(ra.got.size() == 1);
  CHECK(ra.got[0].at == Timestamp::Millis(65));

  const auto& recs = w.trace.records();
  REQUIRE(recs.size() == 4);
  CHECK(recs[0].kind == TraceKind::kSend);
  CHECK(w.trace.Name(recs[0].subject) == "a->b");
  CHECK(recs[0].at == Timestamp::Millis(10));
  CHECK(recs[0].size == 5);
  CHECK(recs[0].detail == Trace::HashBytes(payload.data(), payload.size()));
  CHECK(recs[1].kind == TraceKind::kDeliver);
  CHECK(recs[1].at == Timestamp::Millis(30));
  CHECK(recs[1].detail == recs[0].detail);
  CHECK(w.trace.Name(recs[2].subject) == "b->a");
  CHECK(w.a->counters().datagrams_sent == 1);
  CHECK(w.b->counters().datagrams_received == 1);
  CHECK(w.b->counters().bytes_received == 5);
  CHECK(w.net.link("a", "b")->counters().packets_delivered == 1);
  CHECK(w.net.datagrams_delivered() == 2);
  CHECK(w.net.datagrams_in_flight() == 0);
}

TEST_CASE("no route: no link, or an address nobody has; counted on the sender and traced", "[network]") {
  World w;
  w.net.SetLink("a", "b", Delay(5));  // but not a -> c
  RecordingReceiver r(&w.scheduler);
  auto s = w.a->net()->OpenDatagram(0, &r);
  auto sc = w.c->net()->OpenDatagram(7000, &r);
  CHECK(s->SendTo(SocketAddress{kIpC, 7000}, Bytes({1})));  // UDP: no local error
  CHECK(s->SendTo(SocketAddress{MakeIpv4(10, 9, 9, 9), 7000}, Bytes({2, 3})));
  w.scheduler.RunUntilIdle();
  CHECK(r.got.empty());
  CHECK(w.a->counters().dropped(DropReason::kNoRoute) == 2);
  CHECK(w.net.drops(DropReason::kNoRoute) == 2);
  CHECK(w.HasRecord(TraceKind::kSend, "a->c"));
  CHECK(w.HasRecord(TraceKind::kDrop, "a->c", DropReason::kNoRoute));
  CHECK(w.HasRecord(TraceKind::kDrop, "a->10.9.9.9", DropReason::kNoRoute));
}

TEST_CASE("no socket at the destination port: dropped on arrival, counted on the receiver", "[network]") {
  World w;
  w.Join(w.a, w.b, 5, 5);
  RecordingReceiver r(&w.scheduler);
  auto s = w.a->net()->OpenDatagram(0, &r);
  s->SendTo(SocketAddress{kIpB, 4242}, Bytes({1, 2}));
  w.scheduler.RunUntilIdle();
  CHECK(w.b->counters().dropped(DropReason::kNoSocket) == 1);
  CHECK(w.net.drops(DropReason::kNoSocket) == 1);
  const auto& recs = w.trace.records();
  REQUIRE(recs.size() == 2);
  CHECK(recs[1].kind == TraceKind::kDrop);
  CHECK(recs[1].reason == DropReason::kNoSocket);
  CHECK(recs[1].at == Timestamp::Millis(5));
  CHECK(w.net.datagrams_in_flight() == 0);
}

TEST_CASE("a partitioned link drops at send (link_down); healing and reconfiguring apply to later packets",
          "[network]") {
  World w;
  w.Join(w.a, w.b, 10, 10);
  RecordingReceiver r(&w.scheduler);
  auto sa = w.a->net()->OpenDatagram(0, &r);
  auto sb = w.b->net()->OpenDatagram(9000, &r);
  CHECK(w.net.SetLinkUp("a", "b", false));
  sa->SendTo(sb->local_address(), Bytes({1}));
  w.scheduler.RunUntilIdle();
  CHECK(r.got.empty());
  CHECK(w.net.link("a", "b")->counters().dropped(DropReason::kLinkDown) == 1);
  CHECK(w.HasRecord(TraceKind::kDrop, "a->b", DropReason::kLinkDown));
  CHECK(w.HasText(TraceKind::kFault, "link down a->b"));

  // A profile change keeps the partition: only SetLinkUp heals it.
  CHECK(w.net.SetLink("a", "b", Delay(40)));
  CHECK_FALSE(w.net.link("a", "b")->up());
  CHECK(w.net.SetLinkUp("a", "b", true));
  const Timestamp sent = w.scheduler.Now();
  sa->SendTo(sb->local_address(), Bytes({2}));
  w.scheduler.RunUntilIdle();
  REQUIRE(r.got.size() == 1);
  CHECK(r.got[0].at - sent == TimeDelta::Millis(40));
  CHECK(w.HasText(TraceKind::kFault, "set_link a->b"));
  CHECK(w.HasText(TraceKind::kFault, "link up a->b"));
}

TEST_CASE("a duplicating link delivers twice, both copies traced", "[network]") {
  World w;
  LinkConfig dup = Delay(3);
  dup.duplicate = 1.0;
  w.net.SetLink("a", "b", dup);
  RecordingReceiver r(&w.scheduler);
  auto sa = w.a->net()->OpenDatagram(0, &r);
  auto sb = w.b->net()->OpenDatagram(1000, &r);
  sa->SendTo(sb->local_address(), Bytes({7, 7}));
  CHECK(w.net.datagrams_in_flight() == 1);  // one pooled buffer for both copies
  w.scheduler.RunUntilIdle();
  REQUIRE(r.got.size() == 2);
  CHECK(r.got[1].data == Bytes({7, 7}));
  int delivers = 0;
  for (const auto& rec : w.trace.records()) delivers += rec.kind == TraceKind::kDeliver;
  CHECK(delivers == 2);
  CHECK(w.net.datagrams_in_flight() == 0);
}

TEST_CASE("port collisions are refused with a reason; a closed port is free again", "[network]") {
  World w;
  RecordingReceiver r(&w.scheduler);
  std::string error;
  auto s1 = w.a->net()->OpenDatagram(5000, &r, &error);
  REQUIRE(s1);
  auto s2 = w.a->net()->OpenDatagram(5000, &r, &error);
  CHECK(s2 == nullptr);
  CHECK(error.find("UDP port 5000 on a (10.0.0.1) is already in use") != std::string::npos);
  // Another host, or the stream name space, is not a collision.
  CHECK(w.b->net()->OpenDatagram(5000, &r));
  Server server(&w.scheduler);
  CHECK(w.a->net()->Listen(5000, &server, &error));
  CHECK_FALSE(w.a->net()->Listen(5000, &server, &error));
  CHECK(error.find("stream port 5000") != std::string::npos);
  CHECK_FALSE(w.a->net()->Listen(0, &server, &error));
  s1->Close();
  CHECK_FALSE(s1->SendTo(SocketAddress{kIpB, 1}, Bytes({1})));
  CHECK(w.a->net()->OpenDatagram(5000, &r, &error));
}

TEST_CASE("ephemeral ports: counted up from 49152, skipping ports in use, the same in every run", "[network]") {
  auto run = [] {
    World w;
    RecordingReceiver r(&w.scheduler);
    std::vector<uint16_t> ports;
    std::vector<std::unique_ptr<DatagramSocket>> keep;
    keep.push_back(w.a->net()->OpenDatagram(49153, &r));  // taken explicitly
    for (int i = 0; i < 3; ++i) {
      keep.push_back(w.a->net()->OpenDatagram(0, &r));
      ports.push_back(keep.back()->local_address().port);
    }
    keep[1].reset();  // frees 49152; the counter goes on rather than reusing it at once
    keep.push_back(w.a->net()->OpenDatagram(0, &r));
    ports.push_back(keep.back()->local_address().port);
    keep.push_back(w.b->net()->OpenDatagram(0, &r));  // each host counts for itself
    ports.push_back(keep.back()->local_address().port);
    return ports;
  };
  const std::vector<uint16_t> first = run();
  CHECK(first == std::vector<uint16_t>{49152, 49154, 49155, 49156, 49152});
  CHECK(run() == first);
}

TEST_CASE("ephemeral ports wrap around at 65535 and run out with a clear error", "[network]") {
  World w;
  RecordingReceiver r(&w.scheduler);
  std::vector<std::unique_ptr<DatagramSocket>> keep;
  for (uint32_t p = SimHost::kFirstEphemeralPort; p <= SimHost::kLastEphemeralPort; ++p) {
    keep.push_back(w.a->net()->OpenDatagram(0, &r));
    REQUIRE(keep.back());
  }
  CHECK(keep.back()->local_address().port == 65535);
  std::string error;
  CHECK(w.a->net()->OpenDatagram(0, &r, &error) == nullptr);
  CHECK(error.find("datagram sockets open") != std::string::npos);
  keep[10].reset();  // 49162
  auto again = w.a->net()->OpenDatagram(0, &r, &error);
  REQUIRE(again);
  CHECK(again->local_address().port == 49162);
}

TEST_CASE("loopback: same host, no link, delivered after the events already due now", "[network]") {
  World w;
  RecordingReceiver r(&w.scheduler);
  auto s1 = w.a->net()->OpenDatagram(1, &r);
  auto s2 = w.a->net()->OpenDatagram(2, &r);
  std::vector<std::string> order;
  w.scheduler.PostAt(Timestamp::Millis(7), [&] {
    s1->SendTo(s2->local_address(), Bytes({42}));
    order.push_back("sent");
  });
  w.scheduler.PostAt(Timestamp::Millis(7), [&] { order.push_back(r.got.empty() ? "other-before" : "other-after"); });
  w.scheduler.RunUntilIdle();
  REQUIRE(r.got.size() == 1);
  CHECK(r.got[0].at == Timestamp::Millis(7));
  CHECK(r.got[0].from == SocketAddress{kIpA, 1});
  CHECK(order == std::vector<std::string>{"sent", "other-before"});
  CHECK(w.HasRecord(TraceKind::kDeliver, "a->a"));
}

TEST_CASE("SendTo refuses oversized datagrams; a receiver may send from its callback", "[network]") {
  World w;
  w.Join(w.a, w.b, 1, 1);
  RecordingReceiver ra(&w.scheduler);
  struct Echo : DatagramSocket::Receiver {
    DatagramSocket* socket = nullptr;
    int n = 0;
    void OnDatagram(const SocketAddress& from, std::span<const uint8_t> data) override {
      ++n;
      socket->SendTo(from, data);  // reentrant send into the pool while delivering from it
    }
  } echo;
  auto sa = w.a->net()->OpenDatagram(0, &ra);
  auto sb = w.b->net()->OpenDatagram(7, &echo);
  echo.socket = sb.get();
  std::vector<uint8_t> big(SimDatagramSocket::kMaxDatagramBytes + 1, 0);
  CHECK_FALSE(sa->SendTo(sb->local_address(), big));
  CHECK(w.a->counters().sends_refused == 1);
  for (uint8_t i = 0; i < 50; ++i) sa->SendTo(sb->local_address(), std::vector<uint8_t>(100 + i, i));
  w.scheduler.RunUntilIdle();
  REQUIRE(ra.got.size() == 50);
  for (uint8_t i = 0; i < 50; ++i) CHECK(ra.got[i].data == std::vector<uint8_t>(100 + i, i));
  CHECK(w.net.datagrams_in_flight() == 0);
}

TEST_CASE("sockets and streams may outlive the network", "[network]") {
  Scheduler scheduler;
  RecordingReceiver r(&scheduler);
  std::unique_ptr<DatagramSocket> socket;
  Client client(&scheduler);
  Server server(&scheduler);
  {
    Trace trace;
    SimNetwork net(&scheduler, &trace, 3);
    SimHost* a = net.AddHost("a", kIpA);
    SimHost* b = net.AddHost("b", kIpB);
    net.SetLink("a", "b", Delay(10));
    net.SetLink("b", "a", Delay(10));
    socket = a->net()->OpenDatagram(0, &r);
    b->net()->Listen(80, &server);
    a->net()->Connect(SocketAddress{kIpB, 80}, client.Callback());
    scheduler.RunUntil(Timestamp::Millis(100));
    REQUIRE(client.stream);
    socket->SendTo(SocketAddress{kIpB, 1}, Bytes({1}));
    client.stream->Send("in flight when the network goes");
  }
  scheduler.RunUntilIdle();  // the network's pending events were cancelled with it
  CHECK_FALSE(socket->SendTo(SocketAddress{kIpB, 1}, Bytes({1})));
  CHECK_FALSE(client.stream->is_open());
  CHECK_FALSE(client.stream->Send("x"));
  client.stream->Close();
  socket->Close();
}

TEST_CASE("MakeEnv gives the host's Net, the network's scheduler and trace, and a named substream", "[network]") {
  World w(77);
  Env env = w.a->MakeEnv("participant/a");
  CHECK(env.net == w.a->net());
  CHECK(env.scheduler == &w.scheduler);
  CHECK(env.trace == &w.trace);
  Rng expected = Rng::Stream(77, "participant/a");
  CHECK(env.rng.NextU64() == expected.NextU64());
}
