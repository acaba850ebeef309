// JsonWriter: writes compact JSON text straight into a string, byte for byte what
// nlohmann::json::dump(-1, ' ', false, error_handler_t::replace) writes for the same value, without
// building a nlohmann DOM first (building, then dumping it, cost about a quarter of the stateful
// model's time: a map node and a string per member, a second pass to serialise). Not public: the
// signaling encoders (EncodeClientMessage, EncodeServerMessage) use it; ToJson still builds DOMs
// for tests and tools.
//
// Contract:
// - Object members come out sorted by key (byte order), as nlohmann's std::map has them: Object()
//   collects up to kMaxMembers members, each written by a callback, and sorts them; keys must
//   differ (every caller writes distinct keys) and must outlive the object.
// - Strings of printable ASCII and the control characters are escaped here exactly as nlohmann
//   does (\b \t \n \f \r \" \\ and \u00xx, lowercase); a string with any byte >= 0x80 is handed to
//   nlohmann's own serialiser, so UTF-8 validation and U+FFFD replacement are its.
// - Integers in decimal; Raw() splices text that is already nlohmann's dump of a value.
// tests/property/protocol/signaling checks Encode*(m) == DumpJson(ToJson(m)) on generated messages.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace sfusim::protocol::internal {

class JsonWriter {
 public:
  static constexpr std::size_t kMaxMembers = 12;

  explicit JsonWriter(std::string& out) : out_(out) {}

  void String(std::string_view s);
  void Bool(bool b) { out_ += b ? "true" : "false"; }
  void Int(std::int64_t v);
  void Uint(std::uint64_t v);
  void Raw(std::string_view json) { out_ += json; }
  // Any integer type (not bool), signed or not, as nlohmann stores it.
  template <typename T>
  void Number(T v) {
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
    if constexpr (std::is_signed_v<T>) {
      Int(v);
    } else {
      Uint(v);
    }
  }

  // An array: `each(writer, element)` per element, commas in between.
  template <typename Range, typename Each>
  void Array(const Range& range, Each each) {
    out_ += '[';
    bool first = true;
    for (const auto& element : range) {
      if (!first) out_ += ',';
      first = false;
      each(*this, element);
    }
    out_ += ']';
  }

  // An object whose members `fill` adds with Members::Add(key, [](JsonWriter&) {...}), in any
  // order: they are written to the end of the output, then rotated into key order in place.
  class Members {
   public:
    template <typename Value>
    void Add(std::string_view key, Value value) {
      Begin(key);
      value(w_);
      End();
    }

   private:
    friend class JsonWriter;
    explicit Members(JsonWriter& w) : w_(w) {}
    void Begin(std::string_view key);
    void End();
    void Finish();

    struct Member {
      std::string_view key;
      std::size_t begin = 0;  // value text in the output, before sorting
      std::size_t end = 0;
    };
    JsonWriter& w_;
    std::size_t start_ = 0;  // where the members' values begin in the output
    std::size_t count_ = 0;
    std::array<Member, kMaxMembers> members_{};
  };

  template <typename Fill>
  void Object(Fill fill) {
    Members members(*this);
    members.start_ = out_.size();
    fill(members);
    members.Finish();
  }

 private:
  std::string& out_;
};

}  // namespace sfusim::protocol::internal
