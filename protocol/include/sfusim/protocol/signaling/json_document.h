// JsonDocument: sfusim's own bounded JSON parser and the compact read-only DOM the signaling
// validator reads (json_reader.h). It exists because building a nlohmann::json DOM cost more than
// all the validation rules together; encoding still uses nlohmann::json.
//
// Contract:
// - Parse(text, max_depth) reads strict RFC 8259 JSON in one pass and never throws on bad input
//   (only std::bad_alloc can escape): no trailing commas, no comments, no leading zeros, no NaN,
//   strings must be valid UTF-8 (no surrogates, no overlong forms), control characters must be
//   escaped, \u escapes must pair surrogates. Like nlohmann::json it skips one leading UTF-8 BOM.
// - Every limit is enforced while parsing, and the first problem met in reading order is reported:
//   kTooDeep when more than max_depth objects/arrays are open at once (the root container is level
//   1), kDuplicateKey when a key (after unescaping) repeats in one object, kSyntax otherwise with
//   `position` = the byte offset nlohmann::json reports for the same text (1-based: the offending
//   byte's index + 1, the end of an unexpected token, or size + 1 at the end of input).
// - Values are 16 bytes; strings are string_views into the input unless they hold an escape (then
//   into the document's own buffer), so a document must not outlive the text it parsed, and it is
//   neither copyable nor movable (values point into it). Object members keep the input order.
// - Numbers are classified as nlohmann::json does: an integer without fraction/exponent is
//   kUnsigned when it has no minus sign and fits 64 bits, kInteger when negative and fits int64,
//   otherwise (and with a fraction or exponent) kFloat, converted with correct rounding; a number
//   beyond the double range is a syntax error at the end of its token (as nlohmann's parser has
//   it), one below it is a subnormal or +-0 (like strtod). So every kFloat is finite.
//
// Differences from nlohmann::json, all deliberate (tests/property/protocol/signaling/
// json_document_properties_test.cpp checks everything else against nlohmann):
// - a duplicate key is an error (nlohmann's default keeps the last value);
// - member order is the input order (nlohmann sorts keys); callers that report errors in key order
//   use SortedMembers();
// - texts over 4 GiB are refused (kTooLarge), as are depths beyond kMaxSupportedDepth.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace sfusim::protocol {

enum class JsonType : std::uint8_t { kNull, kBool, kInteger, kUnsigned, kFloat, kString, kArray, kObject };

struct JsonMember;

class JsonValue {
 public:
  JsonValue() = default;

  JsonType type() const { return type_; }
  bool IsNull() const { return type_ == JsonType::kNull; }
  bool IsBool() const { return type_ == JsonType::kBool; }
  bool IsString() const { return type_ == JsonType::kString; }
  bool IsArray() const { return type_ == JsonType::kArray; }
  bool IsObject() const { return type_ == JsonType::kObject; }
  // kInteger or kUnsigned (nlohmann's is_number_integer).
  bool IsInteger() const { return type_ == JsonType::kInteger || type_ == JsonType::kUnsigned; }
  bool IsFloat() const { return type_ == JsonType::kFloat; }

  // Accessors of the matching type only (checked by the caller).
  bool Bool() const { return bool_; }
  std::int64_t Int() const { return int_; }
  std::uint64_t Unsigned() const { return unsigned_; }
  double Double() const { return double_; }
  std::string_view String() const { return {chars_, size_}; }

  // Arrays and objects: number of elements / members; 0 for other types.
  std::size_t size() const { return IsArray() || IsObject() ? size_ : 0; }
  bool empty() const { return size() == 0; }
  // Array element `i` (< size()).
  const JsonValue& operator[](std::size_t i) const { return elements_[i]; }
  std::span<const JsonValue> Elements() const;
  std::span<const JsonMember> Members() const;  // input order
  // Object members sorted by key (byte order, as nlohmann::json iterates): for reporting the first
  // bad member in the order nlohmann-based code did.
  std::vector<const JsonMember*> SortedMembers() const;

  // The member `key` of an object (nullptr when absent or not an object; null values are returned).
  const JsonValue* Find(std::string_view key) const;

 private:
  friend class JsonDocument;

  JsonType type_ = JsonType::kNull;
  std::uint32_t size_ = 0;  // string bytes, array elements or object members
  union {
    bool bool_;
    std::int64_t int_ = 0;
    std::uint64_t unsigned_;
    double double_;
    const char* chars_;
    const JsonValue* elements_;
    const JsonMember* members_;
    std::size_t index_;  // while parsing: the first child's index in the document's storage
  };
};

struct JsonMember {
  std::string_view key;
  JsonValue value;
};

class JsonDocument {
 public:
  enum class Failure { kNone, kSyntax, kTooDeep, kDuplicateKey, kTooLarge };
  // Beyond any protocol limit; keeps the explicit parse stack small whatever the caller asks.
  static constexpr std::size_t kMaxSupportedDepth = 4096;

  JsonDocument() = default;
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  // Parses `text` (which must outlive the document); true on success. May be called again to
  // reuse the document's storage.
  bool Parse(std::string_view text, std::size_t max_depth);

  const JsonValue& root() const { return root_; }
  Failure failure() const { return failure_; }
  // For kSyntax: nlohmann::json's byte position of the error (see the contract above).
  std::size_t position() const { return position_; }

 private:
  struct Frame {
    bool is_object;
    std::uint32_t start;    // first scratch entry of this container
    std::int32_t key_set;   // index in key_sets_ once the object is big enough to need one, else -1
  };
  class Parser;

  void Reset();
  void Link();

  JsonValue root_;
  Failure failure_ = Failure::kNone;
  std::size_t position_ = 0;
  std::vector<JsonValue> array_storage_;    // children of arrays, each array's contiguous
  std::vector<JsonMember> member_storage_;  // members of objects, each object's contiguous
  std::vector<JsonValue> element_scratch_;
  std::vector<JsonMember> member_scratch_;
  std::vector<Frame> frames_;
  std::string unescaped_;  // strings with escapes; reserved to the text size, so never reallocated
  // Keys of the open objects with many members (duplicate detection stays linear in the size).
  std::vector<std::unordered_set<std::string_view>> key_sets_;
};

inline std::span<const JsonValue> JsonValue::Elements() const {
  if (!IsArray()) return {};
  return {elements_, size_};
}

inline std::span<const JsonMember> JsonValue::Members() const {
  if (!IsObject()) return {};
  return {members_, size_};
}

inline const JsonValue* JsonValue::Find(std::string_view key) const {
  if (!IsObject()) return nullptr;
  for (std::uint32_t i = 0; i < size_; ++i) {
    if (members_[i].key == key) return &members_[i].value;
  }
  return nullptr;
}

}  // namespace sfusim::protocol
