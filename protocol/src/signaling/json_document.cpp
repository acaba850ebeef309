// The parser behind JsonDocument (json_document.h): an iterative recursive-descent reader with an
// explicit frame stack, so nesting costs heap (bounded by max_depth), never the call stack.
//
// Children are collected on scratch stacks while their container is open and moved to the
// document's storage, contiguous, when it closes (post-order); containers hold storage indices
// until the parse ends and Link() turns them into pointers, because the storage still grows.
// Error positions follow nlohmann::json's lexer exactly (see the header), so invalid_json messages
// did not change when this parser replaced it.
#include "sfusim/protocol/signaling/json_document.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace sfusim::protocol {
namespace {

// Objects up to this many members find duplicates by a linear scan; bigger ones use a hash set
// (membership only: nothing iterates it).
constexpr std::size_t kLinearKeyScanLimit = 16;

// Bytes that may appear unescaped in a string and are single-byte UTF-8.
constexpr std::array<bool, 256> MakePlainTable() {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[c] = c != '"' && c != '\\';
  return table;
}
constexpr std::array<bool, 256> kPlain = MakePlainTable();

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

class JsonDocument::Parser {
 public:
  Parser(JsonDocument& doc, std::string_view text, std::size_t max_depth)
      : doc_(doc), s_(text.data()), n_(text.size()), max_depth_(max_depth) {}

  bool Run();

 private:
  // --- failures -------------------------------------------------------------------------------
  bool Fail(std::size_t position) {
    doc_.failure_ = Failure::kSyntax;
    doc_.position_ = position;
    return false;
  }
  // A token that may be well formed but is not allowed here: nlohmann reports where it ends (or
  // where lexing it failed).
  bool Unexpected(std::size_t i) {
    if (i >= n_) return Fail(n_ + 1);
    switch (s_[i]) {
      case '{': case '}': case '[': case ']': case ':': case ',': return Fail(i + 1);
      case '"': {
        std::size_t j = i + 1;
        std::string_view ignored;
        if (!ParseString(j, &ignored, false)) return false;
        return Fail(j);
      }
      case 't': case 'f': case 'n': {
        std::size_t j = i;
        JsonValue ignored;
        if (!ParseLiteral(j, &ignored)) return false;
        return Fail(j);
      }
      default:
        if (s_[i] == '-' || IsDigit(s_[i])) {
          std::size_t j = i;
          std::size_t end = 0;
          bool is_float = false;
          if (!ScanNumber(j, &end, &is_float)) return false;
          return Fail(end);
        }
        return Fail(i + 1);
    }
  }

  void SkipWhitespace(std::size_t& i) const {
    while (i < n_ && (s_[i] == ' ' || s_[i] == '\n' || s_[i] == '\r' || s_[i] == '\t')) ++i;
  }

  // --- scalars ---------------------------------------------------------------------------------
  // One UTF-8 sequence whose lead byte (>= 0x80) is at i; advances past it (RFC 3629 table).
  bool Utf8Sequence(std::size_t& i) {
    const auto byte = [this](std::size_t k) { return k < n_ ? static_cast<unsigned char>(s_[k]) : 0x100u; };
    const unsigned lead = byte(i);
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    int continuation = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      continuation = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      continuation = 2;
      if (lead == 0xE0) lo = 0xA0;
      if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      continuation = 3;
      if (lead == 0xF0) lo = 0x90;
      if (lead == 0xF4) hi = 0x8F;
    } else {
      return Fail(i + 1);
    }
    ++i;
    for (int k = 0; k < continuation; ++k, ++i) {
      const unsigned b = byte(i);
      if (b < lo || b > hi) return Fail(std::min(i, n_) + 1);
      lo = 0x80;
      hi = 0xBF;
    }
    return true;
  }

  // Four hex digits at i; advances past them.
  bool HexQuad(std::size_t& i, std::uint32_t* out) {
    std::uint32_t value = 0;
    for (int k = 0; k < 4; ++k, ++i) {
      if (i >= n_) return Fail(n_ + 1);
      const int digit = HexValue(s_[i]);
      if (digit < 0) return Fail(i + 1);
      value = value * 16 + static_cast<std::uint32_t>(digit);
    }
    *out = value;
    return true;
  }

  // i is just past the opening quote; on success it is just past the closing one. With `store`
  // false nothing is written anywhere (used to find where an unexpected string token ends).
  bool ParseString(std::size_t& i, std::string_view* out, bool store) {
    const std::size_t start = i;
    for (;;) {
      while (i < n_ && kPlain[static_cast<unsigned char>(s_[i])]) ++i;
      if (i >= n_) return Fail(n_ + 1);
      const auto c = static_cast<unsigned char>(s_[i]);
      if (c == '"') {
        *out = std::string_view(s_ + start, i - start);
        ++i;
        return true;
      }
      if (c == '\\') break;
      if (c < 0x20) return Fail(i + 1);
      if (!Utf8Sequence(i)) return false;
    }
    // Slow path: the string has an escape; decode it into the document's buffer.
    std::string& buffer = doc_.unescaped_;
    const std::size_t buffer_start = buffer.size();
    if (store) {
      if (buffer.capacity() < n_) buffer.reserve(n_);  // only ever while empty: see Parse()
      buffer.append(s_ + start, i - start);
    }
    for (;;) {
      const std::size_t run = i;
      while (i < n_ && kPlain[static_cast<unsigned char>(s_[i])]) ++i;
      if (store) buffer.append(s_ + run, i - run);
      if (i >= n_) return Fail(n_ + 1);
      const auto c = static_cast<unsigned char>(s_[i]);
      if (c == '"') {
        ++i;
        if (store) *out = std::string_view(buffer.data() + buffer_start, buffer.size() - buffer_start);
        return true;
      }
      if (c < 0x20) return Fail(i + 1);
      if (c >= 0x80) {
        const std::size_t seq = i;
        if (!Utf8Sequence(i)) return false;
        if (store) buffer.append(s_ + seq, i - seq);
        continue;
      }
      // c == '\\'
      ++i;
      if (i >= n_) return Fail(n_ + 1);
      char decoded = 0;
      switch (s_[i]) {
        case '"': decoded = '"'; break;
        case '\\': decoded = '\\'; break;
        case '/': decoded = '/'; break;
        case 'b': decoded = '\b'; break;
        case 'f': decoded = '\f'; break;
        case 'n': decoded = '\n'; break;
        case 'r': decoded = '\r'; break;
        case 't': decoded = '\t'; break;
        case 'u': {
          ++i;
          std::uint32_t cp = 0;
          if (!HexQuad(i, &cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (i >= n_) return Fail(n_ + 1);
            if (s_[i] != '\\') return Fail(i + 1);
            ++i;
            if (i >= n_) return Fail(n_ + 1);
            if (s_[i] != 'u') return Fail(i + 1);
            ++i;
            std::uint32_t low = 0;
            if (!HexQuad(i, &low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return Fail(i);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Fail(i);
          }
          if (store) AppendUtf8(buffer, cp);
          continue;
        }
        default: return Fail(i + 1);
      }
      if (store) buffer += decoded;
      ++i;
    }
  }

  bool ParseLiteral(std::size_t& i, JsonValue* out) {
    std::string_view word;
    switch (s_[i]) {
      case 't': word = "true"; out->type_ = JsonType::kBool; out->bool_ = true; break;
      case 'f': word = "false"; out->type_ = JsonType::kBool; out->bool_ = false; break;
      default: word = "null"; out->type_ = JsonType::kNull; break;
    }
    for (std::size_t k = 1; k < word.size(); ++k) {
      if (i + k >= n_) return Fail(n_ + 1);
      if (s_[i + k] != word[k]) return Fail(i + k + 1);
    }
    i += word.size();
    return true;
  }

  // The grammar of a number starting at i; `end` = one past its last byte.
  bool ScanNumber(std::size_t i, std::size_t* end, bool* is_float) {
    std::size_t j = i;
    if (s_[j] == '-') ++j;
    if (j < n_ && s_[j] == '0') {
      ++j;
    } else if (j < n_ && IsDigit(s_[j])) {
      while (j < n_ && IsDigit(s_[j])) ++j;
    } else {
      return Fail(j + 1);
    }
    *is_float = false;
    if (j < n_ && s_[j] == '.') {
      ++j;
      if (j >= n_ || !IsDigit(s_[j])) return Fail(j + 1);
      while (j < n_ && IsDigit(s_[j])) ++j;
      *is_float = true;
    }
    if (j < n_ && (s_[j] == 'e' || s_[j] == 'E')) {
      ++j;
      if (j < n_ && (s_[j] == '+' || s_[j] == '-')) ++j;
      if (j >= n_ || !IsDigit(s_[j])) return Fail(j + 1);
      while (j < n_ && IsDigit(s_[j])) ++j;
      *is_float = true;
    }
    *end = j;
    return true;
  }

  bool ParseNumber(std::size_t& i, JsonValue* out) {
    std::size_t end = 0;
    bool is_float = false;
    if (!ScanNumber(i, &end, &is_float)) return false;
    const char* first = s_ + i;
    const char* last = s_ + end;
    i = end;
    if (!is_float) {
      const bool negative = *first == '-';
      std::uint64_t magnitude = 0;
      bool overflow = false;
      for (const char* p = first + (negative ? 1 : 0); p != last; ++p) {
        const auto digit = static_cast<std::uint64_t>(*p - '0');
        if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
          overflow = true;
          break;
        }
        magnitude = magnitude * 10 + digit;
      }
      if (!overflow && !negative) {
        out->type_ = JsonType::kUnsigned;
        out->unsigned_ = magnitude;
        return true;
      }
      constexpr std::uint64_t kMinMagnitude = std::uint64_t{1} << 63;  // |INT64_MIN|
      if (!overflow && magnitude <= kMinMagnitude) {
        out->type_ = JsonType::kInteger;
        out->int_ = magnitude == kMinMagnitude ? std::numeric_limits<std::int64_t>::min()
                                               : -static_cast<std::int64_t>(magnitude);
        return true;
      }
      // Too big for 64 bits: a float, as nlohmann::json makes it.
    }
    double value = 0;
    const auto result = std::from_chars(first, last, value, std::chars_format::general);
    if (result.ec == std::errc::result_out_of_range) {
      // Overflow or underflow: strtod gives what nlohmann::json gets (+-HUGE_VAL, refused below,
      // a subnormal or +-0). JSON numbers hold no locale-dependent characters but '.', which only matters
      // under a non-C LC_NUMERIC that sfusim never sets.
      const std::string copy(first, last);
      value = std::strtod(copy.c_str(), nullptr);
    }
    // Like nlohmann::json: a number that does not fit a double is not acceptable JSON here.
    if (!std::isfinite(value)) return Fail(end);
    out->type_ = JsonType::kFloat;
    out->double_ = value;
    return true;
  }

  // --- containers ------------------------------------------------------------------------------
  bool Open(bool is_object) {
    if (doc_.frames_.size() >= max_depth_) {
      doc_.failure_ = Failure::kTooDeep;
      return false;
    }
    const auto start = is_object ? doc_.member_scratch_.size() : doc_.element_scratch_.size();
    doc_.frames_.push_back(Frame{is_object, static_cast<std::uint32_t>(start), -1});
    return true;
  }

  JsonValue Close() {
    const Frame frame = doc_.frames_.back();
    doc_.frames_.pop_back();
    JsonValue value;
    if (frame.is_object) {
      auto& scratch = doc_.member_scratch_;
      auto& storage = doc_.member_storage_;
      value.type_ = JsonType::kObject;
      value.size_ = static_cast<std::uint32_t>(scratch.size() - frame.start);
      value.index_ = storage.size();
      storage.insert(storage.end(), scratch.begin() + frame.start, scratch.end());
      scratch.resize(frame.start);
      if (frame.key_set >= 0) doc_.key_sets_.pop_back();
    } else {
      auto& scratch = doc_.element_scratch_;
      auto& storage = doc_.array_storage_;
      value.type_ = JsonType::kArray;
      value.size_ = static_cast<std::uint32_t>(scratch.size() - frame.start);
      value.index_ = storage.size();
      storage.insert(storage.end(), scratch.begin() + frame.start, scratch.end());
      scratch.resize(frame.start);
    }
    return value;
  }

  // A member's key and its ':' at i (whitespace before allowed); pushes the member, value pending.
  bool ReadKey(std::size_t& i) {
    SkipWhitespace(i);
    if (i >= n_ || s_[i] != '"') return Unexpected(i);
    ++i;
    std::string_view key;
    if (!ParseString(i, &key, true)) return false;
    Frame& frame = doc_.frames_.back();
    auto& scratch = doc_.member_scratch_;
    const std::size_t count = scratch.size() - frame.start;
    if (frame.key_set < 0) {
      for (std::size_t k = frame.start; k < scratch.size(); ++k) {
        if (scratch[k].key == key) return Duplicate();
      }
      if (count + 1 > kLinearKeyScanLimit) {
        frame.key_set = static_cast<std::int32_t>(doc_.key_sets_.size());
        auto& set = doc_.key_sets_.emplace_back();
        for (std::size_t k = frame.start; k < scratch.size(); ++k) set.insert(scratch[k].key);
        set.insert(key);
      }
    } else if (!doc_.key_sets_.back().insert(key).second) {
      return Duplicate();
    }
    scratch.push_back(JsonMember{key, JsonValue{}});
    SkipWhitespace(i);
    if (i >= n_ || s_[i] != ':') return Unexpected(i);
    ++i;
    return true;
  }

  bool Duplicate() {
    doc_.failure_ = Failure::kDuplicateKey;
    return false;
  }

  JsonDocument& doc_;
  const char* s_;
  std::size_t n_;
  std::size_t max_depth_;
};

bool JsonDocument::Parser::Run() {
  std::size_t i = 0;
  // nlohmann::json skips a UTF-8 byte order mark, and so do we (RFC 8259 §8.1 allows it).
  if (n_ > 0 && static_cast<unsigned char>(s_[0]) == 0xEF) {
    for (std::size_t k = 1; k < 3; ++k) {
      const unsigned char expected = k == 1 ? 0xBB : 0xBF;
      if (k >= n_) return Fail(n_ + 1);
      if (static_cast<unsigned char>(s_[k]) != expected) return Fail(k + 1);
    }
    i = 3;
  }
  for (;;) {
    // A value is expected at i.
    SkipWhitespace(i);
    if (i >= n_) return Fail(n_ + 1);
    JsonValue value;
    switch (s_[i]) {
      case '{':
        if (!Open(true)) return false;
        ++i;
        SkipWhitespace(i);
        if (i < n_ && s_[i] == '}') {
          ++i;
          value = Close();
          break;
        }
        if (!ReadKey(i)) return false;
        continue;
      case '[':
        if (!Open(false)) return false;
        ++i;
        SkipWhitespace(i);
        if (i < n_ && s_[i] == ']') {
          ++i;
          value = Close();
          break;
        }
        continue;
      case '"': {
        ++i;
        std::string_view text;
        if (!ParseString(i, &text, true)) return false;
        value.type_ = JsonType::kString;
        value.size_ = static_cast<std::uint32_t>(text.size());
        value.chars_ = text.data();
        break;
      }
      case 't': case 'f': case 'n':
        if (!ParseLiteral(i, &value)) return false;
        break;
      default:
        if (s_[i] != '-' && !IsDigit(s_[i])) return Unexpected(i);
        if (!ParseNumber(i, &value)) return false;
        break;
    }
    // Attach the complete value to its container; close every container that ends here.
    for (;;) {
      if (doc_.frames_.empty()) {
        doc_.root_ = value;
        SkipWhitespace(i);
        if (i != n_) return Unexpected(i);
        return true;
      }
      const bool is_object = doc_.frames_.back().is_object;
      if (is_object) {
        doc_.member_scratch_.back().value = value;
      } else {
        doc_.element_scratch_.push_back(value);
      }
      SkipWhitespace(i);
      if (i >= n_) return Fail(n_ + 1);
      if (s_[i] == ',') {
        ++i;
        if (is_object && !ReadKey(i)) return false;
        break;  // the next value
      }
      if (s_[i] == (is_object ? '}' : ']')) {
        ++i;
        value = Close();
        continue;
      }
      return Unexpected(i);
    }
  }
}

void JsonDocument::Reset() {
  root_ = JsonValue{};
  failure_ = Failure::kNone;
  position_ = 0;
  array_storage_.clear();
  member_storage_.clear();
  element_scratch_.clear();
  member_scratch_.clear();
  frames_.clear();
  unescaped_.clear();
  key_sets_.clear();
}

void JsonDocument::Link() {
  const auto link = [this](JsonValue& value) {
    if (value.type_ == JsonType::kArray) {
      value.elements_ = array_storage_.data() + value.index_;
    } else if (value.type_ == JsonType::kObject) {
      value.members_ = member_storage_.data() + value.index_;
    }
  };
  link(root_);
  for (JsonValue& value : array_storage_) link(value);
  for (JsonMember& member : member_storage_) link(member.value);
}

bool JsonDocument::Parse(std::string_view text, std::size_t max_depth) {
  Reset();
  if (text.size() >= std::numeric_limits<std::uint32_t>::max()) {
    failure_ = Failure::kTooLarge;
    return false;
  }
  Parser parser(*this, text, std::min(max_depth, kMaxSupportedDepth));
  if (!parser.Run()) {
    root_ = JsonValue{};
    return false;
  }
  Link();
  return true;
}

std::vector<const JsonMember*> JsonValue::SortedMembers() const {
  std::vector<const JsonMember*> sorted;
  const auto members = Members();
  sorted.reserve(members.size());
  for (const JsonMember& member : members) sorted.push_back(&member);
  std::sort(sorted.begin(), sorted.end(), [](const JsonMember* a, const JsonMember* b) { return a->key < b->key; });
  return sorted;
}

}  // namespace sfusim::protocol
