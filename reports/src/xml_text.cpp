#include "sfusim/reports/xml_text.h"

namespace sfusim::reports {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
std::size_t Utf8Length(std::string_view s, std::size_t i) {
  auto u = static_cast<unsigned char>(s[i]);
  std::size_t n = u < 0x80 ? 1 : (u >> 5) == 0x6 ? 2 : (u >> 4) == 0xe ? 3 : (u >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
  }
  if (n == 2 && u < 0xc2) return 0;  // overlong
  if (n == 3) {
    auto u1 = static_cast<unsigned char>(s[i + 1]);
    if ((u == 0xe0 && u1 < 0xa0) || (u == 0xed && u1 >= 0xa0)) return 0;  // overlong, surrogate
    if (u == 0xef && u1 == 0xbf && (static_cast<unsigned char>(s[i + 2]) & 0xfe) == 0xbe) return 0;  // U+FFFE/F
  }
  if (n == 4) {
    auto u1 = static_cast<unsigned char>(s[i + 1]);
    if ((u == 0xf0 && u1 < 0x90) || u > 0xf4 || (u == 0xf4 && u1 >= 0x90)) return 0;
  }
  return n;
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default:
          if (u >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            out += c;
          } else {
            out += "\xef\xbf\xbd";  // not allowed in XML 1.0, even as a reference
          }
      }
      ++i;
      continue;
    }
    std::size_t n = Utf8Length(text, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace sfusim::reports
