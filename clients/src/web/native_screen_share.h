// NativeScreenShare (private to the web client): the desktop client's native screen share, a
// NativeSender (clients/native) on the plain transport that create_native_sender_session
// returned, with its events forwarded to the client.
//
// Contract: Create() makes the sender (screen content, the tier/fps/bitrate of ScreenConfig, the
// SFU's ssrc/pt/rtp_target, the scenario's thresholds, the publisher's source seed). Every sender
// event goes to `on_event` synchronously, unless Detach() was called (a share being torn down
// tells nobody). The client never destroys it inside `on_event` (it posts that).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sfusim/clients/native/native_fault.h"
#include "sfusim/clients/native/native_sender.h"
#include "sfusim/clients/native/native_sender_config.h"
#include "sfusim/clients/native/native_sender_listener.h"
#include "sfusim/clients/client_mutants.h"
#include "sfusim/clients/native/native_sender_status.h"
#include "sfusim/protocol/result.h"
#include "sfusim/sim/env.h"

namespace sfusim::clients {

struct NativeShareParams {
  std::string tier = kDefaultNativeTier;
  int fps = kDefaultNativeFps;
  int64_t bitrate_bps = kDefaultNativeBitrateBps;
  uint32_t ssrc = 0;
  uint8_t payload_type = 0;
  sim::SocketAddress rtp_target;
  FallbackThresholds thresholds;
  uint64_t seed = 0;
  bool restart_pipeline_on_tier_change = false;  // NativeSenderConfig's
  ClientMutants mutants;
};

class NativeScreenShare final : public NativeSenderListener {
 public:
  using EventFn = std::function<void(std::string_view name, std::string_view reason)>;
  static protocol::Result<std::unique_ptr<NativeScreenShare>> Create(sim::Env env, const NativeShareParams& params,
                                                                     EventFn on_event);
  ~NativeScreenShare() override;
  NativeScreenShare(const NativeScreenShare&) = delete;
  NativeScreenShare& operator=(const NativeScreenShare&) = delete;

  void Start();
  void Stop(std::string_view reason);
  void Detach() { on_event_ = nullptr; }
  void SetFault(NativeFault fault, sim::Timestamp until);
  void SetProducerConnected(bool connected);
  NativeSenderStatus status() const;
  const NativeSenderCounters& counters() const;

 private:
  explicit NativeScreenShare(EventFn on_event) : on_event_(std::move(on_event)) {}
  void OnNativeSenderEvent(std::string_view name, std::string_view reason) override;

  EventFn on_event_;
  std::unique_ptr<NativeSender> sender_;
};

}  // namespace sfusim::clients
