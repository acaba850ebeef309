// GStreamer as a judge of the reference SFU over real loopback UDP (issue 8):
//   1. GStreamer sends H.264 RTP (videotestsrc ! openh264enc ! rtph264pay ! udpsink) into the
//      plain transport of a native sender session (create_native_sender_session, with the SSRC
//      and payload type the session returned); a reference web client consuming it decodes the
//      frames, and a plain consumer (plain_consumer.h) hands the forwarded stream to a second
//      GStreamer (udpsrc ! rtph264depay ! openh264dec) that decodes every frame that was sent.
//   2. A reference web client publishes its microphone (Opus); a plain consumer hands it to
//      GStreamer (udpsrc ! rtpopusdepay ! opusdec), which decodes one frame per forwarded packet.
// The SFU-side invariant checkers watch the whole time. Bounded: a fixed number of frames, each
// wait a timeout. Skips (exit 77) only when gst-launch-1.0 is not installed.
#include <catch2/catch.hpp>

#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "interop_support.h"
#include "sfusim/clients/video_source_seed.h"
#include "sfusim/clients/web_client.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/sfu/auth_token.h"

using namespace sfusim;
using namespace sfusim::interop;

namespace {

constexpr int kVideoFrames = 60;  // 2 s at 30 fps
constexpr int kFps = 30;
constexpr int kGopFrames = 30;  // an IDR every second
constexpr sim::TimeDelta kSetupTimeout = sim::TimeDelta::Seconds(10);
constexpr sim::TimeDelta kSendTimeout = sim::TimeDelta::Seconds(20);
constexpr sim::TimeDelta kDrain = sim::TimeDelta::Millis(500);
constexpr sim::TimeDelta kAudioTalk = sim::TimeDelta::Seconds(2);
constexpr double kReceiverExitTimeoutS = 10;
// The line fakesink prints (-v, silent=false) for every buffer it gets: one per decoded frame.
const std::string kFakesinkBufferLine = "(fakesink0:sink) (";
const std::string kChannel = "lobby";

void RequireGstreamer() {
  RequireToolsOrSkip({{"gst-launch-1.0", "gstreamer1.0-tools"}, {"gst-inspect-1.0", "gstreamer1.0-tools"}});
  for (const char* element : {"openh264enc", "openh264dec", "rtph264pay", "rtph264depay", "rtpopusdepay", "opusdec",
                              "udpsrc", "udpsink", "videotestsrc"}) {
    const std::string probe = std::string("gst-inspect-1.0 --exists ") + element;
    if (std::system(probe.c_str()) != 0) {
      std::cout << "SKIP: GStreamer element '" << element
                << "' is missing (gstreamer1.0-plugins-base/-good/-bad; scripts/setup.sh installs them)" << std::endl;
      std::exit(kSkipReturnCode);
    }
  }
}

// The SFU on its own AsioNet, with the SFU-side invariants watching.
struct RealSfu {
  sim::RealTimeLoop loop;
  sim::Rng root{8};
  sim::AsioNet net{&loop, kLoopback};
  sfu::SfuConfig config;
  std::unique_ptr<sfu::SfuServer> sfu;
  std::unique_ptr<SfuInvariantWatch> watch;
  sim::SocketAddress address;

  RealSfu() {
    config.signaling_port = 0;
    sfu = std::make_unique<sfu::SfuServer>(sim::Env{&loop.scheduler(), root.Fork("sfu"), &net, nullptr}, config);
    watch = std::make_unique<SfuInvariantWatch>(&loop, sfu.get());
    sfu->SetObserver(watch.get());
    std::string error;
    REQUIRE(sfu->Start(&error));
    address = {kLoopback, net.listening_port()};
  }
  ~RealSfu() { sfu->SetObserver(nullptr); }
};

struct RealWebClient {
  std::unique_ptr<sim::AsioNet> net;
  std::unique_ptr<clients::WebClient> client;
  RealWebClient(RealSfu& s, const std::string& name, bool microphone) {
    net = std::make_unique<sim::AsioNet>(&s.loop, kLoopback);
    clients::WebClientConfig c;
    c.username = name;
    c.token = sfu::MakeAuthToken(s.config.auth_secret, name);
    c.sfu_address = s.address;
    c.channel = kChannel;
    c.publish_microphone = microphone;
    client = std::make_unique<clients::WebClient>(
        sim::Env{&s.loop.scheduler(), s.root.Fork("client/" + name), net.get(), nullptr}, c);
    client->Start();
  }
};

// The producer of `username`'s `source` in the SFU, "" when none.
std::string ProducerOf(const sfu::SfuSnapshot& snap, const std::string& user_id, protocol::MediaSource source) {
  for (const auto& [id, p] : snap.producers) {
    if (p.user_id == user_id && p.source == source) return id;
  }
  return "";
}

// True when `user_id` has a resumed consumer of `producer_id`.
bool HasResumedConsumer(const sfu::SfuSnapshot& snap, const std::string& user_id, const std::string& producer_id) {
  for (const auto& [id, c] : snap.consumers) {
    if (c.user_id == user_id && c.producer_id == producer_id && !c.paused) return true;
  }
  return false;
}

std::string UserIdOf(const sfu::SfuSnapshot& snap, const std::string& username) {
  for (const auto& [id, name] : snap.usernames) {
    if (name == username) return id;
  }
  return "";
}

std::string Show(const ChildProcess& p, const std::string& out, const std::string& err) {
  return "command: " + p.command() + "\nexit: " + std::to_string(p.exit_status()) + "\nstdout (tail): " +
         (out.size() > 2000 ? out.substr(out.size() - 2000) : out) + "\nstderr: " + err;
}

// A started gst-launch receiver needs a moment before its udpsrc listens.
constexpr sim::TimeDelta kReceiverStartup = sim::TimeDelta::Seconds(1);

// GStreamer's signaling is done for it: a raw client on its own socket set joins the channel.
struct GstPeer {
  sim::AsioNet net;
  RawSignalingClient signaling;
  explicit GstPeer(RealSfu& s) : net(&s.loop, kLoopback), signaling(&s.loop, &net) {
    std::string error;
    const bool joined = signaling.Join(s.address, s.config.auth_secret, "gst", kChannel, &error);
    INFO(error);
    REQUIRE(joined);
  }
};

// Ends a gst-launch receiver with an EOS (-e turns SIGINT into one) so it flushes, checks that it
// exited cleanly without an ERROR line, and returns its stdout.
std::string StopReceiver(ChildProcess& receiver, const std::string& out_path, const std::string& err_path) {
  receiver.Signal(SIGINT);
  const bool ended = receiver.Wait(kReceiverExitTimeoutS);
  const std::string out = ReadFile(out_path), err = ReadFile(err_path);
  INFO(Show(receiver, out, err));
  CHECK(ended);
  CHECK(receiver.exit_status() == 0);
  CHECK(CountLinesWith(out + err, "ERROR") == 0);
  return out;
}

TEST_CASE("GStreamer H.264 into a native plain transport: a web client decodes it, GStreamer decodes what the SFU forwards") {
  RequireGstreamer();
  RealSfu s;
  RealWebClient viewer(s, "viewer", /*microphone=*/false);
  REQUIRE(s.loop.RunUntil([&] { return viewer.client->phase() == clients::ClientPhase::kActive; }, kSetupTimeout));

  // GStreamer's raw client joins and opens the native session.
  GstPeer peer(s);
  RawSignalingClient& gst = peer.signaling;
  std::string error;
  auto session = gst.Request({{"action", "create_native_sender_session"}, {"preferred_codecs", {"video/H264"}}}, &error);
  REQUIRE(session);
  const auto ssrc = (*session)["ssrc"].get<uint32_t>();
  const auto pt = (*session)["payload_type"].get<int>();
  const auto target_port = (*session)["rtp_target"]["port"].get<int>();
  const std::string producer_id = (*session)["producer_id"].get<std::string>();
  CHECK(pt == protocol::kPayloadTypeH264);

  // The forwarded stream to a GStreamer decoder, through a plain consumer of the gst user.
  const uint16_t recv_port = FreeUdpPort();
  REQUIRE(recv_port != 0);
  auto plain = s.sfu->OpenPlainConsumer(gst.user_id(), producer_id, {kLoopback, recv_port}, &error);
  REQUIRE(plain);
  CHECK(plain->payload_type == pt);
  const std::string recv_out = TmpPath("gst_h264_recv.out"), recv_err = TmpPath("gst_h264_recv.err");
  ChildProcess receiver("gst-launch-1.0 -v -e udpsrc address=127.0.0.1 port=" + std::to_string(recv_port) +
                            " caps=\"application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=" +
                            std::to_string(pt) +
                            "\" ! rtph264depay ! h264parse ! openh264dec ! fakesink silent=false sync=false",
                        recv_out, recv_err);
  REQUIRE(receiver.started());

  // The web client consumes the screen producer (resumed) before the first frame is sent.
  REQUIRE(s.loop.RunUntil(
      [&] {
        const auto snap = s.sfu->Snapshot();
        return HasResumedConsumer(snap, UserIdOf(snap, "viewer"), producer_id);
      },
      kSetupTimeout));
  s.loop.RunFor(kReceiverStartup);

  const std::string send_out = TmpPath("gst_h264_send.out"), send_err = TmpPath("gst_h264_send.err");
  ChildProcess sender("gst-launch-1.0 -q videotestsrc is-live=true pattern=ball num-buffers=" +
                          std::to_string(kVideoFrames) + " ! video/x-raw,format=I420,width=320,height=240,framerate=" +
                          std::to_string(kFps) + "/1 ! openh264enc gop-size=" + std::to_string(kGopFrames) +
                          " ! rtph264pay config-interval=-1 mtu=1200 pt=" + std::to_string(pt) +
                          " ssrc=" + std::to_string(ssrc) + " ! udpsink host=127.0.0.1 port=" +
                          std::to_string(target_port),
                      send_out, send_err);
  REQUIRE(sender.started());
  const bool sent = s.loop.RunUntil([&] { return sender.Poll(); }, kSendTimeout);
  s.loop.RunFor(kDrain);
  INFO(Show(sender, ReadFile(send_out), ReadFile(send_err)));
  REQUIRE(sent);
  CHECK(sender.exit_status() == 0);

  const std::string rout = StopReceiver(receiver, recv_out, recv_err);

  const auto& k = s.sfu->counters();
  // Loopback loses nothing here, but if the kernel dropped a packet, each loss may cost a frame:
  // the SFU NACKs every sequence number missing from its input (GStreamer does not retransmit).
  const uint64_t lost_upstream = k.upstream_nacked_sequences;
  const std::size_t gst_decoded = CountLinesWith(rout, kFakesinkBufferLine);
  INFO("SFU rtp_received " << k.rtp_received << ", forwarded " << k.rtp_forwarded << ", missing " << lost_upstream
                           << "; GStreamer decoded " << gst_decoded << " of " << kVideoFrames << " frames");
  CHECK(k.rtp_received > 0);
  CHECK(gst_decoded <= static_cast<std::size_t>(kVideoFrames));
  CHECK(gst_decoded + lost_upstream >= static_cast<std::size_t>(kVideoFrames));
  CHECK(s.watch->forwarded().at(plain->consumer_id) == k.rtp_received);

  // The reference web client decoded GStreamer's frames.
  const auto& video = viewer.client->video_stats();
  const auto it = video.find(clients::VideoStatsKey("gst", "screen"));
  REQUIRE(it != video.end());
  const auto& v = it->second;
  INFO("web client: frames decoded " << v.frames_decoded << ", received " << v.frames_received << ", decode errors "
                                     << v.decode_errors << ", lost " << v.frames_lost);
  CHECK(v.frames_decoded > 0);
  CHECK(v.decode_errors == 0);
  CHECK(v.frames_decoded + v.frames_lost + v.frames_skipped >= static_cast<uint64_t>(kVideoFrames) - lost_upstream);

  std::string failures;
  INFO(failures);
  CHECK(s.watch->AllPassed(&failures));
  gst.Close();
}

TEST_CASE("GStreamer decodes the Opus a web client publishes, through a plain consumer: one frame per forwarded packet") {
  RequireGstreamer();
  RealSfu s;
  RealWebClient talker(s, "talker", /*microphone=*/true);
  REQUIRE(s.loop.RunUntil([&] { return talker.client->phase() == clients::ClientPhase::kActive; }, kSetupTimeout));
  GstPeer peer(s);
  RawSignalingClient& gst = peer.signaling;
  std::string error;
  const auto snap = s.sfu->Snapshot();
  const std::string producer_id = ProducerOf(snap, UserIdOf(snap, "talker"), protocol::MediaSource::kMicrophone);
  REQUIRE(!producer_id.empty());

  const uint16_t recv_port = FreeUdpPort();
  REQUIRE(recv_port != 0);
  const std::string recv_out = TmpPath("gst_opus_recv.out"), recv_err = TmpPath("gst_opus_recv.err");
  // The payload type is the producer's; the plain consumer reports it, but the receiver must
  // listen before the consumer exists, so it accepts the router's Opus payload type.
  ChildProcess receiver("gst-launch-1.0 -v -e udpsrc address=127.0.0.1 port=" + std::to_string(recv_port) +
                            " caps=\"application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=" +
                            std::to_string(protocol::kPayloadTypeOpus) +
                            "\" ! rtpopusdepay ! opusdec plc=false ! fakesink silent=false sync=false",
                        recv_out, recv_err);
  REQUIRE(receiver.started());
  s.loop.RunFor(kReceiverStartup);
  auto plain = s.sfu->OpenPlainConsumer(gst.user_id(), producer_id, {kLoopback, recv_port}, &error);
  INFO(error);
  REQUIRE(plain);
  CHECK(plain->payload_type == protocol::kPayloadTypeOpus);
  CHECK(plain->mime_type == "audio/opus");
  s.loop.RunFor(kAudioTalk);
  // End the consumer first (the gst connection leaves), then let what is in flight arrive.
  gst.Close();
  s.loop.RunFor(kDrain);
  const std::string rout = StopReceiver(receiver, recv_out, recv_err);
  const uint64_t forwarded = s.watch->forwarded().at(plain->consumer_id);
  const std::size_t decoded = CountLinesWith(rout, kFakesinkBufferLine);
  INFO("forwarded " << forwarded << " Opus packets, GStreamer decoded " << decoded << " frames");
  CHECK(forwarded > kAudioTalk.ms() / 20 / 2);  // at least half the 20 ms packets of the talk time
  CHECK(decoded == forwarded);
  std::string failures;
  INFO(failures);
  CHECK(s.watch->AllPassed(&failures));
}

}  // namespace
