// SrtpProfile: the two SRTP protection profiles sfusim negotiates (RFC 5764 section 4.1.2, RFC 7714).
//
// Contract: each profile fixes the master key and master salt lengths and the size of the
// authentication tag appended to every protected packet. These numbers are what libsrtp2 uses
// for the same profiles; they are repeated here so that callers (key derivation, MTU budgeting)
// need not include libsrtp2. The profile name is the IANA / SDP spelling.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sfusim::protocol {

enum class SrtpProfile : uint8_t {
  kAesCm128HmacSha1_80,  // SRTP_AES128_CM_HMAC_SHA1_80: AES-128 counter mode + HMAC-SHA1, 80-bit tag
  kAeadAes128Gcm,        // SRTP_AEAD_AES_128_GCM: AES-128-GCM, 128-bit tag (RFC 7714)
};

inline constexpr size_t kSrtpAes128KeyBytes = 16;
// Counter mode takes a 112-bit salt (RFC 3711 section 8.2); GCM takes a 96-bit one (RFC 7714 section 12).
inline constexpr size_t kSrtpAesCmSaltBytes = 14;
inline constexpr size_t kSrtpGcmSaltBytes = 12;
inline constexpr size_t kSrtpHmacSha1_80TagBytes = 10;
inline constexpr size_t kSrtpGcmTagBytes = 16;
// SRTCP appends the E flag + 31-bit SRTCP index before the tag (RFC 3711 section 3.4).
inline constexpr size_t kSrtcpIndexBytes = 4;

constexpr size_t SrtpMasterKeyBytes(SrtpProfile) { return kSrtpAes128KeyBytes; }

constexpr size_t SrtpMasterSaltBytes(SrtpProfile profile) {
  return profile == SrtpProfile::kAeadAes128Gcm ? kSrtpGcmSaltBytes : kSrtpAesCmSaltBytes;
}

constexpr size_t SrtpTagBytes(SrtpProfile profile) {
  return profile == SrtpProfile::kAeadAes128Gcm ? kSrtpGcmTagBytes : kSrtpHmacSha1_80TagBytes;
}

// Bytes SRTP adds to an RTP packet / SRTCP adds to an RTCP packet (no MKI is ever used).
constexpr size_t SrtpRtpOverheadBytes(SrtpProfile profile) { return SrtpTagBytes(profile); }
constexpr size_t SrtpRtcpOverheadBytes(SrtpProfile profile) { return SrtpTagBytes(profile) + kSrtcpIndexBytes; }

constexpr std::string_view SrtpProfileName(SrtpProfile profile) {
  return profile == SrtpProfile::kAeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_HMAC_SHA1_80";
}

}  // namespace sfusim::protocol
