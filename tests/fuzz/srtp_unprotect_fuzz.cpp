// libFuzzer target for SRTP/SRTCP unprotect (SrtpSession over libsrtp2).
//
// Input layout: byte 0 selects: bit 0 RTCP (else RTP), bit 1 AEAD_AES_128_GCM (else
// AES_CM_128_HMAC_SHA1_80), bit 2 protect-first mode; the rest is the packet.
// Keys are libsrtp's own test keys (test/srtp_driver.c), so the seed corpus can hold real
// protected packets that authenticate and reach the decrypt path.
// - unprotect mode: unprotect the bytes with a fresh inbound session; it must fail cleanly or
//   succeed with a shorter packet.
// - protect-first mode: protect the bytes (if they are a valid packet) with an outbound
//   session, unprotect with the inbound one: must give the bytes back; then the same packet
//   with one byte changed (chosen by the input) must be rejected.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include "sfusim/protocol/srtp/srtp_session.h"

using namespace sfusim::protocol;

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

SrtpMasterKey TestKey(SrtpProfile profile) {
  if (profile == SrtpProfile::kAeadAes128Gcm) {
    return {{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f},
            {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab}};
  }
  return {{0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39},
          {0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool rtcp = (data[0] & 0x01) != 0;
  const SrtpProfile profile = (data[0] & 0x02) != 0 ? SrtpProfile::kAeadAes128Gcm : SrtpProfile::kAesCm128HmacSha1_80;
  const bool protect_first = (data[0] & 0x04) != 0;
  const std::vector<uint8_t> bytes(data + 1, data + size);

  if (!protect_first) {
    // Creating a libsrtp session costs far more than unprotecting, so one inbound session per
    // profile is kept. Only a successful unprotect changes its state (replay window, streams):
    // then it is replaced, so every input still runs against a fresh session.
    static std::optional<SrtpSession> cached[2];
    std::optional<SrtpSession>& in = cached[profile == SrtpProfile::kAeadAes128Gcm ? 1 : 0];
    if (!in) {
      auto created = SrtpSession::Create({profile, SrtpDirection::kInbound, TestKey(profile)});
      Check(created.ok());
      in.emplace(std::move(*created));
    }
    std::vector<uint8_t> packet = bytes;
    Status s = rtcp ? in->UnprotectRtcp(packet) : in->UnprotectRtp(packet);
    if (s.ok()) {
      Check(packet.size() < bytes.size());
      in.reset();
    } else {
      Check(packet.size() == bytes.size());
      Check(!s.error().code.empty());
    }
    return 0;
  }

  auto in = SrtpSession::Create({profile, SrtpDirection::kInbound, TestKey(profile)});
  Check(in.ok());

  auto out = SrtpSession::Create({profile, SrtpDirection::kOutbound, TestKey(profile)});
  Check(out.ok());
  std::vector<uint8_t> packet = bytes;
  if (!(rtcp ? out->ProtectRtcp(packet) : out->ProtectRtp(packet)).ok()) return 0;
  std::vector<uint8_t> tampered = packet;
  Check((rtcp ? in->UnprotectRtcp(packet) : in->UnprotectRtp(packet)).ok());
  Check(packet == bytes);

  const size_t at = bytes.empty() ? 0 : bytes.back() % tampered.size();
  tampered[at] ^= 0x01;
  auto fresh = SrtpSession::Create({profile, SrtpDirection::kInbound, TestKey(profile)});
  Check(fresh.ok());
  Check(!(rtcp ? fresh->UnprotectRtcp(tampered) : fresh->UnprotectRtp(tampered)).ok());
  return 0;
}
