// RestartRecovers ("restart_recovers"): after restart_sfu, crash_worker or disconnect_signaling,
// every affected client is back with all its media within the bound (DESIGN.md "Invariants").
//
// Contract:
// - OnDisruption(at, action, clients, deadline): each client must be "recovered" (the runner's
//   test: phase active, WebClient::media_complete(), and a normal or FEC frame from every unmuted
//   microphone publisher of its channel among its last 200 ms of playout, except in a DTX channel
//   where silence sends nothing) by deadline_s. The deadline is the end
//   of the fault (at_s, or at_s + down_s for restart_sfu) plus the bound: the scenario's
//   audio.recovery_s SLO max for that action when it has one, else kDefaultRecoveryBoundS.
//   A new disruption of a client that is still pending replaces its deadline with the later one.
// - OnClientState(at, client, recovered) is called by the runner while a client is pending (it
//   polls every kRecoveryPollS and once at each deadline). A client that is recovered right
//   after the fault has usually not noticed it yet, so a recovery counts only after the client
//   was seen not recovered, or at the deadline itself (a client the fault never visibly
//   disturbed). Not recovered at or after the deadline: a violation naming the client, the
//   action and the bound.
// - A deadline after the end of the run is not judged (the scenario ends too early for it): the
//   scenario author must leave room after the fault (the bound plus the recovery).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfusim/scenario/invariants/invariant_checker.h"

namespace sfusim::scenario {

inline constexpr double kDefaultRecoveryBoundS = 10.0;  // when the scenario gives no SLO bound
inline constexpr double kRecoveryPollS = 0.05;          // how often the runner polls pending clients

class RestartRecovers : public InvariantChecker {
 public:
  RestartRecovers() : InvariantChecker("restart_recovers") {}

  void OnDisruption(double at_s, std::string_view action, const std::vector<std::string>& clients, double deadline_s);
  void OnClientState(double at_s, std::string_view client, bool recovered);
  bool pending(std::string_view client) const { return pending_.count(std::string(client)) != 0; }
  std::vector<std::string> pending_clients() const;
  // When each client last recovered after a disruption (seconds after the fault's end), for metrics.
  const std::map<std::string, double>& recovery_s() const { return recovery_s_; }

 private:
  struct Pending {
    std::string action;
    double fault_at_s = 0;
    double deadline_s = 0;
    bool seen_down = false;
  };
  std::map<std::string, Pending> pending_;
  std::map<std::string, double> recovery_s_;
};

}  // namespace sfusim::scenario
