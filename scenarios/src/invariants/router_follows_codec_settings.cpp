#include "sfusim/scenario/invariants/router_follows_codec_settings.h"

namespace sfusim::scenario {

void RouterFollowsCodecSettings::SettingsChanged(const std::string& channel, const protocol::OpusSettings& opus) {
  wanted_[channel] = opus;
}

void RouterFollowsCodecSettings::Check(double at_s, const sfu::SfuSnapshot& s) {
  for (const auto& [channel, members] : s.channel_members) {
    std::set<std::string>& seen = members_seen_[channel];
    auto want = wanted_.find(channel);
    auto router = s.routers.find(channel);
    if (want != wanted_.end() && router != s.routers.end() && !(router->second.opus == want->second)) {
      for (const std::string& user : members) {
        if (seen.count(user)) continue;
        ViolateOnce(at_s, channel + "/" + user,
                    user + " joined " + channel + " after its codec settings changed, but the router still has " +
                        "opus bitrate " + std::to_string(router->second.opus.bitrate_bps) + " (wanted " +
                        std::to_string(want->second.bitrate_bps) + ")");
      }
    }
    seen = members;
  }
  for (auto it = members_seen_.begin(); it != members_seen_.end();) {
    it = s.channel_members.count(it->first) ? std::next(it) : members_seen_.erase(it);
  }
}

}  // namespace sfusim::scenario
