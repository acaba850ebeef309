// Test support for the reference SFU: a SimNetwork with host "sfu" running an SfuServer, and
// small scripted clients that speak raw signaling JSON (signaling_codec) and SRTP RTP/RTCP over
// their own datagram sockets. Header-only, shared by tests/unit/sfu/* and tests/property/sfu/*.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sfusim/protocol/rtcp/compound_packet.h"
#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp/rtp_packet_view.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "sfusim/protocol/srtp/srtp_key_derivation.h"
#include "sfusim/protocol/srtp/srtp_session.h"
#include "sfusim/sfu/auth_token.h"
#include "sfusim/sfu/sfu_server.h"
#include "sfusim/sim/sim_network.h"

namespace sfusim::sfu::test {

using namespace sfusim::protocol;

struct ReceivedRtp {
  uint32_t ssrc = 0;
  uint16_t seq = 0;
  uint32_t timestamp = 0;
  std::vector<uint8_t> payload;
};

// One client-side transport: a datagram socket with SRTP keyed from both fingerprints.
class ClientTransport : public sim::DatagramSocket::Receiver {
 public:
  ClientTransport(sim::Net* net, std::string id, sim::SocketAddress sfu, std::string sfu_fingerprint)
      : id_(std::move(id)), sfu_(sfu), sfu_fp_(std::move(sfu_fingerprint)) {
    socket_ = net->OpenDatagram(0, this);
    fingerprint_ = "client-fp/" + id_;
  }
  ~ClientTransport() override {
    if (socket_) socket_->Close();
  }
  const std::string& id() const { return id_; }
  const std::string& fingerprint() const { return fingerprint_; }
  void DeriveKeys(const std::string& client_fp_override = "") {
    auto keys = DeriveSrtpKeys(SrtpProfile::kAeadAes128Gcm, client_fp_override.empty() ? fingerprint_ : client_fp_override,
                               sfu_fp_, DtlsRole::kClient);
    out_.emplace(std::move(SrtpSession::Create({SrtpProfile::kAeadAes128Gcm, SrtpDirection::kOutbound, keys->outbound}).value()));
    in_.emplace(std::move(SrtpSession::Create({SrtpProfile::kAeadAes128Gcm, SrtpDirection::kInbound, keys->inbound}).value()));
  }
  void SendRtp(uint32_t ssrc, uint16_t seq, uint32_t ts, uint8_t pt = kPayloadTypeOpus, uint8_t fill = 0xAB) {
    RtpPacket p;
    p.set_payload_type(pt);
    p.set_sequence_number(seq);
    p.set_timestamp(ts);
    p.set_ssrc(ssrc);
    std::vector<uint8_t> payload(40, fill);
    payload[0] = static_cast<uint8_t>(seq);
    p.set_payload(payload);
    auto bytes = p.Serialize().value();
    if (out_) (void)out_->ProtectRtp(bytes);
    socket_->SendTo(sfu_, bytes);
  }
  void SendRtcp(const rtcp::CompoundPacket& compound) {
    auto bytes = compound.Serialize().value();
    if (out_) (void)out_->ProtectRtcp(bytes);
    socket_->SendTo(sfu_, bytes);
  }
  void SendReceiverReport(uint32_t ssrc = 0x1234) {
    rtcp::CompoundPacket c;
    rtcp::ReceiverReport rr;
    rr.sender_ssrc = ssrc;
    c.packets.push_back(rr);
    SendRtcp(c);
  }
  void SendPlainRtp(uint32_t ssrc, uint16_t seq, uint32_t ts, uint8_t pt) {
    RtpPacket p;
    p.set_payload_type(pt);
    p.set_sequence_number(seq);
    p.set_timestamp(ts);
    p.set_ssrc(ssrc);
    std::vector<uint8_t> payload(20, 0x11);
    p.set_payload(payload);
    auto bytes = p.Serialize().value();
    socket_->SendTo(sfu_, bytes);
  }
  // Any RTP packet (header extensions and all): serialized, SRTP-protected when keyed, sent.
  void SendRtpPacket(const RtpPacket& p) {
    auto bytes = p.Serialize().value();
    if (out_) (void)out_->ProtectRtp(bytes);
    socket_->SendTo(sfu_, bytes);
  }
  void OnDatagram(const sim::SocketAddress&, std::span<const uint8_t> data) override {
    std::vector<uint8_t> buf(data.begin(), data.end());
    if (buf.size() >= 12 && !(buf[1] >= 192 && buf[1] <= 223)) {
      // Simulated loss of chosen sequence numbers (the SRTP header is in the clear).
      const uint16_t seq = static_cast<uint16_t>((buf[2] << 8) | buf[3]);
      if (drop_seqs.erase(seq)) return;
    }
    const bool rtcp = buf.size() >= 2 && buf[1] >= 192 && buf[1] <= 223;
    if (in_) {
      const auto st = rtcp ? in_->UnprotectRtcp(buf) : in_->UnprotectRtp(buf);
      if (!st.ok()) {
        ++srtp_failures;
        return;
      }
    }
    if (rtcp) {
      auto c = rtcp::CompoundPacket::Parse(buf);
      if (c.ok()) rtcp_in.push_back(std::move(c.value()));
      return;
    }
    auto v = RtpPacketView::Parse(buf);
    if (!v.ok()) return;
    rtp_in.push_back({v->ssrc(), v->sequence_number(), v->timestamp(),
                      std::vector<uint8_t>(v->payload().begin(), v->payload().end())});
  }

  std::vector<ReceivedRtp> rtp_in;
  std::vector<rtcp::CompoundPacket> rtcp_in;
  std::set<uint16_t> drop_seqs;  // output seqs to lose once on arrival
  int srtp_failures = 0;

 private:
  std::string id_;
  sim::SocketAddress sfu_;
  std::string sfu_fp_;
  std::string fingerprint_;
  std::unique_ptr<sim::DatagramSocket> socket_;
  std::optional<SrtpSession> out_;
  std::optional<SrtpSession> in_;
};

class TestClient : public sim::MessageStream::Listener {
 public:
  TestClient(sim::SimNetwork* net, sim::SimHost* host, std::string name, std::string secret)
      : net_(net), host_(host), name_(std::move(name)), secret_(std::move(secret)) {}
  ~TestClient() override {
    transports.clear();
    if (stream_) {
      stream_->SetListener(nullptr);
      if (stream_->is_open()) stream_->Close();
    }
  }

  void Connect() {
    host_->Connect(sim::SocketAddress{sim::MakeIpv4(10, 0, 0, 1), kDefaultSignalingPort},
                   [this](std::unique_ptr<sim::MessageStream> s, std::string_view) {
                     stream_ = std::move(s);
                     if (stream_) stream_->SetListener(this);
                   });
  }
  bool connected() const { return stream_ != nullptr; }
  bool open() const { return stream_ && stream_->is_open() && !closed_; }
  bool closed() const { return closed_; }
  void SendRaw(std::string text) {
    if (stream_) stream_->Send(std::move(text));
  }
  void Send(const ClientMessage& m) { SendRaw(EncodeClientMessage(m)); }
  void Authenticate(std::string token = "") {
    Send(protocol::Authenticate{token.empty() ? MakeAuthToken(secret_, name_) : token, name_});
  }
  void Join(const std::string& channel) { Send(JoinVoice{channel}); }
  void Leave(const std::string& channel) { Send(LeaveVoice{channel}); }
  std::string Request(MediaSignalBody body) {
    std::string id = "r" + std::to_string(++next_request_);
    Send(MediaSignalRequest{id, std::move(body)});
    return id;
  }

  // Messages received, in order.
  std::vector<ServerMessage> messages;
  std::vector<std::string> raw;
  std::string close_reason;

  template <typename T>
  std::vector<T> All() const {
    std::vector<T> out;
    for (const auto& m : messages)
      if (const T* t = std::get_if<T>(&m)) out.push_back(*t);
    return out;
  }
  template <typename T>
  int Count() const {
    return static_cast<int>(All<T>().size());
  }
  std::optional<MediaSignalResponse> Response(const std::string& request_id) const {
    for (const auto& m : messages) {
      if (const auto* r = std::get_if<MediaSignalResponse>(&m)) {
        if (r->request_id == request_id) return *r;
      }
    }
    return std::nullopt;
  }
  template <typename T>
  std::optional<T> Result(const std::string& request_id) const {
    auto r = Response(request_id);
    if (!r) return std::nullopt;
    if (const T* t = std::get_if<T>(&r->outcome)) return *t;
    return std::nullopt;
  }
  std::string ErrorCode(const std::string& request_id) const {
    auto r = Response(request_id);
    if (!r) return "<no response>";
    if (const auto* e = std::get_if<MediaSignalError>(&r->outcome)) return e->code;
    return "<ok>";
  }
  std::vector<std::string> NoticeCodes() const {
    std::vector<std::string> out;
    for (const auto& n : All<SignalingErrorNotice>()) out.push_back(n.code);
    return out;
  }

  void OnMessage(std::string_view message) override {
    raw.emplace_back(message);
    auto m = DecodeServerMessage(message);
    if (m.ok()) messages.push_back(std::move(m.value()));
  }
  void OnClosed(std::string_view reason) override {
    closed_ = true;
    close_reason = std::string(reason);
  }

  // --- media ---
  std::map<std::string, std::unique_ptr<ClientTransport>> transports;  // by transport id
  RtpCapabilities caps;

  sim::SimHost* host() const { return host_; }
  const std::string& name() const { return name_; }

 private:
  sim::SimNetwork* net_;
  sim::SimHost* host_;
  std::string name_;
  std::string secret_;
  std::unique_ptr<sim::MessageStream> stream_;
  bool closed_ = false;
  int next_request_ = 0;
};

class World {
 public:
  explicit World(SfuConfig config = {}, uint64_t seed = 1)
      : net_(&scheduler, &trace, seed), secret_(config.auth_secret) {
    sfu_host_ = net_.AddHost("sfu", sim::MakeIpv4(10, 0, 0, 1));
    sim::Env env{&scheduler, sim::Rng::Stream(seed, "sfu"), sfu_host_, &trace};
    sfu = std::make_unique<SfuServer>(env, std::move(config));
    std::string error;
    started = sfu->Start(&error);
  }
  ~World() {
    clients_.clear();
    sfu.reset();
  }

  TestClient& AddClient(const std::string& name, sim::LinkConfig link = {}) {
    link.delay = link.delay == sim::TimeDelta::Zero() ? sim::TimeDelta::Millis(5) : link.delay;
    const auto n = static_cast<uint8_t>(clients_.size() + 1);
    sim::SimHost* host = net_.AddHost(name, sim::MakeIpv4(10, 0, 1, n));
    net_.SetLink(name, "sfu", link);
    net_.SetLink("sfu", name, link);
    clients_.push_back(std::make_unique<TestClient>(&net_, host, name, secret_));
    return *clients_.back();
  }

  void Run(sim::TimeDelta d = sim::TimeDelta::Millis(100)) { scheduler.RunFor(d); }

  // Connect + authenticate (+ join when channel is given).
  TestClient& Ready(const std::string& name, const std::string& channel = "") {
    TestClient& c = AddClient(name);
    c.Connect();
    Run();
    c.Authenticate();
    Run();
    if (!channel.empty()) {
      c.Join(channel);
      Run();
    }
    return c;
  }

  // Creates and connects a transport, latches it with one RR; returns its id ("" on failure).
  std::string OpenTransport(TestClient& c, TransportDirection dir) {
    const auto rid = c.Request(CreateWebRtcTransportRequest{dir});
    Run();
    auto r = c.Result<WebRtcTransportResult>(rid);
    if (!r) return "";
    auto t = std::make_unique<ClientTransport>(
        c.host(), r->transport_id,
        sim::SocketAddress{sim::SocketAddress::Parse(r->ice_candidates.at(0).ip + ":1")->ip, r->ice_candidates.at(0).port},
        r->dtls_parameters.fingerprints.at(0).value);
    ConnectWebRtcTransportRequest conn;
    conn.transport_id = r->transport_id;
    conn.dtls_parameters.role = DtlsSetupRole::kClient;
    conn.dtls_parameters.fingerprints.push_back({"sha-256", t->fingerprint()});
    const auto cid = c.Request(conn);
    Run();
    if (!c.Result<ConnectWebRtcTransportResult>(cid)) return "";
    t->DeriveKeys();
    t->SendReceiverReport();
    ClientTransport* raw = t.get();
    c.transports[raw->id()] = std::move(t);
    Run();
    return raw->id();
  }

  RtpCapabilities Caps(TestClient& c) {
    const auto rid = c.Request(GetRouterRtpCapabilitiesRequest{});
    Run();
    auto r = c.Result<RouterRtpCapabilitiesResult>(rid);
    c.caps = r ? r->rtp_capabilities : RtpCapabilities{};
    return c.caps;
  }

  // A produce request with the router's first codec named `mime` (payload type as the router
  // prefers, else `default_pt`) and one encoding with `ssrc`.
  static MediaProduceRequest Produce(const std::string& transport_id, const RtpCapabilities& caps, uint32_t ssrc,
                                     MediaKind kind, MediaSource source, std::string_view mime, uint8_t default_pt) {
    MediaProduceRequest m;
    m.transport_id = transport_id;
    m.kind = kind;
    m.source = source;
    for (const auto& cap : caps.codecs) {
      if (cap.mime_type == mime) {
        RtpCodecParameters codec;
        codec.mime_type = cap.mime_type;
        codec.payload_type = cap.preferred_payload_type.value_or(default_pt);
        codec.clock_rate = cap.clock_rate;
        if (kind == MediaKind::kAudio) codec.channels = cap.channels;
        codec.parameters = cap.parameters;
        codec.rtcp_feedback = cap.rtcp_feedback;
        m.rtp_parameters.codecs.push_back(codec);
        break;
      }
    }
    RtpEncodingParameters enc;
    enc.ssrc = ssrc;
    m.rtp_parameters.encodings.push_back(enc);
    return m;
  }

  static MediaProduceRequest AudioProduce(const std::string& transport_id, const RtpCapabilities& caps, uint32_t ssrc) {
    return Produce(transport_id, caps, ssrc, MediaKind::kAudio, MediaSource::kMicrophone, "audio/opus",
                   kPayloadTypeOpus);
  }

  static MediaProduceRequest VideoProduce(const std::string& transport_id, const RtpCapabilities& caps, uint32_t ssrc,
                                          MediaSource source) {
    return Produce(transport_id, caps, ssrc, MediaKind::kVideo, source, "video/VP8", kPayloadTypeVp8);
  }

  // Full publisher setup: caps, send transport, audio producer with `ssrc`. Returns producer id.
  std::string Publish(TestClient& c, uint32_t ssrc, std::string* transport_id = nullptr) {
    auto caps = Caps(c);
    const std::string tid = OpenTransport(c, TransportDirection::kSend);
    if (transport_id) *transport_id = tid;
    const auto rid = c.Request(AudioProduce(tid, caps, ssrc));
    Run();
    auto r = c.Result<MediaProduceResult>(rid);
    return r ? r->producer_id : "";
  }

  // Consume + resume a producer on the client's recv transport. Returns the consumer result.
  std::optional<MediaConsumeResult> Subscribe(TestClient& c, const std::string& producer_id, bool resume = true) {
    if (c.caps.codecs.empty()) Caps(c);
    const auto rid = c.Request(MediaConsumeRequest{producer_id, c.caps});
    Run();
    auto r = c.Result<MediaConsumeResult>(rid);
    if (r && resume) {
      c.Request(MediaResumeConsumerRequest{r->consumer_id});
      Run();
    }
    return r;
  }

  sim::Scheduler scheduler;
  sim::Trace trace;
  std::unique_ptr<SfuServer> sfu;
  bool started = false;
  sim::SimNetwork& net() { return net_; }

 private:
  sim::SimNetwork net_;
  sim::SimHost* sfu_host_ = nullptr;
  std::string secret_;
  std::vector<std::unique_ptr<TestClient>> clients_;
};

// Recent consumer RTP events, for mutants and continuity checks.
class RecordingObserver : public SfuObserver {
 public:
  void OnStateChanged() override { ++changes; }
  void OnConsumerRtp(const ConsumerRtpEvent& e) override {
    rtp.push_back({std::string(e.consumer_id), std::string(e.producer_id), e.paused, e.retransmission, e.input_seq,
                   e.output_seq, e.output_ssrc});
  }
  void OnWorkerEvent(int worker, std::string_view what) override {
    worker_events.push_back(std::to_string(worker) + " " + std::string(what));
  }
  void OnConnectionEvent(std::string_view who, std::string_view what) override {
    connection_events.push_back(std::string(who) + " " + std::string(what));
  }
  struct Rtp {
    std::string consumer_id, producer_id;
    bool paused, retransmission;
    int64_t input_seq;
    uint16_t output_seq;
    uint32_t output_ssrc;
  };
  int changes = 0;
  std::vector<Rtp> rtp;
  std::vector<std::string> worker_events;
  std::vector<std::string> connection_events;
  bool HasConnectionEvent(std::string_view what) const {
    for (const auto& e : connection_events)
      if (e.size() >= what.size() && e.compare(e.size() - what.size(), what.size(), what) == 0) return true;
    return false;
  }
};

}  // namespace sfusim::sfu::test
