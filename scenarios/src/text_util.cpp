#include "text_util.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace sfusim::scenario {

std::size_t CountCodePoints(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string Quote(std::string_view text, std::size_t max_chars) {
  bool cut = false;
  if (CountCodePoints(text) > max_chars) {
    std::size_t chars = 0;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        if (chars == max_chars) break;
        ++chars;
      }
    }
    text = text.substr(0, i);
    cut = true;
  }
  // nlohmann's dump escapes control characters and quotes; `replace` turns invalid UTF-8 into
  // U+FFFD instead of throwing.
  std::string quoted = nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (cut) quoted.insert(quoted.size() - 1, "...");
  return quoted;
}

namespace {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  // Classic two-row Levenshtein; inputs are short (field and id names), longer ones are capped.
  constexpr std::size_t kCap = 128;
  a = a.substr(0, std::min(a.size(), kCap));
  b = b.substr(0, std::min(b.size(), kCap));
  std::vector<std::size_t> prev(b.size() + 1);
  std::vector<std::size_t> cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string_view ClosestMatch(std::string_view word, std::span<const std::string_view> candidates) {
  std::size_t threshold = std::max<std::size_t>(2, word.size() / 3);
  std::string_view best;
  std::size_t best_distance = threshold + 1;
  for (std::string_view c : candidates) {
    std::size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (!best.empty()) return best;
  // A shortened name ("restart" for "restart_sfu"): the only candidate it is a prefix of.
  constexpr std::size_t kMinPrefix = 4;
  if (word.size() < kMinPrefix) return {};
  for (std::string_view c : candidates) {
    if (c.size() > word.size() && c.substr(0, word.size()) == word) {
      if (!best.empty()) return {};  // ambiguous
      best = c;
    }
  }
  return best;
}

std::string JoinNames(std::span<const std::string_view> names, std::size_t max_items) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i == max_items) {
      out += ", ...";
      break;
    }
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out;
}

}  // namespace sfusim::scenario
