// Escaping text for XML and HTML (both the same five characters), and dropping what XML 1.0 cannot
// carry at all (control characters other than tab, newline, carriage return; invalid UTF-8 bytes
// become U+FFFD), so that any bytes from a result file give a well-formed document.
#pragma once

#include <string>
#include <string_view>

namespace sfusim::reports {

std::string XmlEscape(std::string_view text);

}  // namespace sfusim::reports
