// Problem: one thing wrong with a scenario file, named by its place.
//
// Contract:
// - `pointer` is an RFC 6901 JSON pointer into the file ("/participants/1/publish/2"; "~" and "/"
//   in keys escaped as "~0" and "~1"). It points at the offending value, or, for a missing
//   required field, at where that field belongs ("/sfu/channels/0/id"). It is "" only for problems
//   with the file as a whole: it cannot be read, is too large, is not JSON (the message then starts
//   with "line L, column C: "), or is not an object; and for the final "too_many_problems" note.
//   (Nesting too deep points at the container that went one level too far.)
// - `code` is stable snake_case (tests and tools match on it), as in sfusim::protocol::Error:
//   io_error, too_large, invalid_json, too_deep, duplicate_key, wrong_type, missing_field,
//   unknown_field, unknown_value, out_of_range, invalid_value, duplicate, unknown_reference,
//   out_of_order, invalid_state, not_supported, invalid_link, too_many_problems.
// - `message` is for people: what is wrong, the value given and what was expected; it never repeats
//   the pointer.
#pragma once

#include <string>
#include <string_view>

#include "sfusim/protocol/result.h"

namespace sfusim::scenario {

struct Problem {
  std::string code;
  std::string pointer;
  std::string message;

  // "<pointer>: <message>", or just "<message>" when the pointer is "".
  std::string ToString() const;
  protocol::Error ToError() const { return protocol::Error{code, ToString()}; }
  bool operator==(const Problem&) const = default;
};

// RFC 6901 escaping of one reference token: "~" -> "~0", "/" -> "~1".
std::string EscapePointerToken(std::string_view token);

// Shortest decimal form that reads back as the same double ("0.1", "3", "1e+20").
std::string FormatNumber(double value);

}  // namespace sfusim::scenario
