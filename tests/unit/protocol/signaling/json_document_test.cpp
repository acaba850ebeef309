// sfusim's JSON parser (json_document.h): values, strictness, limits and nlohmann-compatible
// error positions, on hand-written texts.
#include <catch2/catch.hpp>

#include <string>

#include "sfusim/protocol/signaling/json_document.h"

using namespace sfusim::protocol;

namespace {

// The 1-based error position of a refused text, or 0 when it parses.
std::size_t ErrorAt(std::string_view text, std::size_t depth = 32) {
  JsonDocument document;
  if (document.Parse(text, depth)) return 0;
  REQUIRE(document.failure() == JsonDocument::Failure::kSyntax);
  return document.position();
}

}  // namespace

TEST_CASE("JsonDocument reads every kind of value, members in input order", "[json_document]") {
  JsonDocument document;
  REQUIRE(document.Parse(R"( {"z":null,"b":[true,false],"a":{"n":-5,"u":7,"f":1.5,"s":"x\"y"}} )", 32));
  const JsonValue& root = document.root();
  REQUIRE(root.IsObject());
  REQUIRE(root.size() == 3);
  CHECK(root.Members()[0].key == "z");
  CHECK(root.Members()[1].key == "b");
  CHECK(root.Members()[2].key == "a");
  CHECK(root.Find("z")->IsNull());
  CHECK(root.Find("missing") == nullptr);
  const JsonValue& b = *root.Find("b");
  REQUIRE(b.IsArray());
  CHECK(b.size() == 2);
  CHECK(b[0].Bool());
  CHECK_FALSE(b[1].Bool());
  const JsonValue& a = *root.Find("a");
  CHECK(a.Find("n")->type() == JsonType::kInteger);
  CHECK(a.Find("n")->Int() == -5);
  CHECK(a.Find("u")->type() == JsonType::kUnsigned);
  CHECK(a.Find("u")->Unsigned() == 7);
  CHECK(a.Find("f")->Double() == 1.5);
  CHECK(a.Find("s")->String() == "x\"y");
  const auto sorted = root.SortedMembers();
  CHECK(sorted[0]->key == "a");
  CHECK(sorted[2]->key == "z");
}

TEST_CASE("JsonDocument numbers are classified as nlohmann::json does", "[json_document]") {
  JsonDocument document;
  REQUIRE(document.Parse("[0,-0,18446744073709551615,18446744073709551616,-9223372036854775808,"
                         "-9223372036854775809,1e2,1E-2,-0.0]",
                         32));
  const JsonValue& v = document.root();
  CHECK(v[0].type() == JsonType::kUnsigned);
  CHECK(v[1].type() == JsonType::kInteger);
  CHECK(v[2].Unsigned() == 18446744073709551615ull);
  CHECK(v[3].type() == JsonType::kFloat);
  CHECK(v[3].Double() == 18446744073709551616.0);
  CHECK(v[4].Int() == INT64_MIN);
  CHECK(v[5].type() == JsonType::kFloat);
  CHECK(v[6].Double() == 100.0);
  CHECK(v[7].Double() == 0.01);
  CHECK(v[8].type() == JsonType::kFloat);
}

TEST_CASE("JsonDocument decodes escapes only where present", "[json_document]") {
  const std::string text = R"(["plain","a\u00e9\n\/","\ud83c\udfa7","\u0000"])";
  JsonDocument document;
  REQUIRE(document.Parse(text, 32));
  const JsonValue& v = document.root();
  CHECK(v[0].String() == "plain");
  CHECK(v[0].String().data() == text.data() + 2);  // a view into the text, no copy
  CHECK(v[1].String() == "a\xc3\xa9\n/");
  CHECK(v[2].String() == "\xf0\x9f\x8e\xa7");
  CHECK(v[3].String() == std::string(1, '\0'));
}

TEST_CASE("JsonDocument is strict RFC 8259, with nlohmann's error positions", "[json_document]") {
  CHECK(ErrorAt("") == 1);
  CHECK(ErrorAt("   ") == 4);
  CHECK(ErrorAt(R"({"a":1,})") == 8);
  CHECK(ErrorAt("[1,]") == 4);
  CHECK(ErrorAt("[1 2]") == 4);
  CHECK(ErrorAt(R"({"a" "b"})") == 8);  // an unexpected token: where it ends
  CHECK(ErrorAt("01") == 2);
  CHECK(ErrorAt("1.") == 3);
  CHECK(ErrorAt("-x") == 2);
  CHECK(ErrorAt("tru") == 4);
  CHECK(ErrorAt("trUe") == 3);
  CHECK(ErrorAt("NaN") == 1);
  CHECK(ErrorAt("// comment\n{}") == 1);
  CHECK(ErrorAt("{} x") == 4);
  CHECK(ErrorAt("\"a\tb\"") == 3);                     // a raw control character
  CHECK(ErrorAt("\"\\x\"") == 3);                      // an unknown escape
  CHECK(ErrorAt("\"\\u12G4\"") == 6);                  // not four hex digits
  CHECK(ErrorAt("\"\\udc00\"") == 7);                  // a lone low surrogate
  CHECK(ErrorAt("\"\\ud800x\"") == 8);                 // a high surrogate without its pair
  CHECK(ErrorAt("\"\\ud800\\u0041\"") == 13);          // paired with a non-surrogate
  CHECK(ErrorAt("\"\xed\xa0\x80\"") == 3);             // a UTF-8 encoded surrogate
  CHECK(ErrorAt("\"\xc0\xaf\"") == 2);                 // an overlong form
  CHECK(ErrorAt("\"\xf4\x90\x80\x80\"") == 3);         // beyond U+10FFFF
  CHECK(ErrorAt("\"\xe2\x82") == 4);                   // truncated at the end
  CHECK(ErrorAt(std::string("{}\0", 3)) == 3);         // NUL is not the end of the text
  CHECK(ErrorAt("\xef\xbb\xbf{}") == 0);               // a byte order mark is skipped
  CHECK(ErrorAt("\xef\xbb{}") == 3);
}

TEST_CASE("JsonDocument enforces depth and unique keys while parsing", "[json_document]") {
  JsonDocument document;
  CHECK(document.Parse("[[1]]", 2));
  CHECK_FALSE(document.Parse("[[[1]]]", 2));
  CHECK(document.failure() == JsonDocument::Failure::kTooDeep);
  // Too deep is reported before the syntax error that follows it, as nlohmann's SAX order has it.
  CHECK_FALSE(document.Parse("[[[,", 2));
  CHECK(document.failure() == JsonDocument::Failure::kTooDeep);
  CHECK_FALSE(document.Parse(std::string(1'000'000, '['), 32));
  CHECK(document.failure() == JsonDocument::Failure::kTooDeep);
  // A duplicate is found when its key is read, after unescaping, before any later syntax error.
  CHECK_FALSE(document.Parse(R"({"a":1,"\u0061")", 32));
  CHECK(document.failure() == JsonDocument::Failure::kDuplicateKey);
  // Big objects switch to a set; still found, still linear.
  std::string big = "{";
  for (int i = 0; i < 5000; ++i) big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  const std::string unique = big + "\"last\":0}";  // the text must outlive the document's views
  CHECK(document.Parse(unique, 32));
  CHECK(document.root().size() == 5001);
  CHECK(document.root().Find("k4999")->Unsigned() == 4999);
  const std::string repeated = big + "\"k17\":0}";
  CHECK_FALSE(document.Parse(repeated, 32));
  CHECK(document.failure() == JsonDocument::Failure::kDuplicateKey);
  // Equal keys in different objects are fine.
  CHECK(document.Parse(R"({"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]})", 32));
}

TEST_CASE("JsonDocument can be reused", "[json_document]") {
  JsonDocument document;
  REQUIRE(document.Parse(R"({"s":"\u00e9"})", 32));
  CHECK(document.root().Find("s")->String() == "\xc3\xa9");
  CHECK_FALSE(document.Parse("[", 32));
  CHECK(document.root().IsNull());
  const std::string longer = R"({"t":"\u00e8", "u":["\n", {"v":"\t"}]})";
  REQUIRE(document.Parse(longer, 32));
  CHECK(document.root().Find("t")->String() == "\xc3\xa8");
  CHECK((*document.root().Find("u"))[1].Find("v")->String() == "\t");
}
