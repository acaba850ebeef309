// Differential oracle for sfusim's JSON parser (json_document.h): the nlohmann::json SAX parse
// with the depth and duplicate-key checks sfusim used before its own parser (the former
// ParseJsonBounded, kept here verbatim in spirit), and a comparison of the two results.
//
// Contract: DiffAgainstNlohmann(text, max_depth) returns "" when JsonDocument::Parse and the
// reference agree: same failure kind (none / syntax / too deep / duplicate key), the same byte
// position for a syntax error, and equal values when both accept (numbers of the same kind and
// bit-identical, strings byte-identical, arrays element-wise, objects as key sets: member order
// is a documented difference), except where sfusim refuses a NUL byte that nlohmann takes as the
// end of the input (see below). Otherwise a description of the first difference.
// Used by the RapidCheck properties and by the json_parser fuzz target.
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sfusim/protocol/signaling/json_document.h"

namespace sfusim::protocol::test {

class ReferenceJsonBuilder {
 public:
  using json = nlohmann::json;
  enum class Failure { kNone, kSyntax, kTooDeep, kDuplicateKey, kBinary };

  ReferenceJsonBuilder(json* root, std::size_t max_depth) : root_(root), max_depth_(max_depth) {}

  bool null() { return Put(json(nullptr)) != nullptr; }
  bool boolean(bool v) { return Put(json(v)) != nullptr; }
  bool number_integer(json::number_integer_t v) { return Put(json(v)) != nullptr; }
  bool number_unsigned(json::number_unsigned_t v) { return Put(json(v)) != nullptr; }
  bool number_float(json::number_float_t v, const json::string_t& /*text*/) { return Put(json(v)) != nullptr; }
  bool string(json::string_t& v) { return Put(json(std::move(v))) != nullptr; }
  bool binary(json::binary_t& /*v*/) {
    failure_ = Failure::kBinary;
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

inline std::string DiffValues(const JsonValue& mine, const nlohmann::json& ref, const std::string& where) {
  using json = nlohmann::json;
  const auto differ = [&where](const char* what) { return std::string(what) + " at '" + where + "'"; };
  switch (mine.type()) {
    case JsonType::kNull: return ref.is_null() ? "" : differ("null vs other");
    case JsonType::kBool: return ref.is_boolean() && ref.get<bool>() == mine.Bool() ? "" : differ("bool");
    case JsonType::kInteger:
      return ref.type() == json::value_t::number_integer && ref.get<std::int64_t>() == mine.Int() ? ""
                                                                                                 : differ("integer");
    case JsonType::kUnsigned:
      return ref.type() == json::value_t::number_unsigned && ref.get<std::uint64_t>() == mine.Unsigned()
                 ? ""
                 : differ("unsigned");
    case JsonType::kFloat: {
      if (!ref.is_number_float()) return differ("float vs other");
      const double a = mine.Double();
      const double b = ref.get<double>();
      return std::memcmp(&a, &b, sizeof a) == 0 ? "" : differ("float bits");
    }
    case JsonType::kString:
      return ref.is_string() && ref.get_ref<const std::string&>() == mine.String() ? "" : differ("string");
    case JsonType::kArray: {
      if (!ref.is_array() || ref.size() != mine.size()) return differ("array");
      for (std::size_t i = 0; i < mine.size(); ++i) {
        std::string d = DiffValues(mine[i], ref[i], where + "/" + std::to_string(i));
        if (!d.empty()) return d;
      }
      return "";
    }
    case JsonType::kObject: {
      if (!ref.is_object() || ref.size() != mine.size()) return differ("object");
      for (const JsonMember& member : mine.Members()) {
        auto it = ref.find(member.key);
        if (it == ref.end()) return differ("missing key");
        std::string d = DiffValues(member.value, *it, where + "/" + std::string(member.key));
        if (!d.empty()) return d;
      }
      return "";
    }
  }
  return differ("type");
}

inline std::string DiffAgainstNlohmann(std::string_view text, std::size_t max_depth) {
  JsonDocument document;
  const bool ok = document.Parse(text, max_depth);
  // The one verdict difference: nlohmann::json takes a NUL byte as the end of the input (so it
  // accepts "{}\0anything"); sfusim refuses it like any other invalid byte. Where sfusim stops at
  // a NUL, nlohmann must agree on the text before it, or accept that text.
  bool stopped_at_nul = false;
  std::string_view reference_text = text;
  if (!ok && document.failure() == JsonDocument::Failure::kSyntax && document.position() >= 1 &&
      document.position() <= text.size() && text[document.position() - 1] == '\0') {
    stopped_at_nul = true;
    reference_text = text.substr(0, document.position() - 1);
  }
  nlohmann::json ref;
  ReferenceJsonBuilder builder(&ref, max_depth);
  const bool ref_ok =
      nlohmann::json::sax_parse(reference_text.data(), reference_text.data() + reference_text.size(), &builder);
  if (stopped_at_nul && ref_ok) return "";
  const auto ref_failure = ref_ok ? 0 : static_cast<int>(builder.failure());
  const auto failure = static_cast<int>(document.failure());
  // Both enums list kNone, kSyntax, kTooDeep, kDuplicateKey first, in that order.
  if (ok != ref_ok || failure != ref_failure) {
    return "verdict: sfusim " + std::to_string(failure) + " nlohmann " + std::to_string(ref_failure) +
           " (0 ok, 1 syntax, 2 too deep, 3 duplicate key) at nlohmann byte " + std::to_string(builder.position()) +
           " / sfusim byte " + std::to_string(document.position());
  }
  if (!ok) {
    if (document.failure() == JsonDocument::Failure::kSyntax && document.position() != builder.position()) {
      return "syntax error position: sfusim " + std::to_string(document.position()) + " nlohmann " +
             std::to_string(builder.position());
    }
    return "";
  }
  return DiffValues(document.root(), ref, "");
}

}  // namespace sfusim::protocol::test
