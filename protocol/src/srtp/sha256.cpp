#include "sfusim/protocol/srtp/sha256.h"

#include <algorithm>

namespace sfusim::protocol {
namespace {

constexpr std::array<uint32_t, 64> kRoundConstants = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

constexpr std::array<uint32_t, 8> kInitialState = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

}  // namespace

void Sha256::Reset() {
  state_ = kInitialState;
  buffered_ = 0;
  total_bytes_ = 0;
  finished_ = false;
}

void Sha256::Compress(const uint8_t* block) {
  std::array<uint32_t, 64> w{};
  for (size_t i = 0; i < 16; ++i) {
    w[i] = (static_cast<uint32_t>(block[4 * i]) << 24) | (static_cast<uint32_t>(block[4 * i + 1]) << 16) |
           (static_cast<uint32_t>(block[4 * i + 2]) << 8) | block[4 * i + 3];
  }
  for (size_t i = 16; i < 64; ++i) {
    const uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
  uint32_t e = state_[4], f = state_[5], g = state_[6], h = state_[7];
  for (size_t i = 0; i < 64; ++i) {
    const uint32_t s1 = Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25);
    const uint32_t ch = (e & f) ^ (~e & g);
    const uint32_t t1 = h + s1 + ch + kRoundConstants[i] + w[i];
    const uint32_t s0 = Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22);
    const uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
    const uint32_t t2 = s0 + maj;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
  state_[4] += e;
  state_[5] += f;
  state_[6] += g;
  state_[7] += h;
}

void Sha256::Update(std::span<const uint8_t> data) {
  if (finished_) return;
  total_bytes_ += data.size();
  size_t pos = 0;
  if (buffered_ > 0) {
    const size_t take = std::min(kSha256BlockBytes - buffered_, data.size());
    std::copy_n(data.begin(), take, buffer_.begin() + static_cast<std::ptrdiff_t>(buffered_));
    buffered_ += take;
    pos = take;
    if (buffered_ < kSha256BlockBytes) return;
    Compress(buffer_.data());
    buffered_ = 0;
  }
  while (data.size() - pos >= kSha256BlockBytes) {
    Compress(data.data() + pos);
    pos += kSha256BlockBytes;
  }
  std::copy(data.begin() + static_cast<std::ptrdiff_t>(pos), data.end(), buffer_.begin());
  buffered_ = data.size() - pos;
}

Sha256Digest Sha256::Finish() {
  Sha256Digest out{};
  if (!finished_) {
    const uint64_t bit_length = total_bytes_ * 8;
    // Padding: 0x80, zeros up to 56 mod 64, then the 64-bit big-endian message length.
    std::array<uint8_t, kSha256BlockBytes + 8> pad{};
    pad[0] = 0x80;
    const size_t pad_len = (buffered_ < 56) ? (56 - buffered_) : (120 - buffered_);
    for (int i = 0; i < 8; ++i) pad[pad_len + static_cast<size_t>(i)] = static_cast<uint8_t>(bit_length >> (56 - 8 * i));
    const uint64_t saved_total = total_bytes_;
    Update(std::span<const uint8_t>(pad.data(), pad_len + 8));
    total_bytes_ = saved_total;
    finished_ = true;
  }
  for (size_t i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<uint8_t>(state_[i] >> 24);
    out[4 * i + 1] = static_cast<uint8_t>(state_[i] >> 16);
    out[4 * i + 2] = static_cast<uint8_t>(state_[i] >> 8);
    out[4 * i + 3] = static_cast<uint8_t>(state_[i]);
  }
  return out;
}

Sha256Digest Sha256::Hash(std::span<const uint8_t> data) {
  Sha256 h;
  h.Update(data);
  return h.Finish();
}

Sha256Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> message) {
  // RFC 2104: keys longer than a block are hashed first; shorter ones are zero-padded.
  std::array<uint8_t, kSha256BlockBytes> block_key{};
  if (key.size() > kSha256BlockBytes) {
    const Sha256Digest hashed = Sha256::Hash(key);
    std::copy(hashed.begin(), hashed.end(), block_key.begin());
  } else {
    std::copy(key.begin(), key.end(), block_key.begin());
  }
  std::array<uint8_t, kSha256BlockBytes> ipad{};
  std::array<uint8_t, kSha256BlockBytes> opad{};
  for (size_t i = 0; i < kSha256BlockBytes; ++i) {
    ipad[i] = static_cast<uint8_t>(block_key[i] ^ 0x36);
    opad[i] = static_cast<uint8_t>(block_key[i] ^ 0x5c);
  }
  Sha256 inner;
  inner.Update(ipad);
  inner.Update(message);
  const Sha256Digest inner_digest = inner.Finish();
  Sha256 outer;
  outer.Update(opad);
  outer.Update(inner_digest);
  return outer.Finish();
}

Sha256Digest HkdfSha256Extract(std::span<const uint8_t> salt, std::span<const uint8_t> ikm) {
  // RFC 5869 section 2.2: an absent salt is a string of HashLen zeros.
  if (salt.empty()) {
    const std::array<uint8_t, kSha256DigestBytes> zeros{};
    return HmacSha256(zeros, ikm);
  }
  return HmacSha256(salt, ikm);
}

std::vector<uint8_t> HkdfSha256Expand(std::span<const uint8_t> prk, std::span<const uint8_t> info, size_t length) {
  length = std::min(length, kHkdfSha256MaxOutputBytes);
  std::vector<uint8_t> okm;
  okm.reserve(length);
  std::vector<uint8_t> block;  // T(i-1) | info | i
  Sha256Digest previous{};
  size_t previous_len = 0;
  for (uint8_t counter = 1; okm.size() < length; ++counter) {
    block.assign(previous.begin(), previous.begin() + static_cast<std::ptrdiff_t>(previous_len));
    block.insert(block.end(), info.begin(), info.end());
    block.push_back(counter);
    previous = HmacSha256(prk, block);
    previous_len = previous.size();
    const size_t take = std::min(previous.size(), length - okm.size());
    okm.insert(okm.end(), previous.begin(), previous.begin() + static_cast<std::ptrdiff_t>(take));
  }
  return okm;
}

}  // namespace sfusim::protocol
