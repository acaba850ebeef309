#include "sfusim/protocol/signaling/json_reader.h"

#include <cmath>
#include <vector>

#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace sfusim::protocol {
namespace {

using nlohmann::json;
namespace err = signaling_error;

const char* TypeName(const JsonValue& value) {
  switch (value.type()) {
    case JsonType::kNull: return "null";
    case JsonType::kBool: return "a boolean";
    case JsonType::kInteger:
    case JsonType::kUnsigned: return "an integer";
    case JsonType::kFloat: return "a number with a fraction or exponent";
    case JsonType::kString: return "a string";
    case JsonType::kArray: return "an array";
    case JsonType::kObject: return "an object";
  }
  return "an unsupported value";
}

std::string Expected(const char* what, const JsonValue& value) {
  return std::string("expected ") + what + ", got " + TypeName(value);
}

std::string RangeText(std::int64_t min, std::int64_t max) {
  return "out of range, must be " + std::to_string(min) + ".." + std::to_string(max);
}

}  // namespace

std::string JsonPath::ToPointer() const {
  std::vector<const JsonPath*> chain;
  for (const JsonPath* p = this; p != nullptr && p->parent_ != nullptr; p = p->parent_) chain.push_back(p);
  std::string pointer;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    pointer += '/';
    if ((*it)->is_index_) {
      pointer += std::to_string((*it)->index_);
      continue;
    }
    for (char c : (*it)->key_) {
      if (c == '~') {
        pointer += "~0";
      } else if (c == '/') {
        pointer += "~1";
      } else {
        pointer += c;
      }
    }
  }
  return pointer;
}

std::string JsonViolation::Message() const { return (pointer.empty() ? std::string("payload") : pointer) + ": " + detail; }

bool JsonReader::Fail(std::string_view code, const JsonPath& at, std::string detail) {
  if (violation_) return false;
  return Fail(code, at.ToPointer(), std::move(detail));
}

bool JsonReader::Fail(std::string_view code, std::string pointer, std::string detail) {
  if (!violation_) violation_ = JsonViolation{std::string(code), std::move(pointer), std::move(detail)};
  return false;
}

const JsonValue* JsonReader::Find(const JsonValue& object, std::string_view key) {
  const JsonValue* value = object.Find(key);
  if (value == nullptr || value->IsNull()) return nullptr;
  return value;
}

bool JsonReader::Missing(const JsonValue& object, std::string_view key, const JsonPath& field) {
  if (object.Find(key) != nullptr) return Fail(err::kWrongType, field, "is required and must not be null");
  return Fail(err::kMissingField, field, "is required");
}

bool JsonReader::CheckObject(const JsonValue& value, const JsonPath& at) {
  if (value.IsObject()) return true;
  return Fail(err::kWrongType, at, Expected("an object", value));
}

bool JsonReader::CheckString(const JsonValue& value, const JsonPath& at, StringRule rule, std::string* out) {
  if (!value.IsString()) return Fail(err::kWrongType, at, Expected("a string", value));
  const std::string_view text = value.String();
  if (text.empty() && !rule.allow_empty) return Fail(err::kInvalidValue, at, "must not be empty");
  // Bytes bound code points from above, so the count is only needed near the limit.
  if (text.size() > rule.max_chars && CountCodePoints(text) > rule.max_chars) {
    return Fail(err::kFieldTooLong, at, "longer than the limit of " + std::to_string(rule.max_chars) + " chars");
  }
  out->assign(text.data(), text.size());
  return true;
}

bool JsonReader::CheckInt(const JsonValue& value, const JsonPath& at, std::int64_t min, std::int64_t max,
                          std::int64_t* out) {
  if (value.type() == JsonType::kUnsigned) {
    const std::uint64_t u = value.Unsigned();
    if (u > static_cast<std::uint64_t>(max) || (min > 0 && u < static_cast<std::uint64_t>(min))) {
      return Fail(err::kOutOfRange, at, RangeText(min, max));
    }
    *out = static_cast<std::int64_t>(u);
    return true;
  }
  if (value.type() == JsonType::kInteger) {
    const std::int64_t i = value.Int();
    if (i < min || i > max) return Fail(err::kOutOfRange, at, RangeText(min, max));
    *out = i;
    return true;
  }
  return Fail(err::kWrongType, at, Expected("an integer", value));
}

bool JsonReader::CheckArray(const JsonValue& value, const JsonPath& at, std::size_t max_items) {
  if (!value.IsArray()) return Fail(err::kWrongType, at, Expected("an array", value));
  if (value.size() > max_items) {
    return Fail(err::kTooManyItems, at, "more than the limit of " + std::to_string(max_items) + " items");
  }
  return true;
}

namespace {

// Depth-first walk with an explicit bound on recursion: it never goes below max_depth.
struct BoundedWalk {
  JsonReader& reader;
  std::size_t max_depth;
  std::size_t max_values;
  std::size_t values = 0;

  bool Visit(const JsonValue& value, const JsonPath& at, std::size_t depth) {
    if (++values > max_values) {
      return reader.Fail(err::kTooManyItems, at, "more than the limit of " + std::to_string(max_values) + " values");
    }
    if (value.IsFloat() && !std::isfinite(value.Double())) {
      return reader.Fail(err::kOutOfRange, at, "numbers must be finite");
    }
    if (!value.IsObject() && !value.IsArray()) return true;
    if (depth > max_depth) {
      return reader.Fail(err::kTooDeep, at, "nested deeper than the limit of " + std::to_string(max_depth));
    }
    if (value.IsObject()) return VisitMembers(value, at, depth + 1);
    std::size_t index = 0;
    for (const JsonValue& element : value.Elements()) {
      const JsonPath child = at.Index(index++);
      if (!Visit(element, child, depth + 1)) return false;
    }
    return true;
  }

  // Key order, as nlohmann::json's sorted map iterated, so the same member is reported.
  bool VisitMembers(const JsonValue& object, const JsonPath& at, std::size_t depth) {
    for (const JsonMember* member : object.SortedMembers()) {
      const JsonPath child = at.Field(member->key);
      if (!Visit(member->value, child, depth)) return false;
    }
    return true;
  }
};

}  // namespace

bool JsonReader::CheckBoundedObject(const JsonValue& value, const JsonPath& at, std::size_t max_depth,
                                    std::size_t max_values, std::size_t max_bytes, nlohmann::json* converted) {
  if (!CheckObject(value, at)) return false;
  BoundedWalk walk{*this, max_depth, max_values};
  // The object itself is depth 1 and not one of the values it holds.
  if (!walk.VisitMembers(value, at, 2)) return false;
  // The limit is on the text sfusim would write (compact, escapes normalised), not the peer's.
  json object = ToNlohmannJson(value);
  if (DumpJson(object).size() > max_bytes) {
    return Fail(err::kTooLarge, at, "JSON text larger than the limit of " + std::to_string(max_bytes) + " bytes");
  }
  if (converted != nullptr) *converted = std::move(object);
  return true;
}

bool JsonReader::ReadString(const JsonValue& object, const JsonPath& at, std::string_view key, StringRule rule,
                            std::string* out) {
  const JsonPath field = at.Field(key);
  const JsonValue* value = Find(object, key);
  if (value == nullptr) return Missing(object, key, field);
  return CheckString(*value, field, rule, out);
}

bool JsonReader::ReadOptionalString(const JsonValue& object, const JsonPath& at, std::string_view key, StringRule rule,
                                    std::optional<std::string>* out) {
  const JsonValue* value = Find(object, key);
  if (value == nullptr) {
    out->reset();
    return true;
  }
  const JsonPath field = at.Field(key);
  std::string text;
  if (!CheckString(*value, field, rule, &text)) return false;
  *out = std::move(text);
  return true;
}

bool JsonReader::ReadBool(const JsonValue& object, const JsonPath& at, std::string_view key, bool* out) {
  const JsonPath field = at.Field(key);
  const JsonValue* value = Find(object, key);
  if (value == nullptr) return Missing(object, key, field);
  if (!value->IsBool()) return Fail(err::kWrongType, field, Expected("a boolean", *value));
  *out = value->Bool();
  return true;
}

bool JsonReader::ReadOptionalBool(const JsonValue& object, const JsonPath& at, std::string_view key,
                                  std::optional<bool>* out) {
  const JsonValue* value = Find(object, key);
  if (value == nullptr) {
    out->reset();
    return true;
  }
  if (!value->IsBool()) return Fail(err::kWrongType, at.Field(key), Expected("a boolean", *value));
  *out = value->Bool();
  return true;
}

bool JsonReader::ReadInt(const JsonValue& object, const JsonPath& at, std::string_view key, std::int64_t min,
                         std::int64_t max, std::int64_t* out) {
  const JsonPath field = at.Field(key);
  const JsonValue* value = Find(object, key);
  if (value == nullptr) return Missing(object, key, field);
  return CheckInt(*value, field, min, max, out);
}

bool JsonReader::ReadOptionalInt(const JsonValue& object, const JsonPath& at, std::string_view key, std::int64_t min,
                                 std::int64_t max, std::optional<std::int64_t>* out) {
  const JsonValue* value = Find(object, key);
  if (value == nullptr) {
    out->reset();
    return true;
  }
  std::int64_t number = 0;
  if (!CheckInt(*value, at.Field(key), min, max, &number)) return false;
  *out = number;
  return true;
}

const JsonValue* JsonReader::ReadArray(const JsonValue& object, const JsonPath& at, std::string_view key,
                                  std::size_t max_items, bool required) {
  const JsonPath field = at.Field(key);
  const JsonValue* value = Find(object, key);
  if (value == nullptr) {
    if (required) Missing(object, key, field);
    return nullptr;
  }
  return CheckArray(*value, field, max_items) ? value : nullptr;
}

const JsonValue* JsonReader::ReadObject(const JsonValue& object, const JsonPath& at, std::string_view key, bool required) {
  const JsonPath field = at.Field(key);
  const JsonValue* value = Find(object, key);
  if (value == nullptr) {
    if (required) Missing(object, key, field);
    return nullptr;
  }
  return CheckObject(*value, field) ? value : nullptr;
}

bool JsonReader::CheckEnumText(const JsonValue& value, const JsonPath& at, std::size_t max_chars,
                               std::string_view* text) {
  if (!value.IsString()) return Fail(err::kWrongType, at, Expected("a string", value));
  const std::string_view s = value.String();
  if (s.size() > max_chars && CountCodePoints(s) > max_chars) {
    return Fail(err::kFieldTooLong, at, "longer than the limit of " + std::to_string(max_chars) + " chars");
  }
  *text = s;
  return true;
}

bool JsonReader::FailEnum(const JsonPath& at, std::string allowed) {
  return Fail(err::kInvalidEnum, at, "must be one of: " + allowed);
}

bool ParseJsonBounded(std::string_view text, std::size_t max_depth, JsonReader& reader, JsonDocument* out) {
  if (out->Parse(text, max_depth)) return true;
  switch (out->failure()) {
    case JsonDocument::Failure::kTooDeep:
      return reader.Fail(err::kTooDeep, std::string(),
                         "JSON nested deeper than the limit of " + std::to_string(max_depth) + " levels");
    case JsonDocument::Failure::kDuplicateKey:
      return reader.Fail(err::kDuplicateKey, std::string(), "a key appears twice in one object");
    case JsonDocument::Failure::kTooLarge:
      return reader.Fail(err::kPayloadTooLarge, std::string(),
                         std::to_string(text.size()) + " bytes, more than the JSON parser's limit");
    default:
      return reader.Fail(err::kInvalidJson, std::string(),
                         "not valid JSON (error at byte " + std::to_string(out->position()) + ")");
  }
}

bool ParseJsonBounded(std::string_view text, std::size_t max_depth, JsonReader& reader, json* out) {
  JsonDocument document;
  if (!ParseJsonBounded(text, max_depth, reader, &document)) return false;
  *out = ToNlohmannJson(document.root());
  return true;
}

json ToNlohmannJson(const JsonValue& value) {
  switch (value.type()) {
    case JsonType::kNull: return json(nullptr);
    case JsonType::kBool: return json(value.Bool());
    case JsonType::kInteger: return json(static_cast<json::number_integer_t>(value.Int()));
    case JsonType::kUnsigned: return json(static_cast<json::number_unsigned_t>(value.Unsigned()));
    case JsonType::kFloat: return json(static_cast<json::number_float_t>(value.Double()));
    case JsonType::kString: return json(std::string(value.String()));
    case JsonType::kArray: {
      json array = json::array();
      auto& elements = array.get_ref<json::array_t&>();
      elements.reserve(value.size());
      for (const JsonValue& element : value.Elements()) elements.push_back(ToNlohmannJson(element));
      return array;
    }
    case JsonType::kObject: {
      json object = json::object();
      auto& members = object.get_ref<json::object_t&>();
      for (const JsonMember& member : value.Members()) members.emplace(std::string(member.key), ToNlohmannJson(member.value));
      return object;
    }
  }
  return json();
}

std::size_t CountCodePoints(std::string_view utf8) {
  std::size_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string DumpJson(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace sfusim::protocol
