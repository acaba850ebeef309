#include "sfusim/scenario/invariants/no_internal_error_text.h"

#include <algorithm>

#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace sfusim::scenario {

void NoInternalErrorText::OnError(double at_s, const std::string& participant, std::string_view code,
                                  std::string_view message) {
  ++errors_seen_;
  const auto& codes = protocol::signaling_error::kAllCodes;
  std::string why;
  if (std::find(codes.begin(), codes.end(), code) == codes.end()) {
    why = "code \"" + std::string(code) + "\" is not a stable error code";
  } else if (message.size() > kMaxClientErrorChars) {
    why = "message of " + std::to_string(message.size()) + " chars (at most " + std::to_string(kMaxClientErrorChars) +
          ")";
  } else if (std::any_of(message.begin(), message.end(), [](char ch) { return ch >= 0 && ch < ' '; })) {
    why = "message holds a control character";
  } else {
    for (std::string_view sig : kInternalTextSignatures) {
      if (message.find(sig) != std::string_view::npos) {
        why = "message holds internal text (\"" + std::string(sig) + "\")";
        break;
      }
    }
  }
  if (why.empty()) return;
  std::string shown(message.substr(0, kMaxClientErrorChars));
  ViolateOnce(at_s, participant + "\n" + std::string(code) + "\n" + shown,
              participant + " got error " + std::string(code) + " \"" + shown + "\": " + why);
}

}  // namespace sfusim::scenario
