// The checks run after every step of the stateful model:
// - CheckSnapshotInvariants: DESIGN.md's invariants that a single SFU snapshot shows, with no
//   model needed (membership maps agree; every consumer's producer exists, in the same channel;
//   at most one camera and one screen per connection; SSRCs unique per router).
// - CheckAgainstModel: the snapshot holds exactly what the model predicts (who is in which
//   channel, every producer and consumer with owner, source and paused state, router generations
//   and Opus settings, every worker alive). This is where "no consumer outlives its producer" bites.
// - CheckConsumerRtp: a paused consumer forwards nothing (DESIGN.md), observed through the SFU's
//   per-consumer RTP callback, so it holds whether or not a packet reached a client.
#pragma once

#include <map>
#include <set>
#include <sstream>
#include <string>

#include <rapidcheck.h>

#include "model_state.h"
#include "model_sut.h"

namespace sfusim::sfu::test::model {

inline void CheckSnapshotInvariants(const SfuSnapshot& s) {
  std::size_t members = 0;
  for (const auto& [ch, users] : s.channel_members) {
    members += users.size();
    for (const auto& u : users) {
      RC_ASSERT(s.connection_channel.count(u) == 1u);
      RC_ASSERT(s.connection_channel.at(u) == ch);
    }
  }
  RC_ASSERT(members == s.connection_channel.size());
  for (const auto& [id, c] : s.consumers) {
    const auto p = s.producers.find(c.producer_id);
    if (p == s.producers.end()) RC_FAIL("consumer " + id + " outlives its producer " + c.producer_id);
    RC_ASSERT(p->second.channel == c.channel);
  }
  std::map<std::string, int> cameras, screens;
  std::map<std::string, std::set<uint32_t>> ssrcs;  // per router (channel)
  for (const auto& [id, p] : s.producers) {
    if (p.source == MediaSource::kCamera && ++cameras[p.user_id] > 1) RC_FAIL("two cameras of " + p.user_id);
    if (p.source == MediaSource::kScreen && ++screens[p.user_id] > 1) RC_FAIL("two screens of " + p.user_id);
    if (!ssrcs[p.channel].insert(p.ssrc).second) RC_FAIL("SSRC of " + id + " used twice in " + p.channel);
  }
  for (const auto& [id, c] : s.consumers)
    if (!ssrcs[c.channel].insert(c.ssrc).second) RC_FAIL("SSRC of " + id + " used twice in " + c.channel);
}

inline void CheckAgainstModel(const Model& m, const Sut& sut, const SfuSnapshot& s) {
  std::map<std::string, std::string> want_channel;
  std::map<std::string, int> slot_of;  // user id -> slot
  for (int i = 0; i < kClients; ++i) {
    const auto& c = m.C(i);
    if (!c.online) continue;
    slot_of[c.user_id] = i;
    if (!c.channel.empty()) want_channel[c.user_id] = c.channel;
  }
  if (s.connection_channel != want_channel) {
    std::ostringstream os;
    os << "membership differs from the model: sfu {";
    for (const auto& [u, ch] : s.connection_channel) os << " " << u << ":" << ch;
    os << " } model {";
    for (const auto& [u, ch] : want_channel) os << " " << u << ":" << ch;
    os << " }";
    RC_FAIL(os.str());
  }
  std::set<std::string> got_p, want_p;
  for (const auto& [id, p] : s.producers) {
    const auto slot = slot_of.find(p.user_id);
    got_p.insert(id + "/" + (slot == slot_of.end() ? "?" : Sut::Name(slot->second)) + "/" + p.channel + "/" +
                 SourceName(p.source) + "/" + std::to_string(p.ssrc));
  }
  for (const auto& [id, p] : m.producers)
    want_p.insert(id + "/" + Sut::Name(p.owner) + "/" + p.channel + "/" + SourceName(p.source) + "/" +
                  std::to_string(p.ssrc));
  if (got_p != want_p) {
    std::ostringstream os;
    os << "producers differ from the model: sfu {";
    for (const auto& x : got_p) os << " " << x;
    os << " } model {";
    for (const auto& x : want_p) os << " " << x;
    os << " }";
    RC_FAIL(os.str());
  }
  std::set<std::string> got_c, want_c;
  for (const auto& [id, c] : s.consumers) {
    const auto slot = slot_of.find(c.user_id);
    got_c.insert(id + "/" + (slot == slot_of.end() ? "?" : Sut::Name(slot->second)) + "/" + c.producer_id +
                 (c.paused ? "/paused" : "/running"));
  }
  for (const auto& [id, c] : m.consumers)
    want_c.insert(id + "/" + Sut::Name(c.owner) + "/" + c.producer_id + (c.paused ? "/paused" : "/running"));
  if (got_c != want_c) {
    std::ostringstream os;
    os << "consumers differ from the model: sfu {";
    for (const auto& x : got_c) os << " " << x;
    os << " } model {";
    for (const auto& x : want_c) os << " " << x;
    os << " }";
    RC_FAIL(os.str());
  }
  for (const auto& [ch, gen] : m.router_generation) {
    const auto r = s.routers.find(ch);
    RC_ASSERT(r != s.routers.end());
    if (!(r->second.opus == m.router_opus.at(ch)))
      RC_FAIL("router " + ch + " runs Opus " + OpusLine(r->second.opus) + ", the model expected " +
              OpusLine(m.router_opus.at(ch)));
    RC_ASSERT(r->second.generation == gen);
    RC_ASSERT(r->second.alive);
  }
  for (const auto& w : s.workers)
    if (!w.alive) RC_FAIL("worker " + std::to_string(w.index) + " is still down");
  (void)sut;
}

inline void CheckConsumerRtp(const Model& m, const Sut& sut) {
  for (const auto& e : sut.observer.rtp) {
    if (e.paused) RC_FAIL("paused consumer " + e.consumer_id + " forwarded RTP");
    const auto c = m.consumers.find(e.consumer_id);
    if (c != m.consumers.end() && c->second.paused) RC_FAIL("consumer " + e.consumer_id + " forwarded while paused");
  }
}

// Everything checked after a command, on the model state after it.
inline void CheckAll(const Model& m, Sut& sut) {
  const SfuSnapshot s = sut.w.sfu->Snapshot();
  CheckSnapshotInvariants(s);
  CheckAgainstModel(m, sut, s);
  CheckConsumerRtp(m, sut);
}

}  // namespace sfusim::sfu::test::model
