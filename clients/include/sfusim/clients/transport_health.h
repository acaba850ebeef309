// TransportHealth: the media transports' combined state (PROTOCOL.md §4): the worst of the send
// and the recv transport's states; a transport `disconnected` for 10 s becomes `failed`.
//
// Contract:
// - States are ordered by badness: connected < new < connecting < closed < disconnected < failed
//   (worst). The overall state is the worse of the two transports.
// - SetState(direction, kDisconnected, now) remembers since when; State(direction, now) reports
//   kFailed once now - since >= kTransportDisconnectedToFailed (leaving disconnected resets it).
// - Pure bookkeeping: no timers. FailDeadline() tells the owner when to look again.
#pragma once

#include <optional>
#include <string_view>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/signaling/media_types.h"
#include "sfusim/sim/time_delta.h"
#include "sfusim/sim/timestamp.h"

namespace sfusim::clients {

enum class TransportState { kNew, kConnecting, kConnected, kDisconnected, kFailed, kClosed };

std::string_view ToString(TransportState state);

inline constexpr sim::TimeDelta kTransportDisconnectedToFailed =
    sim::TimeDelta::Micros(protocol::kTransportDisconnectedToFailedUs);

class TransportHealth {
 public:
  TransportHealth() = default;

  // Badness rank (higher is worse), see the contract.
  static int Severity(TransportState state);
  static TransportState Worst(TransportState a, TransportState b);

  void SetState(protocol::TransportDirection direction, TransportState state, sim::Timestamp now);
  // Both back to kNew (a new media setup).
  void Reset();

  TransportState State(protocol::TransportDirection direction, sim::Timestamp now) const;
  TransportState Overall(sim::Timestamp now) const;
  // The earliest time a disconnected transport turns failed; nullopt when none is disconnected.
  std::optional<sim::Timestamp> FailDeadline() const;

 private:
  struct Side {
    TransportState state = TransportState::kNew;
    sim::Timestamp disconnected_since;
  };
  const Side& side(protocol::TransportDirection d) const { return d == protocol::TransportDirection::kSend ? send_ : recv_; }
  Side& side(protocol::TransportDirection d) { return d == protocol::TransportDirection::kSend ? send_ : recv_; }

  Side send_;
  Side recv_;
};

}  // namespace sfusim::clients
