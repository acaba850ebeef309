// The validator's primitives: JSON pointers, bounded parsing, field reading rules.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <set>

#include "sfusim/protocol/signaling/json_reader.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"

using namespace sfusim::protocol;
using nlohmann::json;

TEST_CASE("JsonPath renders RFC 6901 pointers", "[signaling][json]") {
  const JsonPath root;
  CHECK(root.ToPointer() == "");
  const JsonPath a = root.Field("rtp_parameters");
  const JsonPath b = a.Field("codecs");
  const JsonPath c = b.Index(0);
  const JsonPath d = c.Field("payloadType");
  CHECK(d.ToPointer() == "/rtp_parameters/codecs/0/payloadType");
  const JsonPath odd = root.Field("a/b~c");
  CHECK(odd.ToPointer() == "/a~1b~0c");
  const JsonPath empty = root.Field("");
  CHECK(empty.ToPointer() == "/");
}

TEST_CASE("ParseJsonBounded: depth, duplicates, syntax; never throws", "[signaling][json]") {
  json out;
  {
    JsonReader r;
    CHECK(ParseJsonBounded(R"({"a":[1,{"b":null}],"c":"\u00e9"})", 3, r, &out));
    CHECK(out["c"] == "\xc3\xa9");
  }
  {
    JsonReader r;
    CHECK_FALSE(ParseJsonBounded(R"({"a":[1,{"b":null}]})", 2, r, &out));
    CHECK(r.violation()->code == "too_deep");
    CHECK(r.violation()->pointer == "");
  }
  {
    JsonReader r;
    CHECK_FALSE(ParseJsonBounded(R"({"a":{"x":1,"x":2}})", 8, r, &out));
    CHECK(r.violation()->code == "duplicate_key");
  }
  {
    JsonReader r;
    CHECK_FALSE(ParseJsonBounded(R"({"a":1,})", 8, r, &out));
    CHECK(r.violation()->code == "invalid_json");
    CHECK(r.violation()->Message() == "payload: not valid JSON (error at byte 8)");
  }
  {
    // 100k nested arrays: refused at the depth limit, no stack exhaustion.
    JsonReader r;
    CHECK_FALSE(ParseJsonBounded(std::string(100000, '['), 32, r, &out));
    CHECK(r.violation()->code == "too_deep");
  }
  {
    JsonReader r;
    CHECK_FALSE(ParseJsonBounded(std::string("{\"a\":\"\xed\xa0\x80\"}"), 8, r, &out));  // a UTF-8 surrogate
    CHECK(r.violation()->code == "invalid_json");
  }
}

TEST_CASE("JsonReader keeps the first violation", "[signaling][json]") {
  JsonReader r;
  const JsonPath root;
  const JsonPath a = root.Field("a");
  const JsonPath b = root.Field("b");
  CHECK(r.ok());
  CHECK_FALSE(r.Fail("first", a, "one"));
  CHECK_FALSE(r.Fail("second", b, "two"));
  CHECK(r.violation()->code == "first");
  CHECK(r.violation()->pointer == "/a");
  CHECK(r.violation()->ToError() == Error{"first", "/a: one"});
}

TEST_CASE("JsonReader field rules", "[signaling][json]") {
  JsonDocument document;
  REQUIRE(document.Parse(R"({"s":"abc","e":"","n":null,"i":-5,"u":7,"f":1.5,"b":true,"arr":[1,2,3],"o":{}})", 8));
  const JsonValue& obj = document.root();
  const JsonPath root;
  std::string s;
  std::optional<std::string> os;
  std::int64_t i = 0;
  std::optional<std::int64_t> oi;
  bool b = false;
  std::optional<bool> ob;

  auto code_of = [](auto fn) {
    JsonReader r;
    fn(r);
    return r.ok() ? std::string("ok") : r.violation()->code;
  };
  CHECK(code_of([&](JsonReader& r) { r.ReadString(obj, root, "s", {3}, &s); }) == "ok");
  CHECK(code_of([&](JsonReader& r) { r.ReadString(obj, root, "s", {2}, &s); }) == "field_too_long");
  CHECK(code_of([&](JsonReader& r) { r.ReadString(obj, root, "e", {2}, &s); }) == "invalid_value");
  CHECK(code_of([&](JsonReader& r) { r.ReadString(obj, root, "e", {2, true}, &s); }) == "ok");
  CHECK(code_of([&](JsonReader& r) { r.ReadString(obj, root, "n", {2}, &s); }) == "wrong_type");
  CHECK(code_of([&](JsonReader& r) { r.ReadString(obj, root, "zz", {2}, &s); }) == "missing_field");
  CHECK(code_of([&](JsonReader& r) { r.ReadOptionalString(obj, root, "n", {2}, &os); }) == "ok");
  CHECK_FALSE(os.has_value());
  CHECK(code_of([&](JsonReader& r) { r.ReadOptionalString(obj, root, "i", {2}, &os); }) == "wrong_type");
  CHECK(code_of([&](JsonReader& r) { r.ReadInt(obj, root, "i", -5, 5, &i); }) == "ok");
  CHECK(i == -5);
  CHECK(code_of([&](JsonReader& r) { r.ReadInt(obj, root, "i", -4, 5, &i); }) == "out_of_range");
  CHECK(code_of([&](JsonReader& r) { r.ReadInt(obj, root, "u", 0, 7, &i); }) == "ok");
  CHECK(code_of([&](JsonReader& r) { r.ReadInt(obj, root, "u", 8, 9, &i); }) == "out_of_range");
  CHECK(code_of([&](JsonReader& r) { r.ReadInt(obj, root, "u", 0, 6, &i); }) == "out_of_range");
  CHECK(code_of([&](JsonReader& r) { r.ReadInt(obj, root, "f", 0, 6, &i); }) == "wrong_type");
  CHECK(code_of([&](JsonReader& r) { r.ReadOptionalInt(obj, root, "zz", 0, 6, &oi); }) == "ok");
  CHECK_FALSE(oi.has_value());
  CHECK(code_of([&](JsonReader& r) { r.ReadBool(obj, root, "b", &b); }) == "ok");
  CHECK(b);
  CHECK(code_of([&](JsonReader& r) { r.ReadBool(obj, root, "u", &b); }) == "wrong_type");
  CHECK(code_of([&](JsonReader& r) { r.ReadOptionalBool(obj, root, "s", &ob); }) == "wrong_type");
  CHECK(code_of([&](JsonReader& r) { CHECK(r.ReadArray(obj, root, "arr", 3, true) != nullptr); }) == "ok");
  CHECK(code_of([&](JsonReader& r) { r.ReadArray(obj, root, "arr", 2, true); }) == "too_many_items");
  CHECK(code_of([&](JsonReader& r) { r.ReadArray(obj, root, "o", 2, true); }) == "wrong_type");
  CHECK(code_of([&](JsonReader& r) { CHECK(r.ReadArray(obj, root, "zz", 2, false) == nullptr); }) == "ok");
  CHECK(code_of([&](JsonReader& r) { r.ReadArray(obj, root, "zz", 2, true); }) == "missing_field");
  CHECK(code_of([&](JsonReader& r) { r.ReadObject(obj, root, "arr", true); }) == "wrong_type");
}

TEST_CASE("numbers beyond the double range are invalid JSON, at the end of the number", "[signaling][json]") {
  JsonDocument document;
  CHECK_FALSE(document.Parse(R"({"x":{"y":1e999}})", 8));
  CHECK(document.failure() == JsonDocument::Failure::kSyntax);
  CHECK(document.position() == 15);  // nlohmann::json's position: just past "1e999"
  const std::string huge = "-" + std::string(400, '9');  // beyond int64: a float, and beyond double
  CHECK_FALSE(document.Parse(huge, 8));
  CHECK(document.position() == 401);
  REQUIRE(document.Parse("[1e-400,-1e-400,4.9e-324]", 8));  // underflow: zero or subnormal, like strtod
  CHECK(document.root()[0].Double() == 0.0);
  CHECK(std::signbit(document.root()[1].Double()));
  CHECK(document.root()[2].Double() > 0.0);
}

TEST_CASE("CountCodePoints counts characters, not bytes", "[signaling][json]") {
  CHECK(CountCodePoints("") == 0);
  CHECK(CountCodePoints("abc") == 3);
  CHECK(CountCodePoints("\xc3\xa9t\xc3\xa9") == 3);
  CHECK(CountCodePoints("\xf0\x9f\x8e\xa7") == 1);  // one emoji, four bytes
}

TEST_CASE("DumpJson never throws on invalid UTF-8", "[signaling][json]") {
  json value = std::string("a\xff" "b");
  CHECK(DumpJson(value) == "\"a\xef\xbf\xbd" "b\"");
}

TEST_CASE("error codes are unique snake_case words", "[signaling]") {
  std::set<std::string_view> seen;
  for (std::string_view code : signaling_error::kAllCodes) {
    INFO(code);
    CHECK(seen.insert(code).second);
    CHECK_FALSE(code.empty());
    for (char c : code) CHECK(((c >= 'a' && c <= 'z') || c == '_'));
  }
}
