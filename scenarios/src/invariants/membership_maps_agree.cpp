#include "sfusim/scenario/invariants/membership_maps_agree.h"

namespace sfusim::scenario {

void MembershipMapsAgree::Check(double at_s, const sfu::SfuSnapshot& s) {
  for (const auto& [user, channel] : s.connection_channel) {
    auto it = s.channel_members.find(channel);
    if (it == s.channel_members.end() || it->second.count(user) == 0) {
      ViolateOnce(at_s, "c2u/" + user + "/" + channel,
                  "connection " + user + " is in channel " + channel + " by connection_channel but not in that "
                  "channel's members");
    }
  }
  for (const auto& [channel, members] : s.channel_members) {
    for (const std::string& user : members) {
      auto it = s.connection_channel.find(user);
      if (it == s.connection_channel.end()) {
        ViolateOnce(at_s, "u2c/" + user + "/" + channel,
                    user + " is a member of channel " + channel + " but connection_channel has no channel for it");
      } else if (it->second != channel) {
        ViolateOnce(at_s, "u2c/" + user + "/" + channel,
                    user + " is a member of channel " + channel + " but connection_channel says " + it->second);
      }
    }
  }
}

}  // namespace sfusim::scenario
