// FakeSfu: a scripted stand-in for the SFU, for WebClient tests (unit and property). It answers
// just enough of the protocol for a client to set up media (no media is forwarded); actions in
// `silent` get no answer; it records every text it receives.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/sim/net.h"

namespace sfusim::clients::testing {

using protocol::MediaAction;

inline constexpr uint16_t kPort = 4443;
inline const sim::SocketAddress kSfuAddress{sim::MakeIpv4(10, 0, 0, 1), kPort};

class FakeSfu : public sim::StreamAcceptor, public sim::MessageStream::Listener, public sim::DatagramSocket::Receiver {
 public:
  explicit FakeSfu(sim::Net* net) : net_(net) {
    REQUIRE(net->Listen(kPort, this));
    socket_ = net->OpenDatagram(5000, this);
    REQUIRE(socket_);
  }
  ~FakeSfu() override {
    if (stream_) stream_->Close();
    socket_->Close();
  }

  void OnAccept(std::unique_ptr<sim::MessageStream> stream) override {
    if (stream_) stream_->Close();
    stream_ = std::move(stream);
    stream_->SetListener(this);
    ++accepted;
  }
  void OnClosed(std::string_view) override { stream_.reset(); }
  void OnDatagram(const sim::SocketAddress&, std::span<const uint8_t>) override { ++datagrams; }

  void Send(const protocol::ServerMessage& m) { SendText(protocol::EncodeServerMessage(m)); }
  void SendText(std::string text) {
    if (stream_) stream_->Send(std::move(text));
  }

  void OnMessage(std::string_view text) override {
    received.emplace_back(text);
    auto decoded = protocol::DecodeClientMessage(text);
    if (!decoded.ok()) return;
    std::visit([this](const auto& m) { Handle(m); }, decoded.value());
  }

  void Handle(const protocol::Authenticate& m) { Send(protocol::Authenticated{"u-1", m.username}); }
  void Handle(const protocol::JoinVoice& m) {
    Send(protocol::VoiceJoined{m.channel_id, "u-1"});
    for (const auto& p : announce_on_join) Send(p);
  }
  void Handle(const protocol::LeaveVoice& m) { Send(protocol::VoiceLeft{m.channel_id}); }
  void Handle(const protocol::VoiceActivity&) {}
  void Handle(const protocol::Ping&) { Send(protocol::Pong{}); }
  void Handle(const protocol::MediaSignalRequest& r) {
    requests.push_back(r);
    if (silent.count(r.action())) return;
    protocol::MediaSignalOutcome out = protocol::ClientDiagnosticResult{};
    switch (r.action()) {
      case MediaAction::kGetRouterRtpCapabilities:
        out = protocol::RouterRtpCapabilitiesResult{protocol::BuildRouterRtpCapabilities({}).value()};
        break;
      case MediaAction::kCreateWebRtcTransport: {
        protocol::WebRtcTransportResult t;
        t.direction = std::get<protocol::CreateWebRtcTransportRequest>(r.body).direction;
        t.transport_id = t.direction == protocol::TransportDirection::kSend ? "t-send" : "t-recv";
        t.ice_parameters = {"uf", "pw", true};
        protocol::IceCandidate c;
        c.foundation = "1";
        c.ip = "10.0.0.1";
        c.port = 5000;
        t.ice_candidates.push_back(c);
        t.dtls_parameters.role = protocol::DtlsSetupRole::kServer;
        t.dtls_parameters.fingerprints.push_back({"sha-256", "AA:BB"});
        if (t.direction == protocol::TransportDirection::kRecv) t.producers = batch;
        out = t;
        break;
      }
      case MediaAction::kConnectWebRtcTransport: out = protocol::ConnectWebRtcTransportResult{}; break;
      case MediaAction::kMediaProduce: out = protocol::MediaProduceResult{"p-self"}; break;
      case MediaAction::kMediaConsume: {
        protocol::MediaConsumeResult c;
        c.producer_id = std::get<protocol::MediaConsumeRequest>(r.body).producer_id;
        c.consumer_id = "c-" + c.producer_id;
        c.rtp_parameters.codecs.push_back({"audio/opus", 111, 48000, 2, {}, {}});
        c.rtp_parameters.encodings.push_back({});
        c.rtp_parameters.encodings.back().ssrc = 1000 + static_cast<uint32_t>(requests.size());
        out = c;
        break;
      }
      case MediaAction::kMediaResumeConsumer: out = protocol::MediaResumeConsumerResult{}; break;
      default: break;
    }
    Send(protocol::MakeMediaSignalResult(r.request_id, out));
  }

  int CountAction(MediaAction a) const {
    int n = 0;
    for (const auto& r : requests) n += r.action() == a;
    return n;
  }

  sim::Net* net_;
  std::unique_ptr<sim::MessageStream> stream_;
  std::unique_ptr<sim::DatagramSocket> socket_;
  std::vector<std::string> received;
  std::vector<protocol::MediaSignalRequest> requests;
  std::set<MediaAction> silent;
  std::vector<protocol::NewProducer> batch;             // in the recv transport's result
  std::vector<protocol::NewProducer> announce_on_join;  // right after voice_joined
  int accepted = 0;
  int datagrams = 0;
};

}  // namespace sfusim::clients::testing
