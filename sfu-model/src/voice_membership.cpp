// SfuServer::Impl's voice channel membership: join (and switching channels), leave, the presence
// snapshot sent to a joiner, and voice activity (speaking) broadcasts.
#include "sfu_server_impl.h"
#include "sfusim/protocol/signaling/signaling_error_codes.h"

namespace sfusim::sfu {

namespace err = protocol::signaling_error;

void SfuServer::Impl::HandleJoin(ConnState& c, const std::string& channel) {
  if (c.channel == channel) {
    SendMsg(c, protocol::VoiceJoined{channel, c.user_id});
    SendPresence(c);
    return;
  }
  if (!c.channel.empty()) LeaveChannel(c, /*notify_self=*/true);
  EnsureRouter(channel, c.key);
  members_[channel].insert(c.key);
  c.channel = channel;
  c.speaking = false;
  Trace("join " + c.user_id + " " + channel);
  SendMsg(c, protocol::VoiceJoined{channel, c.user_id});
  SendPresence(c);
  Broadcast(channel, protocol::VoiceUserJoined{channel, c.user_id, c.username}, c.key);
  Changed();
}

void SfuServer::Impl::SendPresence(ConnState& c) {
  protocol::ChannelPresence presence;
  presence.channel_id = c.channel;
  for (uint64_t k : members_[c.channel]) {
    const ConnState* m = Conn(k);
    if (m == nullptr || presence.members.size() >= protocol::kMaxPresenceMembers) continue;
    presence.members.push_back({m->user_id, m->username, m->speaking});
  }
  protocol::VoicePresenceSnapshot snap;
  snap.channels.push_back(std::move(presence));
  SendMsg(c, snap);
}

void SfuServer::Impl::HandleLeave(ConnState& c, const std::string& channel) {
  if (c.channel.empty() || c.channel != channel) {
    SendError(c, err::kNotInChannel, "/channel_id: not the channel this connection is in", std::nullopt);
    return;
  }
  LeaveChannel(c, /*notify_self=*/true);
}

void SfuServer::Impl::LeaveChannel(ConnState& c, bool notify_self) {
  const std::string channel = c.channel;
  CloseConnMedia(c, /*notify=*/true);
  auto it = members_.find(channel);
  if (it != members_.end()) {
    it->second.erase(c.key);
    if (it->second.empty()) members_.erase(it);
  }
  c.channel.clear();
  c.speaking = false;
  Trace("leave " + c.user_id + " " + channel);
  if (notify_self) SendMsg(c, protocol::VoiceLeft{channel});
  Broadcast(channel, protocol::VoiceUserLeft{channel, c.user_id, c.username}, c.key);
  Changed();
}

void SfuServer::Impl::HandleVoiceActivity(ConnState& c, const protocol::VoiceActivity& m) {
  if (c.channel.empty() || c.channel != m.channel_id) {
    SendError(c, err::kNotInChannel, "/channel_id: not the channel this connection is in", std::nullopt);
    return;
  }
  c.speaking = m.speaking;
  Broadcast(c.channel, protocol::VoiceUserSpeaking{c.channel, c.username, m.speaking},
            config_.mutants.voice_echo ? kNoConnection : c.key);
}

}  // namespace sfusim::sfu
