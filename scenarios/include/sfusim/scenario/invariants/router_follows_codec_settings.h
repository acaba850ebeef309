// RouterFollowsCodecSettings ("router_follows_codec_settings"): a change of a channel's codec
// settings takes effect for the next join (PROTOCOL.md §2). Violation: a connection that joins a
// channel (it appears in channel_members) after the runner changed that channel's settings, while
// the channel's router still carries other Opus settings. Each (channel, user) joining counts once.
#pragma once

#include <map>
#include <set>
#include <string>

#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/scenario/invariants/invariant_checker.h"
#include "sfusim/sfu/sfu_snapshot.h"

namespace sfusim::scenario {

class RouterFollowsCodecSettings : public InvariantChecker {
 public:
  RouterFollowsCodecSettings() : InvariantChecker("router_follows_codec_settings") {}
  // The runner changed the channel's settings (timeline set_channel_codec).
  void SettingsChanged(const std::string& channel, const protocol::OpusSettings& opus);
  // Called with the SFU's state after every change (state_version grew).
  void Check(double at_s, const sfu::SfuSnapshot& snapshot);

 private:
  std::map<std::string, protocol::OpusSettings> wanted_;       // channel -> settings now in force
  std::map<std::string, std::set<std::string>> members_seen_;  // channel -> members at the last check
};

}  // namespace sfusim::scenario
