#include "native_screen_share.h"

#include <algorithm>
#include <utility>

namespace sfusim::clients {

protocol::Result<std::unique_ptr<NativeScreenShare>> NativeScreenShare::Create(sim::Env env,
                                                                               const NativeShareParams& params,
                                                                               EventFn on_event) {
  NativeSenderConfig config;
  config.tier = params.tier;
  config.fps = params.fps;
  config.bitrate_bps = std::clamp(params.bitrate_bps, kMinNativeBitrateBps, kMaxNativeBitrateBps);
  config.ssrc = params.ssrc;
  config.payload_type = params.payload_type;
  config.rtp_target = params.rtp_target;
  config.thresholds = params.thresholds;
  config.source_seed = params.seed;
  config.restart_pipeline_on_tier_change = params.restart_pipeline_on_tier_change;
  config.fallback_never = params.mutants.fallback_never;
  config.ladder.wrong_order = params.mutants.ladder_wrong_order;
  std::unique_ptr<NativeScreenShare> share(new NativeScreenShare(std::move(on_event)));
  auto sender = NativeSender::Create(env, std::move(config), share.get());
  if (!sender.ok()) return sender.error();
  share->sender_ = std::move(sender.value());
  return share;
}

// The sender's destructor emits nothing and cancels its timers.
NativeScreenShare::~NativeScreenShare() = default;

void NativeScreenShare::Start() { sender_->Start(); }
void NativeScreenShare::Stop(std::string_view reason) { sender_->Stop(reason); }
void NativeScreenShare::SetFault(NativeFault fault, sim::Timestamp until) { sender_->SetFault(fault, until); }
void NativeScreenShare::SetProducerConnected(bool connected) { sender_->SetProducerConnected(connected); }
NativeSenderStatus NativeScreenShare::status() const { return sender_->status(); }
const NativeSenderCounters& NativeScreenShare::counters() const { return sender_->counters(); }

void NativeScreenShare::OnNativeSenderEvent(std::string_view name, std::string_view reason) {
  if (on_event_) on_event_(name, reason);
}

}  // namespace sfusim::clients
