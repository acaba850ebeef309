// A RapidCheck stateful model (rc::state) of the signaling protocol (PROTOCOL.md §1-2) run against
// the reference SFU: three scripted clients and the faults around them. The parts:
//   model_state.h          what the SFU should hold (the model), its ids, clock and rate windows
//   model_sut.h            the SUT: a World with a restartable SFU and one client per slot
//   expect.h               every message each client should receive in a step, and its check
//   invariants.h           DESIGN.md's snapshot invariants and the model-vs-snapshot comparison
//   commands_membership.h  connect, join/switch, leave, voice activity, disconnect, signaling cut
//   commands_media.h       capabilities, transports, produce, consume, resume, close, RTP
//   commands_abuse.h       malformed JSON, fields over (and at) their limits, rate-limit bursts
//   commands_faults.h      worker crash, SFU restart, waiting
//   commands_codec.h       a channel's codec settings change (taking effect at the next join)
//   commands_composite.h   publish and subscribe: several requests in one command
//   scenario_writer.h      a command sequence as a scenario file for the regression library
//
// Mutants come from the scenario library's registry (mutant_names.h): SFUSIM_FUZZ_MUTANT is a
// comma list of names, each with '-' or '_' ("consumer-leak" or "consumer_leak").
#pragma once

#include <cstdlib>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "commands_abuse.h"
#include "commands_codec.h"
#include "commands_composite.h"
#include "commands_faults.h"
#include "commands_media.h"
#include "commands_membership.h"
#include "sfusim/scenario/mutant_names.h"

namespace sfusim::sfu::test::model {

// Parses a comma list of mutant names (kMutants, '-' or '_'); false and the bad name in *bad for
// an unknown one. Client mutants are accepted and change nothing here (the model has no client).
inline bool ParseMutants(const std::string& list, SfuMutants* m, std::string* bad) {
  scenario::Mutants all;
  all.sfu = *m;
  std::stringstream ss(list);
  std::string name;
  while (std::getline(ss, name, ',')) {
    if (name.empty()) continue;
    std::string dashed = name;
    for (char& ch : dashed)
      if (ch == '_') ch = '-';
    if (!scenario::ApplyMutant(dashed, all)) {
      *bad = name;
      return false;
    }
  }
  *m = all.sfu;
  return true;
}

inline SfuMutants MutantsFromEnv() {
  SfuMutants m;
  const char* env = std::getenv("SFUSIM_FUZZ_MUTANT");
  std::string bad;
  if (env && !ParseMutants(env, &m, &bad)) throw std::runtime_error("SFUSIM_FUZZ_MUTANT: unknown mutant '" + bad + "'");
  return m;
}

// The start of every sequence: all clients connected and authenticated, in no channel.
inline Model InitialModel() {
  Model m;
  for (int i = 0; i < kClients; ++i) {
    m.C(i).online = true;
    m.C(i).user_id = "u-" + std::to_string(++m.next_user);
  }
  m.now_ms = 2 * kStepMs;
  return m;
}

inline void ConnectAll(Sut& sut) {
  for (int i = 0; i < kClients; ++i) sut.NewClient(i).Connect();
  sut.Step();
  for (int i = 0; i < kClients; ++i) sut.C(i).Authenticate();
  sut.Step();
  for (int i = 0; i < kClients; ++i) RC_ASSERT(sut.C(i).Count<protocol::Authenticated>() == 1);
}

using BaseCommand = rc::state::Command<Model, Sut>;
using CommandList = rc::state::Commands<BaseCommand>;
inline const ModelCommand& AsModel(const BaseCommand& c) { return static_cast<const ModelCommand&>(c); }

// The command generators: with media (RTP on producers) and without (the throughput benchmark).
// A type listed n times is drawn n times as often: the steps that build state (join, publish,
// subscribe) outweigh the ones that tear it down (leave, disconnect, crash, restart), so that a
// sequence reaches producers with paused and running consumers before it loses them.
inline rc::Gen<std::shared_ptr<const BaseCommand>> GenCommand(const Model& m) {
  return rc::state::gen::execOneOfWithArgs<
      Connect, Join, Join, Join, Leave, Speak, Disconnect, GetCaps, CreateTransport, CreateTransport,
      ConnectTransport, Produce, Consume, Resume, CloseProducer, CloseProducer, Publish, Publish, Publish, Subscribe,
      Subscribe, Subscribe, SendMedia, SendMedia, RequestKeyFrame, RequestKeyFrame, Malformed, Oversized, Burst,
      CrashWorker, RestartSfu, Wait, SetCodec>()(m);
}
inline rc::Gen<std::shared_ptr<const BaseCommand>> GenCommandMediaOff(const Model& m) {
  return rc::state::gen::execOneOfWithArgs<
      Connect, Join, Join, Join, Leave, Speak, Disconnect, GetCaps, CreateTransport, CreateTransport,
      ConnectTransport, Produce, Consume, Resume, CloseProducer, CloseProducer, Publish, Publish, Publish, Subscribe,
      Subscribe, Subscribe, RequestKeyFrame, RequestKeyFrame, Malformed, Oversized, Burst, CrashWorker, RestartSfu,
      Wait>()(m);
}

// Runs one command sequence on a fresh SUT; on a failure, *failed (when given) gets the sequence.
inline void RunCommands(const CommandList& cmds, SfuMutants mutants, CommandList* failed = nullptr) {
  Sut sut(mutants);
  RC_ASSERT(sut.w.started);
  try {
    ConnectAll(sut);
    Model m = InitialModel();
    rc::state::runAll(cmds, m, sut);
  } catch (...) {
    if (failed) *failed = cmds;
    throw;
  }
}

// One property case: a generated sequence (RapidCheck shrinks it on failure).
inline void RunModel(SfuMutants mutants, CommandList* failed = nullptr, bool media = true) {
  const CommandList cmds = media ? *rc::state::gen::commands(InitialModel(), &GenCommand)
                                 : *rc::state::gen::commands(InitialModel(), &GenCommandMediaOff);
  RunCommands(cmds, mutants, failed);
}

// The sequence one command per line, as a failure prints it.
inline std::string ShowCommands(const CommandList& cmds) {
  std::ostringstream os;
  for (const auto& c : cmds) {
    c->show(os);
    os << "\n";
  }
  return os.str();
}

// The sequence as a scenario file (scenario_writer.h says what survives the translation).
inline nlohmann::json ScenarioOf(const CommandList& cmds, const std::string& name) {
  ScenarioWriter w;
  Model m = InitialModel();
  for (const auto& c : cmds) {
    AsModel(*c).Export(w, m);
    c->apply(m);
  }
  return w.Build(name, m);
}

}  // namespace sfusim::sfu::test::model
