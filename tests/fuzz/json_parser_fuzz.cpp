// libFuzzer target: sfusim's JSON parser (json_document.h) differentially against nlohmann::json
// with sfusim's former depth and duplicate-key checks (tests/property/.../json_differential.h).
//
// For any bytes, at a depth limit taken from the first byte (1..32) and at kMaxJsonDepth: the same
// verdict (ok / syntax / too deep / duplicate key), the same byte position of a syntax error and
// equal values, modulo the documented differences (member order; a NUL byte ends the input for
// nlohmann but is an invalid byte for sfusim). Any disagreement aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../property/protocol/signaling/json_differential.h"
#include "sfusim/protocol/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t first_depth = size > 0 ? 1 + static_cast<std::size_t>(data[0] % 32) : 1;
  const std::size_t depths[2] = {first_depth, sfusim::protocol::kMaxJsonDepth};
  for (std::size_t depth : depths) {
    const std::string diff = sfusim::protocol::test::DiffAgainstNlohmann(text, depth);
    if (!diff.empty()) {
      std::fprintf(stderr, "json_parser_fuzz: depth %zu: %s\n", depth, diff.c_str());
      std::abort();
    }
  }
  return 0;
}
