// sfusim's JSON parser (json_document.h) against nlohmann::json with the depth and duplicate-key
// checks sfusim used before (json_differential.h): on arbitrary bytes, on token soups that are
// mostly JSON-shaped (escapes, surrogates, UTF-8 edge cases, number edge cases, duplicate keys,
// deep nesting) and on valid documents with a few byte edits, both agree on the verdict, the byte
// position of a syntax error, and the value. Documented differences (member order; a duplicate key
// is an error, as it already was with the former parse) are part of the oracle.
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "json_differential.h"
#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/signaling/signaling_codec.h"
#include "signaling_generators.h"

using namespace sfusim::protocol;

namespace {

// Pieces of JSON text, valid and broken, that exercise every branch of the lexer.
const std::vector<std::string>& Tokens() {
  static const std::vector<std::string> tokens = {
      "{", "}", "[", "]", ",", ":", " ", "\n", "\t", "\r", "\"a\"", "\"b\"", "\"\"", "\"a\"", "\"\\u0061\"",
      "\"\\u00e9\"", "\"\\ud83c\\udfa7\"", "\"\\ud83c\"", "\"\\udc00\"", "\"\\ud83c\\u0041\"", "\"\\uZZ\"",
      "\"\\x\"", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\t\"", "\"\xc3\xa9\"", "\"\xed\xa0\x80\"", "\"\xe0\x80\xaf\"",
      "\"\xf4\x90\x80\x80\"", "\"\xf0\x9f\x8e\xa7\"", "\"\xc3\"", "\"\x7f\"", "\"\\u0000\"", "\"", "\\", "0", "1",
      "-", "-0", "01", "1.", "1.5", ".5", "1e", "1e+", "1E-2", "-1.5e300", "1e999", "1e-400", "4.9e-324",
      "18446744073709551615", "18446744073709551616", "-9223372036854775808", "-9223372036854775809", "true",
      "false", "null", "tru", "nul", "fals", "truex", "NaN", "/", "//", "\xef\xbb\xbf", "\xef\xbb", "\xff", "\xc3\xa9",
      "{\"a\":1", "\"a\":", "[1,2]", "{\"a\":1,\"a\":2}", "[[[[", "]]]]", std::string(1, '\0')};
  return tokens;
}

rc::Gen<std::string> TokenSoup() {
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(Tokens())),
                      [](const std::vector<std::string>& parts) {
                        std::string text;
                        for (const auto& part : parts) text += part;
                        return text;
                      });
}

// A random valid document (nlohmann builds it, so keys are unique), compact or indented.
nlohmann::json RandomValue(int depth) {
  const int kind = *rc::gen::inRange(0, depth > 0 ? 9 : 7);
  switch (kind) {
    case 0: return nullptr;
    case 1: return *rc::gen::arbitrary<bool>();
    case 2: return *rc::gen::arbitrary<std::int64_t>();
    case 3: return *rc::gen::arbitrary<std::uint64_t>();
    case 4: {
      const double d = *rc::gen::arbitrary<double>();
      return std::isfinite(d) ? nlohmann::json(d) : nlohmann::json(0.5);
    }
    case 5:
    case 6: return *rc::gen::arbitrary<std::string>();  // may hold invalid UTF-8: the dump replaces it
    case 7: {
      nlohmann::json array = nlohmann::json::array();
      const int n = *rc::gen::inRange(0, 5);
      for (int i = 0; i < n; ++i) array.push_back(RandomValue(depth - 1));
      return array;
    }
    default: {
      nlohmann::json object = nlohmann::json::object();
      const int n = *rc::gen::inRange(0, 5);
      for (int i = 0; i < n; ++i) object[*rc::gen::arbitrary<std::string>()] = RandomValue(depth - 1);
      return object;
    }
  }
}

std::string Dump(const nlohmann::json& value, bool indent) {
  return value.dump(indent ? 2 : -1, ' ', *rc::gen::arbitrary<bool>(), nlohmann::json::error_handler_t::replace);
}

void CheckSame(const std::string& text, std::size_t max_depth) {
  const std::string diff = test::DiffAgainstNlohmann(text, max_depth);
  RC_LOG() << "text: " << nlohmann::json(text).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace)
           << "\n";
  RC_ASSERT(diff == "");
}

}  // namespace

TEST_CASE("the JSON parser agrees with nlohmann::json", "[signaling][json][property]") {
  rc::prop("arbitrary bytes", [](const std::string& text) { CheckSame(text, kMaxJsonDepth); });
  rc::prop("token soups", [] {
    const std::string text = *TokenSoup();
    CheckSame(text, *rc::gen::inRange<std::size_t>(1, 6));
  });
  rc::prop("valid documents, exactly and with byte edits", [] {
    std::string text = Dump(RandomValue(*rc::gen::inRange(0, 5)), *rc::gen::arbitrary<bool>());
    CheckSame(text, kMaxJsonDepth);
    const auto edits = *rc::gen::inRange(1, 4);
    for (int i = 0; i < edits; ++i) {
      const auto pos = *rc::gen::inRange<std::size_t>(0, text.size() + 1);
      const std::string piece = *rc::gen::elementOf(Tokens());
      if (*rc::gen::arbitrary<bool>() && pos < text.size()) {
        text.erase(pos, 1);
      } else {
        text.insert(pos, piece);
      }
    }
    CheckSame(text, *rc::gen::inRange<std::size_t>(1, 8));
  });
  rc::prop("real signaling messages", [] {
    const std::string text = EncodeClientMessage(*gen::AnyClientMessage());
    CheckSame(text, kMaxJsonDepth);
    const nlohmann::json reparsed = nlohmann::json::parse(text);
    CheckSame(reparsed.dump(4), kMaxJsonDepth);
  });
}
