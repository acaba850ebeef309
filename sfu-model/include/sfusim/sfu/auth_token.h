// MakeAuthToken: the token a client presents in `authenticate` (E2E_DESIGN.md): lower-case hex of
// the first 16 bytes of SHA-256(secret ":" username). The runner computes it for each client and
// the SFU recomputes it to check; it is a pure function (not a security mechanism).
#pragma once

#include <string>
#include <string_view>

namespace sfusim::sfu {

inline constexpr std::size_t kAuthTokenDigestBytes = 16;

std::string MakeAuthToken(std::string_view secret, std::string_view username);

}  // namespace sfusim::sfu
