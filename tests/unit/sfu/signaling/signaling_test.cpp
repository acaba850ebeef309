// The SFU's signaling edge: authentication, timeouts, the outbound queue, the rate limit and
// decode/validation errors (PROTOCOL.md §1, E2E_DESIGN.md "Auth" and "Idle").
#include <catch2/catch.hpp>

#include "../sfu_test_world.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"
#include "sfusim/sfu/signaling_connection.h"

namespace sfusim::sfu::test {
namespace {

namespace err = protocol::signaling_error;
using sim::TimeDelta;

bool HasCode(const std::vector<std::string>& codes, std::string_view code) {
  for (const auto& c : codes)
    if (c == code) return true;
  return false;
}

TEST_CASE("authenticate with a good token gives a user id", "[sfu][auth]") {
  World w;
  REQUIRE(w.started);
  RecordingObserver obs;
  w.sfu->SetObserver(&obs);
  TestClient& a = w.AddClient("alice");
  a.Connect();
  w.Run();
  REQUIRE(a.connected());
  a.Authenticate();
  w.Run();
  auto auth = a.All<Authenticated>();
  REQUIRE(auth.size() == 1);
  CHECK(auth[0].user_id == "u-1");
  CHECK(auth[0].username == "alice");
  CHECK(obs.HasConnectionEvent("authenticated"));
  CHECK(w.sfu->Snapshot().usernames.at("u-1") == "alice");
  CHECK(w.sfu->counters().authenticated == 1);
}

TEST_CASE("a bad token is answered auth_failed and the connection closes", "[sfu][auth]") {
  World w;
  RecordingObserver obs;
  w.sfu->SetObserver(&obs);
  TestClient& a = w.AddClient("alice");
  a.Connect();
  w.Run();
  a.Authenticate("00112233445566778899aabbccddeeff");
  w.Run();
  CHECK(HasCode(a.NoticeCodes(), err::kAuthFailed));
  CHECK(a.closed());
  CHECK(obs.HasConnectionEvent("auth_failed"));
  CHECK(w.sfu->Snapshot().usernames.empty());
}

TEST_CASE("no authenticate within 15 s: auth_timeout, then close", "[sfu][auth]") {
  World w;
  TestClient& a = w.AddClient("alice");
  a.Connect();
  w.Run(TimeDelta::Seconds(14));
  CHECK_FALSE(a.closed());
  w.Run(TimeDelta::Seconds(2));
  CHECK(HasCode(a.NoticeCodes(), err::kAuthTimeout));
  CHECK(a.closed());
  CHECK(w.sfu->counters().auth_timeouts == 1);
}

TEST_CASE("a message before authenticate is refused; the connection and the auth timer stay", "[sfu][auth]") {
  World w;
  TestClient& a = w.AddClient("alice");
  a.Connect();
  w.Run(TimeDelta::Seconds(1));
  a.Join("lobby");
  a.Send(Ping{});
  w.Run();
  const auto codes = a.NoticeCodes();
  REQUIRE(codes.size() == 2);
  CHECK(codes[0] == err::kNotAuthenticated);
  CHECK(codes[1] == err::kNotAuthenticated);
  CHECK(a.open());
  CHECK(w.sfu->Snapshot().connection_channel.empty());
  w.Run(TimeDelta::Seconds(15));
  CHECK(HasCode(a.NoticeCodes(), err::kAuthTimeout));
  CHECK(a.closed());
}

TEST_CASE("authenticating twice is an error that keeps the connection", "[sfu][auth]") {
  World w;
  TestClient& a = w.Ready("alice");
  a.Authenticate();
  w.Run();
  CHECK(HasCode(a.NoticeCodes(), err::kAlreadyAuthenticated));
  CHECK(a.open());
}

TEST_CASE("idle connections close after 45 s; pings keep them open", "[sfu][idle]") {
  World w;
  RecordingObserver obs;
  w.sfu->SetObserver(&obs);
  TestClient& quiet = w.Ready("quiet");
  TestClient& pinger = w.Ready("pinger");
  for (int i = 0; i < 8; ++i) {
    w.Run(kHeartbeatInterval);
    pinger.Send(Ping{});
  }
  w.Run();
  CHECK(HasCode(quiet.NoticeCodes(), err::kIdleTimeout));
  CHECK(quiet.closed());
  CHECK(obs.HasConnectionEvent("idle_timeout"));
  CHECK(pinger.open());
  CHECK(pinger.Count<Pong>() == 8);
  CHECK(pinger.NoticeCodes().empty());
}

// A stream that refuses sends while `blocked` (a host that cannot send right now).
class FakeStream : public sim::MessageStream {
 public:
  void SetListener(Listener* l) override { listener = l; }
  sim::SocketAddress local_address() const override { return {}; }
  sim::SocketAddress peer_address() const override { return {sim::MakeIpv4(10, 0, 1, 9), 5000}; }
  bool Send(std::string message) override {
    if (!open || blocked) return false;
    sent.push_back(std::move(message));
    return true;
  }
  void Close() override { open = false; }
  bool is_open() const override { return open; }
  Listener* listener = nullptr;
  bool open = true;
  bool blocked = false;
  std::vector<std::string> sent;
};

class CountingDelegate : public SignalingConnection::Delegate {
 public:
  void OnMessage(SignalingConnection&, std::string_view) override {}
  void OnTimeout(SignalingConnection&, std::string_view code) override { timeouts.emplace_back(code); }
  void OnStreamClosed(SignalingConnection&, std::string_view) override { ++closed; }
  void OnSlowClient(SignalingConnection&) override { ++slow; }
  std::vector<std::string> timeouts;
  int closed = 0;
  int slow = 0;
};

TEST_CASE("outbound queue: 256 waiting messages are kept in order, the 257th is a slow client", "[sfu][queue]") {
  sim::Scheduler scheduler;
  auto stream = std::make_unique<FakeStream>();
  FakeStream* fake = stream.get();
  CountingDelegate delegate;
  SignalingConnection conn(sim::Env{&scheduler, sim::Rng(1), nullptr, nullptr}, 1, std::move(stream), &delegate);
  conn.Start();
  fake->blocked = true;
  for (int i = 0; i < static_cast<int>(kOutboundQueueMaxMessages); ++i) CHECK(conn.Send("m" + std::to_string(i)));
  CHECK(conn.queued() == kOutboundQueueMaxMessages);
  CHECK(delegate.slow == 0);
  SECTION("drains in order once the stream accepts again") {
    fake->blocked = false;
    scheduler.RunFor(kOutboundRetryInterval);
    CHECK(conn.queued() == 0);
    REQUIRE(fake->sent.size() == kOutboundQueueMaxMessages);
    CHECK(fake->sent.front() == "m0");
    CHECK(fake->sent.back() == "m255");
    CHECK(conn.Send("next"));
    CHECK(fake->sent.back() == "next");
  }
  SECTION("one more overflows: reported once") {
    CHECK_FALSE(conn.Send("overflow"));
    CHECK(delegate.slow == 1);
    CHECK_FALSE(conn.Send("again"));
    CHECK(delegate.slow == 1);
  }
}

TEST_CASE("a client too slow to drain its signaling stream is disconnected alone", "[sfu][queue]") {
  World w;
  RecordingObserver obs;
  w.sfu->SetObserver(&obs);
  TestClient& fast = w.Ready("fast", "lobby");
  sim::LinkConfig slow_link;
  slow_link.capacity = sim::DataRate::BitsPerSec(2000);
  TestClient& slow = w.AddClient("slow", slow_link);
  slow.Connect();
  w.Run(TimeDelta::Seconds(1));
  slow.Authenticate();
  w.Run(TimeDelta::Seconds(1));
  w.net().SetStreamBufferBytes(4096);
  slow.Join("lobby");
  w.Run(TimeDelta::Seconds(1));
  for (int i = 0; i < 60; ++i) fast.Send(VoiceActivity{"lobby", i % 2 == 0});  // each goes to `slow`
  w.Run(TimeDelta::Seconds(5));
  CHECK(obs.HasConnectionEvent("slow_client_disconnected"));
  CHECK(w.sfu->counters().slow_client_disconnects == 1);
  CHECK(fast.open());
  CHECK(w.sfu->Snapshot().channel_members.at("lobby").size() == 1);
}

TEST_CASE("signaling connection timers: auth then idle, each reported once", "[sfu][queue]") {
  sim::Scheduler scheduler;
  auto stream = std::make_unique<FakeStream>();
  FakeStream* fake = stream.get();
  CountingDelegate delegate;
  auto conn = std::make_unique<SignalingConnection>(sim::Env{&scheduler, sim::Rng(1), nullptr, nullptr}, 1,
                                                    std::move(stream), &delegate);
  conn->Start();
  scheduler.RunFor(TimeDelta::Seconds(10));
  fake->listener->OnMessage("x");  // activity pushes the idle deadline
  conn->MarkAuthenticated();
  scheduler.RunFor(TimeDelta::Seconds(44));
  CHECK(delegate.timeouts.empty());
  scheduler.RunFor(TimeDelta::Seconds(2));
  REQUIRE(delegate.timeouts.size() == 1);
  CHECK(delegate.timeouts[0] == "idle_timeout");
  conn.reset();  // cancels its timers
  CHECK(scheduler.pending() == 0);
}

TEST_CASE("rate limit: the 81st media_signal in 5 s is rate_limited, the connection stays", "[sfu][rate]") {
  World w;
  TestClient& a = w.Ready("alice", "lobby");
  std::vector<std::string> ids;
  for (int i = 0; i < 81; ++i) ids.push_back(a.Request(ClientDiagnosticRequest{}));
  w.Run();
  for (int i = 0; i < 80; ++i) CHECK(a.ErrorCode(ids[static_cast<std::size_t>(i)]) == "<ok>");
  CHECK(a.ErrorCode(ids[80]) == err::kRateLimited);
  CHECK(a.open());
  // Non-media messages are not counted.
  a.Send(Ping{});
  w.Run();
  CHECK(a.Count<Pong>() == 1);
  w.Run(TimeDelta::Seconds(5));
  const auto later = a.Request(ClientDiagnosticRequest{});
  w.Run();
  CHECK(a.ErrorCode(later) == "<ok>");
  CHECK(w.sfu->counters().rate_limited == 1);
}

TEST_CASE("decode errors are answered with MakeDecodeErrorReply and keep the connection", "[sfu][decode]") {
  World w;
  TestClient& a = w.Ready("alice", "lobby");
  a.SendRaw("{not json");
  a.SendRaw(R"({"type":"no_such_type"})");
  a.SendRaw(R"({"type":"media_signal","request_id":"bad1","action":"create_webrtc_transport","direction":"sideways"})");
  a.SendRaw(R"({"type":"media_signal","request_id":"bad2","action":"fly"})");
  a.SendRaw(std::string(protocol::kMaxSignalingPayloadBytes + 1, ' '));
  w.Run();
  const auto codes = a.NoticeCodes();
  CHECK(HasCode(codes, err::kInvalidJson));
  CHECK(HasCode(codes, err::kUnknownType));
  CHECK(HasCode(codes, err::kPayloadTooLarge));
  CHECK(a.ErrorCode("bad1") == err::kInvalidEnum);
  CHECK(a.ErrorCode("bad2") == err::kUnknownAction);
  CHECK(a.open());
  // Error texts are sfusim's own words, never a library's exception text.
  for (const auto& r : a.raw) {
    CHECK(r.find("exception") == std::string::npos);
    CHECK(r.find("parse_error") == std::string::npos);
  }
  a.Send(Ping{});
  w.Run();
  CHECK(a.Count<Pong>() == 1);
  CHECK(w.sfu->Snapshot().connection_channel.at("u-1") == "lobby");
}

TEST_CASE("every semantic validation error keeps the connection and the state", "[sfu][validation]") {
  World w;
  TestClient& a = w.Ready("alice");
  // Media before joining a channel.
  const auto r0 = a.Request(GetRouterRtpCapabilitiesRequest{});
  w.Run();
  CHECK(a.ErrorCode(r0) == err::kNotInChannel);
  a.Join("lobby");
  w.Run();
  const auto pid = w.Publish(a, 0x1111);
  REQUIRE_FALSE(pid.empty());
  const auto before = w.sfu->Snapshot();

  std::vector<std::pair<std::string, std::string>> cases;  // request id, expected code
  cases.emplace_back(a.Request(World::AudioProduce("t-999", a.caps, 0x2222)), std::string(err::kTransportNotFound));
  cases.emplace_back(a.Request(MediaConsumeRequest{"p-999", a.caps}), std::string(err::kProducerNotFound));
  cases.emplace_back(a.Request(MediaResumeConsumerRequest{"c-999"}), std::string(err::kConsumerNotFound));
  cases.emplace_back(a.Request(MediaCloseProducerRequest{"p-999"}), std::string(err::kProducerNotFound));
  cases.emplace_back(a.Request(MediaConsumeRequest{pid, a.caps}), std::string(err::kTransportNotFound));  // no recv
  {
    ConnectWebRtcTransportRequest conn{"t-999", {}};
    conn.dtls_parameters.fingerprints.push_back({"sha-256", "AA:BB"});
    cases.emplace_back(a.Request(conn), std::string(err::kTransportNotFound));
  }
  {
    auto dup = World::AudioProduce(before.producers.begin()->second.id, a.caps, 0x1111);
    std::string send_tid;
    for (const auto& [id, t] : a.transports) send_tid = id;
    dup.transport_id = send_tid;
    cases.emplace_back(a.Request(dup), std::string(err::kInvalidValue));  // SSRC in use
    auto nocodec = World::AudioProduce(send_tid, a.caps, 0x3333);
    nocodec.rtp_parameters.codecs[0].mime_type = "audio/PCMU";
    cases.emplace_back(a.Request(nocodec), std::string(err::kUnsupportedCodec));
  }
  w.Run();
  for (const auto& [rid, code] : cases) {
    INFO(rid);
    CHECK(a.ErrorCode(rid) == code);
  }
  a.Leave("other");
  a.Send(VoiceActivity{"other", true});
  w.Run();
  const auto codes = a.NoticeCodes();
  CHECK(std::count(codes.begin(), codes.end(), std::string(err::kNotInChannel)) == 2);
  CHECK(a.open());
  CHECK(w.sfu->Snapshot() == before);
}

}  // namespace
}  // namespace sfusim::sfu::test
