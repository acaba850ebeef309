// FakeSfu: a scripted stand-in for the SFU, for WebClient tests (unit and property). It answers
// just enough of the protocol for a client to set up media (no media is forwarded); actions in
// `silent` get no answer; it records every text it receives. Video: media_produce answers
// "p-self" for the microphone and "p-camera-<n>" / "p-screen-<n>" for video; a native sender
// session answers "p-native-<n>" with an RTP target on the SFU host (or the error code in
// `native_error`); media_close_producer always succeeds.
// Lost answers (the SFU's lost_response fault point): `lose[action] = n` drops the next n
// successful answers of that action after the state change. With `like_sfu`, a repeat is refused
// as the real SFU refuses it (transport_exists, invalid_value for a connected transport or an SSRC
// in use), and every consume gets a fresh consumer id; that state is per connection.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"
#include "sfusim/sim/net.h"

namespace sfusim::clients::testing {

using protocol::MediaAction;

inline constexpr uint16_t kPort = 4443;
inline const sim::SocketAddress kSfuAddress{sim::MakeIpv4(10, 0, 0, 1), kPort};
inline constexpr uint16_t kNativePort = 5002;  // nothing listens: the native sender's RTP is dropped

// A new_producer announcement of `id` owned by `user`, as the SFU would push it.
inline protocol::NewProducer Announce(std::string id, std::string user) {
  protocol::NewProducer p;
  p.producer_id = std::move(id);
  p.username = std::move(user);
  return p;
}

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
    directions_.clear();
    connected_.clear();
    ssrcs_.clear();
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
    if (like_sfu) {
      if (auto refused = RefuseRepeat(r)) {
        Send(protocol::MakeMediaSignalError(r.request_id, r.action(), *refused, "refused as the SFU refuses it"));
        return;
      }
    }
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
      case MediaAction::kMediaProduce: {
        const auto& m = std::get<protocol::MediaProduceRequest>(r.body);
        if (m.source == protocol::MediaSource::kMicrophone) {
          out = protocol::MediaProduceResult{"p-self"};
        } else {
          out = protocol::MediaProduceResult{"p-" + std::string(protocol::ToString(m.source)) + "-" +
                                             std::to_string(++video_producers)};
        }
        break;
      }
      case MediaAction::kMediaCloseProducer: out = protocol::MediaCloseProducerResult{}; break;
      case MediaAction::kCreateNativeSenderSession: {
        if (!native_error.empty()) {
          Send(protocol::MakeMediaSignalError(r.request_id, r.action(), native_error, "refused"));
          return;
        }
        protocol::NativeSenderSessionResult n;
        n.transport_id = "t-native";
        n.producer_id = "p-native-" + std::to_string(++native_sessions);
        n.rtp_target = {"10.0.0.1", kNativePort};
        n.payload_type = protocol::kPayloadTypeH264;
        n.ssrc = 0x4E000000u + static_cast<uint32_t>(native_sessions);
        n.codec.mime_type = "video/H264";
        n.codec.payload_type = protocol::kPayloadTypeH264;
        n.codec.clock_rate = protocol::kVideoClockRateHz;
        out = n;
        break;
      }
      case MediaAction::kMediaConsume: {
        protocol::MediaConsumeResult c;
        c.producer_id = std::get<protocol::MediaConsumeRequest>(r.body).producer_id;
        c.consumer_id = "c-" + c.producer_id;
        if (like_sfu) c.consumer_id += "-" + std::to_string(++consumers);
        c.rtp_parameters.codecs.push_back({"audio/opus", 111, 48000, 2, {}, {}});
        c.rtp_parameters.encodings.push_back({});
        c.rtp_parameters.encodings.back().ssrc = 1000 + static_cast<uint32_t>(requests.size());
        out = c;
        break;
      }
      case MediaAction::kMediaResumeConsumer: out = protocol::MediaResumeConsumerResult{}; break;
      default: break;
    }
    if (auto it = lose.find(r.action()); it != lose.end() && it->second > 0) {
      --it->second;
      ++lost;
      return;
    }
    Send(protocol::MakeMediaSignalResult(r.request_id, out));
  }

  // The real SFU's answer to a request that repeats one that took effect (like_sfu); records it.
  std::optional<std::string_view> RefuseRepeat(const protocol::MediaSignalRequest& r) {
    namespace err = protocol::signaling_error;
    if (const auto* t = std::get_if<protocol::CreateWebRtcTransportRequest>(&r.body)) {
      if (!directions_.insert(t->direction).second) return err::kTransportExists;
    }
    if (const auto* c = std::get_if<protocol::ConnectWebRtcTransportRequest>(&r.body)) {
      if (!connected_.insert(c->transport_id).second) return err::kInvalidValue;
    }
    if (const auto* p = std::get_if<protocol::MediaProduceRequest>(&r.body)) {
      const uint32_t ssrc = p->rtp_parameters.encodings.empty() ? 0 : p->rtp_parameters.encodings[0].ssrc.value_or(0);
      if (!ssrcs_.insert(ssrc).second) return err::kInvalidValue;
    }
    return std::nullopt;
  }

  // The media_produce / media_close_producer requests, in order.
  std::vector<protocol::MediaProduceRequest> Produces(protocol::MediaSource source) const {
    std::vector<protocol::MediaProduceRequest> out;
    for (const auto& r : requests) {
      if (const auto* m = std::get_if<protocol::MediaProduceRequest>(&r.body); m && m->source == source) out.push_back(*m);
    }
    return out;
  }
  std::vector<std::string> Closed() const {
    std::vector<std::string> out;
    for (const auto& r : requests) {
      if (const auto* m = std::get_if<protocol::MediaCloseProducerRequest>(&r.body)) out.push_back(m->producer_id);
    }
    return out;
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
  int video_producers = 0;
  int native_sessions = 0;
  std::string native_error;  // non-empty: create_native_sender_session fails with this code
  std::map<MediaAction, int> lose;  // the next n successful answers of an action are lost
  int lost = 0;
  bool like_sfu = false;
  int consumers = 0;

 private:
  std::set<protocol::TransportDirection> directions_;
  std::set<std::string> connected_;
  std::set<uint32_t> ssrcs_;
};

}  // namespace sfusim::clients::testing
