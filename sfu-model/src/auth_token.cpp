#include "sfusim/sfu/auth_token.h"

#include <cstdint>
#include <span>
#include <string>

#include "sfusim/protocol/srtp/sha256.h"

namespace sfusim::sfu {

std::string MakeAuthToken(std::string_view secret, std::string_view username) {
  std::string input;
  input.reserve(secret.size() + 1 + username.size());
  input.append(secret).append(":").append(username);
  const auto digest = protocol::Sha256::Hash(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(input.data()), input.size()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(kAuthTokenDigestBytes * 2);
  for (std::size_t i = 0; i < kAuthTokenDigestBytes; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0F]);
  }
  return out;
}

}  // namespace sfusim::sfu
