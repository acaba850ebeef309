// WebClient: sfusim's reference web client (mediasoup-client style), PROTOCOL.md §4 and
// E2E_DESIGN.md "clients/".
//
// Contract:
// - Start() opens the signaling stream to config.sfu_address, authenticates, joins
//   config.channel, then sets up media: get_router_rtp_capabilities, load the device, create and
//   connect the send and recv transports (SRTP AEAD_AES_128_GCM, keys from DeriveSrtpKeys), produce
//   the microphone when publishing, consume and resume every remote producer. phase() is kActive
//   once media_complete().
// - Every media_signal request times out after 10 s (OnRequestTimedOut); responses match by
//   request_id; an unknown or late response is counted, never fatal. A server message that fails
//   to decode is counted (counters().decode_errors), never fatal.
// - A signaling drop (or repeated failures) triggers reconnection with exponential backoff
//   (config.reconnect), then re-authentication, rejoin and full media setup; media_router_reset
//   redoes the media setup without rejoining. After max_attempts failed attempts: kFailed.
// - Recovery: a request of the current media setup that times out is repeated alone, after a
//   capped exponential backoff, up to kMaxRequestAttempts sends (request_retry.h: which actions are
//   safe to repeat and what an error answer to a repeat means). When the repeats are exhausted, or
//   a repeat shows that the first copy took effect but its lost answer carried what the client
//   needs (a transport's or producer's id), or a setup request fails with an error other than
//   media_unavailable (the router is gone: wait for media_router_reset), the client drops the
//   connection and reconnects (a fresh connection has a clean server state). A consume/resume
//   error only drops that producer. A media transport that received packets and then nothing for 5 s is
//   `disconnected`; 10 s later `failed` (TransportHealth), which also reconnects.
// - Events: signaling_disconnected when a connected stream is lost; signaling_reconnected when a
//   later connection authenticates; media_restored when media is complete again after a
//   reconnection or a router reset (not after the first join); worker_restarted on every accepted
//   media_router_reset (a generation not newer than the last one is ignored as stale).
// - Audio and video producers of others are consumed (a VideoReceiver per camera/screen
//   consumer); its own are never. media_complete() asks that every consumer (audio and video) is
//   resumed and has received at least one RTP packet, and that every producer it publishes exists.
// - Video (VIDEO_DESIGN.md V5): the camera (config.publish_camera, SetCamera) is an H.264
//   producer (source camera) with the router's codec parameters, re-produced on every media
//   setup; SetCamera(false) closes the producer (media_close_producer). StartScreenShare(native):
//   on a desktop client with native=true, create_native_sender_session then a NativeSender on the
//   returned plain transport; its events go to ClientObserver::OnClientEvent; on
//   fallback_triggered, or a fatal setup failure, the native producer is closed and the browser
//   screen share is produced on the send transport, then `fallback_completed` is emitted. Otherwise
//   (or on a web client) the browser path directly. StopScreenShare stops whichever runs; a later
//   StartScreenShare(true) tries native again (no sticky flag).
// - RTCP: NACK to the VideoSender owning the media SSRC, PLI/FIR -> key frame, RR blocks about our
//   SSRCs (RTT from LSR/DLSR, loss) and REMB -> BandwidthController -> target bitrate; SR for every
//   sending stream; RR with real report blocks for the received streams; receivers' NACK/PLI go
//   out on the recv transport.
// - video_stats() has one VideoStreamStats per "<username>/<camera|screen>" (VideoStatsKey),
//   kept across reconnects and re-consumes.
// - audio_stats() has one AudioStreamStats per remote username, kept across reconnects and
//   re-consumes. A client never consumes its own producer.
// - Deterministic: everything runs on env's scheduler; randomness (SSRCs, jitter) from env.rng.
//   The destructor cancels every timer and closes its stream and sockets; no callback reaches a
//   destroyed client.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "sfusim/clients/audio/audio_stream_stats.h"
#include "sfusim/clients/client_counters.h"
#include "sfusim/clients/client_observer.h"
#include "sfusim/clients/client_phase.h"
#include "sfusim/clients/connection_state.h"
#include "sfusim/clients/transport_health.h"
#include "sfusim/clients/native/native_fault.h"
#include "sfusim/clients/native/native_sender_status.h"
#include "sfusim/clients/video/video_stream_stats.h"
#include "sfusim/clients/video_source_seed.h"
#include "sfusim/clients/web_client_config.h"
#include "sfusim/sim/env.h"

namespace sfusim::clients {

// Client-side constants (E2E_DESIGN.md).
inline constexpr sim::TimeDelta kHeartbeatInterval = sim::TimeDelta::Seconds(15);  // ping when quiet
inline constexpr sim::TimeDelta kRtcpInterval = sim::TimeDelta::Seconds(1);       // RFC 3550, simplified
inline constexpr std::size_t kMaxQueuedAnnouncements = 1024;  // new_producer before the device loads

class WebClient {
 public:
  WebClient(sim::Env env, WebClientConfig config);
  ~WebClient();
  WebClient(const WebClient&) = delete;
  WebClient& operator=(const WebClient&) = delete;

  void Start();                           // connect, authenticate, join config.channel
  void Join(const std::string& channel);  // after Leave() (or to join a first channel)
  void Leave();                           // leave_voice; stays connected, phase kLeft
  void SwitchChannel(const std::string& channel);
  void SetMuted(bool muted);              // muting reports speaking=false at once
  void SendRaw(std::string text);         // verbatim on the signaling stream
  void SetObserver(ClientObserver* observer);
  // Video (VIDEO_DESIGN.md V5). All are safe in any phase: they change what the client wants to
  // publish and act at once when media is set up (otherwise at the next media setup).
  void SetCamera(bool on);
  void StartScreenShare(bool native);     // native is ignored (browser path) unless config.desktop
  void StopScreenShare();
  // Forwards to the running native sender; with none running, remembered until `until` so a
  // sender started before then gets it.
  void InjectEncoderFault(NativeFault fault, sim::Timestamp until);

  ClientPhase phase() const;
  const std::string& channel() const;     // the channel joined (or being joined); empty when none
  const std::string& user_id() const;     // from voice_joined; empty before
  const std::string& username() const;
  ConnectionState connection_state() const;
  TransportState transport_state() const; // TransportHealth::Overall now
  bool muted() const;
  bool speaking() const;                  // the last voice_activity state sent
  bool media_complete() const;            // producing what it publishes and consuming every remote
                                          // producer it was told of, all resumed and receiving
  const std::map<std::string, AudioStreamStats>& audio_stats() const;  // by remote username
  // By "<username>/<camera|screen>" (VideoStatsKey), kept across reconnects and re-consumes.
  const std::map<std::string, VideoStreamStats>& video_stats() const;
  std::optional<NativeSenderStatus> native_status() const;  // the native sender's, when one exists
  bool camera_on() const;                 // what the client wants (config, then SetCamera)
  bool screen_sharing() const;            // a screen share is wanted (either path)
  bool screen_native() const;             // ... and it runs (or is being set up) on the native path
  const ClientCounters& counters() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfusim::clients
