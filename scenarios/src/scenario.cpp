#include "sfusim/scenario/scenario.h"

#include <algorithm>

#include "sfusim/scenario/vocabulary.h"

namespace sfusim::scenario {

std::string_view ToString(ClientKind kind) { return kClientKindNames[static_cast<std::size_t>(kind)]; }
std::string_view ToString(PublishKind kind) { return kPublishKindNames[static_cast<std::size_t>(kind)]; }
std::string_view ToString(ScreenPath path) { return kScreenPathNames[static_cast<std::size_t>(path)]; }
std::string_view ToString(EncoderFaultKind kind) { return kEncoderFaultKindNames[static_cast<std::size_t>(kind)]; }

std::string_view ActionName(const Action& action) {
  static_assert(std::variant_size_v<Action> == kActionNames.size(), "kActionNames must list every action");
  return kActionNames[action.index()];
}

bool Participant::Publishes(PublishKind kind) const {
  return std::find(publish.begin(), publish.end(), kind) != publish.end();
}

const Participant* Scenario::FindParticipant(std::string_view id) const {
  for (const Participant& p : participants) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const Channel* Scenario::FindChannel(std::string_view id) const {
  for (const Channel& c : sfu.channels) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

sim::LinkConfig Scenario::LinkConfigFor(const LinkName& link) const {
  sim::LinkConfig config = ApplyLinkSettings(sim::LinkConfig{}, network.defaults);
  auto it = network.links.find(link.ToString());
  if (it != network.links.end()) config = ApplyLinkSettings(config, it->second);
  return config;
}

}  // namespace sfusim::scenario
