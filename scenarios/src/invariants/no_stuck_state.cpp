#include "sfusim/scenario/invariants/no_stuck_state.h"

#include <cstdio>
#include <string>

namespace sfusim::scenario {

void NoStuckState::OnEnd(double end_s, std::string_view client, bool should_be_in_voice, double last_disturbance_s,
                         std::string_view phase) {
  bool ok = should_be_in_voice ? phase == "active" : (phase == "left" || phase == "idle");
  if (ok) return;
  bool settled = end_s - last_disturbance_s >= kSettleS;
  if (!settled && phase != "failed") return;
  char buf[96];
  std::snprintf(buf, sizeof buf, " (its last disturbance was at %.3f s)", last_disturbance_s);
  Violate(end_s, std::string(client) + " ended in phase " + std::string(phase) + " but should be " +
                     (should_be_in_voice ? "active in voice" : "out of voice") + buf);
}

void NoStuckState::OnSenderEnd(double end_s, std::string_view participant, bool started, std::string_view state,
                               bool fell_back_and_sharing, bool browser_share_up, double last_disturbance_s) {
  if (end_s - last_disturbance_s < kSettleS) return;
  if (started && (state == "starting" || state == "stopping")) {
    Violate(end_s, std::string(participant) + "'s native sender ended stuck in state " + std::string(state));
  }
  if (fell_back_and_sharing && !browser_share_up) {
    Violate(end_s, std::string(participant) + "'s screen share fell back but its browser screen producer is not up");
  }
}

}  // namespace sfusim::scenario
