// Sha256: SHA-256 (FIPS 180-4), plus HMAC-SHA-256 (RFC 2104) and HKDF-SHA-256 (RFC 5869) on top.
//
// Contract: a small, dependency-free implementation used only to derive SRTP keys
// deterministically from signaling data (see srtp_key_derivation.h); it is not meant to be
// fast or side-channel hardened. Every function is pure: same input, same output, on every
// machine. Sha256 is incremental (Update any number of times, then Finish once); Finish leaves
// the object in the finished state and further Updates are ignored until Reset().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sfusim::protocol {

inline constexpr size_t kSha256DigestBytes = 32;
inline constexpr size_t kSha256BlockBytes = 64;
// RFC 5869 section 2.3: HKDF-Expand can produce at most 255 hash blocks.
inline constexpr size_t kHkdfSha256MaxOutputBytes = 255 * kSha256DigestBytes;

using Sha256Digest = std::array<uint8_t, kSha256DigestBytes>;

class Sha256 {
 public:
  Sha256() { Reset(); }

  void Reset();
  void Update(std::span<const uint8_t> data);
  Sha256Digest Finish();

  static Sha256Digest Hash(std::span<const uint8_t> data);

 private:
  void Compress(const uint8_t* block);

  std::array<uint32_t, 8> state_{};
  std::array<uint8_t, kSha256BlockBytes> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
  bool finished_ = false;
};

Sha256Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> message);

// HKDF-Extract(salt, ikm) -> pseudorandom key.
Sha256Digest HkdfSha256Extract(std::span<const uint8_t> salt, std::span<const uint8_t> ikm);
// HKDF-Expand(prk, info, length). length is clamped to kHkdfSha256MaxOutputBytes.
std::vector<uint8_t> HkdfSha256Expand(std::span<const uint8_t> prk, std::span<const uint8_t> info, size_t length);

}  // namespace sfusim::protocol
