// Every invariant checker with hand-built inputs: each passes on good input and fails, with the
// time and a detail naming the ids, on bad input.
#include <catch2/catch.hpp>

#include "sfusim/scenario/invariants/consumer_has_producer.h"
#include "sfusim/scenario/invariants/consumer_seq_continuous.h"
#include "sfusim/scenario/invariants/membership_maps_agree.h"
#include "sfusim/scenario/invariants/no_consumer_outlives_producer.h"
#include "sfusim/scenario/invariants/no_stuck_state.h"
#include "sfusim/scenario/invariants/no_voice_activity_echo.h"
#include "sfusim/scenario/invariants/one_camera_one_screen.h"
#include "sfusim/scenario/invariants/one_response_per_request.h"
#include "sfusim/scenario/invariants/paused_consumer_silent.h"
#include "sfusim/scenario/invariants/restart_recovers.h"
#include "sfusim/scenario/invariants/ssrc_unique.h"

using namespace sfusim::scenario;
using sfusim::protocol::MediaKind;
using sfusim::protocol::MediaSource;
using Snapshot = sfusim::sfu::SfuSnapshot;

namespace {

// Two users in lobby, each producing its microphone and consuming the other's.
Snapshot GoodSnapshot() {
  Snapshot s;
  s.connection_channel = {{"u-1", "lobby"}, {"u-2", "lobby"}};
  s.channel_members = {{"lobby", {"u-1", "u-2"}}};
  s.usernames = {{"u-1", "alice"}, {"u-2", "bob"}};
  s.producers["p-1"] = {"p-1", "u-1", "lobby", MediaKind::kAudio, MediaSource::kMicrophone, 1111, 0, false};
  s.producers["p-2"] = {"p-2", "u-2", "lobby", MediaKind::kAudio, MediaSource::kMicrophone, 2222, 0, false};
  s.consumers["c-1"] = {"c-1", "u-2", "p-1", "lobby", 3333, false, false};
  s.consumers["c-2"] = {"c-2", "u-1", "p-2", "lobby", 4444, false, false};
  return s;
}

sfusim::sfu::ConsumerRtpEvent Rtp(const char* consumer, const char* producer, int64_t in, uint16_t out,
                                  bool paused = false, bool rtx = false, uint32_t ssrc = 3333) {
  sfusim::sfu::ConsumerRtpEvent e;
  e.consumer_id = consumer;
  e.producer_id = producer;
  e.input_seq = in;
  e.output_seq = out;
  e.output_ssrc = ssrc;
  e.paused = paused;
  e.retransmission = rtx;
  return e;
}

}  // namespace

TEST_CASE("the state checkers pass on a consistent snapshot", "[invariants]") {
  Snapshot s = GoodSnapshot();
  MembershipMapsAgree a;
  ConsumerHasProducer b;
  NoConsumerOutlivesProducer c;
  OneCameraOneScreen d;
  SsrcUnique e;
  a.Check(1, s);
  b.Check(1, s);
  c.Check(1, s);
  d.Check(1, s);
  e.Check(1, s);
  for (const InvariantChecker* x : std::vector<const InvariantChecker*>{&a, &b, &c, &d, &e}) {
    INFO(x->name());
    CHECK(x->passed());
    CHECK_FALSE(x->first_violation());
    CHECK(x->Verdict().violations == 0);
  }
  CHECK(a.name() == "membership_maps_agree");
  CHECK(e.name() == "ssrc_unique");
}

TEST_CASE("membership_maps_agree: both directions of disagreement", "[invariants]") {
  Snapshot s = GoodSnapshot();
  s.channel_members["lobby"].erase("u-2");
  MembershipMapsAgree m;
  m.Check(2.5, s);
  REQUIRE_FALSE(m.passed());
  CHECK(m.first_violation()->at_s == 2.5);
  CHECK(m.first_violation()->detail ==
        "connection u-2 is in channel lobby by connection_channel but not in that channel's members");
  // The same disagreement seen again counts once.
  m.Check(3, s);
  CHECK(m.violations() == 1);

  Snapshot t = GoodSnapshot();
  t.channel_members["other"] = {"u-1"};
  MembershipMapsAgree n;
  n.Check(1, t);
  CHECK(n.first_violation()->detail == "u-1 is a member of channel other but connection_channel says lobby");
  Snapshot u = GoodSnapshot();
  u.connection_channel.erase("u-1");
  MembershipMapsAgree o;
  o.Check(1, u);
  CHECK(o.first_violation()->detail == "u-1 is a member of channel lobby but connection_channel has no channel for it");
}

TEST_CASE("consumer_has_producer and no_consumer_outlives_producer: a leaked consumer", "[invariants]") {
  Snapshot s = GoodSnapshot();
  s.producers.erase("p-1");
  ConsumerHasProducer has;
  NoConsumerOutlivesProducer outlives;
  has.Check(4, s);
  outlives.Check(4, s);
  CHECK(has.first_violation()->detail == "consumer c-1 (of u-2) has producer p-1, which does not exist");
  CHECK(outlives.first_violation()->detail == "consumer c-1 (of u-2) is still open but its producer p-1 is gone");

  Snapshot flagged = GoodSnapshot();
  flagged.consumers["c-2"].closed_producer = true;
  NoConsumerOutlivesProducer o2;
  o2.Check(5, flagged);
  CHECK(o2.first_violation()->detail == "consumer c-2 (of u-1) outlived its closed producer p-2");

  Snapshot other_channel = GoodSnapshot();
  other_channel.producers["p-1"].channel = "hall";
  ConsumerHasProducer h2;
  h2.Check(6, other_channel);
  CHECK(h2.first_violation()->detail == "consumer c-1 is in channel lobby but its producer p-1 is in channel hall");
}

TEST_CASE("one_camera_one_screen: two cameras of one user", "[invariants]") {
  Snapshot s = GoodSnapshot();
  s.producers["p-3"] = {"p-3", "u-1", "lobby", MediaKind::kVideo, MediaSource::kCamera, 5, 0, false};
  OneCameraOneScreen c;
  c.Check(1, s);
  CHECK(c.passed());  // one camera and one microphone are fine
  s.producers["p-4"] = {"p-4", "u-1", "lobby", MediaKind::kVideo, MediaSource::kCamera, 6, 0, false};
  c.Check(2, s);
  REQUIRE_FALSE(c.passed());
  CHECK(c.first_violation()->detail == "u-1 has 2 camera producers (p-3, p-4)");
}

TEST_CASE("ssrc_unique: duplicates within a router, zero, and other routers", "[invariants]") {
  Snapshot s = GoodSnapshot();
  s.consumers["c-2"].ssrc = 1111;  // equal to producer p-1's
  SsrcUnique u;
  u.Check(1, s);
  REQUIRE_FALSE(u.passed());
  CHECK(u.first_violation()->detail == "consumer c-2 and producer p-1 share SSRC 1111 in channel lobby");

  Snapshot z = GoodSnapshot();
  z.consumers["c-1"].ssrc = 0;
  SsrcUnique u2;
  u2.Check(1, z);
  CHECK(u2.first_violation()->detail == "consumer c-1 in channel lobby has SSRC 0");

  // The same SSRC in two different routers is allowed.
  Snapshot two = GoodSnapshot();
  two.producers["p-9"] = {"p-9", "u-3", "hall", MediaKind::kAudio, MediaSource::kMicrophone, 1111, 1, false};
  SsrcUnique u3;
  u3.Check(1, two);
  CHECK(u3.passed());
}

TEST_CASE("paused_consumer_silent: a paused consumer's packet is a violation", "[invariants]") {
  PausedConsumerSilent p;
  p.OnConsumerRtp(1, Rtp("c-1", "p-1", 10, 100));
  CHECK(p.passed());
  p.OnConsumerRtp(1.5, Rtp("c-1", "p-1", 11, 101, true));
  REQUIRE_FALSE(p.passed());
  CHECK(p.first_violation()->at_s == 1.5);
  CHECK(p.first_violation()->detail == "paused consumer c-1 sent RTP (output seq 101, forwarded from producer p-1)");
}

TEST_CASE("consumer_seq_continuous: continuous, input gaps, producer changes, retransmissions", "[invariants]") {
  ConsumerSeqContinuous c;
  c.OnConsumerRtp(1, Rtp("c-1", "p-1", 10, 65534));
  c.OnConsumerRtp(1, Rtp("c-1", "p-1", 11, 65535));
  c.OnConsumerRtp(1, Rtp("c-1", "p-1", 12, 0));      // wraps
  c.OnConsumerRtp(1, Rtp("c-1", "p-1", 15, 3));      // the input lost 13 and 14: same gap out
  c.OnConsumerRtp(1, Rtp("c-1", "p-1", 14, 2));      // a late input packet, mapped by the same offset
  c.OnConsumerRtp(1, Rtp("c-1", "p-1", 16, 4));
  c.OnConsumerRtp(1, Rtp("c-1", "p-1", 5, 60000, false, true));  // a retransmission: excepted
  c.OnConsumerRtp(1, Rtp("c-1", "p-9", 500, 5));     // a new producer: continues by 1
  c.OnConsumerRtp(1, Rtp("c-1", "p-9", 501, 6));
  CHECK(c.passed());

  ConsumerSeqContinuous gap;
  gap.OnConsumerRtp(1, Rtp("c-1", "p-1", 10, 100));
  gap.OnConsumerRtp(2, Rtp("c-1", "p-1", 11, 103));
  REQUIRE_FALSE(gap.passed());
  CHECK(gap.first_violation()->detail ==
        "consumer c-1 output seq jumped by 3 (100 -> 103) while its input advanced by 1 (10 -> 11, producer p-1)");

  ConsumerSeqContinuous repeat;
  repeat.OnConsumerRtp(1, Rtp("c-1", "p-1", 10, 100));
  repeat.OnConsumerRtp(2, Rtp("c-1", "p-2", 50, 100));
  REQUIRE_FALSE(repeat.passed());
  CHECK(repeat.first_violation()->detail.find("output seq repeated (100 -> 100)") != std::string::npos);

  ConsumerSeqContinuous switched;
  switched.OnConsumerRtp(1, Rtp("c-1", "p-1", 10, 100));
  switched.OnConsumerRtp(2, Rtp("c-1", "p-2", 900, 150));  // a producer change must not skip
  CHECK_FALSE(switched.passed());

  ConsumerSeqContinuous ssrc;
  ssrc.OnConsumerRtp(1, Rtp("c-1", "p-1", 10, 100));
  ssrc.OnConsumerRtp(2, Rtp("c-1", "p-1", 11, 101, false, false, 9));
  CHECK(ssrc.first_violation()->detail == "consumer c-1 changed its output SSRC from 3333 to 9");

  // After an SFU restart the ids start again: a new c-1 is a new consumer.
  ConsumerSeqContinuous restarted;
  restarted.OnConsumerRtp(1, Rtp("c-1", "p-1", 10, 100));
  restarted.OnSfuRestarted();
  restarted.OnConsumerRtp(2, Rtp("c-1", "p-1", 3, 7, false, false, 9));
  CHECK(restarted.passed());
}

TEST_CASE("consumer_seq_continuous: an output that follows a restarted input is a violation", "[invariants]") {
  // The seq_not_rewritten mutant: the input restarts 20000 further on and the output follows it
  // by the same offset (a "mapped" step, allowed for small reorderings and losses, not for this).
  ConsumerSeqContinuous forward;
  forward.OnConsumerRtp(1, Rtp("c-1", "p-1", 10, 100));
  forward.OnConsumerRtp(1, Rtp("c-1", "p-1", 11, 101));
  forward.OnConsumerRtp(2, Rtp("c-1", "p-1", 20011, 20101));
  REQUIRE_FALSE(forward.passed());
  CHECK(forward.first_violation()->at_s == 2);
  CHECK(forward.first_violation()->detail ==
        "consumer c-1 output seq 20101 is 20000 ahead of its highest sent (101), more than 3000 (RFC 3550 "
        "MAX_DROPOUT), while its input went 11 -> 20011 (producer p-1): a restarted input stream not re-synced");

  ConsumerSeqContinuous back;  // back by 5000 across the 16-bit wrap
  back.OnConsumerRtp(1, Rtp("c-1", "p-1", 10, 2000));
  back.OnConsumerRtp(2, Rtp("c-1", "p-1", -4990, 62536));
  REQUIRE_FALSE(back.passed());
  CHECK(back.first_violation()->detail.find("62536 is 5000 behind its highest sent (2000)") != std::string::npos);

  // Exactly at the bound, a loss burst the input really had: allowed; one more is not. The bound
  // is measured from the highest output, so a late packet in between does not reset it.
  ConsumerSeqContinuous edge;
  edge.OnConsumerRtp(1, Rtp("c-1", "p-1", 10, 65000));
  edge.OnConsumerRtp(1, Rtp("c-1", "p-1", 3010, 2464));  // +3000 across the wrap
  edge.OnConsumerRtp(1, Rtp("c-1", "p-1", 1000, 454));   // late: 2010 back
  CHECK(edge.passed());
  edge.OnConsumerRtp(1, Rtp("c-1", "p-1", 6011, 5465));  // 3001 past the highest (2464)
  CHECK_FALSE(edge.passed());
}

TEST_CASE("one_response_per_request: duplicates, unknown ids, pending at the end", "[invariants]") {
  OneResponsePerRequest ok;
  ok.OnRequestSent(1, "alice", "r1");
  ok.OnResponse(1.1, "alice", "r1");
  ok.OnRequestSent(2, "alice", "r2");
  ok.OnTimedOut(12, "alice", "r2");
  ok.OnResponse(13, "alice", "r2");  // late but single: allowed
  ok.OnRequestSent(20, "bob", "r1");
  ok.OnDisconnected(21, "bob");      // abandoned with its connection
  ok.OnRequestSent(29, "alice", "r3");  // still young at the end
  ok.Finish(30);
  CHECK(ok.passed());

  OneResponsePerRequest twice;
  twice.OnRequestSent(1, "alice", "r1");
  twice.OnResponse(1.1, "alice", "r1");
  twice.OnResponse(1.2, "alice", "r1");
  REQUIRE_FALSE(twice.passed());
  CHECK(twice.first_violation()->at_s == Approx(1.2));
  CHECK(twice.first_violation()->detail == "a second response to alice's request r1 (sent at 1.000 s)");

  OneResponsePerRequest unknown;
  unknown.OnRequestSent(1, "alice", "r1");
  unknown.OnResponse(2, "bob", "r1");
  CHECK(unknown.first_violation()->detail == "a response to bob's request r1, which it never sent");

  OneResponsePerRequest pending;
  pending.OnRequestSent(3, "carol", "r7");
  pending.Finish(30);
  CHECK(pending.first_violation()->detail ==
        "carol's request r7 (sent at 3.000 s) was neither answered nor timed out by the end");

  OneResponsePerRequest raw;
  raw.OnRawRequestSent(3, "mallory", "x");
  raw.OnResponse(3.1, "mallory", "x");
  raw.OnRawRequestSent(4, "mallory", "y");  // never answered: raw requests may be invalid
  raw.Finish(30);
  CHECK(raw.passed());
  raw.OnResponse(31, "mallory", "x");
  CHECK_FALSE(raw.passed());

  // A storm repeating one id: one response per copy, not more.
  OneResponsePerRequest storm;
  storm.OnRawRequestSent(20, "mallory", "storm");
  storm.OnRawRequestSent(20.01, "mallory", "storm");
  storm.OnResponse(20.04, "mallory", "storm");
  storm.OnResponse(20.05, "mallory", "storm");
  CHECK(storm.passed());
  storm.OnResponse(20.06, "mallory", "storm");
  CHECK_FALSE(storm.passed());

  OneResponsePerRequest after_drop;
  after_drop.OnRequestSent(1, "bob", "r1");
  after_drop.OnDisconnected(2, "bob");
  after_drop.OnResponse(3, "bob", "r1");
  CHECK(after_drop.first_violation()->detail ==
        "a response to bob's request r1 arrived after the connection it was sent on dropped");
}

TEST_CASE("no_voice_activity_echo: only one's own username is an echo", "[invariants]") {
  NoVoiceActivityEcho e;
  e.OnVoiceUserSpeaking(1, "alice", "lobby", "bob", true);
  CHECK(e.passed());
  e.OnVoiceUserSpeaking(2, "alice", "lobby", "alice", true);
  REQUIRE_FALSE(e.passed());
  CHECK(e.first_violation()->detail ==
        "alice received its own voice activity (voice_user_speaking speaking=true in channel lobby)");
}

TEST_CASE("restart_recovers: within the bound, late, and never disturbed", "[invariants]") {
  RestartRecovers r;
  r.OnDisruption(20, "restart_sfu", {"alice", "bob", "carol"}, 23);
  r.OnClientState(20.05, "alice", true);   // has not noticed yet: not counted as recovered
  CHECK(r.pending("alice"));
  r.OnClientState(20.5, "alice", false);
  r.OnClientState(21.5, "alice", true);    // back in 1.5 s
  CHECK_FALSE(r.pending("alice"));
  CHECK(r.recovery_s().at("alice") == Approx(1.5));
  r.OnClientState(23.0, "bob", true);      // never visibly disturbed: fine at the deadline
  CHECK_FALSE(r.pending("bob"));
  r.OnClientState(22, "carol", false);
  CHECK(r.passed());
  r.OnClientState(23.05, "carol", false);  // past the deadline, still down
  REQUIRE_FALSE(r.passed());
  CHECK(r.first_violation()->at_s == Approx(23.05));
  CHECK(r.first_violation()->detail == "carol was not back with all its media 3.000 s after restart_sfu at 20.000 s");
  CHECK(r.pending_clients().empty());
}

TEST_CASE("no_stuck_state: active in voice, left out of it, settle time, failed", "[invariants]") {
  NoStuckState ok;
  ok.OnEnd(30, "alice", true, 0, "active");
  ok.OnEnd(30, "bob", false, 12, "left");
  ok.OnEnd(30, "dave", false, 0, "idle");
  ok.OnEnd(30, "carol", true, 25, "reconnecting");  // disturbed 5 s before the end: may still be on its way
  CHECK(ok.passed());

  NoStuckState stuck;
  stuck.OnEnd(30, "carol", true, 10, "setting_up_media");
  REQUIRE_FALSE(stuck.passed());
  CHECK(stuck.first_violation()->detail ==
        "carol ended in phase setting_up_media but should be active in voice (its last disturbance was at 10.000 s)");
  NoStuckState failed;
  failed.OnEnd(30, "bob", true, 29, "failed");
  CHECK_FALSE(failed.passed());
  NoStuckState not_left;
  not_left.OnEnd(30, "bob", false, 5, "active");
  CHECK_FALSE(not_left.passed());
}
