// SfuServer: see sfu_server.h. This file holds the public class's forwarding to SfuServer::Impl
// (sfu_server_impl.h) and the Impl's construction, start and teardown; the rest of the Impl is
// split by concern over the files listed in sfu_server_impl.h.
#include "sfusim/sfu/sfu_server.h"

#include <algorithm>
#include <utility>

#include "sfu_server_impl.h"

namespace sfusim::sfu {

SfuServer::Impl::Impl(sim::Env env, SfuConfig config)
    : env_(env), config_(std::move(config)), fault_rng_(env_.rng.Fork("fault_points")) {
  config_.workers = std::clamp(config_.workers, 1, kMaxWorkers);
  workers_alive_.assign(static_cast<std::size_t>(config_.workers), true);
  restart_timers_.resize(static_cast<std::size_t>(config_.workers));
  if (env_.trace) trace_subject_ = env_.trace->Intern("sfu");
}

SfuServer::Impl::~Impl() {
  Cancel(health_timer_);
  Cancel(rtcp_timer_);
  Cancel(nack_timer_);
  Cancel(reaper_timer_);
  for (auto& t : restart_timers_) Cancel(t);
  for (auto& [id, op] : pending_produces_) Cancel(op.event);
  for (auto& [id, op] : deferred_requests_) Cancel(op.event);
  if (listening_ && env_.net) env_.net->StopListening(config_.signaling_port);
  routers_.clear();  // closes every media socket
  conns_.clear();    // closes every stream, without callbacks
}

bool SfuServer::Impl::Start(std::string* error) {
  if (listening_) return true;
  if (env_.net == nullptr || env_.scheduler == nullptr) {
    if (error) *error = "sfu: no network or scheduler in env";
    return false;
  }
  if (!env_.net->Listen(config_.signaling_port, this, error)) return false;
  listening_ = true;
  if (!config_.mutants.no_worker_health) ArmHealth();
  ArmRtcp();
  Trace("started");
  return true;
}

SfuServer::SfuServer(sim::Env env, SfuConfig config) : impl_(std::make_unique<Impl>(env, std::move(config))) {}
SfuServer::~SfuServer() = default;
bool SfuServer::Start(std::string* error) { return impl_->Start(error); }
void SfuServer::SetObserver(SfuObserver* observer) { impl_->SetObserver(observer); }
void SfuServer::SetChannelCodec(const std::string& channel, const protocol::OpusSettings& opus) {
  impl_->SetChannelCodec(channel, opus);
}
bool SfuServer::CrashWorker(int worker) { return impl_->CrashWorker(worker); }
std::optional<PlainConsumerInfo> SfuServer::OpenPlainConsumer(const std::string& user_id,
                                                              const std::string& producer_id,
                                                              const sim::SocketAddress& target, std::string* error) {
  return impl_->OpenPlainConsumer(user_id, producer_id, target, error);
}
uint64_t SfuServer::state_version() const { return impl_->state_version(); }
SfuSnapshot SfuServer::Snapshot() const { return impl_->Snapshot(); }
const SfuCounters& SfuServer::counters() const { return impl_->counters(); }

}  // namespace sfusim::sfu
