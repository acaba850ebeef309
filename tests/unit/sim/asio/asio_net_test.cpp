// AsioNet and RealTimeLoop on real loopback sockets (127.0.0.1 only). Every wait is bounded by a
// timeout, and no assertion is about how long something took (speed belongs in benchmarks).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sfusim/sim/asio_net.h"
#include "sfusim/sim/real_time_loop.h"

namespace sfusim::sim {
namespace {

constexpr uint32_t kLoopback = MakeIpv4(127, 0, 0, 1);
constexpr TimeDelta kWait = TimeDelta::Seconds(5);

struct Inbox : DatagramSocket::Receiver {
  std::vector<std::pair<SocketAddress, std::vector<uint8_t>>> got;
  void OnDatagram(const SocketAddress& from, std::span<const uint8_t> data) override {
    got.emplace_back(from, std::vector<uint8_t>(data.begin(), data.end()));
  }
};

struct StreamLog : MessageStream::Listener {
  std::vector<std::string> messages;
  std::vector<std::string> closed;
  void OnMessage(std::string_view m) override { messages.emplace_back(m); }
  void OnClosed(std::string_view reason) override { closed.emplace_back(reason); }
};

struct Server : StreamAcceptor {
  std::vector<std::unique_ptr<MessageStream>> streams;
  std::vector<std::unique_ptr<StreamLog>> logs;
  void OnAccept(std::unique_ptr<MessageStream> s) override {
    logs.push_back(std::make_unique<StreamLog>());
    s->SetListener(logs.back().get());
    streams.push_back(std::move(s));
  }
};

struct Client {
  std::unique_ptr<MessageStream> stream;
  std::string error;
  bool answered = false;
  StreamLog log;
  Net::ConnectCallback Callback() {
    return [this](std::unique_ptr<MessageStream> s, std::string_view e) {
      answered = true;
      error = std::string(e);
      stream = std::move(s);
      if (stream) stream->SetListener(&log);
    };
  }
};

TEST_CASE("AsioNet: a datagram goes from one loopback socket to another with its source address") {
  RealTimeLoop loop;
  AsioNet net(&loop, kLoopback);
  Inbox a_in, b_in;
  auto a = net.OpenDatagram(0, &a_in);
  auto b = net.OpenDatagram(0, &b_in);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->local_address().ip == kLoopback);
  CHECK(a->local_address().port != 0);
  const std::vector<uint8_t> payload = {0x80, 0x60, 1, 2, 3};
  REQUIRE(a->SendTo(b->local_address(), payload));
  REQUIRE(loop.RunUntil([&] { return !b_in.got.empty(); }, kWait));
  CHECK(b_in.got[0].first == a->local_address());
  CHECK(b_in.got[0].second == payload);
  // Oversized datagrams are refused locally; a closed socket sends nothing and calls nothing.
  CHECK_FALSE(a->SendTo(b->local_address(), std::vector<uint8_t>(AsioNet::kMaxDatagramBytes + 1)));
  b->Close();
  CHECK(a->SendTo(b->local_address(), payload));  // the kernel may still accept it
  CHECK_FALSE(b->SendTo(a->local_address(), payload));
  loop.RunFor(TimeDelta::Millis(50));
  CHECK(b_in.got.size() == 1);
}

TEST_CASE("AsioNet: binding a UDP port that is taken fails with a message naming it") {
  RealTimeLoop loop;
  AsioNet net(&loop, kLoopback);
  Inbox in;
  auto a = net.OpenDatagram(0, &in);
  REQUIRE(a);
  std::string error;
  auto b = net.OpenDatagram(a->local_address().port, &in, &error);
  CHECK_FALSE(b);
  CHECK(error.find(a->local_address().ToString()) != std::string::npos);
  CHECK(error.find("in use") != std::string::npos);
}

TEST_CASE("AsioNet: message streams carry framed messages both ways, in order, and report the peer's close") {
  RealTimeLoop loop;
  AsioNet server_net(&loop, kLoopback);
  AsioNet client_net(&loop, kLoopback);
  Server server;
  std::string error;
  REQUIRE(server_net.Listen(0, &server, &error));
  const uint16_t port = server_net.listening_port();
  REQUIRE(port != 0);
  Client client;
  client_net.Connect(SocketAddress{kLoopback, port}, client.Callback());
  REQUIRE(loop.RunUntil([&] { return client.answered && !server.streams.empty(); }, kWait));
  REQUIRE(client.stream);
  CHECK(client.error.empty());
  CHECK(client.stream->peer_address() == SocketAddress{kLoopback, port});

  const std::string big(200'000, 'x');  // larger than one TCP segment: framing must hold
  for (const std::string& m : {std::string("{\"type\":\"ping\"}"), std::string(), big}) REQUIRE(client.stream->Send(m));
  REQUIRE(loop.RunUntil([&] { return server.logs[0]->messages.size() == 3; }, kWait));
  CHECK(server.logs[0]->messages[0] == "{\"type\":\"ping\"}");
  CHECK(server.logs[0]->messages[1].empty());
  CHECK(server.logs[0]->messages[2] == big);

  // A message sent right before Close() still arrives; the closing end gets no callback.
  REQUIRE(server.streams[0]->Send("bye"));
  server.streams[0]->Close();
  REQUIRE(loop.RunUntil([&] { return !client.log.closed.empty(); }, kWait));
  CHECK(client.log.messages == std::vector<std::string>{"bye"});
  CHECK(client.log.closed == std::vector<std::string>{"closed by peer"});
  CHECK_FALSE(client.stream->is_open());
  CHECK_FALSE(client.stream->Send("late"));
  CHECK(server.logs[0]->closed.empty());
}

TEST_CASE("AsioNet: a busy listening port and a refused connection are clear errors") {
  RealTimeLoop loop;
  AsioNet net(&loop, kLoopback);
  Server server;
  REQUIRE(net.Listen(0, &server));
  const uint16_t port = net.listening_port();
  AsioNet other(&loop, kLoopback);
  std::string error;
  CHECK_FALSE(other.Listen(port, &server, &error));
  CHECK(error.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(error.find("in use") != std::string::npos);

  net.StopListening(port);
  Client client;
  other.Connect(SocketAddress{kLoopback, port}, client.Callback());
  REQUIRE(loop.RunUntil([&] { return client.answered; }, kWait));
  CHECK_FALSE(client.stream);
  CHECK(client.error.find("cannot connect to 127.0.0.1:" + std::to_string(port)) != std::string::npos);
}

TEST_CASE("AsioNet: a frame header announcing more than the limit closes the stream with the reason") {
  RealTimeLoop loop;
  AsioNet net(&loop, kLoopback);
  Server server;
  REQUIRE(net.Listen(0, &server));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(net.listening_port());
  addr.sin_addr.s_addr = htonl(kLoopback);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const uint8_t header[4] = {0xff, 0xff, 0xff, 0xff};
  REQUIRE(::write(fd, header, sizeof header) == 4);
  REQUIRE(loop.RunUntil([&] { return !server.logs.empty() && !server.logs[0]->closed.empty(); }, kWait));
  CHECK(server.logs[0]->closed[0].find("message too large: 4294967295 bytes") != std::string::npos);
  CHECK(server.logs[0]->messages.empty());
  ::close(fd);
}

TEST_CASE("RealTimeLoop: scheduler timers fire in order on the wall clock, and the clock never runs back") {
  RealTimeLoop loop;
  std::vector<int> fired;
  std::vector<Timestamp> at;
  loop.scheduler().PostDelayed(TimeDelta::Millis(30), [&] { fired.push_back(2); at.push_back(loop.scheduler().Now()); });
  loop.scheduler().PostDelayed(TimeDelta::Millis(10), [&] { fired.push_back(1); at.push_back(loop.scheduler().Now()); });
  REQUIRE(loop.RunUntil([&] { return fired.size() == 2; }, kWait));
  CHECK(fired == std::vector<int>{1, 2});
  CHECK(at[0] >= Timestamp::Micros(10'000));
  CHECK(at[1] >= Timestamp::Micros(30'000));
  CHECK(loop.scheduler().Now() <= loop.WallNow());
  // Stop() from inside an event ends the run early.
  loop.scheduler().PostDelayed(TimeDelta::Millis(1), [&] { loop.Stop(); });
  loop.RunFor(TimeDelta::Seconds(30));
  CHECK(loop.WallNow() < Timestamp::Micros(30'000'000));
}

}  // namespace
}  // namespace sfusim::sim

namespace sfusim::sim {
namespace {

TEST_CASE("AsioNet: OpenDatagram(0) takes ports from the configured range and says when it is exhausted") {
  RealTimeLoop loop;
  AsioNet probe(&loop, kLoopback);
  Inbox in;
  // Find two adjacent free ports by asking the kernel, then release them.
  auto s = probe.OpenDatagram(0, &in);
  REQUIRE(s);
  const uint16_t first = s->local_address().port;
  s->Close();
  s.reset();
  AsioNet net(&loop, kLoopback);
  net.SetDatagramPortRange(first, first);
  auto a = net.OpenDatagram(0, &in);
  REQUIRE(a);
  CHECK(a->local_address().port == first);
  std::string error;
  CHECK_FALSE(net.OpenDatagram(0, &in, &error));
  CHECK(error == "no free UDP port in " + std::to_string(first) + "-" + std::to_string(first) + " on 127.0.0.1");
}

}  // namespace
}  // namespace sfusim::sim
