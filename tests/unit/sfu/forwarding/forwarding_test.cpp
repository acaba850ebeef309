// The forwarding core without sockets: RtpRewriter, RetransmissionBuffer and RtpForwarder.
#include <catch2/catch.hpp>

#include <vector>

#include "sfusim/protocol/rtp/rtp_packet.h"
#include "sfusim/sfu/retransmission_buffer.h"
#include "sfusim/sfu/rtp_forwarder.h"
#include "sfusim/sfu/rtp_rewriter.h"

namespace sfusim::sfu {
namespace {

struct Out {
  RtpForwarder::Sent sent;
  uint16_t seq;
  uint32_t ts;
  uint32_t ssrc;
};

class CollectingSink : public RtpForwarder::Sink {
 public:
  void OnRtpOut(const RtpForwarder::Sent& sent, std::span<const uint8_t> packet) override {
    auto v = protocol::RtpPacketView::Parse(packet);
    REQUIRE(v.ok());
    out.push_back({sent, v->sequence_number(), v->timestamp(), v->ssrc()});
  }
  std::vector<Out> out;
};

std::vector<uint8_t> Packet(uint16_t seq, uint32_t ts) {
  protocol::RtpPacket p;
  p.set_payload_type(111);
  p.set_sequence_number(seq);
  p.set_timestamp(ts);
  p.set_ssrc(0xABCD);
  const std::vector<uint8_t> payload(10, 1);
  p.set_payload(payload);
  return p.Serialize().value();
}

void Feed(RtpForwarder& f, CollectingSink& sink, uint16_t seq, int64_t now_us) {
  const auto bytes = Packet(seq, static_cast<uint32_t>(seq) * 960u);
  auto v = protocol::RtpPacketView::Parse(bytes);
  f.Forward(v.value(), now_us, sink);
}

TEST_CASE("output seqs are continuous across a pause, timestamps move on by the time passed", "[sfu][forwarding]") {
  RtpForwarder f(48000, 64);
  CollectingSink sink;
  f.AddConsumer(1, 0x1111, 1000, 5000);
  Feed(f, sink, 10, 0);
  CHECK(sink.out.empty());  // consumers start paused
  f.SetPaused(1, false);
  for (uint16_t s = 11; s <= 15; ++s) Feed(f, sink, s, (s - 11) * 20000);
  f.SetPaused(1, true);
  for (uint16_t s = 16; s <= 40; ++s) Feed(f, sink, s, (s - 11) * 20000);
  f.SetPaused(1, false);
  for (uint16_t s = 41; s <= 43; ++s) Feed(f, sink, s, (s - 11) * 20000);
  REQUIRE(sink.out.size() == 8);
  for (std::size_t i = 0; i < sink.out.size(); ++i) {
    CHECK(sink.out[i].seq == 1000 + i);
    CHECK(sink.out[i].ssrc == 0x1111);
  }
  CHECK(sink.out[0].ts == 5000);
  CHECK(sink.out[4].ts == 5000 + 4 * 960);
  // 26 packets of 20 ms passed during the pause: the timestamp jumps by that time.
  CHECK(sink.out[5].ts == sink.out[4].ts + 26 * 960);
  CHECK(sink.out[6].ts == sink.out[5].ts + 960);
  CHECK(sink.out[5].sent.input_seq == 41);
}

TEST_CASE("input loss stays a gap; reordered packets keep their place; seq wrap is seamless", "[sfu][forwarding]") {
  RtpForwarder f(48000, 64);
  CollectingSink sink;
  f.AddConsumer(7, 0x7777, 65534, 0);
  f.SetPaused(7, false);
  Feed(f, sink, 100, 0);
  Feed(f, sink, 102, 0);  // 101 lost (so far)
  Feed(f, sink, 101, 0);  // late
  Feed(f, sink, 103, 0);
  REQUIRE(sink.out.size() == 4);
  CHECK(sink.out[0].seq == 65534);
  CHECK(sink.out[1].seq == 0);
  CHECK(sink.out[2].seq == 65535);
  CHECK(sink.out[3].seq == 1);
}

TEST_CASE("packets from before a re-sync point are dropped, not sent backwards", "[sfu][forwarding]") {
  RtpForwarder f(48000, 64);
  CollectingSink sink;
  f.AddConsumer(1, 1, 0, 0);
  f.SetPaused(1, false);
  Feed(f, sink, 50, 0);
  Feed(f, sink, 49, 0);  // older than the first packet after resume
  REQUIRE(sink.out.size() == 1);
}

TEST_CASE("retransmission maps an output seq back to its input packet", "[sfu][forwarding]") {
  RtpForwarder f(48000, 4);
  CollectingSink sink;
  f.AddConsumer(1, 0x1, 300, 0);
  f.AddConsumer(2, 0x2, 9000, 0);
  f.SetPaused(1, false);
  f.SetPaused(2, false);
  for (uint16_t s = 0; s < 6; ++s) Feed(f, sink, s, 0);
  sink.out.clear();
  CHECK(f.Retransmit(1, 304, sink));
  REQUIRE(sink.out.size() == 1);
  CHECK(sink.out[0].sent.retransmission);
  CHECK(sink.out[0].sent.input_seq == 4);
  CHECK(sink.out[0].seq == 304);
  CHECK(sink.out[0].ssrc == 0x1);
  CHECK_FALSE(f.Retransmit(1, 300, sink));   // evicted (buffer of 4)
  CHECK_FALSE(f.Retransmit(1, 310, sink));   // never sent
  CHECK_FALSE(f.Retransmit(3, 304, sink));   // unknown consumer
  CHECK(f.Retransmit(2, 9005, sink));
  CHECK(sink.out.back().sent.input_seq == 5);
}

TEST_CASE("retransmission buffer: ring semantics", "[sfu][forwarding]") {
  RetransmissionBuffer buf(3);
  const std::vector<uint8_t> a{1}, b{2}, c{3}, d{4};
  buf.Store(10, a);
  buf.Store(11, b);
  buf.Store(12, c);
  CHECK(buf.Find(10).size() == 1);
  buf.Store(13, d);
  CHECK(buf.Find(10).empty());
  CHECK(buf.Find(13)[0] == 4);
  buf.Store(10, a);  // late: must not evict 13
  CHECK(buf.Find(13)[0] == 4);
  CHECK(buf.Find(-1).empty());
}

TEST_CASE("removing a consumer stops its output; others continue", "[sfu][forwarding]") {
  RtpForwarder f(90000, 16);
  CollectingSink sink;
  f.AddConsumer(2, 0x2, 0, 0);
  f.AddConsumer(1, 0x1, 0, 0);
  f.SetPaused(1, false);
  f.SetPaused(2, false);
  Feed(f, sink, 1, 0);
  REQUIRE(sink.out.size() == 2);
  CHECK(sink.out[0].sent.consumer_key == 1);  // key order
  f.RemoveConsumer(1);
  Feed(f, sink, 2, 0);
  REQUIRE(sink.out.size() == 3);
  CHECK(sink.out[2].sent.consumer_key == 2);
  CHECK(f.consumer_count() == 1);
}

// kSequenceRestartThreshold (3000) is from sfu_constants.h: a larger input jump is a restarted
// stream (a sender that rebuilt its packetizer), not loss.
TEST_CASE("a restarted input stream re-syncs: the output continues by one", "[sfu][forwarding]") {
  RtpForwarder f(90000, 64);
  CollectingSink sink;
  f.AddConsumer(1, 0x1, 500, 0);
  f.SetPaused(1, false);
  for (uint16_t s = 100; s < 103; ++s) Feed(f, sink, s, 0);
  for (uint16_t s = 20000; s < 20003; ++s) Feed(f, sink, s, 0);  // forward restart (+19898)
  // An output seq of the earlier segment still maps back to its input packet.
  REQUIRE(f.rewriter(1) != nullptr);
  CHECK(f.rewriter(1)->InputForOutput(501) == 101);
  CHECK(f.rewriter(1)->InputForOutput(504) == 20001);
  for (uint16_t s = 5000; s < 5003; ++s) Feed(f, sink, s, 0);  // backward restart (-15002)
  REQUIRE(sink.out.size() == 9);
  for (std::size_t i = 0; i < sink.out.size(); ++i) CHECK(sink.out[i].seq == 500 + i);
}

TEST_CASE("seq_not_rewritten mutant: a restarted input stream keeps the old offset; resume still re-syncs",
          "[sfu][forwarding][mutant]") {
  RtpForwarder f(90000, 64, /*resync_on_restart=*/false);
  CollectingSink sink;
  f.AddConsumer(1, 0x1, 500, 0);
  f.SetPaused(1, false);
  for (uint16_t s = 100; s < 103; ++s) Feed(f, sink, s, 0);
  for (uint16_t s = 20000; s < 20003; ++s) Feed(f, sink, s, 0);  // the output jumps with the input
  REQUIRE(sink.out.size() == 6);
  CHECK(sink.out[2].seq == 502);
  CHECK(sink.out[3].seq == 500 + (20000 - 100));
  // Back below the re-sync point (input 100): nothing is forwarded at all.
  for (uint16_t s = 50; s < 53; ++s) Feed(f, sink, s, 0);
  CHECK(sink.out.size() == 6);
  // A resume still re-syncs: the output continues by one after the last sent.
  f.SetPaused(1, true);
  f.SetPaused(1, false);
  Feed(f, sink, 60, 0);
  REQUIRE(sink.out.size() == 7);
  CHECK(sink.out[6].seq == static_cast<uint16_t>(sink.out[5].seq + 1));
}

TEST_CASE("seq_not_rewritten mutant: RtpRewriter maps a restart jump straight through", "[sfu][forwarding][mutant]") {
  RtpRewriter good(90000, 1000, 0);
  RtpRewriter bad(90000, 1000, 0, /*resync_on_restart=*/false);
  for (RtpRewriter* r : {&good, &bad}) {
    REQUIRE(r->Map(10, 0, 0));
    REQUIRE(r->Map(11, 90, 0));
  }
  const auto g = good.Map(11 + 10000, 5000, 0);
  const auto b = bad.Map(11 + 10000, 5000, 0);
  REQUIRE(g);
  REQUIRE(b);
  CHECK(g->seq == 1002);
  CHECK(b->seq == 1001 + 10000);
  // A jump within the threshold is loss for both: the gap stays.
  CHECK(good.Map(11 + 10000 + 5, 5000, 0)->seq == 1002 + 5);
  CHECK(bad.Map(11 + 10000 + 5, 5000, 0)->seq == 1001 + 10000 + 5);
}

}  // namespace
}  // namespace sfusim::sfu
