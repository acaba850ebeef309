// Internal state records of the SfuServer: transports, producers, consumers, routers and
// connections. Plain structs owned by SfuServer::Impl (sfu_server.cpp); ordered containers only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/protocol/rtp_parameters/rtp_parameters.h"
#include "sfusim/protocol/signaling/media_types.h"
#include "sfusim/protocol/signaling/rate_limiter.h"
#include "sfusim/protocol/srtp/srtp_session.h"
#include "sfusim/sfu/rtp_forwarder.h"
#include "sfusim/sfu/signaling_connection.h"
#include "sfusim/sim/net.h"

namespace sfusim::sfu {

struct TransportState;

// What a transport's socket calls back into (the server's implementation).
class SfuServerImplBase {
 public:
  virtual ~SfuServerImplBase() = default;
  virtual void OnTransportDatagram(TransportState& transport, const sim::SocketAddress& from,
                                   std::span<const uint8_t> data) = 0;
};

// One transport: a datagram socket on the SFU host. WebRTC transports protect with SRTP
// (AEAD_AES_128_GCM) once connected; plain transports (native sender) carry plain RTP and latch
// on the first packet (comedia).
struct TransportState : sim::DatagramSocket::Receiver {
  SfuServerImplBase* server = nullptr;
  std::string id;
  uint64_t conn_key = 0;
  std::string channel;
  protocol::TransportDirection direction = protocol::TransportDirection::kSend;
  bool plain = false;
  std::unique_ptr<sim::DatagramSocket> socket;
  std::string local_fingerprint;
  bool connected = false;
  std::optional<protocol::SrtpSession> srtp_in;
  std::optional<protocol::SrtpSession> srtp_out;
  std::optional<sim::SocketAddress> remote;
  uint32_t rtcp_ssrc = 0;
  std::set<std::string> producers;
  std::set<std::string> consumers;

  void OnDatagram(const sim::SocketAddress& from, std::span<const uint8_t> data) override {
    server->OnTransportDatagram(*this, from, data);
  }
  ~TransportState() override {
    if (socket) socket->Close();
  }
};

struct ProducerState {
  std::string id;
  uint64_t conn_key = 0;
  std::string user_id;
  std::string username;
  std::string channel;
  std::string transport_id;
  protocol::MediaKind kind = protocol::MediaKind::kAudio;
  protocol::MediaSource source = protocol::MediaSource::kMicrophone;
  uint32_t ssrc = 0;
  bool native = false;
  protocol::RtpParameters rtp_parameters;
  std::unique_ptr<RtpForwarder> forwarder;
  std::set<std::string> consumers;
  std::optional<sim::Timestamp> last_key_frame_request;
  uint64_t packets = 0;
  uint64_t octets = 0;
};

struct ConsumerState {
  std::string id;
  uint64_t key = 0;  // the forwarder's route key
  uint64_t conn_key = 0;
  std::string user_id;
  std::string producer_id;
  std::string channel;
  std::string transport_id;
  protocol::MediaKind kind = protocol::MediaKind::kAudio;
  uint32_t ssrc = 0;
  uint32_t clock_rate = 0;
  bool paused = true;
  bool closed_producer = false;
  uint64_t packets = 0;
  uint64_t octets = 0;
};

struct RouterState {
  std::string channel;
  int worker = 0;
  uint64_t generation = 0;
  protocol::OpusSettings opus;
  protocol::RtpCapabilities caps;
  bool alive = true;
  std::map<std::string, std::unique_ptr<TransportState>> transports;
  std::map<std::string, ProducerState> producers;
  std::map<std::string, ConsumerState> consumers;
  std::map<uint64_t, std::string> consumer_by_key;
  std::map<uint32_t, std::string> producer_by_ssrc;
  std::map<uint32_t, std::string> consumer_by_ssrc;
  std::set<uint32_t> ssrcs;  // every SSRC in use in this router (producers, consumers, RTCP senders)
};

struct ConnState {
  uint64_t key = 0;
  std::unique_ptr<SignalingConnection> sig;
  bool authenticated = false;
  std::string user_id;
  std::string username;
  std::string channel;  // "" = in no channel
  bool speaking = false;
  bool closing = false;
  protocol::RateLimiter limiter;
  std::string send_transport;  // ids in the channel's current router, "" = none
  std::string recv_transport;
  std::string native_transport;
  std::set<std::string> producers;
  std::set<std::string> consumers;
};

}  // namespace sfusim::sfu
