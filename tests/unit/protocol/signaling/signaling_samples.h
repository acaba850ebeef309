// Valid sample messages shared by the signaling unit tests: one per client and server message
// type, as structs and as the JSON a browser client would send.
#pragma once

#include <nlohmann/json.hpp>

#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/protocol/signaling/client_messages.h"
#include "sfusim/protocol/signaling/server_messages.h"

namespace sfusim::protocol::test {

// A media_produce for a microphone as mediasoup-client sends it (Opus, four header extensions).
inline nlohmann::json ProduceJson() {
  return nlohmann::json::parse(R"({
    "type": "media_signal", "action": "media_produce", "request_id": "req-42",
    "transport_id": "3f1c2a9e-7b1d-4c55-9a0e-2d6f8b7c1e01",
    "kind": "audio", "source": "microphone", "routing_mode": "sfu",
    "rtp_parameters": {
      "mid": "0",
      "codecs": [{"mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2,
                  "parameters": {"minptime": 10, "useinbandfec": 1, "usedtx": 1},
                  "rtcpFeedback": [{"type": "transport-cc", "parameter": ""}]}],
      "headerExtensions": [
        {"uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 1, "encrypt": false, "parameters": {}},
        {"uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 4, "encrypt": false},
        {"uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", "id": 5},
        {"uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 10}],
      "encodings": [{"ssrc": 1234567890, "dtx": false}],
      "rtcp": {"cname": "Yf2b3nT1", "reducedSize": true}
    }
  })");
}

inline RtpParameters OpusRtpParameters() {
  RtpParameters p;
  p.mid = "0";
  RtpCodecParameters opus;
  opus.mime_type = "audio/opus";
  opus.payload_type = 111;
  opus.clock_rate = 48000;
  opus.channels = 2;
  opus.parameters = {{"minptime", std::int64_t{10}}, {"useinbandfec", std::int64_t{1}}, {"usedtx", std::int64_t{1}}};
  opus.rtcp_feedback = {{"transport-cc", ""}};
  p.codecs.push_back(opus);
  p.header_extensions = {{"urn:ietf:params:rtp-hdrext:sdes:mid", 1, false},
                         {"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 4, false},
                         {"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", 5, false},
                         {"urn:ietf:params:rtp-hdrext:ssrc-audio-level", 10, false}};
  RtpEncodingParameters encoding;
  encoding.ssrc = 1234567890;
  encoding.dtx = false;
  p.encodings.push_back(encoding);
  p.rtcp.cname = "Yf2b3nT1";
  p.rtcp.reduced_size = true;
  return p;
}

inline RtpParameters H264RtpParameters() {
  RtpParameters p;
  RtpCodecParameters h264;
  h264.mime_type = "video/H264";
  h264.payload_type = 96;
  h264.clock_rate = 90000;
  h264.parameters = {{"packetization-mode", std::int64_t{1}}, {"profile-level-id", std::string("42e01f")},
                     {"level-asymmetry-allowed", std::int64_t{1}}};
  h264.rtcp_feedback = {{"nack", ""}, {"nack", "pli"}, {"ccm", "fir"}, {"goog-remb", ""}, {"transport-cc", ""}};
  p.codecs.push_back(h264);
  p.header_extensions = {{"urn:ietf:params:rtp-hdrext:sdes:mid", 1, false}};
  RtpEncodingParameters encoding;
  encoding.ssrc = 0xCAFEBABE;
  encoding.rtx_ssrc = 0xCAFEBABF;
  encoding.rid = "h";
  encoding.max_bitrate = 1500000;
  encoding.scalability_mode = "L1T3";
  p.encodings.push_back(encoding);
  p.rtcp.cname = "native-cafebabe";
  return p;
}

inline RtpCapabilities RouterCaps() { return BuildRouterRtpCapabilities(OpusSettings{}).value(); }

inline DtlsParameters SampleDtls() {
  return DtlsParameters{DtlsSetupRole::kClient,
                        {{"sha-256", "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:"
                                     "01:23:45:67:89"}}};
}

// One of every client message, every media_signal action included.
inline std::vector<ClientMessage> AllClientMessages() {
  nlohmann::json diagnostic = {{"event", "ice_failed"}, {"attempt", 3}, {"details", {{"rtt_ms", 120.5}, {"ok", false}}}};
  return {
      JoinVoice{"lobby"},
      LeaveVoice{"lobby"},
      VoiceActivity{"lobby", true},
      MediaSignalRequest{"r1", GetRouterRtpCapabilitiesRequest{}},
      MediaSignalRequest{std::nullopt, CreateWebRtcTransportRequest{TransportDirection::kRecv}},
      MediaSignalRequest{"r3", ConnectWebRtcTransportRequest{"t-1", SampleDtls()}},
      MediaSignalRequest{"r4", MediaProduceRequest{"t-1", MediaKind::kAudio, MediaSource::kMicrophone,
                                                   RoutingMode::kSfu, OpusRtpParameters()}},
      MediaSignalRequest{"r5", MediaProduceRequest{"t-1", MediaKind::kVideo, MediaSource::kScreen, RoutingMode::kSfu,
                                                   H264RtpParameters()}},
      MediaSignalRequest{"r6", MediaConsumeRequest{"p-9", RouterCaps()}},
      MediaSignalRequest{"r7", MediaResumeConsumerRequest{"c-2"}},
      MediaSignalRequest{"r8", MediaCloseProducerRequest{"p-9"}},
      MediaSignalRequest{"r9", CreateNativeSenderSessionRequest{{"video/H264", "video/VP8"}}},
      MediaSignalRequest{"r10", CreateNativeSenderSessionRequest{}},
      MediaSignalRequest{"r11", ClientDiagnosticRequest{diagnostic}},
      Authenticate{"token-0123", "alice"},
      Ping{},
  };
}

// One of every server message, every media_signal result and an error included.
inline std::vector<ServerMessage> AllServerMessages() {
  WebRtcTransportResult transport;
  transport.transport_id = "t-2";
  transport.direction = TransportDirection::kRecv;
  transport.ice_parameters = {"ufrag", "pwd-0123456789", true};
  transport.ice_candidates = {{"udpcandidate", 1076302079, "10.0.0.1", "udp", 40000, "host"},
                              {"tcpcandidate", 1076276479, "10.0.0.1", "tcp", 40001, "host"}};
  transport.dtls_parameters = SampleDtls();
  transport.dtls_parameters.role = DtlsSetupRole::kAuto;
  transport.producers = {{"p-1", "alice", MediaKind::kAudio, MediaSource::kMicrophone, RoutingMode::kSfu},
                         {"p-2", "bob", MediaKind::kVideo, MediaSource::kCamera, RoutingMode::kSfu}};

  MediaConsumeResult consume{"c-1", "p-1", MediaKind::kAudio, OpusRtpParameters(), true};

  NativeSenderSessionResult native;
  native.transport_id = "t-native";
  native.producer_id = "p-native";
  native.rtp_target = {"127.0.0.1", 41000};
  native.payload_type = 96;
  native.ssrc = 0x12345678;
  native.codec = H264RtpParameters().codecs[0];

  return {
      VoiceJoined{"lobby", "u-1"},
      VoiceLeft{"lobby"},
      VoiceUserJoined{"lobby", "u-2", "bob"},
      VoiceUserLeft{"lobby", "u-2", "bob"},
      VoiceUserSpeaking{"lobby", "bob", true},
      VoicePresenceSnapshot{{{"lobby", {{"u-1", "alice", false}, {"u-2", "bob", true}}}, {"empty", {}}}},
      MediaSignalResponse{"r1", MediaAction::kGetRouterRtpCapabilities, RouterRtpCapabilitiesResult{RouterCaps()}},
      MediaSignalResponse{"r2", MediaAction::kCreateWebRtcTransport, transport},
      MediaSignalResponse{"r3", MediaAction::kConnectWebRtcTransport, ConnectWebRtcTransportResult{}},
      MediaSignalResponse{"r4", MediaAction::kMediaProduce, MediaProduceResult{"p-1"}},
      MediaSignalResponse{"r5", MediaAction::kMediaConsume, consume},
      MediaSignalResponse{"r6", MediaAction::kMediaResumeConsumer, MediaResumeConsumerResult{}},
      MediaSignalResponse{std::nullopt, MediaAction::kMediaCloseProducer, MediaCloseProducerResult{}},
      MediaSignalResponse{"r8", MediaAction::kCreateNativeSenderSession, native},
      MediaSignalResponse{"r9", MediaAction::kClientDiagnostic, ClientDiagnosticResult{}},
      MediaSignalResponse{"r10", MediaAction::kMediaProduce, MediaSignalError{"producer_limit", "one camera only"}},
      MediaSignalResponse{std::nullopt, std::nullopt, MediaSignalError{"unknown_action", "/action: unknown"}},
      NewProducer{"p-3", "carol", MediaKind::kVideo, MediaSource::kScreen, RoutingMode::kSfu},
      ProducerClosed{"p-3", MediaSource::kScreen, RoutingMode::kSfu},
      MediaRouterReset{"lobby", "worker_crashed", 2},
      SignalingErrorNotice{"invalid_json", "payload: not valid JSON (error at byte 1)", std::nullopt},
      Authenticated{"u-1", "alice"},
      Pong{},
  };
}

}  // namespace sfusim::protocol::test
