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

#include <array>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
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

// Which command types can pass their preconditions in a model state at all. A type that cannot
// (its every instance would be discarded) is left out of the draw: rejection sampling then keeps
// exactly the distribution of accepted commands it had, without generating, checking and throwing
// away the doomed ones (a discard is a C++ exception: about 30k instructions, and after an SFU
// restart nearly every draw was one). A type not named here is always drawn.
inline bool AnyOnline(const Model& m) {
  for (int i = 0; i < kClients; ++i)
    if (m.C(i).online) return true;
  return false;
}
template <typename... Cmds>
struct TypeSet {
  template <typename Cmd>
  static constexpr bool kHas = (std::is_same_v<Cmd, Cmds> || ...);
};
// Their only precondition is RC_PRE(m.C(i).online) with i = GenClient(): no client online, no chance.
using OnlineOnlyCommands = TypeSet<Join, Leave, Speak, Disconnect, GetCaps, CreateTransport, ConnectTransport, Produce,
                                   Consume, Resume, CloseProducer, Publish, Subscribe, Malformed, Oversized, Burst>;
template <typename Cmd>
bool MayApply(const Model& m) {
  if constexpr (std::is_same_v<Cmd, Connect>) {  // RC_PRE(!m.C(i).online)
    for (int i = 0; i < kClients; ++i)
      if (!m.C(i).online) return true;
    return false;
  } else if constexpr (std::is_same_v<Cmd, RequestKeyFrame>) {  // its constructor's RC_PRE(!ids.empty())
    for (const auto& [id, c] : m.consumers)
      if (m.C(c.owner).recv.connected) return true;
    return false;
  } else if constexpr (std::is_same_v<Cmd, SendMedia>) {  // its constructor's RC_PRE(!ids.empty())
    for (const auto& [id, p] : m.producers)
      if (m.C(p.owner).send.connected) return true;
    return false;
  } else if constexpr (OnlineOnlyCommands::kHas<Cmd>) {
    return AnyOnline(m);
  } else {
    return true;
  }
}

// rc::state::gen::execOneOfWithArgs<Cmds...>()(m), with two changes that leave what it generates
// for a state as it was: the types that cannot apply are not drawn (MayApply), and the model is
// held once, shared and immutable, rather than copied by value into every layer of the generator
// (RapidCheck copied it about 13 times per draw). A shrink re-runs the constructor on the same
// model snapshot, as it did on the by-value copy.
template <typename... Cmds>
class OneOfApplicable {
 public:
  using CmdSP = std::shared_ptr<const BaseCommand>;
  explicit OneOfApplicable(const Model& m) : model_(std::make_shared<const Model>(m)) {}
  rc::Shrinkable<CmdSP> operator()(const rc::Random& random, int size) const {
    using Make = CmdSP (*)(const Model&);
    static constexpr Make kMake[] = {&rc::state::gen::detail::MakeCommand<Cmds, rc::detail::TypeList<Model>>::make...};
    const bool may[] = {MayApply<Cmds>(*model_)...};
    std::array<std::uint8_t, sizeof...(Cmds)> candidates{};
    std::size_t count = 0;
    for (std::size_t k = 0; k < sizeof...(Cmds); ++k)
      if (may[k]) candidates[count++] = static_cast<std::uint8_t>(k);
    auto r = random;
    const std::uint64_t draw = r.split().next();
    const std::size_t n = count ? candidates[draw % count] : draw % sizeof...(Cmds);
    const Make make = kMake[n];
    return rc::gen::exec([model = model_, make] { return make(*model); })(r, size);
  }

 private:
  std::shared_ptr<const Model> model_;
};

// The command generators: with media (RTP on producers) and without (the throughput benchmark).
// A type listed n times is drawn n times as often: the steps that build state (join, publish,
// subscribe) outweigh the ones that tear it down (leave, disconnect, crash, restart), so that a
// sequence reaches producers with paused and running consumers before it loses them.
inline rc::Gen<std::shared_ptr<const BaseCommand>> GenCommand(const Model& m) {
  return OneOfApplicable<Connect, Join, Join, Join, Leave, Speak, Disconnect, GetCaps, CreateTransport,
                         CreateTransport, ConnectTransport, Produce, Consume, Resume, CloseProducer, CloseProducer,
                         Publish, Publish, Publish, Subscribe, Subscribe, Subscribe, SendMedia, SendMedia,
                         RequestKeyFrame, RequestKeyFrame, Malformed, Oversized, Burst, CrashWorker, RestartSfu, Wait,
                         SetCodec>(m);
}
inline rc::Gen<std::shared_ptr<const BaseCommand>> GenCommandMediaOff(const Model& m) {
  return OneOfApplicable<Connect, Join, Join, Join, Leave, Speak, Disconnect, GetCaps, CreateTransport,
                         CreateTransport, ConnectTransport, Produce, Consume, Resume, CloseProducer, CloseProducer,
                         Publish, Publish, Publish, Subscribe, Subscribe, Subscribe, RequestKeyFrame, RequestKeyFrame,
                         Malformed, Oversized, Burst, CrashWorker, RestartSfu, Wait>(m);
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
