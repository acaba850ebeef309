// Commands of the stateful model: faults and time (DESIGN.md "Simulated network" faults).
// - CrashWorker: the worker's routers lose everything; a request to such a channel meanwhile gets
//   media_unavailable; the health check restarts it, and every member of each of its channels gets
//   media_router_reset with the router's next generation. The command waits for the restart, so
//   the invariants after it include "every worker is alive again".
// - RestartSfu: the SFU host crashes and comes back empty; every client loses its stream.
// - Wait: time passes (up to past the rate-limit window); every client pings first, so no idle
//   timeout ever fires in a sequence.
// The signaling cut is Disconnect(cut) in commands_membership.h.
#pragma once

#include <string>

#include "command_base.h"
#include "commands_media.h"
#include "scenario_writer.h"

namespace sfusim::sfu::test::model {

struct CrashWorker : ModelCommand {
  int worker = *rc::gen::inRange(0, kWorkers);
  // The first online client in a channel of that worker, which probes it while it is down.
  int Prober(const Model& m) const {
    for (int i = 0; i < kClients; ++i)
      if (m.C(i).online && !m.C(i).channel.empty() && WorkerOf(m.C(i).channel) == worker) return i;
    return -1;
  }
  void Step(Model& m, Expect& e) const override {
    const int p = Prober(m);
    if (p >= 0) {
      const std::string rid = e.NewRid(m);
      e.Response(p, rid, std::string(e.Event(m, p) ? err::kMediaUnavailable : err::kRateLimited));
    }
    m.WorkerRestarted(worker);
    for (const auto& [channel, gen] : m.router_generation) {
      if (WorkerOf(channel) != worker) continue;
      for (int j : m.Members(channel))
        e.To(j, "router_reset " + channel + " " + std::to_string(gen) + " " + std::string(protocol::kResetReasonWorkerCrashed));
    }
    m.now_ms += kWorkerRecoveryMs;
  }
  void Act(const Model& m0, const Expect& e, Sut& sut) const override {
    RC_ASSERT(sut.w.sfu->CrashWorker(worker));
    const int p = Prober(m0);
    if (p >= 0) sut.Request(p, e.rids[0], protocol::GetRouterRtpCapabilitiesRequest{});
    sut.Step();
    sut.Step(kWorkerRecoveryMs - kStepMs);
  }
  void Export(ScenarioWriter& w, const Model& m0) const override { w.Add(m0, {{"action", "crash_worker"}, {"worker", worker}}); }
  void show(std::ostream& os) const override { os << "CrashWorker(" << worker << ")"; }
};

struct RestartSfu : ModelCommand {
  void Step(Model& m, Expect&) const override {
    m.SfuRestarted();
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect&, Sut& sut) const override {
    sut.RestartSfu();
    RC_ASSERT(sut.w.started);
    sut.Step();
    for (int i = 0; i < kClients; ++i)
      if (sut.Has(i)) RC_ASSERT(!sut.C(i).open());  // every stream went with the host
  }
  void Export(ScenarioWriter& w, const Model& m0) const override { w.Add(m0, {{"action", "restart_sfu"}}); }
  void show(std::ostream& os) const override { os << "RestartSfu()"; }
};

struct Wait : ModelCommand {
  int64_t ms = *rc::gen::elementOf(std::vector<int64_t>(kWaitsMs.begin(), kWaitsMs.end()));
  void Step(Model& m, Expect& e) const override {
    for (int i = 0; i < kClients; ++i)
      if (m.C(i).online) e.To(i, "pong");
    m.now_ms += ms;
  }
  void Act(const Model& m0, const Expect&, Sut& sut) const override {
    for (int i = 0; i < kClients; ++i)
      if (m0.C(i).online) sut.C(i).Send(protocol::Ping{});
    sut.Step(ms);
  }
  void Export(ScenarioWriter&, const Model&) const override {}  // time passes in the timeline by itself
  void show(std::ostream& os) const override { os << "Wait(" << ms << " ms)"; }
};

}  // namespace sfusim::sfu::test::model
