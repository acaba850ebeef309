#include "json_text.h"

#include <memory>
#include <string>
#include <utility>

namespace sfusim::scenario {
namespace {

using nlohmann::json;

// Builds the DOM from nlohmann's SAX events: unlike json::parse it can report repeated keys (with
// their pointer), bound the depth before anything deep is built, and give line and column.
class DomBuilder {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  DomBuilder(std::string_view text, std::size_t max_depth, std::vector<Problem>& problems)
      : text_(text), max_depth_(max_depth), problems_(problems) {}

  bool null() { return Put(json(nullptr)) != nullptr; }
  bool boolean(bool v) { return Put(json(v)) != nullptr; }
  bool number_integer(number_integer_t v) { return Put(json(v)) != nullptr; }
  bool number_unsigned(number_unsigned_t v) { return Put(json(v)) != nullptr; }
  bool number_float(number_float_t v, const string_t& /*text*/) { return Put(json(v)) != nullptr; }
  bool string(string_t& v) { return Put(json(std::move(v))) != nullptr; }
  bool binary(binary_t& /*v*/) { return false; }  // never produced by JSON text

  bool start_object(std::size_t /*size*/) { return Open(json::object()); }
  bool start_array(std::size_t /*size*/) { return Open(json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(string_t& k) {
    Frame& top = stack_.back();
    top.discard_next = top.value->contains(k);
    if (top.discard_next) {
      problems_.push_back({"duplicate_key", top.pointer + "/" + EscapePointerToken(k),
                           "duplicate key \"" + k + "\" (a key may appear once in an object; the first is used)"});
    }
    pending_key_ = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/, const nlohmann::detail::exception& ex) {
    problems_.push_back({"invalid_json", "", LineColumn(position) + ": invalid JSON: " + Describe(ex.what())});
    return false;
  }

  std::optional<json> TakeRoot() {
    if (!has_root_) return std::nullopt;
    return std::move(root_);
  }

 private:
  struct Frame {
    json* value;
    std::string pointer;
    bool discard_next = false;
  };

  // Places a value where the grammar says it goes; returns where it now lives.
  json* Put(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      has_root_ = true;
      return &root_;
    }
    Frame& top = stack_.back();
    if (top.value->is_array()) {
      top.value->push_back(std::move(v));
      return &top.value->back();
    }
    if (top.discard_next) {
      top.discard_next = false;
      discarded_.push_back(std::make_unique<json>(std::move(v)));
      return discarded_.back().get();
    }
    json& slot = (*top.value)[pending_key_];
    slot = std::move(v);
    return &slot;
  }

  bool Open(json&& container) {
    std::string pointer;
    if (!stack_.empty()) {
      const Frame& top = stack_.back();
      pointer = top.pointer + "/" +
                (top.value->is_array() ? std::to_string(top.value->size()) : EscapePointerToken(pending_key_));
    }
    if (stack_.size() + 1 > max_depth_) {
      problems_.push_back({"too_deep", pointer,
                           "nested deeper than " + std::to_string(max_depth_) + " levels of objects and arrays"});
      return false;
    }
    json* placed = Put(std::move(container));
    stack_.push_back({placed, std::move(pointer)});
    return true;
  }

  bool Close() {
    stack_.pop_back();
    return true;
  }

  // 1-based line and column (in code points) of the byte just read at `position` (a count of bytes).
  std::string LineColumn(std::size_t position) const {
    std::size_t end = position == 0 ? 0 : position - 1;
    if (end > text_.size()) end = text_.size();
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < end; ++i) {
      unsigned char c = static_cast<unsigned char>(text_[i]);
      if (c == '\n') {
        ++line;
        column = 1;
      } else if ((c & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
        ++column;
      }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
  }

  // nlohmann's text without its "[json.exception.parse_error.101] parse error at line 1, column 2: "
  // prefix (we give our own position).
  static std::string Describe(std::string_view what) {
    if (what.substr(0, 1) == "[") {
      std::size_t close = what.find("] ");
      if (close != std::string_view::npos) what = what.substr(close + 2);
    }
    constexpr std::string_view kAt = "parse error at line ";
    if (what.substr(0, kAt.size()) == kAt) {
      std::size_t colon = what.find(": ");
      if (colon != std::string_view::npos) what = what.substr(colon + 2);
    } else if (what.substr(0, 13) == "parse error: ") {
      what = what.substr(13);
    }
    return std::string(what);
  }

  std::string_view text_;
  std::size_t max_depth_;
  std::vector<Problem>& problems_;
  json root_;
  bool has_root_ = false;
  std::vector<Frame> stack_;
  std::string pending_key_;
  std::vector<std::unique_ptr<json>> discarded_;
};

}  // namespace

std::optional<nlohmann::json> ParseJsonText(std::string_view text, std::size_t max_depth,
                                            std::vector<Problem>& problems) {
  DomBuilder builder(text, max_depth, problems);
  // strict: the whole text must be one value (trailing garbage is a syntax error); no comments.
  bool complete = json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false);
  if (!complete) return std::nullopt;
  return builder.TakeRoot();
}

}  // namespace sfusim::scenario
