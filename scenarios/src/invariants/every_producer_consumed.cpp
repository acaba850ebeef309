#include "sfusim/scenario/invariants/every_producer_consumed.h"

#include <utility>

#include "sfusim/protocol/signaling/media_types.h"

namespace sfusim::scenario {

void EveryProducerConsumed::Check(double end_s, const sfu::SfuSnapshot& s, const std::set<std::string>& settled,
                                  const std::map<std::string, double>& producer_since_s) {
  std::set<std::pair<std::string, std::string>> consumed;  // (user_id, producer_id)
  for (const auto& [id, c] : s.consumers) consumed.insert({c.user_id, c.producer_id});
  for (const auto& [user, channel] : s.connection_channel) {
    auto name = s.usernames.find(user);
    if (name == s.usernames.end() || !settled.count(name->second)) continue;
    for (const auto& [pid, p] : s.producers) {
      if (p.channel != channel || p.user_id == user) continue;
      auto since = producer_since_s.find(pid);
      if (since == producer_since_s.end() || end_s - since->second < kConsumeSettleS) continue;
      ++pairs_checked_;
      if (consumed.count({user, pid})) continue;
      auto owner = s.usernames.find(p.user_id);
      ViolateOnce(end_s, user + "/" + pid,
                  name->second + " (" + user + ") has no consumer of " + pid + " (" +
                      std::string(protocol::ToString(p.source)) + " of " +
                      (owner == s.usernames.end() ? p.user_id : owner->second) + ") in " + channel +
                      ", which exists since " + std::to_string(since->second) + " s");
    }
  }
}

}  // namespace sfusim::scenario
