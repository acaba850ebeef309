#include "sfusim/protocol/rtp_parameters/codec_parameters.h"

#include <charconv>

namespace sfusim::protocol {

std::optional<std::int64_t> GetIntParameter(const CodecParameters& parameters, std::string_view key) {
  auto it = parameters.find(key);
  if (it == parameters.end()) return std::nullopt;
  if (const auto* number = std::get_if<std::int64_t>(&it->second)) return *number;
  const std::string& text = std::get<std::string>(it->second);
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::string> GetStringParameter(const CodecParameters& parameters, std::string_view key) {
  auto it = parameters.find(key);
  if (it == parameters.end()) return std::nullopt;
  if (const auto* number = std::get_if<std::int64_t>(&it->second)) return std::to_string(*number);
  return std::get<std::string>(it->second);
}

}  // namespace sfusim::protocol
