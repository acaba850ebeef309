// CodecParameters: a codec's fmtp parameters ("packetization-mode=1;profile-level-id=42e01f").
//
// Contract: values are what mediasoup puts in JSON, an integer or a string, kept as given so a
// message round-trips unchanged. The map is ordered (std::map), so JSON output and any iteration
// are deterministic. Lookups by key go through the helpers, which also read an integer written as
// a decimal string ("1") because SDP carries every value as text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace sfusim::protocol {

using CodecParameterValue = std::variant<std::int64_t, std::string>;
using CodecParameters = std::map<std::string, CodecParameterValue, std::less<>>;

// The value as an integer: an integer, or a string holding only a decimal integer (optional '-').
// nullopt when absent or not an integer.
std::optional<std::int64_t> GetIntParameter(const CodecParameters& parameters, std::string_view key);

// The value as text: a string as is, an integer in decimal. nullopt when absent.
std::optional<std::string> GetStringParameter(const CodecParameters& parameters, std::string_view key);

}  // namespace sfusim::protocol
