// Transport-wide congestion control feedback: a byte table exercising the three chunk kinds
// (run length, 2-bit vector, 1-bit vector), small/large/negative deltas and padding; building it
// from (seq, received, arrival) and reading it back; other encoders' layouts; error codes.
#include <catch2/catch.hpp>

#include "rtcp_test_util.h"
#include "sfusim/protocol/rtcp/transport_feedback.h"

using namespace sfusim::protocol::rtcp;
using namespace rtcp_test;
using TF = TransportFeedback;

const Bytes kTwcc = {
    0x8F, 0xCD, 0x00, 0x0D,  // V=2 FMT=15 | PT=205 RTPFB | length=13 (56 bytes)
    0x11, 0x22, 0x33, 0x44,  // SSRC of packet sender
    0x55, 0x66, 0x77, 0x88,  // SSRC of media source
    0x03, 0xE8, 0x00, 0x22,  // base sequence number 1000 | packet status count 34
    0x00, 0x03, 0xE8, 0x07,  // reference time 1000 (x 64 ms = 64 s) | fb pkt count 7
    0x20, 0x14,              // run length chunk: symbol 01 (small delta) x 20   -> 1000..1019
    0xC4, 0x52,              // 2-bit vector: 00 01 00 01 01 00 10              -> 1020..1026
    0xB2, 0x80,              // 1-bit vector: 1 1 0 0 1 0 1 (7 slots unused)    -> 1027..1033
    0x04, 0x04, 0x04, 0x04,  // receive deltas of 1000..1003: 4 x 250 us = 1 ms each
    0x04, 0x04, 0x04, 0x04,  // 1004..1007
    0x04, 0x04, 0x04, 0x04,  // 1008..1011
    0x04, 0x04, 0x04, 0x04,  // 1012..1015
    0x04, 0x04, 0x04, 0x04,  // 1016..1019
    0x08, 0x08, 0x00,        // 1021 +2 ms, 1023 +2 ms, 1024 +0
    0xFF, 0x9C,              // 1026: large delta -100 (-25 ms, arrived before 1024)
    0xFF, 0x01, 0x02, 0x03,  // 1027 +255 (max small), 1028 +1, 1031 +2, 1033 +3
    0x00,                    // zero padding
};

namespace {
std::vector<TF::PacketStatus> ExpectedStatuses() {
  std::vector<TF::PacketStatus> s(34);
  for (int i = 0; i < 20; ++i) s[i] = {true, 4};
  s[21] = {true, 8};
  s[23] = {true, 8};
  s[24] = {true, 0};
  s[26] = {true, -100};
  s[27] = {true, 255};
  s[28] = {true, 1};
  s[31] = {true, 2};
  s[33] = {true, 3};
  return s;
}
}  // namespace

TEST_CASE("transport-cc byte table with all chunk kinds", "[rtcp][twcc]") {
  const auto fb = ParseAs<TF>(kTwcc);
  CHECK(fb.sender_ssrc == 0x11223344u);
  CHECK(fb.media_ssrc == 0x55667788u);
  CHECK(fb.base_sequence_number == 1000);
  CHECK(fb.reference_time == 1000);
  CHECK(fb.reference_time_us() == 64'000'000);
  CHECK(fb.feedback_count == 7);
  CHECK(fb.packets == ExpectedStatuses());
  CHECK(Must(fb.Serialize()) == kTwcc);
}

TEST_CASE("transport-cc from packet results and back", "[rtcp][twcc]") {
  // Arrival times in us; within each 250 us tick on purpose (the builder floors).
  std::vector<TF::PacketResult> in;
  for (int i = 0; i < 20; ++i) in.push_back({static_cast<uint16_t>(1000 + i), true, 64'001'000 + i * 1'000 + 100});
  in.push_back({1020, false, 0});
  in.push_back({1021, true, 64'022'000});
  in.push_back({1023, true, 64'024'010});  // 1022 missing from the input: a gap is a loss
  in.push_back({1024, true, 64'024'200});
  in.push_back({1026, true, 63'999'000});
  in.push_back({1027, true, 64'062'750});
  in.push_back({1028, true, 64'063'000});
  in.push_back({1031, true, 64'063'500});
  in.push_back({1033, true, 64'064'250});
  const auto fb = Must(TF::FromPacketResults(0x11223344, 0x55667788, 7, in));
  CHECK(fb.packets == ExpectedStatuses());
  CHECK(Must(fb.Serialize()) == kTwcc);

  const auto out = fb.GetPacketResults();
  REQUIRE(out.size() == 34);
  CHECK(out[0] == TF::PacketResult{1000, true, 64'001'000});
  CHECK(out[19] == TF::PacketResult{1019, true, 64'020'000});
  CHECK(out[20] == TF::PacketResult{1020, false, 0});
  CHECK(out[22] == TF::PacketResult{1022, false, 0});
  CHECK(out[23] == TF::PacketResult{1023, true, 64'024'000});
  CHECK(out[26] == TF::PacketResult{1026, true, 63'999'000});
  CHECK(out[33] == TF::PacketResult{1033, true, 64'064'250});
}

TEST_CASE("transport-cc across the sequence wrap and long loss runs", "[rtcp][twcc]") {
  std::vector<TF::PacketResult> in = {{65534, true, 1'000}, {65535, true, 2'000}, {100, true, 900'000}};
  const auto fb = Must(TF::FromPacketResults(1, 2, 0, in));
  CHECK(fb.base_sequence_number == 65534);
  REQUIRE(fb.packets.size() == 103);  // 65534 .. 100 inclusive
  const auto bytes = Must(fb.Serialize());
  // Chunks: 1-bit vector (1 1 0 ...), a run of 88 losses, a 2-bit vector for the large delta.
  CHECK(Bytes(bytes.begin() + 20, bytes.begin() + 26) == Bytes{0xB0, 0x00, 0x00, 0x58, 0xE0, 0x00});
  const auto back = ParseAs<TF>(bytes);
  CHECK(back == fb);
  CHECK(back.GetPacketResults().back() == TF::PacketResult{100, true, 900'000});
  CHECK(back.GetPacketResults()[50].received == false);
}

TEST_CASE("transport-cc layouts other encoders produce parse to the same value", "[rtcp][twcc]") {
  // Three packets all received with small deltas, written as a 2-bit vector (libwebrtc does this
  // when a vector has mixed sizes) and a run-length chunk longer than the status count.
  const Bytes two_bit = {
      0x8F, 0xCD, 0x00, 0x06, 0, 0, 0, 1, 0, 0, 0, 2,
      0x00, 0x0A, 0x00, 0x03,  // base 10, count 3
      0x00, 0x00, 0x01, 0x00,  // reference time 1, fb count 0
      0xD5, 0x00,              // 2-bit vector: 01 01 01 00 00 00 00
      0x01, 0x02, 0x03,        // deltas
      0x00, 0x00, 0x00,        // padding
  };
  const Bytes long_run = {
      0x8F, 0xCD, 0x00, 0x06, 0, 0, 0, 1, 0, 0, 0, 2,
      0x00, 0x0A, 0x00, 0x03, 0x00, 0x00, 0x01, 0x00,
      0x20, 0xFF,              // run length: symbol 01 x 255 (clipped to 3)
      0x01, 0x02, 0x03, 0x00, 0x00, 0x00,
  };
  const auto a = ParseAs<TF>(two_bit);
  const auto b = ParseAs<TF>(long_run);
  CHECK(a == b);
  CHECK(a.packets == std::vector<TF::PacketStatus>{{true, 1}, {true, 2}, {true, 3}});
  // Our encoder writes a 1-bit vector here.
  const Bytes ours = Must(a.Serialize());
  CHECK(ours[20] == 0xB8);
  CHECK(ours[21] == 0x00);
}

TEST_CASE("transport-cc parse errors", "[rtcp][twcc][errors]") {
  Bytes b = kTwcc;
  b[14] = 0x00;
  b[15] = 0x00;  // status count 0
  CHECK(ParseErrorAs<TF>(b) == "empty");

  b = kTwcc;
  b[20] = 0x60;  // run length with symbol 11
  CHECK(ParseErrorAs<TF>(b) == "reserved_symbol");

  b = kTwcc;
  b[22] = 0xF4;  // 2-bit vector whose first symbol is 11
  CHECK(ParseErrorAs<TF>(b) == "reserved_symbol");

  b = kTwcc;
  b[15] = 0x23;  // count 35: the 1-bit vector's 8th slot (0) now counts, still consistent
  CHECK(ParseAs<TF>(b).packets.size() == 35);
  b[15] = 0x30;  // count 48: the first delta bytes are read as a chunk, then deltas run out
  CHECK(ParseErrorAs<TF>(b) == "truncated");

  // Deltas cut short: claim every slot of the 1-bit vector received.
  b = kTwcc;
  b[15] = 0x29;  // count 41 (27..40 in the vector)
  b[24] = 0xBF;
  b[25] = 0xFF;
  CHECK(ParseErrorAs<TF>(b) == "truncated");

  // Four extra bytes after the deltas.
  b = kTwcc;
  b[3] = 0x0E;
  b.insert(b.end(), {0, 0, 0, 0});
  CHECK(ParseErrorAs<TF>(b) == "length_mismatch");

  Bytes header_only = {0x8F, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1};
  CHECK(ParseErrorAs<TF>(header_only) == "truncated");
}

TEST_CASE("transport-cc build errors", "[rtcp][twcc][errors]") {
  CHECK(TF::FromPacketResults(1, 2, 0, {}).error().code == "empty");
  std::vector<TF::PacketResult> unordered = {{10, true, 0}, {9, true, 0}};
  CHECK(TF::FromPacketResults(1, 2, 0, unordered).error().code == "unordered");
  std::vector<TF::PacketResult> dup = {{10, true, 0}, {10, true, 0}};
  CHECK(TF::FromPacketResults(1, 2, 0, dup).error().code == "unordered");
  std::vector<TF::PacketResult> gap = {{10, true, 0}, {11, true, 8'200'000}};  // 8.2 s > int16 x 250 us
  CHECK(TF::FromPacketResults(1, 2, 0, gap).error().code == "out_of_range");
  std::vector<TF::PacketResult> far = {{10, true, int64_t{1} << 40}};
  CHECK(TF::FromPacketResults(1, 2, 0, far).error().code == "out_of_range");

  CHECK(TF{}.Serialize().error().code == "empty");
  TF fb;
  fb.packets = {{false, 3}};
  CHECK(fb.Serialize().error().code == "out_of_range");
  fb.packets = {{true, 40000}};
  CHECK(fb.Serialize().error().code == "out_of_range");
  fb.packets = {{true, 1}};
  fb.reference_time = TF::kMaxReferenceTime + 1;
  CHECK(fb.Serialize().error().code == "out_of_range");
  fb.reference_time = TF::kMinReferenceTime;
  const auto back = ParseAs<TF>(Must(fb.Serialize()));
  CHECK(back.reference_time == TF::kMinReferenceTime);
}
