// Result<T>: what every protocol-layer function that reads outside input returns.
//
// Contract: bad input (bytes, JSON, parameters) never throws and never crashes; it yields an Error
// with a stable, snake_case `code` (callers and tests match on it; it is part of the API) and a
// human `message` naming the place (byte offset, field, JSON pointer) and the limit that was hit.
// Success carries the value. The success path costs no allocation.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sfusim::protocol {

struct Error {
  std::string code;     // stable identifier, e.g. "truncated", "payload_too_large"
  std::string message;  // for people: what is wrong and where
};

inline bool operator==(const Error& a, const Error& b) { return a.code == b.code && a.message == b.message; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}     // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return std::get<0>(v_); }
  const T& operator*() const& { return std::get<0>(v_); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;

inline Error MakeError(std::string code, std::string message) { return Error{std::move(code), std::move(message)}; }

}  // namespace sfusim::protocol
