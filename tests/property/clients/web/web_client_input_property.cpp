// Property: whatever the server sends (random bytes, well-formed messages with random ids,
// responses to requests never made, announcements and closures of unknown producers, router
// resets), the WebClient never crashes, counts every message it could not decode, and every
// request it sent ends exactly once (matched or timed out).
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sfusim/clients/web_client.h"
#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/sim_network.h"

#include "../../../unit/clients/web/fake_sfu.h"

using namespace sfusim;
using clients::testing::FakeSfu;
using clients::testing::kSfuAddress;

namespace {

struct Counter : clients::ClientObserver {
  std::set<std::string> sent;
  std::set<std::string> timed_out;
  void OnRequestSent(std::string_view id, protocol::MediaAction) override { sent.emplace(id); }
  void OnRequestTimedOut(std::string_view id) override { timed_out.emplace(id); }
};

rc::Gen<std::string> ServerText() {
  using protocol::ServerMessage;
  auto id = rc::gen::oneOf(rc::gen::just(std::string("r1")), rc::gen::just(std::string("r3")),
                           rc::gen::just(std::string("r999")), rc::gen::string<std::string>());
  auto encoded = [](ServerMessage m) { return protocol::EncodeServerMessage(m); };
  return rc::gen::oneOf(
      rc::gen::string<std::string>(),
      rc::gen::map(id, [=](std::string i) {
        return encoded(protocol::MakeMediaSignalResult(i, protocol::MediaResumeConsumerResult{}));
      }),
      rc::gen::map(id, [=](std::string i) {
        return encoded(protocol::MakeMediaSignalError(i, protocol::MediaAction::kMediaConsume, "bad", "x"));
      }),
      rc::gen::map(id, [=](std::string i) {
        protocol::NewProducer p;
        p.producer_id = i;
        p.username = "u" + i;
        return encoded(p);
      }),
      rc::gen::map(id, [=](std::string i) { return encoded(protocol::ProducerClosed{i}); }),
      rc::gen::map(rc::gen::inRange<uint64_t>(0, 4), [=](uint64_t g) {
        return encoded(protocol::MediaRouterReset{"lobby", "worker_crashed", g});
      }),
      rc::gen::just(encoded(protocol::VoiceLeft{"lobby"})),
      rc::gen::just(std::string(R"({"type":"voice_joined"})")));
}

}  // namespace

TEST_CASE("WebClient survives any server input", "[clients][web][property]") {
  rc::prop("no crash, decode errors counted, requests end once", [] {
    const auto texts = *rc::gen::container<std::vector<std::string>>(ServerText());
    sim::Scheduler scheduler;
    sim::SimNetwork net(&scheduler, nullptr, 1);
    net.AddHost("sfu", kSfuAddress.ip);
    net.AddHost("alice", sim::MakeIpv4(10, 0, 1, 1));
    sim::LinkConfig link;
    link.delay = sim::TimeDelta::Millis(5);
    net.SetLink("alice", "sfu", link);
    net.SetLink("sfu", "alice", link);
    auto sfu = std::make_unique<FakeSfu>(net.host("sfu"));
    clients::WebClientConfig config{"alice", "t", kSfuAddress, "lobby", false, {}};
    auto client = std::make_unique<clients::WebClient>(sim::Env{&scheduler, sim::Rng(5), net.host("alice"), nullptr},
                                                       config);
    Counter counter;
    client->SetObserver(&counter);
    client->Start();
    scheduler.RunFor(sim::TimeDelta::Seconds(1));
    int undecodable = 0;
    for (const auto& t : texts) {
      undecodable += !protocol::DecodeServerMessage(t).ok();
      sfu->SendText(t);
    }
    scheduler.RunFor(sim::TimeDelta::Seconds(12));  // past every request's timeout
    const auto& c = client->counters();
    // Everything arrives unless the client dropped the connection itself (a setup step failed).
    RC_ASSERT(c.decode_errors <= static_cast<uint64_t>(undecodable));
    if (c.connect_attempts == 1) RC_ASSERT(c.decode_errors == static_cast<uint64_t>(undecodable));
    RC_ASSERT(c.responses + c.timeouts <= c.requests_sent);
    RC_ASSERT(counter.sent.size() == c.requests_sent);
    for (const auto& id : counter.timed_out) RC_ASSERT(counter.sent.count(id) == 1);
    client.reset();
    sfu.reset();
  });
}
