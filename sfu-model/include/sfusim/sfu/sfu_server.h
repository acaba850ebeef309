// SfuServer: the reference SFU (PROTOCOL.md §1-2, E2E_DESIGN.md). Signaling over message streams
// on the host's Net, media over one datagram socket per WebRTC transport, N workers each holding
// the routers of its channels.
//
// Contract:
// - Deterministic: it draws only from env.rng, keeps only ordered containers, and its ids come
//   from counters ("u-1", "t-1", "p-1", "c-1").
// - Every timer it schedules is cancelled by its destructor; destroying it closes every stream
//   and socket without callbacks (the runner destroys it on a host crash).
// - The observer (optional) is called synchronously; see sfu_observer.h.
// - Bad client input never crashes it and never closes a connection except where PROTOCOL.md
//   says so (auth failure/timeout, idle timeout, slow client).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/sfu/plain_consumer.h"
#include "sfusim/sfu/sfu_config.h"
#include "sfusim/sfu/sfu_counters.h"
#include "sfusim/sfu/sfu_observer.h"
#include "sfusim/sfu/sfu_snapshot.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/socket_address.h"

namespace sfusim::sfu {

class SfuServer {
 public:
  SfuServer(sim::Env env, SfuConfig config);  // env.net is the SFU host's Net
  ~SfuServer();                               // cancels every timer it scheduled
  SfuServer(const SfuServer&) = delete;
  SfuServer& operator=(const SfuServer&) = delete;

  bool Start(std::string* error = nullptr);  // listens on config.signaling_port
  void SetObserver(SfuObserver* observer);

  // Scenario controls.
  // The channel's next join uses these settings (its router is rebuilt then, unless router_cache).
  void SetChannelCodec(const std::string& channel, const protocol::OpusSettings& opus);
  bool CrashWorker(int worker);  // false when out of range or already down
  // Real-network interop: plain RTP of one producer to `target` (plain_consumer.h).
  std::optional<PlainConsumerInfo> OpenPlainConsumer(const std::string& user_id, const std::string& producer_id,
                                                     const sim::SocketAddress& target, std::string* error = nullptr);

  // Inspection.
  uint64_t state_version() const;  // grows on every change visible in Snapshot()
  SfuSnapshot Snapshot() const;
  const SfuCounters& counters() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfusim::sfu
