#include "sfusim/scenario/invariants/ssrc_unique.h"

#include <map>
#include <utility>

namespace sfusim::scenario {

void SsrcUnique::Check(double at_s, const sfu::SfuSnapshot& s) {
  // (channel, ssrc) -> the first holder ("producer p-1" / "consumer c-2").
  std::map<std::pair<std::string, uint32_t>, std::string> seen;
  auto add = [&](const std::string& channel, uint32_t ssrc, const std::string& holder) {
    if (ssrc == 0) {
      ViolateOnce(at_s, "zero/" + holder, holder + " in channel " + channel + " has SSRC 0");
      return;
    }
    auto [it, inserted] = seen.emplace(std::pair{channel, ssrc}, holder);
    if (!inserted) {
      ViolateOnce(at_s, it->second + "/" + holder,
                  holder + " and " + it->second + " share SSRC " + std::to_string(ssrc) + " in channel " + channel);
    }
  };
  for (const auto& [id, p] : s.producers) add(p.channel, p.ssrc, "producer " + id);
  for (const auto& [id, c] : s.consumers) add(c.channel, c.ssrc, "consumer " + id);
}

}  // namespace sfusim::scenario
