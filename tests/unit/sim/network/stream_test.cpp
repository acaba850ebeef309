#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim_network_fixture.h"

using namespace sfusim::sim;
using namespace sfusim::sim::testing;

namespace {
using Strings = std::vector<std::string>;
const SocketAddress kServerAddr{kIpB, 443};
}  // namespace

TEST_CASE("connect takes one round trip; messages arrive in order after the link delay", "[network][stream]") {
  World w;
  w.Join(w.a, w.b, 30, 50);
  Server server(&w.scheduler);
  REQUIRE(w.b->net()->Listen(443, &server));
  Client client(&w.scheduler);
  w.a->net()->Connect(kServerAddr, client.Callback());
  w.RunUntil(1000);
  REQUIRE(client.done);
  CHECK(client.error.empty());
  REQUIRE(client.stream);
  REQUIRE(server.streams.size() == 1);
  CHECK(server.accepted_at[0] == Timestamp::Millis(30));
  CHECK(client.done_at == Timestamp::Millis(80));
  CHECK(client.stream->local_address() == SocketAddress{kIpA, 49152});
  CHECK(client.stream->peer_address() == kServerAddr);
  CHECK(server.streams[0]->peer_address() == SocketAddress{kIpA, 49152});
  CHECK(server.streams[0]->local_address() == kServerAddr);

  const Timestamp t0 = w.scheduler.Now();
  CHECK(client.stream->Send("one"));
  CHECK(client.stream->Send("two"));
  CHECK(client.stream->Send("three"));
  w.RunUntil(2000);
  RecordingListener& sl = *server.listeners[0];
  CHECK(sl.Whats() == Strings{"msg:one", "msg:two", "msg:three"});
  for (const auto& e : sl.events) CHECK(e.at - t0 == TimeDelta::Millis(30));

  server.streams[0]->Send("reply");
  const Timestamp t1 = w.scheduler.Now();
  w.RunUntil(3000);
  REQUIRE(client.listener.events.size() == 1);
  CHECK(client.listener.events[0].what == "msg:reply");
  CHECK(client.listener.events[0].at - t1 == TimeDelta::Millis(50));
  CHECK(w.HasRecord(TraceKind::kSend, "stream/a->b"));
  CHECK(w.HasRecord(TraceKind::kDeliver, "stream/b->a"));
  CHECK(w.a->counters().stream_messages_sent == 3);
  CHECK(w.b->counters().stream_messages_received == 3);
}

TEST_CASE("stream messages take their transmission time at the link capacity, queued behind each other",
          "[network][stream]") {
  World w;
  LinkConfig slow = Delay(10);
  slow.capacity = DataRate::KilobitsPerSec(80);  // 10 bytes per ms
  slow.loss = 0.5;                              // streams are not subject to random loss
  w.net.SetLink("a", "b", slow);
  w.net.SetLink("b", "a", Delay(10));
  Server server(&w.scheduler);
  w.b->net()->Listen(443, &server);
  Client client(&w.scheduler);
  w.a->net()->Connect(kServerAddr, client.Callback());
  w.RunUntil(100);
  REQUIRE(client.stream);
  const Timestamp t0 = w.scheduler.Now();
  std::string kb(1000, 'x');
  for (int i = 0; i < 20; ++i) client.stream->Send(std::to_string(i) + kb.substr(std::to_string(i).size()));
  w.RunUntil(10000);
  const auto& ev = server.listeners[0]->events;
  REQUIRE(ev.size() == 20);
  for (int i = 0; i < 20; ++i) {
    CHECK(ev[i].what.substr(0, 4 + std::to_string(i).size()) == "msg:" + std::to_string(i));
    CHECK(ev[i].at - t0 == TimeDelta::Millis(100 * (i + 1) + 10));
  }
}

TEST_CASE("connect to nobody, to no host, over no link: the callback fails with the reason", "[network][stream]") {
  World w;
  w.Join(w.a, w.b, 30, 50);
  Client refused(&w.scheduler), no_host(&w.scheduler), no_link(&w.scheduler);
  w.a->net()->Connect(SocketAddress{kIpB, 444}, refused.Callback());
  w.a->net()->Connect(SocketAddress{MakeIpv4(10, 7, 7, 7), 1}, no_host.Callback());
  w.a->net()->Connect(SocketAddress{kIpC, 1}, no_link.Callback());
  CHECK_FALSE(no_host.done);  // never from inside Connect
  w.RunUntil(1000);
  REQUIRE(refused.done);
  CHECK(refused.stream == nullptr);
  CHECK(refused.error == "connection refused: nobody listens on 10.0.0.2:444");
  CHECK(refused.done_at == Timestamp::Millis(80));
  REQUIRE(no_host.done);
  CHECK(no_host.done_at == Timestamp::Zero());
  CHECK(no_host.error.find("no route to host 10.7.7.7") != std::string::npos);
  REQUIRE(no_link.done);
  CHECK(no_link.error.find("no link a->c") != std::string::npos);
  CHECK(w.HasText(TraceKind::kEvent, "failed: connection refused"));
  // The failed attempts gave their ports back.
  Server server(&w.scheduler);
  w.b->net()->Listen(443, &server);
  Client ok(&w.scheduler);
  w.a->net()->Connect(kServerAddr, ok.Callback());
  w.RunUntil(2000);
  REQUIRE(ok.stream);
}

TEST_CASE("connect across a partition retries and succeeds when the link heals, or times out",
          "[network][stream]") {
  World w;
  w.Join(w.a, w.b, 10, 10);
  Server server(&w.scheduler);
  w.b->net()->Listen(443, &server);
  w.net.SetLinkUp("a", "b", false);
  Client late(&w.scheduler);
  w.a->net()->Connect(kServerAddr, late.Callback());
  // Retries at 1 s (still down) and 3 s (healed at 1.5 s).
  w.scheduler.PostAt(Timestamp::Millis(1500), [&] { w.net.SetLinkUp("a", "b", true); });
  w.RunUntil(10000);
  REQUIRE(late.stream);
  CHECK(late.done_at == Timestamp::Millis(3020));

  w.net.SetLinkUp("b", "a", false);  // the answers are lost now
  Client never(&w.scheduler);
  const Timestamp t0 = w.scheduler.Now();
  w.a->net()->Connect(kServerAddr, never.Callback());
  w.RunUntil(30000);
  REQUIRE(never.done);
  CHECK(never.stream == nullptr);
  CHECK(never.error.find("connection timed out") != std::string::npos);
  CHECK(never.done_at - t0 == SimNetwork::kDefaultConnectTimeout);
}

TEST_CASE("messages wait through a partition and flow, in order, when the link is up", "[network][stream]") {
  World w;
  w.Join(w.a, w.b, 40, 40);
  Server server(&w.scheduler);
  w.b->net()->Listen(443, &server);
  Client client(&w.scheduler);
  w.a->net()->Connect(kServerAddr, client.Callback());
  w.RunUntil(80);
  REQUIRE(client.stream);
  client.stream->Send("before");  // arrives at 120
  w.RunUntil(100);
  client.stream->Send("in flight");  // would arrive at 140, but the partition starts at 130
  w.RunUntil(130);
  w.net.SetLinkUp("a", "b", false);
  w.RunUntil(200);
  CHECK(client.stream->Send("during"));
  w.RunUntil(500);
  CHECK(server.listeners[0]->Whats() == Strings{"msg:before"});
  w.net.SetLinkUp("a", "b", true);
  w.RunUntil(539);
  CHECK(server.listeners[0]->events.size() == 1);
  w.RunUntil(1000);
  const auto& ev = server.listeners[0]->events;
  REQUIRE(ev.size() == 3);
  CHECK(server.listeners[0]->Whats() == Strings{"msg:before", "msg:in flight", "msg:during"});
  CHECK(ev[1].at == Timestamp::Millis(540));
  CHECK(ev[2].at == Timestamp::Millis(540));
  CHECK(client.stream->is_open());
}

TEST_CASE("send buffer overflow closes the stream with a clear reason; the peer learns it later",
          "[network][stream]") {
  World w;
  w.Join(w.a, w.b, 40, 40);
  w.net.SetStreamBufferBytes(1000);
  Server server(&w.scheduler);
  w.b->net()->Listen(443, &server);
  Client client(&w.scheduler);
  w.a->net()->Connect(kServerAddr, client.Callback());
  w.RunUntil(100);
  REQUIRE(client.stream);
  w.net.SetLinkUp("a", "b", false);
  int accepted = 0;
  while (client.stream->Send(std::string(300, 'm'))) ++accepted;
  CHECK(accepted == 3);
  CHECK_FALSE(client.stream->is_open());
  w.RunUntil(200);
  REQUIRE(client.listener.events.size() == 1);
  CHECK(client.listener.events[0].what.find("closed:send buffer overflow") == 0);
  CHECK(client.listener.events[0].what.find("while a->b is down") != std::string::npos);
  CHECK(client.listener.events[0].at == Timestamp::Millis(100));
  CHECK(server.listeners[0]->events.empty());
  w.net.SetLinkUp("a", "b", true);
  w.RunUntil(1000);
  REQUIRE(server.listeners[0]->events.size() == 1);  // the queued data was discarded with the reset
  CHECK(server.listeners[0]->events[0].what.find("closed:connection reset by peer (send buffer overflow") == 0);
  CHECK(server.listeners[0]->events[0].at == Timestamp::Millis(240));
  CHECK(w.net.open_connections() == 0);
}

TEST_CASE("close: sent messages are still delivered, then the peer's OnClosed; the closer hears nothing",
          "[network][stream]") {
  World w;
  w.Join(w.a, w.b, 25, 25);
  Server server(&w.scheduler);
  w.b->net()->Listen(443, &server);
  Client client(&w.scheduler);
  w.a->net()->Connect(kServerAddr, client.Callback());
  w.RunUntil(100);
  REQUIRE(client.stream);
  server.streams[0]->Send("to the closer");  // will be discarded: the client closes first
  client.stream->Send("last words");
  client.stream->Close();
  CHECK_FALSE(client.stream->is_open());
  CHECK_FALSE(client.stream->Send("after close"));
  w.RunUntil(1000);
  CHECK(server.listeners[0]->Whats() == Strings{"msg:last words", "closed:closed by peer"});
  CHECK(server.listeners[0]->events[1].at == Timestamp::Millis(125));
  CHECK(client.listener.events.empty());
  CHECK_FALSE(server.streams[0]->is_open());
  CHECK(w.net.open_connections() == 0);
  CHECK(w.a->counters().drops == SimHost::Counters{}.drops);
}

TEST_CASE("messages that arrive before a listener is set wait for it", "[network][stream]") {
  World w;
  w.Join(w.a, w.b, 5, 5);
  struct Keep : StreamAcceptor {
    void OnAccept(std::unique_ptr<MessageStream> s) override { stream = std::move(s); }
    std::unique_ptr<MessageStream> stream;
  } keep;
  w.b->net()->Listen(443, &keep);
  Client client(&w.scheduler);
  w.a->net()->Connect(kServerAddr, client.Callback());
  w.RunUntil(50);
  REQUIRE(client.stream);
  client.stream->Send("early");
  client.stream->Close();
  w.RunUntil(500);
  RecordingListener late(&w.scheduler);
  keep.stream->SetListener(&late);
  CHECK(late.events.empty());  // not from inside SetListener
  w.RunUntil(501);
  CHECK(late.Whats() == Strings{"msg:early", "closed:closed by peer"});
  CHECK(late.events[0].at == Timestamp::Millis(500));
}

TEST_CASE("cut by network: both ends closed at the cut time, data in flight lost; reconnecting works",
          "[network][stream]") {
  World w;
  w.Join(w.a, w.b, 30, 30);
  w.Join(w.c, w.b, 30, 30);
  Server server(&w.scheduler);
  w.b->net()->Listen(443, &server);
  Client ca(&w.scheduler), cc(&w.scheduler);
  w.a->net()->Connect(kServerAddr, ca.Callback());
  w.c->net()->Connect(kServerAddr, cc.Callback());
  w.RunUntil(100);
  REQUIRE(ca.stream);
  REQUIRE(cc.stream);
  ca.stream->Send("lost");
  w.RunUntil(110);
  CHECK(w.net.CutStreams("a") == 1);
  CHECK_FALSE(ca.stream->is_open());
  w.RunUntil(1000);
  CHECK(ca.listener.Whats() == Strings{"closed:cut by network"});
  CHECK(ca.listener.events[0].at == Timestamp::Millis(110));
  CHECK(server.listeners[0]->Whats() == Strings{"closed:cut by network"});
  CHECK(server.listeners[0]->events[0].at == Timestamp::Millis(110));
  CHECK(cc.stream->is_open());  // c's stream was not touched
  CHECK(w.HasText(TraceKind::kFault, "cut streams a"));

  Client again(&w.scheduler);
  w.a->net()->Connect(kServerAddr, again.Callback());
  w.RunUntil(2000);
  REQUIRE(again.stream);
  again.stream->Send("hello again");
  w.RunUntil(3000);
  REQUIRE(server.listeners.size() == 3);
  CHECK(server.listeners[2]->Whats() == Strings{"msg:hello again"});

  // Cutting one stream by its object.
  CHECK(w.net.CutStream(cc.stream.get()));
  CHECK_FALSE(w.net.CutStream(cc.stream.get()));
  w.RunUntil(4000);
  CHECK(cc.listener.Whats() == Strings{"closed:cut by network"});
  CHECK(server.listeners[1]->Whats() == Strings{"closed:cut by network"});
}

TEST_CASE("a connect under way when the streams are cut fails with the cut", "[network][stream]") {
  World w;
  w.Join(w.a, w.b, 30, 30);
  Server server(&w.scheduler);
  w.b->net()->Listen(443, &server);
  Client client(&w.scheduler);
  w.a->net()->Connect(kServerAddr, client.Callback());
  w.RunUntil(40);  // accepted at 30, answer on its way
  REQUIRE(server.streams.size() == 1);
  CHECK(w.net.CutStreams("b") == 1);
  w.RunUntil(1000);
  REQUIRE(client.done);
  CHECK(client.stream == nullptr);
  CHECK(client.error == "cut by network");
  CHECK(server.listeners[0]->Whats() == Strings{"closed:cut by network"});
}

TEST_CASE("a stream to the same host works without a link", "[network][stream]") {
  World w;
  Server server(&w.scheduler);
  w.a->net()->Listen(80, &server);
  Client client(&w.scheduler);
  w.a->net()->Connect(SocketAddress{kIpA, 80}, client.Callback());
  w.RunUntil(1);
  REQUIRE(client.stream);
  CHECK(client.done_at == Timestamp::Zero());
  client.stream->Send("x");
  client.stream->Send("y");
  w.RunUntil(2);
  CHECK(server.listeners[0]->Whats() == Strings{"msg:x", "msg:y"});
}
