#include "sfusim/scenario/invariants/restart_recovers.h"

#include <algorithm>
#include <cstdio>

namespace sfusim::scenario {

void RestartRecovers::OnDisruption(double at_s, std::string_view action, const std::vector<std::string>& clients,
                                   double deadline_s) {
  for (const std::string& c : clients) {
    auto it = pending_.find(c);
    if (it != pending_.end()) {
      it->second.deadline_s = std::max(it->second.deadline_s, deadline_s);
      it->second.action = std::string(action);
      it->second.fault_at_s = at_s;
      continue;
    }
    pending_[c] = Pending{std::string(action), at_s, deadline_s, false};
  }
}

void RestartRecovers::OnClientState(double at_s, std::string_view client, bool recovered) {
  auto it = pending_.find(std::string(client));
  if (it == pending_.end()) return;
  Pending& p = it->second;
  if (!recovered) {
    p.seen_down = true;
    if (at_s >= p.deadline_s) {
      char buf[160];
      std::snprintf(buf, sizeof buf, " was not back with all its media %.3f s after %s at %.3f s", p.deadline_s - p.fault_at_s,
                    p.action.c_str(), p.fault_at_s);
      Violate(at_s, std::string(client) + buf);
      pending_.erase(it);
    }
    return;
  }
  if (p.seen_down || at_s >= p.deadline_s) {
    recovery_s_[std::string(client)] = at_s - p.fault_at_s;
    pending_.erase(it);
  }
}

std::vector<std::string> RestartRecovers::pending_clients() const {
  std::vector<std::string> out;
  for (const auto& [c, _] : pending_) out.push_back(c);
  return out;
}

}  // namespace sfusim::scenario
