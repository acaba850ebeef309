// SHA-256 / HMAC-SHA-256 / HKDF-SHA-256 against published test vectors (FIPS 180-4 examples,
// RFC 4231, RFC 5869), so the SRTP key derivation rests on a checked primitive.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "sfusim/protocol/srtp/sha256.h"

using namespace sfusim::protocol;

namespace {

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

template <typename Container>
std::string ToHex(const Container& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

}  // namespace

TEST_CASE("SHA-256 matches the FIPS 180-4 examples", "[srtp][sha256]") {
  CHECK(ToHex(Sha256::Hash({})) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(ToHex(Sha256::Hash(Bytes("abc"))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(ToHex(Sha256::Hash(Bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("SHA-256 incremental updates equal one-shot hashing across block boundaries", "[srtp][sha256]") {
  const std::vector<uint8_t> million_a(1'000'000, 'a');
  Sha256 h;
  // Uneven chunk sizes hit the partial-block paths (63, 64, 65 bytes ...).
  size_t pos = 0;
  for (size_t chunk = 1; pos < million_a.size(); chunk = chunk % 130 + 1) {
    const size_t take = std::min(chunk, million_a.size() - pos);
    h.Update(std::span<const uint8_t>(million_a.data() + pos, take));
    pos += take;
  }
  CHECK(ToHex(h.Finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  CHECK(ToHex(Sha256::Hash(million_a)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Lengths around the 56-byte padding edge.
  for (size_t n : {55u, 56u, 57u, 63u, 64u, 65u, 119u, 120u}) {
    const std::vector<uint8_t> data(n, 0x61);
    Sha256 inc;
    inc.Update(std::span<const uint8_t>(data.data(), n / 2));
    inc.Update(std::span<const uint8_t>(data.data() + n / 2, n - n / 2));
    CHECK(inc.Finish() == Sha256::Hash(data));
  }
}

TEST_CASE("HMAC-SHA-256 matches RFC 4231", "[srtp][hmac]") {
  // Test case 1.
  CHECK(ToHex(HmacSha256(std::vector<uint8_t>(20, 0x0b), Bytes("Hi There"))) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2.
  CHECK(ToHex(HmacSha256(Bytes("Jefe"), Bytes("what do ya want for nothing?"))) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block is hashed first.
  CHECK(ToHex(HmacSha256(std::vector<uint8_t>(131, 0xaa), Bytes("Test Using Larger Than Block-Size Key - Hash Key First"))) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("HKDF-SHA-256 matches RFC 5869", "[srtp][hkdf]") {
  SECTION("test case 1") {
    const auto prk = HkdfSha256Extract(FromHex("000102030405060708090a0b0c"), std::vector<uint8_t>(22, 0x0b));
    CHECK(ToHex(prk) == "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    CHECK(ToHex(HkdfSha256Expand(prk, FromHex("f0f1f2f3f4f5f6f7f8f9"), 42)) ==
          "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }
  SECTION("test case 3: empty salt and info") {
    const auto prk = HkdfSha256Extract({}, std::vector<uint8_t>(22, 0x0b));
    CHECK(ToHex(prk) == "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
    CHECK(ToHex(HkdfSha256Expand(prk, {}, 42)) ==
          "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
  }
  SECTION("output length is clamped to 255 blocks") {
    const auto prk = HkdfSha256Extract({}, Bytes("x"));
    CHECK(HkdfSha256Expand(prk, {}, 100'000).size() == kHkdfSha256MaxOutputBytes);
    CHECK(HkdfSha256Expand(prk, {}, 0).empty());
  }
}
