#include "sfusim/scenario/invariants/no_voice_activity_echo.h"

#include <string>

namespace sfusim::scenario {

void NoVoiceActivityEcho::OnVoiceUserSpeaking(double at_s, std::string_view receiver, std::string_view channel,
                                              std::string_view speaker, bool speaking) {
  if (receiver != speaker) return;
  Violate(at_s, std::string(receiver) + " received its own voice activity (voice_user_speaking speaking=" +
                    (speaking ? "true" : "false") + " in channel " + std::string(channel) + ")");
}

}  // namespace sfusim::scenario
