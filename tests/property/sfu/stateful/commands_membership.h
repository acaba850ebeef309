// Commands of the stateful model: connections and voice membership (PROTOCOL.md §1): connect and
// authenticate (optionally trying a message first), join (and switching channel by joining
// another; a join can rebuild the channel's router after a codec change, model_state.h), leave, voice activity in and out of the channel, and the client going away (a graceful
// close, or the network cutting the stream).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "command_base.h"
#include "scenario_writer.h"
#include "sfusim/protocol/signaling/signaling_codec.h"

namespace sfusim::sfu::test::model {

// The broadcasts of a client leaving its channel (leave, switch, drop): its producers close.
inline void ExpectLeaveBroadcasts(const Model& m, Expect& e, int i) {
  const std::string& ch = m.C(i).channel;
  for (const auto& [id, p] : m.producers)
    if (p.owner == i) e.ToChannel(m, ch, i, "producer_closed " + id);
  e.ToChannel(m, ch, i, "user_left " + ch + " " + m.C(i).user_id);
}

inline std::string PresenceLine(const Model& m, const std::string& channel) {
  std::vector<std::string> ids;
  for (int j : m.Members(channel)) ids.push_back(m.C(j).user_id);
  std::sort(ids.begin(), ids.end());
  return "presence " + channel + " " + IdList(ids);
}

struct Connect : ModelCommand {
  int i = GenClient();
  bool early = *rc::gen::weightedElement<bool>({{4, false}, {1, true}});  // a join before authenticate
  void checkPreconditions(const Model& m) const override { RC_PRE(!m.C(i).online); }
  void Step(Model& m, Expect& e) const override {
    auto& c = m.C(i);
    c = MClient{};
    c.online = true;
    c.user_id = "u-" + std::to_string(++m.next_user);
    if (early) e.Error(i, err::kNotAuthenticated);
    e.To(i, "authenticated " + c.user_id + " " + Sut::Name(i));
    m.now_ms += 2 * kStepMs;
  }
  void Act(const Model&, const Expect&, Sut& sut) const override {
    TestClient& c = sut.NewClient(i);
    c.Connect();
    sut.Step();
    RC_ASSERT(c.connected());
    if (early) c.Join(kChannels[0]);
    c.Authenticate();
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model&) const override {
    w.Note("Connects are implicit (the web clients connect and reconnect by themselves).");
  }
  void show(std::ostream& os) const override { os << "Connect(c" << i << (early ? ", join before authenticate" : "") << ")"; }
};

struct Join : ModelCommand {
  int i = GenClient();
  std::string channel = GenChannel();
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  void Step(Model& m, Expect& e) const override {
    const std::string uid = m.C(i).user_id;
    if (m.C(i).channel != channel) {
      if (!m.C(i).channel.empty()) {
        ExpectLeaveBroadcasts(m, e, i);
        e.To(i, "left " + m.C(i).channel);
      }
      if (m.Join(i, channel)) {  // a codec change took effect: the members redo their media
        e.ToChannel(m, channel, i,
                    "router_reset " + channel + " " + std::to_string(m.router_generation.at(channel)) + " " +
                        kResetReasonCodecChanged);
      }
      e.ToChannel(m, channel, i, "user_joined " + channel + " " + uid);
    }
    e.To(i, "joined " + channel + " " + uid);
    e.To(i, PresenceLine(m, channel));
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect&, Sut& sut) const override {
    sut.C(i).Join(channel);
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model& m0) const override { w.Join(m0, i, channel); }
  void show(std::ostream& os) const override { os << "Join(c" << i << ", " << channel << ")"; }
};

struct Leave : ModelCommand {
  int i;
  std::string channel;
  explicit Leave(const Model& m) : i(GenClient()), channel(GenTargetChannel(m.C(i).channel)) {}
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  void Step(Model& m, Expect& e) const override {
    if (m.C(i).channel.empty() || m.C(i).channel != channel) {
      e.Error(i, err::kNotInChannel);
    } else {
      ExpectLeaveBroadcasts(m, e, i);
      e.To(i, "left " + channel);
      m.LeaveChannel(i);
    }
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect&, Sut& sut) const override {
    sut.C(i).Leave(channel);
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    if (m0.C(i).channel == channel && w.Leave(m0, i)) return;
    w.SendRaw(m0, i, protocol::EncodeClientMessage(protocol::LeaveVoice{channel}));
  }
  void show(std::ostream& os) const override { os << "Leave(c" << i << ", " << channel << ")"; }
};

struct Speak : ModelCommand {
  int i;
  std::string channel;
  bool speaking = *rc::gen::arbitrary<bool>();
  // The channel is drawn after `speaking` (a member initializer), as it always was: the draw order
  // is what a seed replays.
  explicit Speak(const Model& m) : i(GenClient()) { channel = GenTargetChannel(m.C(i).channel); }
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  void Step(Model& m, Expect& e) const override {
    if (m.C(i).channel.empty() || m.C(i).channel != channel) {
      e.Error(i, err::kNotInChannel);
    } else {
      // To every other member, never back to the speaker (no echo).
      e.ToChannel(m, channel, i, "speaking " + channel + " " + Sut::Name(i) + (speaking ? " 1" : " 0"));
    }
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect&, Sut& sut) const override {
    sut.C(i).Send(protocol::VoiceActivity{channel, speaking});
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    w.SendRaw(m0, i, protocol::EncodeClientMessage(protocol::VoiceActivity{channel, speaking}));
  }
  void show(std::ostream& os) const override {
    os << "VoiceActivity(c" << i << ", " << channel << ", " << (speaking ? "speaking" : "silent") << ")";
  }
};

// The client goes away: a graceful close of its stream, or the network cutting it.
struct Disconnect : ModelCommand {
  int i = GenClient();
  bool cut = *rc::gen::arbitrary<bool>();
  void checkPreconditions(const Model& m) const override { RC_PRE(m.C(i).online); }
  void Step(Model& m, Expect& e) const override {
    if (!m.C(i).channel.empty()) ExpectLeaveBroadcasts(m, e, i);
    m.GoOffline(i);
    m.now_ms += kStepMs;
  }
  void Act(const Model&, const Expect&, Sut& sut) const override {
    if (cut) {
      RC_ASSERT(sut.w.net().CutStreams(Sut::Name(i)) == 1u);
    } else {
      sut.Drop(i);
    }
    sut.Step();
  }
  void Export(ScenarioWriter& w, const Model& m0) const override {
    w.Add(m0, {{"action", "disconnect_signaling"}, {"participant", ScenarioWriter::Name(i)}});
  }
  void show(std::ostream& os) const override { os << (cut ? "SignalingCut(c" : "Disconnect(c") << i << ")"; }
};

}  // namespace sfusim::sfu::test::model
