// NoVoiceActivityEcho ("no_voice_activity_echo"): voice_user_speaking goes to every other member
// of the channel, never back to the speaker (PROTOCOL.md §1).
//
// Violation: a client receives voice_user_speaking whose username is its own.
#pragma once

#include <string_view>

#include "sfusim/scenario/invariants/invariant_checker.h"

namespace sfusim::scenario {

class NoVoiceActivityEcho : public InvariantChecker {
 public:
  NoVoiceActivityEcho() : InvariantChecker("no_voice_activity_echo") {}
  // A client (its username) received voice_user_speaking{channel, username, speaking}.
  void OnVoiceUserSpeaking(double at_s, std::string_view receiver, std::string_view channel,
                           std::string_view speaker, bool speaking);
};

}  // namespace sfusim::scenario
