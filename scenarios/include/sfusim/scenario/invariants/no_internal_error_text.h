// NoInternalErrorText ("no_internal_error_text"): errors never leak internal library messages to
// the client (PROTOCOL.md §1), and every error carries a stable code
// (protocol/signaling/signaling_error_codes.h: "sfusim's own text, never a library's").
//
// Fed every error a client receives (media_signal error responses and `error` notices). A
// violation is an error whose code is not one of signaling_error::kAllCodes, whose message is
// longer than kMaxClientErrorChars or holds a control character, or whose message carries a
// signature of internal text: a C++ scope or call ("::", "()"), an exception ("exception",
// "what()"), a source file (".cpp", ".h:"), a pointer ("0x"), or a library's own error prefix
// ("[json.", "srtp_err"). Each distinct (participant, code, message) counts once.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "sfusim/scenario/invariants/invariant_checker.h"

namespace sfusim::scenario {

inline constexpr std::size_t kMaxClientErrorChars = 256;
inline constexpr std::array<std::string_view, 9> kInternalTextSignatures = {
    "::", "()", "exception", "what()", ".cpp", ".h:", "0x", "[json.", "srtp_err"};

class NoInternalErrorText : public InvariantChecker {
 public:
  NoInternalErrorText() : InvariantChecker("no_internal_error_text") {}
  void OnError(double at_s, const std::string& participant, std::string_view code, std::string_view message);
  uint64_t errors_seen() const { return errors_seen_; }

 private:
  uint64_t errors_seen_ = 0;
};

}  // namespace sfusim::scenario
