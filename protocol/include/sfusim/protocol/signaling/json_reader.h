// JsonPath and JsonReader: the validator's primitives. Every limit check of a signaling field goes
// through one of these, so each violation carries a stable code, the field's JSON pointer and the
// limit, the same way everywhere.
//
// Contract:
// - ParseJsonBounded turns text into a JsonDocument (json_document.h: sfusim's own parser) without
//   ever throwing on bad input: malformed text gives "invalid_json" (with nlohmann::json's byte
//   offset), nesting deeper than the limit "too_deep", a key repeated in one object
//   "duplicate_key"; these name the whole payload (pointer ""). An overload builds a
//   nlohmann::json from the same checked parse, for callers that want one.
// - JsonReader's Read*/Check* functions return true when the value is acceptable (and store it),
//   false after recording a violation. Only the first violation is kept, so the reported error is
//   deterministic: the first rule broken in the documented reading order.
// - Pointers are RFC 6901 ("/rtp_parameters/codecs/0/payloadType"), "" for the whole payload; they
//   are built only when a violation is recorded. Messages are "<pointer>: <rule and limit>" (or
//   "payload: ..." for ""), sfusim's own text: they never carry a library's exception text and never
//   repeat a value the peer sent (keys of free-form maps aside, which are length-checked first).
// - String lengths count Unicode code points; the parser has already rejected invalid UTF-8.
// - An optional member given as null counts as absent; a required one given as null is wrong_type.
// - Free-form objects (CheckBoundedObject) are walked in key order, as when the DOM was
//   nlohmann::json's sorted map, so the reported member is the same.
//
// JsonPath links to its parent by pointer: build one level per named local, never keep a path to
// a temporary (`const JsonPath codecs = at.Field("codecs");` then `codecs.Index(i)`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sfusim/protocol/result.h"
#include "sfusim/protocol/signaling/json_document.h"
#include "sfusim/protocol/signaling/media_types.h"

namespace sfusim::protocol {

class JsonPath {
 public:
  JsonPath() = default;  // the root: pointer ""

  JsonPath Field(std::string_view key) const { return JsonPath(this, key, 0, false); }
  JsonPath Index(std::size_t index) const { return JsonPath(this, {}, index, true); }

  // RFC 6901 pointer; "~" and "/" in keys are escaped as "~0" and "~1".
  std::string ToPointer() const;

 private:
  JsonPath(const JsonPath* parent, std::string_view key, std::size_t index, bool is_index)
      : parent_(parent), key_(key), index_(index), is_index_(is_index) {}

  const JsonPath* parent_ = nullptr;
  std::string_view key_;
  std::size_t index_ = 0;
  bool is_index_ = false;
};

struct JsonViolation {
  std::string code;
  std::string pointer;  // "" = the whole payload
  std::string detail;   // the rule and its limit, without the pointer

  // "<pointer>: <detail>", or "payload: <detail>" for the whole payload.
  std::string Message() const;
  Error ToError() const { return Error{code, Message()}; }
};

// A string field's rule: at most max_chars code points, and non-empty unless allow_empty.
struct StringRule {
  std::size_t max_chars;
  bool allow_empty = false;
};

class JsonReader {
 public:
  bool ok() const { return !violation_.has_value(); }
  const std::optional<JsonViolation>& violation() const { return violation_; }

  // Records a violation (unless one is recorded already) and returns false.
  bool Fail(std::string_view code, const JsonPath& at, std::string detail);
  bool Fail(std::string_view code, std::string pointer, std::string detail);

  // The member `key` of `object`, or nullptr when absent or null.
  static const JsonValue* Find(const JsonValue& object, std::string_view key);

  // --- a value at `at` ---
  bool CheckObject(const JsonValue& value, const JsonPath& at);
  bool CheckString(const JsonValue& value, const JsonPath& at, StringRule rule, std::string* out);
  bool CheckInt(const JsonValue& value, const JsonPath& at, std::int64_t min, std::int64_t max,
                std::int64_t* out);
  bool CheckArray(const JsonValue& value, const JsonPath& at, std::size_t max_items);
  // An object whose own JSON text is at most max_bytes, nested at most max_depth (the object itself
  // is depth 1), with at most max_values values inside; numbers must be finite.
  // On success the object is also converted to `converted` (when not null).
  bool CheckBoundedObject(const JsonValue& value, const JsonPath& at, std::size_t max_depth,
                          std::size_t max_values, std::size_t max_bytes, nlohmann::json* converted = nullptr);

  // --- a member `key` of `object` (object is already checked to be an object) at `at` ---
  bool ReadString(const JsonValue& object, const JsonPath& at, std::string_view key, StringRule rule,
                  std::string* out);
  bool ReadOptionalString(const JsonValue& object, const JsonPath& at, std::string_view key, StringRule rule,
                          std::optional<std::string>* out);
  bool ReadBool(const JsonValue& object, const JsonPath& at, std::string_view key, bool* out);
  bool ReadOptionalBool(const JsonValue& object, const JsonPath& at, std::string_view key,
                        std::optional<bool>* out);
  bool ReadInt(const JsonValue& object, const JsonPath& at, std::string_view key, std::int64_t min,
               std::int64_t max, std::int64_t* out);
  bool ReadOptionalInt(const JsonValue& object, const JsonPath& at, std::string_view key, std::int64_t min,
                       std::int64_t max, std::optional<std::int64_t>* out);
  // Returns the member when it is an array of at most max_items; nullptr when absent (not an
  // error unless required) or on a violation (check ok()).
  const JsonValue* ReadArray(const JsonValue& object, const JsonPath& at, std::string_view key,
                                  std::size_t max_items, bool required);
  const JsonValue* ReadObject(const JsonValue& object, const JsonPath& at, std::string_view key,
                                   bool required);

  // An enumerated word: first its length (field_too_long), then membership (invalid_enum).
  template <typename E, std::size_t N>
  bool ReadEnum(const JsonValue& object, const JsonPath& at, std::string_view key, std::size_t max_chars,
                const std::array<EnumName<E>, N>& table, E* out) {
    const JsonPath field = at.Field(key);
    const JsonValue* value = Find(object, key);
    if (value == nullptr) return Missing(object, key, field);
    std::string_view text;
    if (!CheckEnumText(*value, field, max_chars, &text)) return false;
    for (const auto& entry : table) {
      if (entry.name == text) {
        *out = entry.value;
        return true;
      }
    }
    return FailEnum(field, AllowedWords(table));
  }

 private:
  bool Missing(const JsonValue& object, std::string_view key, const JsonPath& field);
  bool CheckEnumText(const JsonValue& value, const JsonPath& at, std::size_t max_chars,
                     std::string_view* text);
  bool FailEnum(const JsonPath& at, std::string allowed);

  template <typename E, std::size_t N>
  static std::string AllowedWords(const std::array<EnumName<E>, N>& table) {
    std::string words;
    for (const auto& entry : table) {
      if (!words.empty()) words += ", ";
      words += entry.name;
    }
    return words;
  }

  std::optional<JsonViolation> violation_;
};

// Parses `text` (any size; callers check their payload limit first) into `out`, which then refers
// into `text`. On failure records invalid_json / too_deep / duplicate_key on `reader` with pointer
// "" and returns false.
bool ParseJsonBounded(std::string_view text, std::size_t max_depth, JsonReader& reader, JsonDocument* out);
// The same checks, then the value as a nlohmann::json (which owns its strings).
bool ParseJsonBounded(std::string_view text, std::size_t max_depth, JsonReader& reader, nlohmann::json* out);

// A parsed value as a nlohmann::json (recursion as deep as the value, which the parse bounded).
nlohmann::json ToNlohmannJson(const JsonValue& value);

// Number of Unicode code points in valid UTF-8 text.
std::size_t CountCodePoints(std::string_view utf8);

// Compact JSON text of a value as the encoders write it (never throws: invalid UTF-8 in a string
// is replaced by U+FFFD).
std::string DumpJson(const nlohmann::json& value);

}  // namespace sfusim::protocol
