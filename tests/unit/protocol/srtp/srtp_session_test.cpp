// SrtpSession: libsrtp's own reference packets (known answers), round trips for both profiles,
// and every error path with its stable code and counter.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sfusim/protocol/srtp/srtp_session.h"

using namespace sfusim::protocol;

namespace {

std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// A minimal RTP packet: V=2, PT=96, the given fields, `payload_len` bytes counting up.
std::vector<uint8_t> RtpPacket(uint16_t seq, uint32_t ssrc = 0x12345678, size_t payload_len = 100, uint8_t csrc_count = 0,
                               bool extension = false) {
  std::vector<uint8_t> p = {static_cast<uint8_t>(0x80 | (extension ? 0x10 : 0) | csrc_count), 96,
                            static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq),
                            0, 0, 0x12, 0x34,
                            static_cast<uint8_t>(ssrc >> 24), static_cast<uint8_t>(ssrc >> 16),
                            static_cast<uint8_t>(ssrc >> 8), static_cast<uint8_t>(ssrc)};
  for (uint8_t i = 0; i < csrc_count; ++i) p.insert(p.end(), {0, 0, 0, static_cast<uint8_t>(i + 1)});
  if (extension) p.insert(p.end(), {0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00});  // one-byte form, 1 word
  for (size_t i = 0; i < payload_len; ++i) p.push_back(static_cast<uint8_t>(i));
  return p;
}

// An RTCP receiver report with one report block: 32 bytes.
std::vector<uint8_t> RtcpPacket(uint32_t ssrc = 0x12345678) {
  std::vector<uint8_t> p = {0x81, 201, 0x00, 0x07, static_cast<uint8_t>(ssrc >> 24), static_cast<uint8_t>(ssrc >> 16),
                            static_cast<uint8_t>(ssrc >> 8), static_cast<uint8_t>(ssrc)};
  for (uint8_t i = 0; i < 24; ++i) p.push_back(i);
  return p;
}

struct Pair {
  SrtpSession sender;
  SrtpSession receiver;
};

Pair MakePair(SrtpProfile profile) {
  auto keys = DeriveSrtpKeys(profile, "sha-256 AA:BB", "sha-256 CC:DD", DtlsRole::kClient);
  REQUIRE(keys.ok());
  auto sender = SrtpSession::Create({profile, SrtpDirection::kOutbound, keys->outbound});
  auto receiver = SrtpSession::Create({profile, SrtpDirection::kInbound, keys->outbound});
  REQUIRE(sender.ok());
  REQUIRE(receiver.ok());
  return Pair{std::move(*sender), std::move(*receiver)};
}

const char* Name(SrtpProfile p) { return p == SrtpProfile::kAeadAes128Gcm ? "GCM" : "AES-CM"; }

}  // namespace

// libsrtp's test/srtp_driver.c reference packets (srtp_validate, srtp_validate_gcm): the key,
// salt, plaintext and ciphertext are libsrtp's, so this checks our policy wiring against an
// answer we did not produce ourselves, and catches any change of behaviour.
TEST_CASE("SRTP known answers: libsrtp reference packets", "[srtp][kat]") {
  const std::vector<uint8_t> rtp_plain = FromHex("800f1234decafbadcafebabeabababababababababababababababab");
  const std::vector<uint8_t> rtcp_plain = FromHex("81c8000bcafebabeabababababababababababababababab");

  struct Case {
    SrtpProfile profile;
    const char* key;
    const char* salt;
    const char* rtp_cipher;
    const char* rtcp_cipher;
  };
  const Case cases[] = {
      {SrtpProfile::kAesCm128HmacSha1_80, "e1f97a0d3e018be0d64fa32c06de4139", "0ec675ad498afeebb6960b3aabe6",
       "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb",
       "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798"},
      {SrtpProfile::kAeadAes128Gcm, "000102030405060708090a0b0c0d0e0f", "a0a1a2a3a4a5a6a7a8a9aaab",
       "800f1234decafbadcafebabec5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392",
       "81c8000bcafebabec98b8b5df0392a55852b6c21ac8e7025c52c6fbea2b3b446ea31123ba88ce61e80000001"},
  };
  for (const Case& c : cases) {
    INFO(Name(c.profile));
    const SrtpMasterKey master{FromHex(c.key), FromHex(c.salt)};
    auto out = SrtpSession::Create({c.profile, SrtpDirection::kOutbound, master});
    auto in = SrtpSession::Create({c.profile, SrtpDirection::kInbound, master});
    REQUIRE(out.ok());
    REQUIRE(in.ok());

    std::vector<uint8_t> rtp = rtp_plain;
    REQUIRE(out->ProtectRtp(rtp).ok());
    CHECK(rtp == FromHex(c.rtp_cipher));
    CHECK(rtp.size() == rtp_plain.size() + SrtpRtpOverheadBytes(c.profile));
    REQUIRE(in->UnprotectRtp(rtp).ok());
    CHECK(rtp == rtp_plain);

    std::vector<uint8_t> rtcp = rtcp_plain;
    REQUIRE(out->ProtectRtcp(rtcp).ok());
    CHECK(rtcp == FromHex(c.rtcp_cipher));
    CHECK(rtcp.size() == rtcp_plain.size() + SrtpRtcpOverheadBytes(c.profile));
    REQUIRE(in->UnprotectRtcp(rtcp).ok());
    CHECK(rtcp == rtcp_plain);

    CHECK(out->counters().rtp_ok == 1);
    CHECK(out->counters().rtcp_ok == 1);
    CHECK(in->counters().rtp_ok == 1);
    CHECK(in->counters().rtcp_ok == 1);
  }
}

TEST_CASE("SRTP round trips RTP and RTCP for both profiles", "[srtp]") {
  for (SrtpProfile profile : {SrtpProfile::kAesCm128HmacSha1_80, SrtpProfile::kAeadAes128Gcm}) {
    INFO(Name(profile));
    Pair pair = MakePair(profile);
    CHECK(pair.sender.profile() == profile);
    CHECK(pair.sender.direction() == SrtpDirection::kOutbound);
    CHECK(pair.receiver.direction() == SrtpDirection::kInbound);
    for (uint16_t seq = 65530; seq != 10; ++seq) {  // crosses the sequence number wrap (ROC)
      for (const auto& original : {RtpPacket(seq), RtpPacket(seq, 0x1111, 0), RtpPacket(seq, 0x2222, 1200, 3, true)}) {
        std::vector<uint8_t> packet = original;
        REQUIRE(pair.sender.ProtectRtp(packet).ok());
        CHECK(packet.size() == original.size() + SrtpRtpOverheadBytes(profile));
        CHECK(packet != original);
        REQUIRE(pair.receiver.UnprotectRtp(packet).ok());
        CHECK(packet == original);
      }
      std::vector<uint8_t> rtcp = RtcpPacket();
      REQUIRE(pair.sender.ProtectRtcp(rtcp).ok());
      CHECK(rtcp.size() == RtcpPacket().size() + SrtpRtcpOverheadBytes(profile));
      REQUIRE(pair.receiver.UnprotectRtcp(rtcp).ok());
      CHECK(rtcp == RtcpPacket());
    }
    CHECK(pair.receiver.counters().rtp_ok == 16 * 3);
    CHECK(pair.receiver.counters().rtcp_ok == 16);
    CHECK(pair.receiver.counters().auth_failures == 0);
  }
}

TEST_CASE("SRTP tampering is an authentication failure", "[srtp]") {
  for (SrtpProfile profile : {SrtpProfile::kAesCm128HmacSha1_80, SrtpProfile::kAeadAes128Gcm}) {
    INFO(Name(profile));
    Pair pair = MakePair(profile);
    std::vector<uint8_t> protected_rtp = RtpPacket(1);
    REQUIRE(pair.sender.ProtectRtp(protected_rtp).ok());
    // Flip one bit in the header, the payload and the tag in turn.
    uint64_t expected_failures = 0;
    for (size_t at : {size_t{1}, size_t{5}, size_t{20}, protected_rtp.size() - 1}) {
      std::vector<uint8_t> packet = protected_rtp;
      packet[at] ^= 0x01;
      Status s = pair.receiver.UnprotectRtp(packet);
      REQUIRE_FALSE(s.ok());
      CHECK(s.error().code == kSrtpAuthFailed);
      CHECK(packet.size() == protected_rtp.size());
      CHECK(pair.receiver.counters().auth_failures == ++expected_failures);
    }
    // The untouched packet still passes afterwards (failures did not advance the replay window).
    std::vector<uint8_t> packet = protected_rtp;
    CHECK(pair.receiver.UnprotectRtp(packet).ok());

    std::vector<uint8_t> rtcp = RtcpPacket();
    REQUIRE(pair.sender.ProtectRtcp(rtcp).ok());
    rtcp[12] ^= 0x80;
    Status s = pair.receiver.UnprotectRtcp(rtcp);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == kSrtpAuthFailed);
  }
}

TEST_CASE("SRTP replayed and too-old packets are replays; reordering inside the window is fine", "[srtp]") {
  for (SrtpProfile profile : {SrtpProfile::kAesCm128HmacSha1_80, SrtpProfile::kAeadAes128Gcm}) {
    INFO(Name(profile));
    Pair pair = MakePair(profile);
    std::vector<std::vector<uint8_t>> sent;
    for (uint16_t seq = 0; seq < 2000; ++seq) {
      sent.push_back(RtpPacket(seq, 0x1234, 20));
      REQUIRE(pair.sender.ProtectRtp(sent.back()).ok());
    }
    std::vector<uint8_t> p = sent[10];
    REQUIRE(pair.receiver.UnprotectRtp(p).ok());
    p = sent[10];
    Status replay = pair.receiver.UnprotectRtp(p);
    REQUIRE_FALSE(replay.ok());
    CHECK(replay.error().code == kSrtpReplay);
    CHECK(pair.receiver.counters().replays == 1);

    p = sent[5];  // reordered, but inside the window
    CHECK(pair.receiver.UnprotectRtp(p).ok());

    p = sent[1500];
    REQUIRE(pair.receiver.UnprotectRtp(p).ok());
    p = sent[11];  // 1489 behind the newest: outside the 1024-packet window
    Status old = pair.receiver.UnprotectRtp(p);
    REQUIRE_FALSE(old.ok());
    CHECK(old.error().code == kSrtpReplay);

    std::vector<uint8_t> rtcp = RtcpPacket();
    REQUIRE(pair.sender.ProtectRtcp(rtcp).ok());
    std::vector<uint8_t> copy = rtcp;
    REQUIRE(pair.receiver.UnprotectRtcp(copy).ok());
    Status rtcp_replay = pair.receiver.UnprotectRtcp(rtcp);
    REQUIRE_FALSE(rtcp_replay.ok());
    CHECK(rtcp_replay.error().code == kSrtpReplay);
    CHECK(pair.receiver.counters().replays == 3);
  }
}

TEST_CASE("SRTP outbound may protect the same sequence number again (retransmission)", "[srtp]") {
  Pair pair = MakePair(SrtpProfile::kAesCm128HmacSha1_80);
  std::vector<uint8_t> a = RtpPacket(7);
  std::vector<uint8_t> b = RtpPacket(7);
  REQUIRE(pair.sender.ProtectRtp(a).ok());
  REQUIRE(pair.sender.ProtectRtp(b).ok());
  CHECK(a == b);
}

TEST_CASE("SRTP with the wrong key is an authentication failure", "[srtp]") {
  for (SrtpProfile profile : {SrtpProfile::kAesCm128HmacSha1_80, SrtpProfile::kAeadAes128Gcm}) {
    INFO(Name(profile));
    auto keys = DeriveSrtpKeys(profile, "sha-256 AA:BB", "sha-256 CC:DD", DtlsRole::kClient);
    REQUIRE(keys.ok());
    auto sender = SrtpSession::Create({profile, SrtpDirection::kOutbound, keys->outbound});
    // The receiver uses the key of the other direction: a classic role mix-up.
    auto receiver = SrtpSession::Create({profile, SrtpDirection::kInbound, keys->inbound});
    REQUIRE(sender.ok());
    REQUIRE(receiver.ok());
    std::vector<uint8_t> rtp = RtpPacket(1);
    REQUIRE(sender->ProtectRtp(rtp).ok());
    Status s = receiver->UnprotectRtp(rtp);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == kSrtpAuthFailed);
    std::vector<uint8_t> rtcp = RtcpPacket();
    REQUIRE(sender->ProtectRtcp(rtcp).ok());
    Status r = receiver->UnprotectRtcp(rtcp);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == kSrtpAuthFailed);
    CHECK(receiver->counters().auth_failures == 2);
  }
}

TEST_CASE("SRTP truncated and garbage input is rejected without crashing", "[srtp]") {
  for (SrtpProfile profile : {SrtpProfile::kAesCm128HmacSha1_80, SrtpProfile::kAeadAes128Gcm}) {
    INFO(Name(profile));
    Pair pair = MakePair(profile);
    std::vector<uint8_t> rtp = RtpPacket(3, 0x1234, 40, 2, true);
    REQUIRE(pair.sender.ProtectRtp(rtp).ok());
    std::vector<uint8_t> rtcp = RtcpPacket();
    REQUIRE(pair.sender.ProtectRtcp(rtcp).ok());

    // Every strict prefix fails with a stable code and leaves the length unchanged.
    for (size_t len = 0; len < rtp.size(); ++len) {
      std::vector<uint8_t> p(rtp.begin(), rtp.begin() + static_cast<std::ptrdiff_t>(len));
      Status s = pair.receiver.UnprotectRtp(p);
      REQUIRE_FALSE(s.ok());
      CHECK((s.error().code == kSrtpBadPacket || s.error().code == kSrtpAuthFailed));
      CHECK(p.size() == len);
    }
    for (size_t len = 0; len < rtcp.size(); ++len) {
      std::vector<uint8_t> p(rtcp.begin(), rtcp.begin() + static_cast<std::ptrdiff_t>(len));
      Status s = pair.receiver.UnprotectRtcp(p);
      REQUIRE_FALSE(s.ok());
      CHECK((s.error().code == kSrtpBadPacket || s.error().code == kSrtpAuthFailed));
    }
    // Structural garbage is a bad packet before libsrtp sees it.
    std::vector<uint8_t> version1 = rtp;
    version1[0] = 0x40;
    CHECK(pair.receiver.UnprotectRtp(version1).error().code == kSrtpBadPacket);
    std::vector<uint8_t> many_csrc = RtpPacket(4, 0x1234, 4);
    many_csrc[0] = 0x8f;  // 15 CSRCs = 60 bytes that are not there
    CHECK(pair.receiver.UnprotectRtp(many_csrc).error().code == kSrtpBadPacket);
    CHECK(pair.sender.ProtectRtp(many_csrc).error().code == kSrtpBadPacket);
    std::vector<uint8_t> long_ext = RtpPacket(5, 0x1234, 30, 0, true);
    long_ext[14] = 0xff;  // extension length 0xff01 words
    CHECK(pair.receiver.UnprotectRtp(long_ext).error().code == kSrtpBadPacket);
    CHECK(pair.sender.ProtectRtp(long_ext).error().code == kSrtpBadPacket);
    std::vector<uint8_t> empty;
    CHECK(pair.sender.ProtectRtp(empty).error().code == kSrtpBadPacket);
    CHECK(pair.sender.ProtectRtcp(empty).error().code == kSrtpBadPacket);
    std::vector<uint8_t> huge(kMaxSrtpPacketBytes + 1, 0x80);
    CHECK(pair.receiver.UnprotectRtp(huge).error().code == kSrtpBadPacket);
    CHECK(pair.sender.ProtectRtp(huge).error().code == kSrtpBadPacket);

    // Deterministic pseudo-random garbage of many lengths (a fixed LCG, no std::rand).
    uint32_t state = 12345;
    for (int round = 0; round < 500; ++round) {
      std::vector<uint8_t> g(static_cast<size_t>(round % 90));
      for (auto& b : g) {
        state = state * 1664525u + 1013904223u;
        b = static_cast<uint8_t>(state >> 24);
      }
      if (!g.empty() && round % 2 == 0) g[0] = static_cast<uint8_t>(0x80 | (g[0] & 0x3f));  // pass the version check
      std::vector<uint8_t> a = g;
      std::vector<uint8_t> b = g;
      CHECK_FALSE(pair.receiver.UnprotectRtp(a).ok());
      CHECK_FALSE(pair.receiver.UnprotectRtcp(b).ok());
    }
    const SrtpCounters& c = pair.receiver.counters();
    CHECK(c.rtp_ok == 0);
    CHECK(c.bad_packets + c.auth_failures + c.replays + c.other_errors > 1000);
  }
}

TEST_CASE("SRTP sessions are one-directional", "[srtp]") {
  Pair pair = MakePair(SrtpProfile::kAesCm128HmacSha1_80);
  std::vector<uint8_t> p = RtpPacket(1);
  CHECK(pair.receiver.ProtectRtp(p).error().code == kSrtpWrongDirection);
  CHECK(pair.receiver.ProtectRtcp(p).error().code == kSrtpWrongDirection);
  CHECK(pair.sender.UnprotectRtp(p).error().code == kSrtpWrongDirection);
  CHECK(pair.sender.UnprotectRtcp(p).error().code == kSrtpWrongDirection);
  CHECK(pair.sender.counters().other_errors == 2);
  CHECK(p == RtpPacket(1));
}

TEST_CASE("SRTP session creation checks key sizes", "[srtp]") {
  SrtpMasterKey cm{std::vector<uint8_t>(16, 1), std::vector<uint8_t>(14, 2)};
  SrtpMasterKey gcm{std::vector<uint8_t>(16, 1), std::vector<uint8_t>(12, 2)};
  CHECK(SrtpSession::Create({SrtpProfile::kAesCm128HmacSha1_80, SrtpDirection::kOutbound, cm}).ok());
  CHECK(SrtpSession::Create({SrtpProfile::kAeadAes128Gcm, SrtpDirection::kInbound, gcm}).ok());
  auto wrong_salt = SrtpSession::Create({SrtpProfile::kAeadAes128Gcm, SrtpDirection::kInbound, cm});
  REQUIRE_FALSE(wrong_salt.ok());
  CHECK(wrong_salt.error().code == kSrtpBadKey);
  auto short_key = SrtpSession::Create({SrtpProfile::kAesCm128HmacSha1_80, SrtpDirection::kOutbound,
                                        SrtpMasterKey{std::vector<uint8_t>(15, 1), std::vector<uint8_t>(14, 2)}});
  REQUIRE_FALSE(short_key.ok());
  CHECK(short_key.error().code == kSrtpBadKey);
}

TEST_CASE("SRTP session keeps state for a bounded number of SSRCs", "[srtp]") {
  Pair pair = MakePair(SrtpProfile::kAeadAes128Gcm);
  for (uint32_t ssrc = 1; ssrc <= kMaxSrtpStreams; ++ssrc) {
    std::vector<uint8_t> p = RtpPacket(1, ssrc, 4);
    REQUIRE(pair.sender.ProtectRtp(p).ok());
  }
  std::vector<uint8_t> again = RtpPacket(2, 1, 4);
  CHECK(pair.sender.ProtectRtp(again).ok());  // a known SSRC is still fine
  std::vector<uint8_t> one_more = RtpPacket(1, kMaxSrtpStreams + 1, 4);
  Status s = pair.sender.ProtectRtp(one_more);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == kSrtpTooManyStreams);
  CHECK(pair.sender.counters().other_errors == 1);
}
