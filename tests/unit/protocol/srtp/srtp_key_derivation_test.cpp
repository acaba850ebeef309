// DeriveSrtpKeys: deterministic, mirrored between the two roles, different per direction, and
// equal to the documented HKDF construction (expected values computed independently with
// Python's hashlib/hmac from the description in srtp_key_derivation.h).
#include <catch2/catch.hpp>

#include <string>

#include "sfusim/protocol/srtp/srtp_key_derivation.h"

using namespace sfusim::protocol;

namespace {

std::string ToHex(const std::vector<uint8_t>& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

constexpr std::string_view kClientFp = "sha-256 AA:BB:CC:DD";
constexpr std::string_view kServerFp = "sha-256 11:22:33:44";

}  // namespace

TEST_CASE("DeriveSrtpKeys matches the documented KDF (known answer)", "[srtp][kdf]") {
  SECTION("AES_CM_128_HMAC_SHA1_80") {
    auto keys = DeriveSrtpKeys(SrtpProfile::kAesCm128HmacSha1_80, kClientFp, kServerFp, DtlsRole::kClient);
    REQUIRE(keys.ok());
    CHECK(ToHex(keys->outbound.key) == "8daafd75c3508c9fc6b83d099d3301e2");
    CHECK(ToHex(keys->outbound.salt) == "d1e45a4a46d38b215c4295b8bbdc");
    CHECK(ToHex(keys->inbound.key) == "1eb1497ebe9d47923bcee118edb4dac6");
    CHECK(ToHex(keys->inbound.salt) == "f0de31b1557b85f247ed15532120");
  }
  SECTION("AEAD_AES_128_GCM") {
    auto keys = DeriveSrtpKeys(SrtpProfile::kAeadAes128Gcm, kClientFp, kServerFp, DtlsRole::kClient);
    REQUIRE(keys.ok());
    CHECK(ToHex(keys->outbound.key) == "c1d2cd334741ec0e7f111e84b72c6dc6");
    CHECK(ToHex(keys->outbound.salt) == "98d2303c9ee467b9d45ad901");
    CHECK(ToHex(keys->inbound.key) == "a7b1fb7240b92f00d4333f9cc259bb78");
    CHECK(ToHex(keys->inbound.salt) == "48f977827b2cee925018a599");
  }
}

TEST_CASE("DeriveSrtpKeys mirrors the two roles and separates the directions", "[srtp][kdf]") {
  for (SrtpProfile profile : {SrtpProfile::kAesCm128HmacSha1_80, SrtpProfile::kAeadAes128Gcm}) {
    auto client = DeriveSrtpKeys(profile, kClientFp, kServerFp, DtlsRole::kClient);
    auto server = DeriveSrtpKeys(profile, kServerFp, kClientFp, DtlsRole::kServer);
    REQUIRE(client.ok());
    REQUIRE(server.ok());
    CHECK(client->outbound.key == server->inbound.key);
    CHECK(client->outbound.salt == server->inbound.salt);
    CHECK(client->inbound.key == server->outbound.key);
    CHECK(client->inbound.salt == server->outbound.salt);
    CHECK(client->outbound.key != client->inbound.key);
    CHECK(client->outbound.key.size() == SrtpMasterKeyBytes(profile));
    CHECK(client->outbound.salt.size() == SrtpMasterSaltBytes(profile));

    // Same fingerprints on both sides still give two different directions.
    auto same = DeriveSrtpKeys(profile, kClientFp, kClientFp, DtlsRole::kClient);
    REQUIRE(same.ok());
    CHECK(same->outbound.key != same->inbound.key);

    // Another fingerprint, other keys; the same inputs, the same keys.
    auto other = DeriveSrtpKeys(profile, kClientFp, "sha-256 11:22:33:45", DtlsRole::kClient);
    REQUIRE(other.ok());
    CHECK(other->outbound.key != client->outbound.key);
    auto again = DeriveSrtpKeys(profile, kClientFp, kServerFp, DtlsRole::kClient);
    REQUIRE(again.ok());
    CHECK(again->outbound.key == client->outbound.key);
  }
  // The length prefix keeps ("ab","c") and ("a","bc") apart.
  auto a = DeriveSrtpKeys(SrtpProfile::kAesCm128HmacSha1_80, "ab", "c", DtlsRole::kClient);
  auto b = DeriveSrtpKeys(SrtpProfile::kAesCm128HmacSha1_80, "a", "bc", DtlsRole::kClient);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->outbound.key != b->outbound.key);
}

TEST_CASE("DeriveSrtpKeys rejects empty and oversized fingerprints", "[srtp][kdf]") {
  auto empty = DeriveSrtpKeys(SrtpProfile::kAesCm128HmacSha1_80, "", kServerFp, DtlsRole::kClient);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == "srtp_bad_keying_material");
  CHECK(empty.error().message.find("local") != std::string::npos);

  const std::string huge(kMaxDtlsFingerprintLength + 1, 'A');
  auto big = DeriveSrtpKeys(SrtpProfile::kAesCm128HmacSha1_80, kClientFp, huge, DtlsRole::kServer);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == "srtp_bad_keying_material");
  CHECK(big.error().message.find("remote") != std::string::npos);

  const std::string at_limit(kMaxDtlsFingerprintLength, 'A');
  CHECK(DeriveSrtpKeys(SrtpProfile::kAesCm128HmacSha1_80, at_limit, at_limit, DtlsRole::kServer).ok());
}
