// DeriveSrtpKeys: sfusim's deterministic stand-in for the DTLS-SRTP key exporter (RFC 5764).
//
// Contract: both ends of a transport call this with what signaling already carries (the DTLS
// fingerprint string of each side, as in `dtls_parameters`) and their own DTLS role; both get the
// same two master keys, mirrored: the client's outbound key is the server's inbound key and vice
// versa, and the two directions always get different keys. Same input, same keys, on every
// machine. This is NOT a security mechanism (fingerprints are public); it only gives the simulated
// SRTP real keys so that protect/unprotect, tampering and wrong-key cases behave as in the product.
//
// The KDF, fixed so that other implementations can reproduce it (HKDF-SHA-256, RFC 5869):
//   ikm  = be32(len(client_fp)) | client_fp | be32(len(server_fp)) | server_fp
//   prk  = HKDF-Extract(salt = "sfusim-srtp-kdf-v1", ikm)
//   okm_<dir> = HKDF-Expand(prk, info = "<dir> " | SrtpProfileName(profile), key_len + salt_len)
//              with <dir> = "client_write" or "server_write"
//   master key = okm[0, key_len), master salt = okm[key_len, key_len + salt_len)
// client_fp / server_fp are the fingerprints of the DTLS client / server (local or remote per role).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "sfusim/protocol/limits.h"  // kMaxDtlsFingerprintLength
#include "sfusim/protocol/result.h"
#include "sfusim/protocol/srtp/srtp_profile.h"

namespace sfusim::protocol {

inline constexpr std::string_view kSrtpKdfSalt = "sfusim-srtp-kdf-v1";

enum class DtlsRole : uint8_t { kClient, kServer };

struct SrtpMasterKey {
  std::vector<uint8_t> key;
  std::vector<uint8_t> salt;
};

struct SrtpSessionKeys {
  SrtpMasterKey outbound;  // protects what this side sends
  SrtpMasterKey inbound;   // unprotects what this side receives
};

// Errors: "srtp_bad_keying_material" (an empty fingerprint or one longer than
// kMaxDtlsFingerprintLength).
Result<SrtpSessionKeys> DeriveSrtpKeys(SrtpProfile profile, std::string_view local_fingerprint,
                                       std::string_view remote_fingerprint, DtlsRole local_role);

}  // namespace sfusim::protocol
