// TransportState: internal state record of one SFU transport (a datagram socket on the SFU host),
// owned by its channel's RouterState. Plain struct; ordered containers only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "sfu_server_impl_base.h"
#include "sfusim/protocol/signaling/media_types.h"
#include "sfusim/protocol/srtp/srtp_session.h"
#include "sfusim/sim/net.h"

namespace sfusim::sfu {

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
  // Keyed at connect; each direction's SRTP session is made when it is first needed (SrtpIn/SrtpOut):
  // setting up a libsrtp session costs about as much as a hundred signaling messages, and many
  // transports (every one of the signaling model's) never carry a packet.
  std::optional<protocol::SrtpSessionKeys> srtp_keys;
  std::optional<protocol::SrtpSession> srtp_in;
  std::optional<protocol::SrtpSession> srtp_out;
  std::optional<sim::SocketAddress> remote;
  uint32_t rtcp_ssrc = 0;
  std::set<std::string> producers;
  std::set<std::string> consumers;

  // The session for packets from the client (nullptr when not connected, or not creatable).
  protocol::SrtpSession* SrtpIn() { return Session(srtp_in, protocol::SrtpDirection::kInbound); }
  // The session for packets to the client.
  protocol::SrtpSession* SrtpOut() { return Session(srtp_out, protocol::SrtpDirection::kOutbound); }
  protocol::SrtpSession* Session(std::optional<protocol::SrtpSession>& session, protocol::SrtpDirection direction) {
    if (!connected) return nullptr;
    if (session) return &*session;
    if (!srtp_keys) return nullptr;
    const bool in = direction == protocol::SrtpDirection::kInbound;
    auto created = protocol::SrtpSession::Create(
        {protocol::SrtpProfile::kAeadAes128Gcm, direction, in ? srtp_keys->inbound : srtp_keys->outbound});
    if (!created.ok()) return nullptr;
    session.emplace(std::move(created.value()));
    return &*session;
  }

  void OnDatagram(const sim::SocketAddress& from, std::span<const uint8_t> data) override {
    server->OnTransportDatagram(*this, from, data);
  }
  ~TransportState() override {
    if (socket) socket->Close();
  }
};

}  // namespace sfusim::sfu
