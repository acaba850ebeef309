// H264Depacketizer: reassembly, and each way a frame can be lost or malformed, with the reason
// reported and nothing corrupt emitted.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "sfusim/protocol/h264/annex_b_parser.h"
#include "sfusim/protocol/h264/h264_depacketizer.h"
#include "sfusim/protocol/h264/h264_packetizer.h"

using namespace sfusim::protocol;
using Bytes = std::vector<uint8_t>;

namespace {

struct RtpIn {
  uint16_t seq;
  uint32_t ts;
  bool marker;
  Bytes payload;
};

Bytes Nal(uint8_t header, size_t size, uint8_t salt = 0) {
  Bytes b(size);
  b[0] = header;
  for (size_t i = 1; i < size; ++i) b[i] = static_cast<uint8_t>(i * 13 + salt) | 1;  // never zero
  return b;
}

struct Frame {
  uint32_t ts;
  std::vector<Bytes> nals;
  Bytes AnnexB() const { return AnnexBParser::Join(std::vector<std::span<const uint8_t>>(nals.begin(), nals.end())); }
};

Frame KeyFrame(uint32_t ts, size_t idr_size = 3000) {
  return {ts, {Nal(0x67, 10, 1), Nal(0x68, 4, 2), Nal(0x65, idr_size, static_cast<uint8_t>(ts))}};
}
Frame DeltaFrame(uint32_t ts, size_t size = 2500) { return {ts, {Nal(0x41, size, static_cast<uint8_t>(ts))}}; }

std::vector<RtpIn> Packetize(const Frame& f, uint16_t& seq, size_t max_payload = 1200) {
  auto p = H264Packetizer::Create({max_payload, true});
  REQUIRE(p.ok());
  auto out = p->Packetize(std::vector<std::span<const uint8_t>>(f.nals.begin(), f.nals.end()));
  REQUIRE(out.ok());
  std::vector<RtpIn> packets;
  for (auto& payload : *out) packets.push_back({seq++, f.ts, payload.marker, std::move(payload.bytes)});
  return packets;
}

void Feed(H264Depacketizer& d, const std::vector<RtpIn>& packets) {
  for (const auto& p : packets) {
    Status s = d.Insert(p.seq, p.ts, p.marker, p.payload);
    REQUIRE(s.ok());
  }
}

std::vector<RtpIn> Without(std::vector<RtpIn> packets, size_t index) {
  packets.erase(packets.begin() + static_cast<std::ptrdiff_t>(index));
  return packets;
}

}  // namespace

TEST_CASE("Depacketizer reassembles key and delta frames in order", "[h264][depacketizer]") {
  H264Depacketizer d;
  uint16_t seq = 100;
  const Frame key = KeyFrame(3000);
  const Frame delta = DeltaFrame(6000);
  const auto key_packets = Packetize(key, seq);
  REQUIRE(key_packets.size() == 4);  // STAP-A + 3 FU-A
  Feed(d, key_packets);
  auto frames = d.TakeFrames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].annex_b == key.AnnexB());
  CHECK(frames[0].timestamp == 3000);
  CHECK(frames[0].key_frame);
  CHECK(frames[0].first_sequence_number == 100);
  CHECK(frames[0].last_sequence_number == 103);

  Feed(d, Packetize(delta, seq));
  frames = d.TakeFrames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].annex_b == delta.AnnexB());
  CHECK_FALSE(frames[0].key_frame);
  CHECK(d.TakeLosses().empty());
  CHECK(d.counters().frames_emitted == 2);
  CHECK(d.counters().key_frames_emitted == 1);
  CHECK(d.pending_packets() == 0);
}

TEST_CASE("Depacketizer handles reordering inside a frame, duplicates, and the sequence wrap",
          "[h264][depacketizer]") {
  H264Depacketizer d;
  uint16_t seq = 65533;  // the key frame's 4 packets cross 65535 -> 0
  const Frame key = KeyFrame(90000);
  auto packets = Packetize(key, seq);
  std::reverse(packets.begin(), packets.end());
  packets.push_back(packets[1]);  // a duplicate after the frame is done: late
  packets.insert(packets.begin() + 2, packets[0]);  // a duplicate while pending
  Feed(d, packets);
  auto frames = d.TakeFrames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].annex_b == key.AnnexB());
  CHECK(frames[0].first_sequence_number == 65533);
  CHECK(frames[0].last_sequence_number == 0);
  CHECK(d.counters().duplicate_packets == 1);
  CHECK(d.counters().late_packets == 1);
  const Frame delta = DeltaFrame(93000);
  Feed(d, Packetize(delta, seq));
  CHECK(d.TakeFrames().size() == 1);
}

TEST_CASE("Depacketizer reports a frame with a lost FU-A fragment as lost", "[h264][depacketizer]") {
  for (size_t lost_index : {size_t{1}, size_t{2}}) {  // the FU-A start, a middle fragment
    INFO("lost packet " << lost_index);
    H264Depacketizer d;
    uint16_t seq = 0;
    const auto key = Packetize(KeyFrame(0), seq);
    Feed(d, Without(key, lost_index));
    CHECK(d.TakeFrames().empty());
    // The next frame completes (its start is certain: the previous packet ends the key frame),
    // and the incomplete key frame before it is reported lost.
    Feed(d, Packetize(DeltaFrame(3000), seq));
    auto frames = d.TakeFrames();
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].timestamp == 3000);
    auto losses = d.TakeLosses();
    REQUIRE(losses.size() == 1);
    CHECK(losses[0].timestamp == 0);
    CHECK(losses[0].reason == H264FrameLossReason::kIncomplete);
    CHECK(losses[0].packets_received == 3);
    CHECK(d.counters().packets_lost == 1);
  }
}

TEST_CASE("Depacketizer: losing a frame's last packet leaves the next delta frame unprovable",
          "[h264][depacketizer]") {
  H264Depacketizer d;
  uint16_t seq = 0;
  const auto key = Packetize(KeyFrame(0), seq);
  const auto delta1 = Packetize(DeltaFrame(3000), seq);  // 3 packets (2500 bytes)
  const auto delta2 = Packetize(DeltaFrame(6000), seq);
  const Frame key2 = KeyFrame(9000);
  const auto key2_packets = Packetize(key2, seq);
  const auto delta3 = Packetize(DeltaFrame(12000), seq);
  Feed(d, key);
  CHECK(d.TakeFrames().size() == 1);
  Feed(d, Without(delta1, delta1.size() - 1));  // the marker packet (FU-A end) is lost
  // delta2's first packet follows a missing packet, and an FU-A start of a non-IDR slice does
  // not prove a frame start: it waits rather than risk emitting a frame missing NAL units.
  Feed(d, delta2);
  CHECK(d.TakeFrames().empty());
  // key2 follows delta2's received marker packet: it comes out, and the two pending frames
  // before it are reported lost.
  Feed(d, key2_packets);
  auto frames = d.TakeFrames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].annex_b == key2.AnnexB());
  CHECK(frames[0].key_frame);
  auto losses = d.TakeLosses();
  REQUIRE(losses.size() == 2);
  CHECK(losses[0].timestamp == 3000);
  CHECK(losses[0].packets_received == 2);
  CHECK(losses[1].timestamp == 6000);
  CHECK(losses[1].packets_received == 3);
  Feed(d, delta3);
  CHECK(d.TakeFrames().size() == 1);
}

TEST_CASE("Depacketizer: a key frame starting with an SPS recovers right after a loss", "[h264][depacketizer]") {
  H264Depacketizer d;
  uint16_t seq = 0;
  Feed(d, Packetize(KeyFrame(0), seq));
  CHECK(d.TakeFrames().size() == 1);
  const auto delta = Packetize(DeltaFrame(3000), seq);
  Feed(d, Without(delta, delta.size() - 1));  // the packet right before the key frame is lost
  const Frame key2 = KeyFrame(6000);
  Feed(d, Packetize(key2, seq));  // its predecessor is missing, but it begins with an SPS
  auto frames = d.TakeFrames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].annex_b == key2.AnnexB());
  REQUIRE(d.TakeLosses().size() == 1);
  CHECK(d.counters().packets_lost == 1);
}

TEST_CASE("Depacketizer sps_starts_frame: what each mode does with a lost packet before an SPS",
          "[h264][depacketizer]") {
  // A key frame whose AUD travels alone (aggregation off) and is lost.
  const Frame key{3000, {Nal(0x09, 2), Nal(0x67, 10), Nal(0x68, 4), Nal(0x65, 500)}};
  auto packetizer = H264Packetizer::Create({1200, false});
  REQUIRE(packetizer.ok());
  auto payloads = packetizer->Packetize(std::vector<std::span<const uint8_t>>(key.nals.begin(), key.nals.end()));
  REQUIRE(payloads.ok());
  REQUIRE(payloads->size() == 4);
  std::vector<RtpIn> packets;
  uint16_t seq = 10;
  for (auto& p : *payloads) packets.push_back({seq++, key.ts, p.marker, p.bytes});
  const auto without_aud = Without(packets, 0);

  SECTION("on (default): the frame comes out from its SPS, all picture data intact") {
    H264Depacketizer d;
    Feed(d, without_aud);
    auto frames = d.TakeFrames();
    REQUIRE(frames.size() == 1);
    const std::vector<std::span<const uint8_t>> from_sps(key.nals.begin() + 1, key.nals.end());
    CHECK(frames[0].annex_b == AnnexBParser::Join(from_sps));
    CHECK(frames[0].first_sequence_number == 11);
  }
  SECTION("off: nothing proves where the frame starts, so it is reported lost") {
    H264Depacketizer d(H264DepacketizerConfig{false});
    Feed(d, without_aud);
    CHECK(d.TakeFrames().empty());
    d.Flush();
    REQUIRE(d.TakeLosses().size() == 1);
    // With its AUD, the frame is provable in both modes, byte for byte.
    H264Depacketizer strict(H264DepacketizerConfig{false});
    Feed(strict, packets);
    auto frames = strict.TakeFrames();
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].annex_b == key.AnnexB());
  }
  SECTION("off: a key frame right after a lost packet is not provable either") {
    H264Depacketizer d(H264DepacketizerConfig{false});
    uint16_t s2 = 0;
    Feed(d, Packetize(KeyFrame(0), s2));  // stream start: not provable without an AUD
    CHECK(d.TakeFrames().empty());
    Feed(d, Packetize(DeltaFrame(3000), s2));  // provable: its previous packet arrived
    CHECK(d.TakeFrames().size() == 1);
    CHECK(d.TakeLosses().size() == 1);
  }
}

TEST_CASE("Depacketizer at stream start waits for a certain frame start", "[h264][depacketizer]") {
  H264Depacketizer d;
  uint16_t seq = 500;
  Feed(d, Packetize(DeltaFrame(3000), seq));  // nothing before it proves its start
  CHECK(d.TakeFrames().empty());
  d.Flush();
  auto losses = d.TakeLosses();
  REQUIRE(losses.size() == 1);
  CHECK(losses[0].timestamp == 3000);
  CHECK(losses[0].packets_received == 3);

  // An access unit delimiter proves it.
  H264Depacketizer with_aud;
  seq = 500;
  const Frame f{3000, {Nal(0x09, 2), Nal(0x41, 2000)}};
  Feed(with_aud, Packetize(f, seq));
  auto frames = with_aud.TakeFrames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].annex_b == f.AnnexB());
}

TEST_CASE("Depacketizer frame ends: marker, or a new timestamp, or a padding packet", "[h264][depacketizer]") {
  H264Depacketizer d;
  const Bytes sps = Nal(0x67, 8);
  const Bytes slice = Nal(0x41, 30);
  REQUIRE(d.Insert(10, 1000, false, sps).ok());  // no marker
  CHECK(d.TakeFrames().empty());
  REQUIRE(d.Insert(11, 2000, false, slice).ok());  // another timestamp: frame 1000 ended at 10
  auto frames = d.TakeFrames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].timestamp == 1000);
  REQUIRE(d.Insert(12, 2000, false, {}).ok());  // padding ends frame 2000
  frames = d.TakeFrames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].timestamp == 2000);
  // After padding, the next frame's start is certain.
  REQUIRE(d.Insert(13, 3000, true, slice).ok());
  CHECK(d.TakeFrames().size() == 1);
  CHECK(d.counters().padding_packets == 1);
  // Two frames with the same timestamp are still separated by the marker.
  REQUIRE(d.Insert(14, 3000, true, slice).ok());
  CHECK(d.TakeFrames().size() == 1);
}

TEST_CASE("Depacketizer reports malformed frames, never emits them", "[h264][depacketizer]") {
  const Bytes fu_start = {0x7c, 0x85, 0x11};
  const Bytes fu_mid = {0x7c, 0x05, 0x22};
  const Bytes fu_end = {0x7c, 0x45, 0x33};
  const Bytes fu_end_other_type = {0x7c, 0x41, 0x33};
  const Bytes single = {0x41, 0x44};
  const Bytes sps = Nal(0x67, 8);
  struct Case {
    const char* name;
    std::vector<Bytes> payloads;  // after an SPS packet that certifies the start
  };
  const Case cases[] = {
      {"two FU-A starts", {fu_start, fu_start, fu_end}},
      {"FU-A end of another NAL type", {fu_start, fu_mid, fu_end_other_type}},
      {"single NAL inside a fragmented NAL", {fu_start, single, fu_end}},
      {"FU-A never ends", {fu_start, fu_mid}},
      {"fragment without start", {fu_mid, fu_end}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    H264Depacketizer d;
    uint16_t seq = 0;
    REQUIRE(d.Insert(seq++, 9000, false, sps).ok());
    for (size_t i = 0; i < c.payloads.size(); ++i) {
      REQUIRE(d.Insert(seq++, 9000, i + 1 == c.payloads.size(), c.payloads[i]).ok());
    }
    CHECK(d.TakeFrames().empty());
    auto losses = d.TakeLosses();
    REQUIRE(losses.size() == 1);
    CHECK(losses[0].reason == H264FrameLossReason::kMalformed);
    CHECK(losses[0].packets_received == c.payloads.size() + 1);
  }
}

TEST_CASE("Depacketizer: a malformed payload is an error and loses its frame", "[h264][depacketizer]") {
  H264Depacketizer d;
  REQUIRE(d.Insert(0, 100, false, Nal(0x67, 8)).ok());
  Status s = d.Insert(1, 100, false, Bytes{0x1f, 0x00});  // reserved type 31
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == "h264_reserved_nal_type");
  CHECK(s.error().message.find("sequence number 1") != std::string::npos);
  CHECK(d.Insert(2, 100, true, Bytes{0x7c, 0xc5, 0x00}).error().code == "h264_malformed_fu_a");
  CHECK(d.TakeFrames().empty());
  auto losses = d.TakeLosses();
  REQUIRE(losses.size() == 1);
  CHECK(losses[0].reason == H264FrameLossReason::kMalformed);
  CHECK(d.counters().malformed_packets == 2);
  const Bytes huge(kH264MaxPayloadBytes + 1, 0x41);
  CHECK(d.Insert(3, 200, true, huge).error().code == "h264_payload_too_large");
}

TEST_CASE("Depacketizer bounds: too large frame, pending overflow, output queue", "[h264][depacketizer]") {
  SECTION("a frame beyond kH264MaxAccessUnitBytes is reported too large") {
    H264Depacketizer d;
    uint16_t seq = 0;
    const Frame big{0, {Nal(0x67, 8), Nal(0x65, kH264MaxAccessUnitBytes)}};
    // Packetize by hand: the packetizer itself refuses such an access unit.
    REQUIRE(d.Insert(seq++, 0, false, big.nals[0]).ok());
    const Bytes& idr = big.nals[1];
    const size_t chunk = 60000;
    for (size_t off = 1; off < idr.size(); off += chunk) {
      const size_t len = std::min(chunk, idr.size() - off);
      Bytes p = {0x7c, static_cast<uint8_t>((off == 1 ? 0x80 : 0) | (off + len == idr.size() ? 0x40 : 0) | 5)};
      p.insert(p.end(), idr.begin() + static_cast<std::ptrdiff_t>(off), idr.begin() + static_cast<std::ptrdiff_t>(off + len));
      REQUIRE(d.Insert(seq++, 0, off + len == idr.size(), p).ok());
    }
    CHECK(d.TakeFrames().empty());
    auto losses = d.TakeLosses();
    REQUIRE(losses.size() == 1);
    CHECK(losses[0].reason == H264FrameLossReason::kTooLarge);
  }
  SECTION("pending packets stay bounded by count; the oldest frame is dropped as overflow") {
    H264Depacketizer d;
    const Bytes mid = {0x7c, 0x05, 0x01};  // FU-A middles of one timestamp, no marker: never ends
    for (uint32_t i = 0; i < kH264MaxPendingPackets + 100; ++i) {
      REQUIRE(d.Insert(static_cast<uint16_t>(i), 0, false, mid).ok());
      CHECK(d.pending_packets() <= kH264MaxPendingPackets);
    }
    CHECK(d.counters().overflows == 1);
    auto losses = d.TakeLosses();
    REQUIRE(losses.size() == 1);
    CHECK(losses[0].reason == H264FrameLossReason::kOverflow);
    CHECK(losses[0].packets_received == kH264MaxPendingPackets + 1);
  }
  SECTION("pending bytes stay bounded; frames go oldest first") {
    H264Depacketizer d;
    Bytes mid(30000, 0x01);  // big FU-A middles with gaps between them: never complete
    mid[0] = 0x7c;
    mid[1] = 0x05;
    for (uint32_t i = 0; i < 200; ++i) {
      REQUIRE(d.Insert(static_cast<uint16_t>(2 * i), i / 10, false, mid).ok());
      CHECK(d.pending_packets() * mid.size() <= kH264MaxPendingBytes);
    }
    CHECK(d.counters().overflows >= 5);
    auto losses = d.TakeLosses();
    REQUIRE(losses.size() >= 5);
    CHECK(losses[0].reason == H264FrameLossReason::kOverflow);
    CHECK(losses[0].timestamp == 0);
    CHECK(losses[0].packets_received == 10);
    CHECK(losses[1].timestamp == 1);
  }
  SECTION("undrained output keeps the newest kH264MaxQueuedFrames frames") {
    H264Depacketizer d;
    const Bytes slice = {0x09, 0xf0};  // an AUD alone: a whole, certain frame
    for (uint16_t i = 0; i < kH264MaxQueuedFrames + 6; ++i) REQUIRE(d.Insert(i, i * 3000u, true, slice).ok());
    auto frames = d.TakeFrames();
    REQUIRE(frames.size() == kH264MaxQueuedFrames);
    CHECK(frames.front().timestamp == 6 * 3000u);
    CHECK(d.counters().output_discarded == 6);
  }
}

TEST_CASE("Depacketizer restarts on a sequence jump or a run of late packets", "[h264][depacketizer]") {
  H264Depacketizer d;
  uint16_t seq = 1000;
  Feed(d, Packetize(KeyFrame(0), seq));
  REQUIRE(d.TakeFrames().size() == 1);
  const Bytes mid = {0x7c, 0x05, 0x01};
  REQUIRE(d.Insert(seq, 100, false, mid).ok());  // pending, incomplete

  // A jump far ahead: the pending frame is reported lost (reset) and the new stream decodes.
  seq = static_cast<uint16_t>(seq + 20000);
  const Frame key = KeyFrame(5000);
  Feed(d, Packetize(key, seq));
  auto frames = d.TakeFrames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].annex_b == key.AnnexB());
  auto losses = d.TakeLosses();
  REQUIRE(losses.size() == 1);
  CHECK(losses[0].reason == H264FrameLossReason::kReset);
  CHECK(d.counters().resets == 1);

  // The sender restarts a little behind: kH264MaxConsecutiveLatePackets late packets, then a restart.
  uint16_t back = static_cast<uint16_t>(seq - 200);
  const Bytes aud = {0x09, 0xf0};
  for (uint32_t i = 0; i + 1 < kH264MaxConsecutiveLatePackets; ++i) REQUIRE(d.Insert(back++, 7, true, aud).ok());
  CHECK(d.TakeFrames().empty());
  REQUIRE(d.Insert(back++, 7, true, aud).ok());
  CHECK(d.counters().resets == 2);
  CHECK(d.TakeFrames().size() == 1);
}
