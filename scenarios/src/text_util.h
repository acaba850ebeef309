// Small text helpers shared by the loader and the command line: quoting values for messages, code
// point counting, "did you mean" suggestions and list joining.
//
// Contract: pure functions, never throw on any bytes (invalid UTF-8 is shown with replacement
// characters), bounded output (Quote truncates long values).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sfusim::scenario {

// A JSON-quoted, escaped copy of `text`, cut to about max_chars code points with "..." marking a cut.
std::string Quote(std::string_view text, std::size_t max_chars = 60);
// Unicode code points in `text` (bytes that are not UTF-8 continuation bytes).
std::size_t CountCodePoints(std::string_view text);
// The candidate closest to `word` by edit distance when it is close enough to be a likely typo
// (distance <= max(2, |word| / 3)), else the one candidate that `word` (4+ characters) is a prefix
// of; "" when none is.
std::string_view ClosestMatch(std::string_view word, std::span<const std::string_view> candidates);
// "a, b, c" (at most max_items, then ", ...").
std::string JoinNames(std::span<const std::string_view> names, std::size_t max_items = 40);

}  // namespace sfusim::scenario
