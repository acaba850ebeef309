#include "sfusim/protocol/signaling/json_reader.h"

#include <cmath>
#include <vector>

#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace sfusim::protocol {
namespace {

using nlohmann::json;
namespace err = signaling_error;

const char* TypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number with a fraction or exponent";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "an array";
    case json::value_t::object: return "an object";
    default: return "an unsupported value";
  }
}

std::string Expected(const char* what, const json& value) {
  return std::string("expected ") + what + ", got " + TypeName(value);
}

std::string RangeText(std::int64_t min, std::int64_t max) {
  return "out of range, must be " + std::to_string(min) + ".." + std::to_string(max);
}

// Builds nlohmann::json values from the parser's SAX events, refusing (by returning false, which
// stops the parser) nesting deeper than max_depth and a key repeated within one object. Written
// against nlohmann's public API, so it does not depend on the library's internal DOM builder.
class BoundedDomBuilder {
 public:
  enum class Failure { kNone, kSyntax, kTooDeep, kDuplicateKey, kBinary };

  BoundedDomBuilder(json* root, std::size_t max_depth) : root_(root), max_depth_(max_depth) {}

  bool null() { return Put(json(nullptr)) != nullptr; }
  bool boolean(bool v) { return Put(json(v)) != nullptr; }
  bool number_integer(json::number_integer_t v) { return Put(json(v)) != nullptr; }
  bool number_unsigned(json::number_unsigned_t v) { return Put(json(v)) != nullptr; }
  bool number_float(json::number_float_t v, const json::string_t& /*text*/) { return Put(json(v)) != nullptr; }
  bool string(json::string_t& v) { return Put(json(std::move(v))) != nullptr; }
  bool binary(json::binary_t& /*v*/) {
    failure_ = Failure::kBinary;  // JSON text has no binary values; only other input formats do
    return false;
  }
  bool start_object(std::size_t /*size*/) { return Open(json::value_t::object); }
  bool start_array(std::size_t /*size*/) { return Open(json::value_t::array); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(json::string_t& k) {
    auto& object = stack_.back()->get_ref<json::object_t&>();
    auto [it, inserted] = object.emplace(std::move(k), json());
    if (!inserted) {
      failure_ = Failure::kDuplicateKey;
      return false;
    }
    pending_ = &it->second;
    return true;
  }
  template <typename Exception>
  bool parse_error(std::size_t position, const std::string& /*last_token*/, const Exception& /*ex*/) {
    failure_ = Failure::kSyntax;
    position_ = position;
    return false;
  }

  Failure failure() const { return failure_; }
  std::size_t position() const { return position_; }

 private:
  json* Put(json&& value) {
    if (stack_.empty()) {
      *root_ = std::move(value);
      return root_;
    }
    json* top = stack_.back();
    if (top->is_array()) {
      top->get_ref<json::array_t&>().push_back(std::move(value));
      return &top->get_ref<json::array_t&>().back();
    }
    *pending_ = std::move(value);
    return pending_;
  }
  bool Open(json::value_t type) {
    if (stack_.size() >= max_depth_) {
      failure_ = Failure::kTooDeep;
      return false;
    }
    // A child pointer stays valid: its parent gains no other element until the child is closed.
    json* value = Put(json(type));
    stack_.push_back(value);
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  json* root_;
  std::size_t max_depth_;
  std::vector<json*> stack_;
  json* pending_ = nullptr;
  Failure failure_ = Failure::kNone;
  std::size_t position_ = 0;
};

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

const json* JsonReader::Find(const json& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

bool JsonReader::Missing(const json& object, std::string_view key, const JsonPath& field) {
  if (object.contains(key)) return Fail(err::kWrongType, field, "is required and must not be null");
  return Fail(err::kMissingField, field, "is required");
}

bool JsonReader::CheckObject(const json& value, const JsonPath& at) {
  if (value.is_object()) return true;
  return Fail(err::kWrongType, at, Expected("an object", value));
}

bool JsonReader::CheckString(const json& value, const JsonPath& at, StringRule rule, std::string* out) {
  const auto* text = value.get_ptr<const json::string_t*>();
  if (text == nullptr) return Fail(err::kWrongType, at, Expected("a string", value));
  if (text->empty() && !rule.allow_empty) return Fail(err::kInvalidValue, at, "must not be empty");
  // Bytes bound code points from above, so the count is only needed near the limit.
  if (text->size() > rule.max_chars && CountCodePoints(*text) > rule.max_chars) {
    return Fail(err::kFieldTooLong, at, "longer than the limit of " + std::to_string(rule.max_chars) + " chars");
  }
  *out = *text;
  return true;
}

bool JsonReader::CheckInt(const json& value, const JsonPath& at, std::int64_t min, std::int64_t max,
                          std::int64_t* out) {
  if (const auto* u = value.get_ptr<const json::number_unsigned_t*>()) {
    if (*u > static_cast<std::uint64_t>(max) || (min > 0 && *u < static_cast<std::uint64_t>(min))) {
      return Fail(err::kOutOfRange, at, RangeText(min, max));
    }
    *out = static_cast<std::int64_t>(*u);
    return true;
  }
  if (const auto* i = value.get_ptr<const json::number_integer_t*>()) {
    if (*i < min || *i > max) return Fail(err::kOutOfRange, at, RangeText(min, max));
    *out = *i;
    return true;
  }
  return Fail(err::kWrongType, at, Expected("an integer", value));
}

bool JsonReader::CheckArray(const json& value, const JsonPath& at, std::size_t max_items) {
  if (!value.is_array()) return Fail(err::kWrongType, at, Expected("an array", value));
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

  bool Visit(const json& value, const JsonPath& at, std::size_t depth) {
    if (++values > max_values) {
      return reader.Fail(err::kTooManyItems, at, "more than the limit of " + std::to_string(max_values) + " values");
    }
    if (value.is_number_float() && !std::isfinite(value.get<double>())) {
      return reader.Fail(err::kOutOfRange, at, "numbers must be finite");
    }
    if (!value.is_object() && !value.is_array()) return true;
    if (depth > max_depth) {
      return reader.Fail(err::kTooDeep, at, "nested deeper than the limit of " + std::to_string(max_depth));
    }
    if (value.is_object()) {
      for (auto it = value.begin(); it != value.end(); ++it) {
        const JsonPath child = at.Field(it.key());
        if (!Visit(it.value(), child, depth + 1)) return false;
      }
    } else {
      std::size_t index = 0;
      for (const json& element : value) {
        const JsonPath child = at.Index(index++);
        if (!Visit(element, child, depth + 1)) return false;
      }
    }
    return true;
  }
};

}  // namespace

bool JsonReader::CheckBoundedObject(const json& value, const JsonPath& at, std::size_t max_depth,
                                    std::size_t max_values, std::size_t max_bytes) {
  if (!CheckObject(value, at)) return false;
  BoundedWalk walk{*this, max_depth, max_values};
  // The object itself is depth 1 and not one of the values it holds.
  for (auto it = value.begin(); it != value.end(); ++it) {
    const JsonPath child = at.Field(it.key());
    if (!walk.Visit(it.value(), child, 2)) return false;
  }
  if (DumpJson(value).size() > max_bytes) {
    return Fail(err::kTooLarge, at, "JSON text larger than the limit of " + std::to_string(max_bytes) + " bytes");
  }
  return true;
}

bool JsonReader::ReadString(const json& object, const JsonPath& at, std::string_view key, StringRule rule,
                            std::string* out) {
  const JsonPath field = at.Field(key);
  const json* value = Find(object, key);
  if (value == nullptr) return Missing(object, key, field);
  return CheckString(*value, field, rule, out);
}

bool JsonReader::ReadOptionalString(const json& object, const JsonPath& at, std::string_view key, StringRule rule,
                                    std::optional<std::string>* out) {
  const json* value = Find(object, key);
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

bool JsonReader::ReadBool(const json& object, const JsonPath& at, std::string_view key, bool* out) {
  const JsonPath field = at.Field(key);
  const json* value = Find(object, key);
  if (value == nullptr) return Missing(object, key, field);
  if (!value->is_boolean()) return Fail(err::kWrongType, field, Expected("a boolean", *value));
  *out = value->get<bool>();
  return true;
}

bool JsonReader::ReadOptionalBool(const json& object, const JsonPath& at, std::string_view key,
                                  std::optional<bool>* out) {
  const json* value = Find(object, key);
  if (value == nullptr) {
    out->reset();
    return true;
  }
  if (!value->is_boolean()) return Fail(err::kWrongType, at.Field(key), Expected("a boolean", *value));
  *out = value->get<bool>();
  return true;
}

bool JsonReader::ReadInt(const json& object, const JsonPath& at, std::string_view key, std::int64_t min,
                         std::int64_t max, std::int64_t* out) {
  const JsonPath field = at.Field(key);
  const json* value = Find(object, key);
  if (value == nullptr) return Missing(object, key, field);
  return CheckInt(*value, field, min, max, out);
}

bool JsonReader::ReadOptionalInt(const json& object, const JsonPath& at, std::string_view key, std::int64_t min,
                                 std::int64_t max, std::optional<std::int64_t>* out) {
  const json* value = Find(object, key);
  if (value == nullptr) {
    out->reset();
    return true;
  }
  std::int64_t number = 0;
  if (!CheckInt(*value, at.Field(key), min, max, &number)) return false;
  *out = number;
  return true;
}

const json* JsonReader::ReadArray(const json& object, const JsonPath& at, std::string_view key,
                                  std::size_t max_items, bool required) {
  const JsonPath field = at.Field(key);
  const json* value = Find(object, key);
  if (value == nullptr) {
    if (required) Missing(object, key, field);
    return nullptr;
  }
  return CheckArray(*value, field, max_items) ? value : nullptr;
}

const json* JsonReader::ReadObject(const json& object, const JsonPath& at, std::string_view key, bool required) {
  const JsonPath field = at.Field(key);
  const json* value = Find(object, key);
  if (value == nullptr) {
    if (required) Missing(object, key, field);
    return nullptr;
  }
  return CheckObject(*value, field) ? value : nullptr;
}

bool JsonReader::CheckEnumText(const json& value, const JsonPath& at, std::size_t max_chars,
                               std::string_view* text) {
  const auto* s = value.get_ptr<const json::string_t*>();
  if (s == nullptr) return Fail(err::kWrongType, at, Expected("a string", value));
  if (s->size() > max_chars && CountCodePoints(*s) > max_chars) {
    return Fail(err::kFieldTooLong, at, "longer than the limit of " + std::to_string(max_chars) + " chars");
  }
  *text = *s;
  return true;
}

bool JsonReader::FailEnum(const JsonPath& at, std::string allowed) {
  return Fail(err::kInvalidEnum, at, "must be one of: " + allowed);
}

bool ParseJsonBounded(std::string_view text, std::size_t max_depth, JsonReader& reader, json* out) {
  BoundedDomBuilder builder(out, max_depth);
  const bool parsed = json::sax_parse(text.data(), text.data() + text.size(), &builder);
  if (parsed) return true;
  switch (builder.failure()) {
    case BoundedDomBuilder::Failure::kTooDeep:
      return reader.Fail(err::kTooDeep, std::string(),
                         "JSON nested deeper than the limit of " + std::to_string(max_depth) + " levels");
    case BoundedDomBuilder::Failure::kDuplicateKey:
      return reader.Fail(err::kDuplicateKey, std::string(), "a key appears twice in one object");
    default:
      return reader.Fail(err::kInvalidJson, std::string(),
                         "not valid JSON (error at byte " + std::to_string(builder.position()) + ")");
  }
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
