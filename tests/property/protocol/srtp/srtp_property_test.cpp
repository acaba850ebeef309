// RapidCheck properties of SrtpSession: protect -> unprotect is the identity for any RTP/RTCP
// packet shape and both profiles; any single-bit change of a protected packet is rejected and
// leaves the receiver able to accept the genuine packet; arbitrary bytes never crash.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include <vector>

#include "sfusim/protocol/srtp/srtp_session.h"

using namespace sfusim::protocol;
using Bytes = std::vector<uint8_t>;

namespace {

struct Sessions {
  SrtpSession out;
  SrtpSession in;
};

Sessions Make(SrtpProfile profile) {
  auto keys = DeriveSrtpKeys(profile, "sha-256 01:02", "sha-256 03:04", DtlsRole::kServer);
  RC_ASSERT(keys.ok());
  auto out = SrtpSession::Create({profile, SrtpDirection::kOutbound, keys->outbound});
  auto in = SrtpSession::Create({profile, SrtpDirection::kInbound, keys->outbound});
  RC_ASSERT(out.ok());
  RC_ASSERT(in.ok());
  return {std::move(*out), std::move(*in)};
}

SrtpProfile DrawProfile() {
  return *rc::gen::element(SrtpProfile::kAesCm128HmacSha1_80, SrtpProfile::kAeadAes128Gcm);
}

Bytes DrawRtp(uint16_t seq, uint32_t ssrc) {
  const auto csrcs = *rc::gen::inRange<uint8_t>(0, 16);
  const bool extension = *rc::gen::arbitrary<bool>();
  Bytes p = {static_cast<uint8_t>(0x80 | (extension ? 0x10 : 0) | csrcs), *rc::gen::inRange<uint8_t>(0, 128),
             static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq)};
  for (int i = 0; i < 4; ++i) p.push_back(*rc::gen::arbitrary<uint8_t>());  // timestamp
  for (int i = 3; i >= 0; --i) p.push_back(static_cast<uint8_t>(ssrc >> (8 * i)));
  for (int i = 0; i < 4 * csrcs; ++i) p.push_back(*rc::gen::arbitrary<uint8_t>());
  if (extension) {
    const auto words = *rc::gen::inRange<uint8_t>(0, 5);
    p.insert(p.end(), {0xbe, 0xde, 0x00, words});
    for (int i = 0; i < 4 * words; ++i) p.push_back(*rc::gen::arbitrary<uint8_t>());
  }
  const Bytes payload = *rc::gen::container<Bytes>(*rc::gen::inRange<size_t>(0, 1400), rc::gen::arbitrary<uint8_t>());
  p.insert(p.end(), payload.begin(), payload.end());
  return p;
}

Bytes DrawRtcp(uint32_t ssrc) {
  const auto words = *rc::gen::inRange<size_t>(1, 60);
  Bytes p = {0x80, *rc::gen::inRange<uint8_t>(200, 207), static_cast<uint8_t>(words >> 8), static_cast<uint8_t>(words)};
  for (int i = 3; i >= 0; --i) p.push_back(static_cast<uint8_t>(ssrc >> (8 * i)));
  for (size_t i = 0; i < 4 * (words - 1); ++i) p.push_back(*rc::gen::arbitrary<uint8_t>());
  return p;
}

}  // namespace

TEST_CASE("SRTP protect -> unprotect is the identity", "[srtp][property]") {
  rc::prop("RTP and RTCP of any shape, both profiles", [] {
    Sessions s = Make(DrawProfile());
    const auto ssrc = *rc::gen::arbitrary<uint32_t>();
    auto seq = *rc::gen::arbitrary<uint16_t>();
    const int count = *rc::gen::inRange(1, 6);
    for (int i = 0; i < count; ++i) {
      const Bytes rtp = DrawRtp(seq++, ssrc);
      Bytes packet = rtp;
      RC_ASSERT(s.out.ProtectRtp(packet).ok());
      RC_ASSERT(packet.size() == rtp.size() + SrtpRtpOverheadBytes(s.out.profile()));
      RC_ASSERT(s.in.UnprotectRtp(packet).ok());
      RC_ASSERT(packet == rtp);

      const Bytes rtcp = DrawRtcp(ssrc);
      Bytes control = rtcp;
      RC_ASSERT(s.out.ProtectRtcp(control).ok());
      RC_ASSERT(control.size() == rtcp.size() + SrtpRtcpOverheadBytes(s.out.profile()));
      RC_ASSERT(s.in.UnprotectRtcp(control).ok());
      RC_ASSERT(control == rtcp);
    }
  });
}

TEST_CASE("SRTP rejects any single-bit change", "[srtp][property]") {
  rc::prop("tampered packets fail with a stable code; the genuine one still passes", [] {
    Sessions s = Make(DrawProfile());
    const bool rtcp = *rc::gen::arbitrary<bool>();
    const Bytes plain = rtcp ? DrawRtcp(0x5555) : DrawRtp(*rc::gen::arbitrary<uint16_t>(), 0x5555);
    Bytes protected_packet = plain;
    RC_ASSERT((rtcp ? s.out.ProtectRtcp(protected_packet) : s.out.ProtectRtp(protected_packet)).ok());
    const auto at = *rc::gen::inRange<size_t>(0, protected_packet.size());
    const auto bit = *rc::gen::inRange(0, 8);
    Bytes tampered = protected_packet;
    tampered[at] = static_cast<uint8_t>(tampered[at] ^ (1 << bit));
    Status st = rtcp ? s.in.UnprotectRtcp(tampered) : s.in.UnprotectRtp(tampered);
    RC_ASSERT(!st.ok());
    RC_ASSERT(st.error().code == kSrtpAuthFailed || st.error().code == kSrtpBadPacket);
    Bytes genuine = protected_packet;
    RC_ASSERT((rtcp ? s.in.UnprotectRtcp(genuine) : s.in.UnprotectRtp(genuine)).ok());
    RC_ASSERT(genuine == plain);
  });
}

TEST_CASE("SRTP survives arbitrary bytes", "[srtp][property]") {
  rc::prop("unprotect of garbage fails cleanly and keeps the length", [] {
    Sessions s = Make(DrawProfile());
    Bytes garbage = *rc::gen::container<Bytes>(*rc::gen::inRange<size_t>(0, 200), rc::gen::arbitrary<uint8_t>());
    if (!garbage.empty() && *rc::gen::arbitrary<bool>()) garbage[0] = static_cast<uint8_t>(0x80 | (garbage[0] & 0x3f));
    Bytes a = garbage;
    Bytes b = garbage;
    RC_ASSERT(!s.in.UnprotectRtp(a).ok());
    RC_ASSERT(!s.in.UnprotectRtcp(b).ok());
    RC_ASSERT(a.size() == garbage.size());
    RC_ASSERT(b.size() == garbage.size());
  });
}
