// tshark as a judge of a real run (issue 8): dumpcap captures the loopback traffic of the
// reference SFU and two reference web clients (SRTP audio and H.264 video, TCP signaling) with a
// capture filter on the run's own ports; tshark then
//   1. dissects every captured packet (the media ports decoded as RTP; RTCP is multiplexed on
//      them, RFC 5761) with no malformed packet and no expert error;
//   2. finds, per SSRC, as many RTP packets as the endpoints counted: the sender's packets sent
//      upstream, the SFU's forwarded packets and the receiver's received packets downstream;
//   3. and its stream analysis (-z rtp,streams) reports no loss and no problem (sequence errors,
//      wrong timestamps) on any of them, as the endpoints' counts say.
// SRTP encrypts payloads only: the RTP headers dissect as RTP. Bounded: a few seconds of media.
// Skips (exit 77) only when tshark or dumpcap is not installed.
#include <catch2/catch.hpp>

#include <signal.h>

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "interop_support.h"
#include "sfusim/clients/video_source_seed.h"
#include "sfusim/clients/web_client.h"
#include "sfusim/sfu/auth_token.h"

using namespace sfusim;
using namespace sfusim::interop;

namespace {

// The SFU's media ports come from this range, so the capture filter can name them before they
// are opened (AsioNet skips ports in use by others).
constexpr uint16_t kMediaPortFirst = 46'100;
constexpr uint16_t kMediaPortLast = 46'199;
constexpr sim::TimeDelta kSetupTimeout = sim::TimeDelta::Seconds(10);
constexpr sim::TimeDelta kCaptureStartTimeout = sim::TimeDelta::Seconds(10);
constexpr sim::TimeDelta kTalk = sim::TimeDelta::Seconds(3);
constexpr sim::TimeDelta kDrain = sim::TimeDelta::Millis(500);
constexpr double kCaptureStopTimeoutS = 10;
const std::string kChannel = "lobby";

std::vector<std::string> Tokens(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const std::string kMediaPorts = std::to_string(kMediaPortFirst) + "-" + std::to_string(kMediaPortLast);

// Runs tshark on the capture with the media ports decoded as `as` (rtp or srtcp), output to a
// file; the output text.
std::string Tshark(const std::string& pcap, const std::string& as, const std::string& args, const std::string& name) {
  const std::string out = TmpPath(name + ".out"), err = TmpPath(name + ".err");
  ChildProcess p("tshark -n -r '" + pcap + "' -d udp.port==" + kMediaPorts + "," + as + " " + args, out, err);
  REQUIRE(p.started());
  REQUIRE(p.Wait(60));
  INFO("tshark: " << p.command() << "\n" << ReadFile(err));
  REQUIRE(p.exit_status() == 0);
  return ReadFile(out);
}

const std::string kBadFrames = "(_ws.malformed || _ws.expert.severity == error)";

TEST_CASE("tshark dissects a real loopback run without a malformed packet, and its RTP counts agree with the endpoints") {
  RequireToolsOrSkip({{"tshark", "tshark"}, {"dumpcap", "tshark (wireshark-common)"}});
  sim::RealTimeLoop loop;
  sim::Rng root(46);
  sim::AsioNet sfu_net(&loop, kLoopback);
  sfu_net.SetDatagramPortRange(kMediaPortFirst, kMediaPortLast);
  sfu::SfuConfig config;
  config.signaling_port = 0;
  sfu::SfuServer sfu(sim::Env{&loop.scheduler(), root.Fork("sfu"), &sfu_net, nullptr}, config);
  SfuInvariantWatch watch(&loop, &sfu);
  sfu.SetObserver(&watch);
  std::string error;
  REQUIRE(sfu.Start(&error));
  const uint16_t signaling_port = sfu_net.listening_port();

  const std::string pcap = TmpPath("tshark_interop.pcapng");
  const std::string filter = "udp portrange " + std::to_string(kMediaPortFirst) + "-" +
                             std::to_string(kMediaPortLast) + " or tcp port " + std::to_string(signaling_port);
  const std::string cap_err = TmpPath("tshark_interop.dumpcap.err");
  ChildProcess capture("dumpcap -q -i lo -f '" + filter + "' -w '" + pcap + "'", TmpPath("tshark_interop.dumpcap.out"),
                       cap_err);
  REQUIRE(capture.started());
  const bool capturing =
      loop.RunUntil([&] { return capture.Poll() || ReadFile(cap_err).find("Capturing on") != std::string::npos; },
                    kCaptureStartTimeout);
  INFO("dumpcap: " << ReadFile(cap_err));
  REQUIRE(capturing);
  REQUIRE_FALSE(capture.Poll());

  // alice publishes microphone and camera; bob only listens, so every stream has one direction.
  std::map<std::string, std::unique_ptr<sim::AsioNet>> nets;
  std::map<std::string, std::unique_ptr<clients::WebClient>> people;
  for (const std::string name : {"alice", "bob"}) {
    nets[name] = std::make_unique<sim::AsioNet>(&loop, kLoopback);
    clients::WebClientConfig c;
    c.username = name;
    c.token = sfu::MakeAuthToken(config.auth_secret, name);
    c.sfu_address = {kLoopback, signaling_port};
    c.channel = kChannel;
    c.publish_microphone = name == "alice";
    c.publish_camera = name == "alice";
    people[name] = std::make_unique<clients::WebClient>(
        sim::Env{&loop.scheduler(), root.Fork("client/" + name), nets[name].get(), nullptr}, c);
    people[name]->Start();
  }
  clients::WebClient& alice = *people["alice"];
  clients::WebClient& bob = *people["bob"];
  REQUIRE(loop.RunUntil([&] { return alice.media_complete() && bob.media_complete(); }, kSetupTimeout));
  loop.RunFor(kTalk);
  // The SSRCs before alice leaves (her producers and bob's consumers of them close then).
  const auto snap = sfu.Snapshot();
  std::map<std::string, uint32_t> producer_ssrc;  // "audio" / "video" -> ssrc
  std::map<std::string, std::pair<std::string, uint32_t>> consumer_ssrc;  // kind -> (id, ssrc)
  for (const auto& [id, p] : snap.producers) producer_ssrc[std::string(protocol::ToString(p.kind))] = p.ssrc;
  for (const auto& [id, c] : snap.consumers) {
    const auto& p = snap.producers.at(c.producer_id);
    consumer_ssrc[std::string(protocol::ToString(p.kind))] = {id, c.ssrc};
  }
  REQUIRE(producer_ssrc.size() == 2);
  REQUIRE(consumer_ssrc.size() == 2);
  alice.Leave();  // her media stops; what is in flight drains
  loop.RunFor(kDrain);
  capture.Signal(SIGINT);
  const bool stopped = capture.Wait(kCaptureStopTimeoutS);
  const std::string dumpcap_report = ReadFile(cap_err);
  INFO("dumpcap: " << dumpcap_report);
  REQUIRE(stopped);

  const auto& a = alice.counters();
  // What bob's sockets took in (decrypted, parsed RTP, before any jitter buffer judges it in time:
  // on a loaded machine the playout may count a packet late that the network delivered).
  const auto& b = bob.counters();
  const uint64_t bob_video_received = b.video_rtp_received;
  const uint64_t bob_audio_received = b.rtp_received - b.video_rtp_received - b.unknown_ssrc_packets;
  const uint64_t alice_audio_sent = a.rtp_sent - a.video_rtp_sent;

  // 1. Every packet dissects; nothing malformed, no expert error. With the media ports decoded as
  // RTP, tshark hands the multiplexed RTCP to its RTCP dissector (RFC 5761), which cannot know
  // the RTCP is SRTCP (encrypted after its first 8 bytes, then index and tag): those frames are
  // judged a second time decoded as SRTCP, whose dissector reads the clear header and leaves the
  // encrypted rest alone.
  const std::string undissected = Tshark(pcap, "rtp", "-Y 'udp && !rtp && !rtcp' -T fields -e frame.number",
                                         "tshark_interop_undissected");
  CHECK(undissected.empty());
  const std::string bad = Tshark(pcap, "rtp", "-Y '" + kBadFrames + " && !rtcp' -T fields -e frame.number "
                                 "-e _ws.col.Protocol -e _ws.expert.message", "tshark_interop_bad");
  CHECK(bad.empty());
  std::string rtcp_frames;  // "n1,n2,...": the frames tshark dissected as RTCP
  std::size_t rtcp_count = 0;
  {
    std::istringstream in(Tshark(pcap, "rtp", "-Y rtcp -T fields -e frame.number", "tshark_interop_rtcp"));
    for (std::string n; std::getline(in, n);) {
      if (n.empty()) continue;
      rtcp_frames += (rtcp_frames.empty() ? "" : ",") + n;
      ++rtcp_count;
    }
  }
  CHECK(rtcp_count > 0);  // SR/RR/REMB/PLI flowed both ways
  if (rtcp_count > 0) {
    const std::string in_rtcp = "frame.number in {" + rtcp_frames + "}";
    const std::string bad_srtcp = Tshark(pcap, "srtcp", "-Y '" + in_rtcp + " && " + kBadFrames +
                                         "' -T fields -e frame.number -e _ws.expert.message", "tshark_interop_srtcp");
    CHECK(bad_srtcp.empty());
    const std::string srtcp = Tshark(pcap, "srtcp", "-Y '" + in_rtcp + " && srtcp.encrypted_payload' -T fields -e frame.number",
                                     "tshark_interop_srtcp_payload");
    CHECK(CountLinesWith(srtcp, "") == rtcp_count);  // each one's clear header read, the encrypted rest left alone
  }
  // 2. RTP packets per SSRC (RTCP has no rtp.ssrc, so only RTP counts).
  const std::string per_packet = Tshark(pcap, "rtp", "-Y rtp -T fields -e rtp.ssrc", "tshark_interop_rtp");
  std::map<std::string, uint64_t> rtp_by_ssrc;
  std::istringstream lines(per_packet);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) ++rtp_by_ssrc[Lower(line)];
  }
  const uint64_t up_audio = rtp_by_ssrc[Hex32(producer_ssrc["audio"])];
  const uint64_t up_video = rtp_by_ssrc[Hex32(producer_ssrc["video"])];
  const uint64_t down_audio = rtp_by_ssrc[Hex32(consumer_ssrc["audio"].second)];
  const uint64_t down_video = rtp_by_ssrc[Hex32(consumer_ssrc["video"].second)];
  const uint64_t fwd_audio = watch.forwarded().at(consumer_ssrc["audio"].first);
  const uint64_t fwd_video = watch.forwarded().at(consumer_ssrc["video"].first);
  INFO("tshark up audio " << up_audio << " video " << up_video << "; alice sent audio " << alice_audio_sent
                          << " video " << a.video_rtp_sent);
  INFO("tshark down audio " << down_audio << " video " << down_video << "; SFU forwarded audio " << fwd_audio
                            << " video " << fwd_video << " (+" << sfu.counters().rtp_retransmitted
                            << " retransmitted); bob received audio " << bob_audio_received << " video "
                            << bob_video_received);
  CHECK(up_audio > 0);
  CHECK(up_video > 0);
  CHECK(up_audio == alice_audio_sent);
  CHECK(up_video == a.video_rtp_sent);
  CHECK(down_audio == fwd_audio);
  CHECK(down_video == fwd_video + sfu.counters().rtp_retransmitted);
  CHECK(down_audio == bob_audio_received);
  CHECK(down_video == bob_video_received);
  CHECK(b.unknown_ssrc_packets == 0);
  CHECK(b.srtp_errors == 0);

  // 3. tshark's stream analysis: no loss and no sequence error on any of the four streams, as the
  // counts above say (every packet sent arrived).
  const std::string streams = Tshark(pcap, "rtp", "-q -z rtp,streams", "tshark_interop_streams");
  INFO(streams);
  std::map<std::string, std::pair<uint64_t, int64_t>> analysed;  // ssrc -> (packets, lost)
  std::map<std::string, bool> problem;                            // ssrc -> the "Problem?" column
  std::istringstream rows(streams);
  for (std::string row; std::getline(rows, row);) {
    const auto t = Tokens(row);
    for (std::size_t i = 0; i + 3 < t.size(); ++i) {
      if (t[i].rfind("0x", 0) != 0 || t[i + 3].empty() || t[i + 3][0] == '(') continue;
      analysed[Lower(t[i])] = {std::stoull(t[i + 2]), std::stoll(t[i + 3])};
      problem[Lower(t[i])] = t.back() == "X";
      break;
    }
  }
  for (uint32_t ssrc : {producer_ssrc["audio"], producer_ssrc["video"], consumer_ssrc["audio"].second,
                        consumer_ssrc["video"].second}) {
    INFO("ssrc " << Hex32(ssrc));
    REQUIRE(analysed.count(Hex32(ssrc)) == 1);
    CHECK(analysed[Hex32(ssrc)].first == rtp_by_ssrc[Hex32(ssrc)]);
    CHECK(analysed[Hex32(ssrc)].second == 0);
    CHECK_FALSE(problem[Hex32(ssrc)]);
  }

  std::string failures;
  INFO(failures);
  CHECK(watch.AllPassed(&failures));
  sfu.SetObserver(nullptr);
  people.clear();
}

}  // namespace
