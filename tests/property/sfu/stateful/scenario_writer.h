// ScenarioWriter: turns a command sequence of the stateful model into a scenario file
// (../shared/SCENARIO.md) for the regression library. Each command adds its timeline entries
// (ModelCommand::Export); the writer keeps the scenario's own view of who is in voice, because
// the scenario's clients are full web clients that rejoin by themselves after a signaling drop or
// an SFU restart, unlike the model's scripted clients.
//
// What a scenario can say: joins, leaves and switches, camera/screen on and off, worker crashes,
// SFU restarts, signaling drops, and any raw message (send_raw, with count for bursts). What it
// cannot: the web client creates its transports, produces its microphone and consumes everything
// by itself, so the model's explicit create/connect/consume/resume requests become send_raw with
// the model's ids, which name other objects (or none) in the scenario's run; and the scenario
// checks the runner's invariants and expectations, not the model's predicted responses.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model_state.h"

namespace sfusim::sfu::test::model {

class ScenarioWriter {
 public:
  // Scenario time of model time: the scenario's clients need a moment to connect first.
  static constexpr double kLeadS = 2.0;
  static constexpr double kTailS = 3.0;

  // Whole milliseconds, so the file reads 2.06 and not 2.0599999999999996.
  double AtS(const Model& m) const { return std::round((kLeadS * 1000.0 + static_cast<double>(m.now_ms))) / 1000.0; }

  void Add(const Model& m, nlohmann::json action) {
    nlohmann::json entry = {{"at_s", AtS(m)}};
    entry.update(action);
    timeline_.push_back(std::move(entry));
  }
  void SendRaw(const Model& m, int i, const std::string& text, int count = 1) {
    nlohmann::json a = {{"action", "send_raw"}, {"participant", Name(i)}, {"message", text}};
    if (count > 1) a["count"] = count;
    Add(m, std::move(a));
  }
  // The model's client i joins `channel` (join, switch_channel, or nothing when the scenario's
  // client is already there).
  void Join(const Model& m, int i, const std::string& channel) {
    auto& v = voice_[static_cast<std::size_t>(i)];
    if (!joined_once_[static_cast<std::size_t>(i)]) {
      joined_once_[static_cast<std::size_t>(i)] = true;
      first_channel_[static_cast<std::size_t>(i)] = channel;
      join_at_s_[static_cast<std::size_t>(i)] = AtS(m);
      v = channel;
      return;
    }
    if (v == channel) return;
    Add(m, v.empty() ? nlohmann::json{{"action", "join"}, {"participant", Name(i)}, {"channel", channel}}
                     : nlohmann::json{{"action", "switch_channel"}, {"participant", Name(i)}, {"channel", channel}});
    v = channel;
  }
  // Returns false when the scenario's client is not in voice (the caller then sends it raw).
  bool Leave(const Model& m, int i) {
    auto& v = voice_[static_cast<std::size_t>(i)];
    if (v.empty()) return false;
    Add(m, {{"action", "leave"}, {"participant", Name(i)}});
    v.clear();
    return true;
  }
  void Note(const std::string& what) { notes_.push_back(what); }

  nlohmann::json Build(const std::string& name, const Model& end) const {
    const double duration = std::round((AtS(end) + kTailS) * 1000.0) / 1000.0;
    nlohmann::json participants = nlohmann::json::array();
    for (int i = 0; i < kClients; ++i) {
      const auto k = static_cast<std::size_t>(i);
      nlohmann::json p = {{"id", Name(i)}, {"publish", nlohmann::json::array()}};
      // A client the model never joined joins at the very end (the format has no "never").
      p["channel"] = joined_once_[k] ? first_channel_[k] : std::string(kChannels[0]);
      p["join_at_s"] = joined_once_[k] ? join_at_s_[k] : duration;
      participants.push_back(p);
    }
    nlohmann::json channels = nlohmann::json::array();
    for (const char* ch : kChannels) channels.push_back({{"id", ch}});
    std::string description = "Found by the stateful signaling model (tests/property/sfu/stateful).";
    for (const auto& n : notes_) description += " " + n;
    return {{"name", name},
            {"description", description},
            {"duration_s", duration},
            {"sfu", {{"workers", kWorkers}, {"channels", channels}}},
            {"participants", participants},
            {"timeline", timeline_},
            {"expect", {{"invariants", "all"}}}};
  }

  static std::string Name(int i) { return "c" + std::to_string(i); }

 private:
  std::array<std::string, kClients> voice_{};
  std::array<bool, kClients> joined_once_{};
  std::array<std::string, kClients> first_channel_{};
  std::array<double, kClients> join_at_s_{};
  nlohmann::json timeline_ = nlohmann::json::array();
  std::vector<std::string> notes_;
};

}  // namespace sfusim::sfu::test::model
