#include "sfusim/protocol/srtp/srtp_key_derivation.h"

#include <string>

#include "sfusim/protocol/srtp/sha256.h"

namespace sfusim::protocol {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

void AppendLengthPrefixed(std::vector<uint8_t>& out, std::string_view s) {
  const auto n = static_cast<uint32_t>(s.size());
  out.push_back(static_cast<uint8_t>(n >> 24));
  out.push_back(static_cast<uint8_t>(n >> 16));
  out.push_back(static_cast<uint8_t>(n >> 8));
  out.push_back(static_cast<uint8_t>(n));
  out.insert(out.end(), s.begin(), s.end());
}

SrtpMasterKey Expand(const Sha256Digest& prk, std::string_view direction, SrtpProfile profile) {
  std::string info(direction);
  info += ' ';
  info += SrtpProfileName(profile);
  const size_t key_len = SrtpMasterKeyBytes(profile);
  const size_t salt_len = SrtpMasterSaltBytes(profile);
  const std::vector<uint8_t> okm = HkdfSha256Expand(prk, Bytes(info), key_len + salt_len);
  SrtpMasterKey out;
  out.key.assign(okm.begin(), okm.begin() + static_cast<std::ptrdiff_t>(key_len));
  out.salt.assign(okm.begin() + static_cast<std::ptrdiff_t>(key_len), okm.end());
  return out;
}

Status CheckFingerprint(std::string_view fp, std::string_view which) {
  if (fp.empty()) {
    return MakeError("srtp_bad_keying_material", std::string(which) + " fingerprint is empty");
  }
  if (fp.size() > kMaxDtlsFingerprintLength) {
    return MakeError("srtp_bad_keying_material", std::string(which) + " fingerprint has " + std::to_string(fp.size()) +
                                                     " chars, limit " + std::to_string(kMaxDtlsFingerprintLength));
  }
  return Ok{};
}

}  // namespace

Result<SrtpSessionKeys> DeriveSrtpKeys(SrtpProfile profile, std::string_view local_fingerprint,
                                       std::string_view remote_fingerprint, DtlsRole local_role) {
  if (Status s = CheckFingerprint(local_fingerprint, "local"); !s) return s.error();
  if (Status s = CheckFingerprint(remote_fingerprint, "remote"); !s) return s.error();

  const bool is_client = local_role == DtlsRole::kClient;
  const std::string_view client_fp = is_client ? local_fingerprint : remote_fingerprint;
  const std::string_view server_fp = is_client ? remote_fingerprint : local_fingerprint;

  std::vector<uint8_t> ikm;
  ikm.reserve(8 + client_fp.size() + server_fp.size());
  AppendLengthPrefixed(ikm, client_fp);
  AppendLengthPrefixed(ikm, server_fp);
  const Sha256Digest prk = HkdfSha256Extract(Bytes(kSrtpKdfSalt), ikm);

  SrtpMasterKey client_write = Expand(prk, "client_write", profile);
  SrtpMasterKey server_write = Expand(prk, "server_write", profile);
  SrtpSessionKeys keys;
  keys.outbound = is_client ? std::move(client_write) : std::move(server_write);
  keys.inbound = is_client ? std::move(server_write) : std::move(client_write);
  return keys;
}

}  // namespace sfusim::protocol
