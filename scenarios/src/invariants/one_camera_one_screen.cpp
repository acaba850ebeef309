#include "sfusim/scenario/invariants/one_camera_one_screen.h"

#include <map>
#include <utility>

namespace sfusim::scenario {

void OneCameraOneScreen::Check(double at_s, const sfu::SfuSnapshot& s) {
  std::map<std::pair<std::string, protocol::MediaSource>, std::vector<std::string>> by_user;
  for (const auto& [id, p] : s.producers) {
    if (p.source == protocol::MediaSource::kCamera || p.source == protocol::MediaSource::kScreen) {
      by_user[{p.user_id, p.source}].push_back(id);
    }
  }
  for (const auto& [key, ids] : by_user) {
    if (ids.size() < 2) continue;
    std::string what = key.second == protocol::MediaSource::kCamera ? "camera" : "screen";
    std::string list;
    for (const std::string& id : ids) list += (list.empty() ? "" : ", ") + id;
    ViolateOnce(at_s, key.first + "/" + what,
                key.first + " has " + std::to_string(ids.size()) + " " + what + " producers (" + list + ")");
  }
}

}  // namespace sfusim::scenario
