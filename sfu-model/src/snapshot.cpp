// SfuServer::Impl's inspection side: the Snapshot() built from the live state, and Changed(),
// which bumps state_version and tells the observer whenever something visible in it changes.
#include "sfu_server_impl.h"

namespace sfusim::sfu {

SfuSnapshot SfuServer::Impl::Snapshot() const {
  SfuSnapshot s;
  for (const auto& [key, c] : conns_) {
    if (!c->authenticated) continue;
    s.usernames[c->user_id] = c->username;
    if (!c->channel.empty()) s.connection_channel[c->user_id] = c->channel;
  }
  for (const auto& [channel, keys] : members_) {
    auto& set = s.channel_members[channel];
    for (uint64_t k : keys) set.insert(conns_.at(k)->user_id);
  }
  for (const auto& [channel, r] : routers_) {
    s.routers[channel] = SfuSnapshot::Router{channel, r->worker, r->generation, r->opus, r->alive};
    for (const auto& [id, p] : r->producers) {
      s.producers[id] = SfuSnapshot::Producer{id, p.user_id, p.channel, p.kind, p.source, p.ssrc, r->worker, p.native};
    }
    for (const auto& [id, c] : r->consumers) {
      s.consumers[id] =
          SfuSnapshot::Consumer{id, c.user_id, c.producer_id, c.channel, c.ssrc, c.paused, c.closed_producer};
    }
  }
  for (int i = 0; i < config_.workers; ++i) s.workers.push_back({i, workers_alive_[static_cast<std::size_t>(i)]});
  return s;
}

void SfuServer::Impl::Changed() {
  ++state_version_;
  if (observer_) observer_->OnStateChanged();
}

}  // namespace sfusim::sfu
