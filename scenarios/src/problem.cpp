#include "sfusim/scenario/problem.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sfusim::scenario {

std::string Problem::ToString() const {
  if (pointer.empty()) return message;
  return pointer + ": " + message;
}

std::string EscapePointerToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[48];
  // Whole numbers as integers ("3600000", not "3.6e+06"), below 2^53 where doubles are exact.
  if (std::trunc(value) == value && std::fabs(value) < 9007199254740992.0) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  // Otherwise the shortest form that reads back the same value, so messages show what was written.
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) return buf;
  }
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

}  // namespace sfusim::scenario
