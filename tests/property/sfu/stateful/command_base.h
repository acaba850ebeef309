// The base of every command of the stateful model. A command is written once as three parts:
// - Step(m, e): the model's transition, and every message each client should receive (Expect).
//   apply() is Step with the expectations thrown away, so prediction and state change cannot
//   drift apart.
// - Act(m0, e, sut): what the clients (or the fault injector) do to the SUT, including advancing
//   simulated time by exactly as much as Step advanced the model's clock.
// - Export(w, m0): the command as scenario timeline entries (scenario_export.h), as far as the
//   scenario format can say it.
// run() glues them: Step on a copy of the model, Act, then the message check (expect.h) and every
// invariant and model comparison (invariants.h).
#pragma once

#include <ostream>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "expect.h"
#include "invariants.h"
#include "model_state.h"
#include "model_sut.h"

namespace sfusim::sfu::test::model {

class ScenarioWriter;

struct ModelCommand : rc::state::Command<Model, Sut> {
  virtual void Step(Model& m, Expect& e) const = 0;
  virtual void Act(const Model& m0, const Expect& e, Sut& sut) const = 0;
  virtual void Export(ScenarioWriter& w, const Model& m0) const = 0;

  void apply(Model& m) const final {
    Expect e;
    Step(m, e);
  }
  void run(const Model& m0, Sut& sut) const final {
    RC_ASSERT(sut.NowMs() == m0.now_ms);
    Model m = m0;
    Expect e;
    Step(m, e);
    sut.BeginCommand();
    Act(m0, e, sut);
    RC_ASSERT(sut.NowMs() == m.now_ms);  // Act and Step agree on time (the rate window needs it)
    VerifyMessages(e, sut);
    CheckAll(m, sut);
  }
};

// A generated client slot, shrinking towards client 0.
inline int GenClient() { return *rc::gen::inRange(0, kClients); }
// Mostly the first channel, so that clients meet; the others for switching and the workers.
inline std::string GenChannel() {
  return kChannels[static_cast<std::size_t>(*rc::gen::weightedElement<int>({{4, 0}, {1, 1}, {1, 2}}))];
}

// The channel a client's leave or voice activity names: mostly the one it is in, sometimes
// another one (an error the model predicts).
inline std::string GenTargetChannel(const std::string& current) {
  const bool other = *rc::gen::weightedElement<bool>({{3, false}, {1, true}});
  return other || current.empty() ? GenChannel() : current;
}
// One of `ids` (ids of the model) or, sometimes and always when there is none, `bogus`.
inline std::string GenTarget(std::vector<std::string> ids, const std::string& bogus) {
  ids.push_back(bogus);
  return *rc::gen::elementOf(ids);
}

}  // namespace sfusim::sfu::test::model
