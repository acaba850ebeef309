// ParseJsonText: JSON text -> nlohmann::json for the scenario loader, never throwing.
//
// Contract: syntax errors become one "invalid_json" problem (pointer "") whose message starts with
// "line L, column C: " (1-based; the column counts code points); nesting deeper than max_depth is one
// "too_deep" problem at the pointer of the container that went too deep (and stops the parse); a key
// repeated in one object is a "duplicate_key" problem at the repeated key's pointer (the first
// value is kept and parsing goes on). Returns nullopt exactly when the text could not be parsed
// to the end (invalid_json or too_deep); duplicate keys still return the value.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sfusim/scenario/problem.h"

namespace sfusim::scenario {

std::optional<nlohmann::json> ParseJsonText(std::string_view text, std::size_t max_depth,
                                            std::vector<Problem>& problems);

}  // namespace sfusim::scenario
