#include "json_writer.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace sfusim::protocol::internal {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Bytes copied as they are: printable ASCII but '"' and '\\' (0x7F too: nlohmann leaves it).
constexpr std::array<bool, 256> MakePlainTable() {
  std::array<bool, 256> table{};
  for (int c = 0x20; c < 0x80; ++c) table[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return table;
}
constexpr std::array<bool, 256> kPlain = MakePlainTable();

}  // namespace

void JsonWriter::String(std::string_view s) {
  const std::size_t mark = out_.size();
  out_ += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (kPlain[c]) continue;
    if (c >= 0x80) {
      // UTF-8 (valid or not): nlohmann's serialiser decides, as it did before.
      out_.resize(mark);
      out_ += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
    out_.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\t': out_ += "\\t"; break;
      case '\n': out_ += "\\n"; break;
      case '\f': out_ += "\\f"; break;
      case '\r': out_ += "\\r"; break;
      default:
        out_ += "\\u00";
        out_ += kHex[c >> 4];
        out_ += kHex[c & 0xF];
        break;
    }
  }
  out_.append(s.data() + run, s.size() - run);
  out_ += '"';
}

void JsonWriter::Int(std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void JsonWriter::Uint(std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
}

void JsonWriter::Members::Begin(std::string_view key) {
  if (count_ == members_.size()) throw std::length_error("JsonWriter: too many members");
  members_[count_].key = key;
  members_[count_].begin = w_.out_.size();
}

void JsonWriter::Members::End() { members_[count_++].end = w_.out_.size(); }

void JsonWriter::Members::Finish() {
  std::string& out = w_.out_;
  // One scratch per thread: objects finish one at a time (an inner one before its outer one).
  thread_local std::string values;
  values.assign(out, start_, std::string::npos);
  out.resize(start_);
  std::sort(members_.begin(), members_.begin() + static_cast<std::ptrdiff_t>(count_),
            [](const Member& a, const Member& b) { return a.key < b.key; });
  out += '{';
  for (std::size_t k = 0; k < count_; ++k) {
    if (k) out += ',';
    w_.String(members_[k].key);
    out += ':';
    out.append(values, members_[k].begin - start_, members_[k].end - members_[k].begin);
  }
  out += '}';
}

}  // namespace sfusim::protocol::internal
