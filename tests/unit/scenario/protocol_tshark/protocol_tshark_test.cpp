// Cross-check of sfusim's RTP/RTCP wire formats against an independent implementation, tshark.
// A pcap written with sim::PcapWriter holds every RTP and RTCP packet type the protocol library
// writes (RTP with one-byte and two-byte extensions, CSRCs, padding; SR, RR, SDES, BYE, APP,
// NACK, PLI, FIR, REMB, transport-cc), RTP on port 5006 and RTCP on 5007 (decoded with -d):
//   1. no malformed packet and no expert error, every datagram dissected as RTP or RTCP (and a
//      negative control: a broken RTCP length is caught by the same filter);
//   2. tshark reads back every RTP field we wrote (header, CSRCs, extension ids and data,
//      padding count, payload) and the RTCP values (report block, NACK, REMB, FIR, transport-cc
//      header and every receive delta, BYE reason, APP name);
//   3. tshark's RTP stream analysis (-z rtp,streams) counts the same lost packets as
//      ReceiveStatistics on a stream with a known loss pattern that crosses the sequence wrap.
// tshark is a hard dependency of this test (scripts/setup.sh installs it): its absence fails.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtcp/compound_packet.h"
#include "sfusim/protocol/rtp/abs_send_time.h"
#include "sfusim/protocol/rtp/audio_level.h"
#include "sfusim/protocol/rtp/receive_statistics.h"
#include "sfusim/protocol/rtp/rtp_mid.h"
#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/protocol/rtp/transport_sequence_number.h"
#include "sfusim/sim/pcap_writer.h"

using namespace sfusim::protocol;
using sfusim::sim::MakeIpv4;
using sfusim::sim::PcapWriter;
using sfusim::sim::SocketAddress;
using sfusim::sim::Timestamp;

namespace {

constexpr uint16_t kRtpPort = 5006;
constexpr uint16_t kRtcpPort = 5007;
const SocketAddress kSender{MakeIpv4(10, 0, 0, 1), 5004};
const SocketAddress kReceiverRtp{MakeIpv4(10, 0, 0, 2), kRtpPort};
const SocketAddress kReceiverRtcp{MakeIpv4(10, 0, 0, 2), kRtcpPort};

constexpr uint32_t kAudioSsrc = 0x0A0D10;
constexpr uint32_t kVideoSsrc = 0x0B1DE0;
constexpr uint32_t kOpusClockHz = 48'000;
constexpr int kAudioPackets = 600;
constexpr uint16_t kAudioFirstSeq = 65'300;  // crosses the wrap after 236 packets
constexpr int kVideoPackets = 60;
constexpr int64_t kAudioPtimeUs = 20'000;

std::string TmpPath(const std::string& name) { return std::string(SFUSIM_TEST_TMP_DIR) + "/" + name; }

struct CommandResult {
  int status = -1;
  std::string out;
};

// Runs a shell command, capturing stdout; stderr goes to `err_path`, shown on failure.
CommandResult Run(const std::string& cmd, const std::string& err_path) {
  CommandResult r;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((cmd + " 2>" + err_path).c_str(), "r"), pclose);
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) r.out.append(buf.data(), n);
  r.status = pclose(pipe.release());
  if (r.status != 0) {
    std::ifstream err(err_path);
    std::stringstream ss;
    ss << err.rdbuf();
    UNSCOPED_INFO("command failed: " << cmd << "\nstderr: " << ss.str());
  }
  return r;
}

void RequireTshark() {
  if (std::system("command -v tshark >/dev/null 2>&1") != 0) {
    FAIL("tshark not found on PATH: this test needs it (scripts/setup.sh installs the 'tshark' package)");
  }
}

// Lists frames tshark finds malformed or flags with an expert error.
const std::string kBadFramesArgs =
    "-Y '_ws.malformed || _ws.expert.severity == error' -T fields -e frame.number -e _ws.expert.message";

std::string Tshark(const std::string& pcap, const std::string& args) {
  const std::string cmd = "tshark -n -r '" + pcap + "' -o rtp.heuristic_rtp:TRUE -d udp.port==" +
                          std::to_string(kRtpPort) + ",rtp -d udp.port==" + std::to_string(kRtcpPort) + ",rtcp " + args;
  const auto r = Run(cmd, pcap + ".stderr.txt");  // one per pcap: test cases may run in parallel
  REQUIRE(r.status == 0);
  return r.out;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::vector<uint8_t> MustSerialize(const RtpPacket& p) {
  auto r = p.Serialize();
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return *r;
}

template <typename T>
std::vector<uint8_t> MustSerializeRtcp(const T& p) {
  auto r = p.Serialize();
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return *r;
}

// The audio stream's loss pattern: a burst, scattered losses, and losses around the wrap.
bool AudioDropped(int i) {
  return (i >= 40 && i < 47) || (i % 37 == 5) || i == 235 || i == 236 || i == 237 || (i >= 500 && i < 520);
}

std::string Hex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

// What tshark should print for `-e rtp.seq -e rtp.timestamp -e rtp.ssrc -e rtp.marker -e rtp.p_type
// -e rtp.csrc.item -e rtp.ext.rfc5285.id -e rtp.ext.rfc5285.data -e rtp.padding.count -e rtp.payload`,
// computed from our own parse of the bytes we wrote.
std::string ExpectedRtpFields(const std::vector<uint8_t>& bytes) {
  auto v = RtpPacketView::Parse(bytes);
  REQUIRE(v.ok());
  std::ostringstream o;
  o << v->sequence_number() << ';' << v->timestamp() << ';' << Hex32(v->ssrc()) << ';' << (v->marker() ? 1 : 0) << ';'
    << int{v->payload_type()} << ';';
  for (size_t i = 0; i < v->csrc_count(); ++i) o << (i ? "," : "") << Hex32(v->csrc(i));
  std::string ids, data;
  v->ForEachExtension([&](const RtpHeaderExtension::Element& e) {
    if (!ids.empty()) ids += ',';
    ids += std::to_string(e.id);
    if (!data.empty()) data += ',';
    data += Hex(e.data);
  });
  o << ';' << ids << ';' << data << ';';
  if (v->padding_size()) o << v->padding_size();
  o << ';' << Hex(v->payload());
  return o.str();
}

struct Capture {
  std::string path;
  std::vector<std::string> rtp_fields;  // expected tshark line per RTP datagram, in file order
  std::string twcc_deltas;              // expected rtcp.rtpfb.transportcc.recv_delta values
  int rtp_datagrams = 0;
  int rtcp_datagrams = 0;
  int audio_dropped = 0;
  int64_t stats_lost = 0;
  uint32_t stats_highest = 0;
};

Capture WriteCapture(const std::string& name) {
  Capture cap;
  cap.path = TmpPath(name);
  std::string error;
  auto pcap = PcapWriter::Open(cap.path, &error);
  INFO(error);
  REQUIRE(pcap != nullptr);

  ReceiveStatistics audio_stats(kAudioSsrc, kOpusClockHz);
  int64_t last_us = 0;
  // Audio: one-byte extensions (mid, abs-send-time, transport-wide seq, audio level).
  for (int i = 0; i < kAudioPackets; ++i) {
    const int64_t at_us = 1'000'000 + i * kAudioPtimeUs;
    last_us = at_us;
    if (AudioDropped(i)) {
      ++cap.audio_dropped;
      continue;
    }
    RtpPacket p;
    p.set_payload_type(kPayloadTypeOpus);
    p.set_sequence_number(static_cast<uint16_t>(kAudioFirstSeq + i));
    p.set_timestamp(static_cast<uint32_t>(i * 960));
    p.set_ssrc(kAudioSsrc);
    p.set_marker(i == 0);
    REQUIRE(p.SetExtension<RtpMid>(kHeaderExtensionIdMid, "0").ok());
    REQUIRE(p.SetExtension<AbsSendTime>(kHeaderExtensionIdAbsSendTime, AbsSendTime::FromMicros(at_us)).ok());
    REQUIRE(p.SetExtension<TransportSequenceNumber>(kHeaderExtensionIdTransportWideCc, static_cast<uint16_t>(i)).ok());
    REQUIRE(p.SetExtension<AudioLevel>(kHeaderExtensionIdAudioLevel, AudioLevel::Value{i % 2 == 0, 30}).ok());
    p.set_payload(std::vector<uint8_t>(80, static_cast<uint8_t>(i)));
    const auto bytes = MustSerialize(p);
    pcap->WriteUdp(Timestamp::Micros(at_us), kSender, kReceiverRtp, bytes);
    cap.rtp_fields.push_back(ExpectedRtpFields(bytes));
    ++cap.rtp_datagrams;
    audio_stats.OnRtpPacket(p.sequence_number(), p.timestamp(), at_us);
  }
  cap.stats_lost = audio_stats.cumulative_lost();
  cap.stats_highest = audio_stats.extended_highest_sequence();

  // Video: two-byte extensions (a 20-byte mid forces the form), CSRCs, padding, no loss.
  for (int i = 0; i < kVideoPackets; ++i) {
    RtpPacket p;
    p.set_payload_type(kPayloadTypeVp8);
    p.set_sequence_number(static_cast<uint16_t>(7000 + i));
    p.set_timestamp(static_cast<uint32_t>(i / 3 * 3000));
    p.set_ssrc(kVideoSsrc);
    p.set_marker(i % 3 == 2);
    p.set_csrcs({0xC5C1, 0xC5C2});
    REQUIRE(p.SetExtension<RtpMid>(kHeaderExtensionIdMid, "video-with-a-long-mid").ok());
    REQUIRE(p.SetExtension<TransportSequenceNumber>(kHeaderExtensionIdTransportWideCc, static_cast<uint16_t>(1000 + i)).ok());
    p.set_payload(std::vector<uint8_t>(300 + i, 0x5A));
    p.set_padding_size(static_cast<uint8_t>(i % 5 == 0 ? 4 : 0));
    const auto bytes = MustSerialize(p);
    pcap->WriteUdp(Timestamp::Micros(1'005'000 + i * 33'333), kSender, kReceiverRtp, bytes);
    cap.rtp_fields.push_back(ExpectedRtpFields(bytes));
    ++cap.rtp_datagrams;
  }

  // RTCP, one datagram per interesting combination.
  int64_t t = last_us + 10'000;
  auto write_rtcp = [&](const std::vector<uint8_t>& bytes) {
    pcap->WriteUdp(Timestamp::Micros(t), kSender, kReceiverRtcp, bytes);
    t += 1000;
    ++cap.rtcp_datagrams;
  };
  {
    rtcp::CompoundPacket c;
    rtcp::SenderReport sr{kAudioSsrc, 0xE54F1D6B80000000ull, 960 * 600, 600, 48'000, {}, {}};
    sr.report_blocks.push_back(audio_stats.GenerateReportBlock(t));
    c.packets.push_back(sr);
    c.packets.push_back(rtcp::Sdes::WithCname(kAudioSsrc, "native-000a0d10"));
    write_rtcp(MustSerializeRtcp(c));
  }
  {
    rtcp::CompoundPacket c;
    audio_stats.OnSenderReport(0xE54F1D6B80000000ull, t - 500'000);
    c.packets.push_back(rtcp::ReceiverReport{0x5EED, {audio_stats.GenerateReportBlock(t)}, {}});
    const std::vector<uint16_t> lost = {65340, 65341, 65342, 65343, 65344, 65345, 65346, 0, 1, 2};
    c.packets.push_back(rtcp::Nack::FromSequenceNumbers(0x5EED, kAudioSsrc, lost));
    c.packets.push_back(rtcp::Remb{0x5EED, 1'500'000, {kAudioSsrc, kVideoSsrc}});
    write_rtcp(MustSerializeRtcp(c));
  }
  {
    rtcp::CompoundPacket c;
    c.packets.push_back(rtcp::ReceiverReport{0x5EED, {}, {}});
    c.packets.push_back(rtcp::Pli{0x5EED, kVideoSsrc});
    c.packets.push_back(rtcp::Fir{0x5EED, {{kVideoSsrc, 3}}});
    write_rtcp(MustSerializeRtcp(c));
  }
  {
    // transport-cc over the audio packets: losses, run-length, 1-bit and 2-bit vectors.
    std::vector<rtcp::TransportFeedback::PacketResult> results;
    for (int i = 0; i < 120; ++i) {
      const bool received = !AudioDropped(i);
      const int64_t jitter_us = (i % 11 == 0) ? 70'000 : (i % 7) * 300;  // some large deltas
      results.push_back({static_cast<uint16_t>(i), received, received ? 1'000'000 + i * kAudioPtimeUs + jitter_us : 0});
    }
    auto fb = rtcp::TransportFeedback::FromPacketResults(0x5EED, kAudioSsrc, 1, results);
    REQUIRE(fb.ok());
    for (const auto& st : fb->packets) {
      if (!st.received) continue;
      char buf[16];
      if (st.delta_ticks >= 0 && st.delta_ticks <= rtcp::TransportFeedback::kMaxSmallDelta) {
        std::snprintf(buf, sizeof(buf), "0x%02x", static_cast<unsigned>(st.delta_ticks));
      } else {
        std::snprintf(buf, sizeof(buf), "0x%04x", static_cast<unsigned>(static_cast<uint16_t>(st.delta_ticks)));
      }
      if (!cap.twcc_deltas.empty()) cap.twcc_deltas += ',';
      cap.twcc_deltas += buf;
    }
    rtcp::CompoundPacket c;
    c.packets.push_back(rtcp::ReceiverReport{0x5EED, {}, {}});
    c.packets.push_back(*fb);
    write_rtcp(MustSerializeRtcp(c));
  }
  {
    rtcp::CompoundPacket c;
    c.packets.push_back(rtcp::ReceiverReport{0x5EED, {}, {}});
    c.packets.push_back(rtcp::UnknownRtcpPacket{1, rtcp::RtcpHeader::kPtApp, false, {0, 0, 0x5E, 0xED, 'n', 'a', 'm', 'e', 1, 2, 3, 4}});
    c.packets.push_back(rtcp::Bye{{kAudioSsrc}, std::string("call ended")});
    write_rtcp(MustSerializeRtcp(c));
  }
  pcap->Flush();
  return cap;
}

}  // namespace

TEST_CASE("tshark dissects every RTP/RTCP packet type without errors", "[tshark]") {
  RequireTshark();
  const Capture cap = WriteCapture("protocol_tshark_all_types.pcap");

  // No malformed packet and no expert error anywhere.
  const std::string bad = Tshark(cap.path, kBadFramesArgs);
  INFO("malformed/error frames:\n" << bad);
  CHECK(Lines(bad).empty());

  // Every datagram was taken as RTP or RTCP (not left as UDP data).
  CHECK(static_cast<int>(Lines(Tshark(cap.path, "-Y rtp -T fields -e frame.number")).size()) == cap.rtp_datagrams);
  CHECK(static_cast<int>(Lines(Tshark(cap.path, "-Y rtcp -T fields -e frame.number")).size()) == cap.rtcp_datagrams);
}

TEST_CASE("tshark reads back every RTP field we wrote", "[tshark]") {
  RequireTshark();
  const Capture cap = WriteCapture("protocol_tshark_rtp_fields.pcap");
  const auto lines = Lines(Tshark(cap.path,
                                  "-Y rtp -T fields -E separator=';' -e rtp.seq -e rtp.timestamp -e rtp.ssrc "
                                  "-e rtp.marker -e rtp.p_type -e rtp.csrc.item -e rtp.ext.rfc5285.id "
                                  "-e rtp.ext.rfc5285.data -e rtp.padding.count -e rtp.payload"));
  REQUIRE(lines.size() == cap.rtp_fields.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO("RTP datagram " << i);
    CHECK(lines[i] == cap.rtp_fields[i]);
  }
}

TEST_CASE("tshark reads back the RTCP fields we wrote", "[tshark]") {
  RequireTshark();
  const Capture cap = WriteCapture("protocol_tshark_rtcp_fields.pcap");
  const auto lines = Lines(Tshark(
      cap.path, "-Y rtcp -T fields -E separator=';' -e rtcp.pt -e rtcp.sdes.text -e rtcp.ssrc.cum_nr "
                "-e rtcp.ssrc.ext_high -e rtcp.ssrc.dlsr -e rtcp.rtpfb.nack_blp -e rtcp.psfb.remb.fci.br_exp "
                "-e rtcp.psfb.remb.fci.br_mantissa -e rtcp.psfb.remb.fci.ssrc -e rtcp.psfb.fir.fci.ssrc "
                "-e rtcp.psfb.fir.fci.csn -e rtcp.rtpfb.transportcc.baseseq -e rtcp.rtpfb.transportcc.statuscount "
                "-e rtcp.app.name"));
  REQUIRE(lines.size() == 5);
  const std::string lost = std::to_string(cap.stats_lost);
  const std::string high = std::to_string(cap.stats_highest);
  // SR + SDES: the report block carries ReceiveStatistics' numbers.
  CHECK(lines[0] == "200,202;native-000a0d10;" + lost + ";" + high + ";0;;;;;;;;;");
  // RR + NACK + REMB: DLSR 0.5 s = 32768/65536; NACK items 65340+0x3f and 0+0x3; REMB 187500 << 3.
  CHECK(lines[1] == "201,205,206;;" + lost + ";" + high + ";32768;0x003f,0x0003;3;187500;0x000a0d10,0x000b1de0;;;;;");
  // RR + PLI + FIR.
  CHECK(lines[2] == "201,206,206;;;;;;;;;0x000b1de0;3;;;");
  // RR + transport-cc.
  CHECK(lines[3] == "201,205;;;;;;;;;;;0;120;");
  // RR + APP + BYE (tshark shows the BYE reason as SDES text).
  CHECK(lines[4] == "201,204,203;call ended;;;;;;;;;;;;name");

  // The transport-cc receive deltas line up with our chunks (a misread chunk would shift them).
  const auto deltas = Lines(Tshark(cap.path, "-Y rtcp.rtpfb.transportcc.baseseq -T fields -e rtcp.rtpfb.transportcc.recv_delta"));
  REQUIRE(deltas.size() == 1);
  CHECK(deltas[0] == cap.twcc_deltas);
}

TEST_CASE("the malformed/error filter does catch a broken packet", "[tshark]") {
  // Negative control for the first test: an RTCP RR whose length field overruns the datagram.
  RequireTshark();
  const std::string path = TmpPath("protocol_tshark_negative.pcap");
  {
    std::string error;
    auto pcap = PcapWriter::Open(path, &error);
    REQUIRE(pcap != nullptr);
    auto rr = rtcp::ReceiverReport{1, {}, {}}.Serialize();
    REQUIRE(rr.ok());
    std::vector<uint8_t> broken = *rr;
    broken[3] = 9;  // claims 40 bytes, has 8
    pcap->WriteUdp(Timestamp::Micros(0), kSender, kReceiverRtcp, *rr);
    pcap->WriteUdp(Timestamp::Micros(1000), kSender, kReceiverRtcp, broken);
    pcap->Flush();
  }
  CHECK(Lines(Tshark(path, kBadFramesArgs)).size() == 1);
}

TEST_CASE("tshark RTP stream analysis agrees with ReceiveStatistics on loss", "[tshark]") {
  RequireTshark();
  const Capture cap = WriteCapture("protocol_tshark_streams.pcap");
  REQUIRE(cap.stats_lost == cap.audio_dropped);  // our own count first

  const std::string streams = Tshark(cap.path, "-q -z rtp,streams");
  INFO(streams);
  // Rows: start, end, src addr, src port, dst addr, dst port, SSRC, payload, packets, lost (pct), ...
  // (no std::regex: GCC 12 warns inside <regex> under the sanitizer build, and warnings are errors)
  std::map<std::string, std::pair<int, int>> by_ssrc;  // lower-case ssrc -> (packets, lost)
  for (const auto& line : Lines(streams)) {
    std::istringstream in(line);
    std::vector<std::string> tokens;
    for (std::string tok; in >> tok;) tokens.push_back(tok);
    for (size_t i = 0; i + 3 < tokens.size(); ++i) {
      if (tokens[i].rfind("0x", 0) != 0 || tokens[i + 3].empty() || tokens[i + 3][0] == '(') continue;
      std::string ssrc = tokens[i];
      std::transform(ssrc.begin(), ssrc.end(), ssrc.begin(), [](unsigned char c) { return std::tolower(c); });
      by_ssrc[ssrc] = {std::stoi(tokens[i + 2]), std::stoi(tokens[i + 3])};
      break;
    }
  }
  REQUIRE(by_ssrc.count("0x000a0d10") == 1);
  REQUIRE(by_ssrc.count("0x000b1de0") == 1);
  CHECK(by_ssrc["0x000a0d10"].first == kAudioPackets - cap.audio_dropped);
  CHECK(by_ssrc["0x000a0d10"].second == cap.stats_lost);
  CHECK(by_ssrc["0x000b1de0"].first == kVideoPackets);
  CHECK(by_ssrc["0x000b1de0"].second == 0);
}
