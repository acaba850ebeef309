// SfuServer::Impl's routers and workers: creating a channel's router on its worker, rebuilding it
// on a codec change, losing it with a worker crash, the health monitor that restarts a dead
// worker, and the media_router_reset that tells members to redo their media setup.
#include <string>

#include "sfu_server_impl.h"

namespace sfusim::sfu {

namespace {

constexpr std::string_view kResetReasonCodecChanged = "codec_changed";

}  // namespace

void SfuServer::Impl::SetChannelCodec(const std::string& channel, const protocol::OpusSettings& opus) {
  config_.channels[channel] = opus;
  Trace("set_channel_codec " + channel);
}

bool SfuServer::Impl::CrashWorker(int worker) {
  if (worker < 0 || worker >= config_.workers || !workers_alive_[static_cast<std::size_t>(worker)]) return false;
  workers_alive_[static_cast<std::size_t>(worker)] = false;
  ++counters_.worker_crashes;
  Trace("worker crashed " + std::to_string(worker));
  for (auto& [channel, router] : routers_) {
    if (router->worker == worker && router->alive) {
      KillRouterMedia(*router);
      router->alive = false;
    }
  }
  if (observer_) observer_->OnWorkerEvent(worker, "crashed");
  Changed();
  return true;
}

protocol::OpusSettings SfuServer::Impl::ChannelSettings(const std::string& channel) const {
  auto it = config_.channels.find(channel);
  return it == config_.channels.end() ? protocol::OpusSettings{} : it->second;
}

void SfuServer::Impl::BuildCaps(RouterState& r, const protocol::OpusSettings& opus) {
  auto caps = protocol::BuildRouterRtpCapabilities(opus);
  if (caps.ok()) {
    r.opus = opus;
    r.caps = std::move(caps.value());
  } else {
    // Settings outside the protocol's range (a scenario typo): the router falls back to defaults.
    r.opus = protocol::OpusSettings{};
    r.caps = protocol::BuildRouterRtpCapabilities(r.opus).value();
  }
}

RouterState& SfuServer::Impl::EnsureRouter(const std::string& channel, uint64_t joiner) {
  auto it = routers_.find(channel);
  const protocol::OpusSettings settings = ChannelSettings(channel);
  if (it == routers_.end()) {
    auto r = std::make_unique<RouterState>();
    r->channel = channel;
    r->worker = channel.empty() ? 0 : static_cast<unsigned char>(channel[0]) % config_.workers;
    r->generation = 1;
    BuildCaps(*r, settings);
    r->alive = workers_alive_[static_cast<std::size_t>(r->worker)];
    Trace("router created " + channel + " worker " + std::to_string(r->worker));
    return *(routers_[channel] = std::move(r));
  }
  RouterState& r = *it->second;
  if (!config_.mutants.router_cache && r.alive && !(r.opus == settings)) {
    // A codec change takes effect at this join: a new router; members already there redo
    // their media setup as after a worker restart.
    KillRouterMedia(r);
    ++r.generation;
    BuildCaps(r, settings);
    Trace("router rebuilt " + channel + " generation " + std::to_string(r.generation));
    auto mit = members_.find(channel);
    if (mit != members_.end()) {
      for (uint64_t k : mit->second) {
        ConnState* c = Conn(k);
        if (c == nullptr || k == joiner) continue;
        ++counters_.router_resets;
        SendMsg(*c, protocol::MediaRouterReset{channel, std::string(kResetReasonCodecChanged), r.generation});
      }
    }
  }
  return r;
}

// A router lost (worker crash) or replaced (codec change): everything in it vanishes at once,
// without producer_closed (the clients learn it from media_router_reset).
void SfuServer::Impl::KillRouterMedia(RouterState& router) {
  router.transports.clear();
  router.producers.clear();
  router.consumers.clear();
  router.consumer_by_key.clear();
  router.producer_by_ssrc.clear();
  router.consumer_by_ssrc.clear();
  router.ssrcs.clear();
  auto mit = members_.find(router.channel);
  if (mit == members_.end()) return;
  for (uint64_t k : mit->second) {
    ConnState* c = Conn(k);
    if (c == nullptr) continue;
    c->producers.clear();
    c->consumers.clear();
    c->send_transport.clear();
    c->recv_transport.clear();
    c->native_transport.clear();
  }
}

void SfuServer::Impl::ArmHealth() {
  health_timer_ = env_.scheduler->PostDelayed(kWorkerHealthCheckInterval, [this] {
    health_timer_ = {};
    CheckWorkers();
    ArmHealth();
  });
}

void SfuServer::Impl::CheckWorkers() {
  for (int w = 0; w < config_.workers; ++w) {
    const auto i = static_cast<std::size_t>(w);
    if (workers_alive_[i] || restart_timers_[i].valid()) continue;
    Trace("health: worker " + std::to_string(w) + " down, restarting");
    restart_timers_[i] = env_.scheduler->PostDelayed(kWorkerRestartDelay, [this, w] { RestartWorker(w); });
  }
}

void SfuServer::Impl::RestartWorker(int w) {
  const auto i = static_cast<std::size_t>(w);
  restart_timers_[i] = {};
  if (workers_alive_[i]) return;
  workers_alive_[i] = true;
  ++counters_.worker_restarts;
  Trace("worker restarted " + std::to_string(w));
  if (observer_) observer_->OnWorkerEvent(w, "restarted");
  for (auto& [channel, router] : routers_) {
    if (router->worker != w || router->alive) continue;
    ++router->generation;
    BuildCaps(*router, config_.mutants.router_cache ? router->opus : ChannelSettings(channel));
    router->alive = true;
    if (config_.mutants.membership_lost_on_restart) {
      // Mutant: the channel's membership lived with the worker and is gone (both maps, so they
      // agree); nobody is told, so the loop below finds no member to send media_router_reset to.
      auto lost = members_.find(channel);
      if (lost != members_.end()) {
        for (uint64_t k : lost->second) {
          if (ConnState* c = Conn(k)) c->channel.clear();
        }
        members_.erase(lost);
      }
    }
    const protocol::MediaRouterReset reset{channel, std::string(protocol::kResetReasonWorkerCrashed),
                                           router->generation};
    auto mit = members_.find(channel);
    if (mit != members_.end()) {
      for (uint64_t k : mit->second) {
        ConnState* c = Conn(k);
        if (c == nullptr) continue;
        ++counters_.router_resets;
        SendMsg(*c, reset);
      }
    }
  }
  Changed();
}

}  // namespace sfusim::sfu
