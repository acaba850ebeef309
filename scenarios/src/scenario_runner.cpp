#include "sfusim/scenario/scenario_runner.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <variant>

#include <nlohmann/json.hpp>

#include "sfusim/clients/audio/audio_stream_stats.h"
#include "sfusim/clients/client_observer.h"
#include "sfusim/clients/web_client.h"
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
#include "sfusim/scenario/metrics.h"
#include "sfusim/scenario/run_observations.h"
#include "sfusim/scenario/slo.h"
#include "sfusim/scenario/vocabulary.h"
#include "sfusim/sfu/auth_token.h"
#include "sfusim/sfu/sfu_config.h"
#include "sfusim/sfu/sfu_constants.h"
#include "sfusim/sfu/sfu_observer.h"
#include "sfusim/sfu/sfu_server.h"
#include "sfusim/sim/env.h"
#include "sfusim/sim/rng.h"
#include "sfusim/sim/scheduler.h"
#include "sfusim/sim/sim_host.h"
#include "sfusim/sim/sim_network.h"

namespace sfusim::scenario {
namespace {

constexpr uint32_t kSfuIp = sim::MakeIpv4(10, 0, 0, 1);
constexpr const char* kSfuHost = "sfu";
constexpr std::size_t kHeardSlots = 10;  // 200 ms of playout
constexpr double kHeardWithinS = 0.2;    // the receiver's playout must be this recent
constexpr std::string_view kNotApplicableFallback =
    "needs the native screen-share sender (video issue); this build has no sender to watch";

// Participant n (0-based) -> 10.0.1.<n+1>, continuing in 10.0.2.x past 254.
uint32_t ParticipantIp(std::size_t n) {
  return sim::MakeIpv4(10, 0, static_cast<uint8_t>(1 + n / 254), static_cast<uint8_t>(1 + n % 254));
}

protocol::OpusSettings ToProtocol(const OpusSettings& o) {
  protocol::OpusSettings p;
  p.bitrate_bps = o.bitrate;
  p.dtx = o.dtx;
  p.fec = o.fec;
  return p;
}

double Seconds(sim::Timestamp t) { return t.seconds(); }

}  // namespace

std::string ReproduceLine(const std::string& scenario_path, uint64_t seed, const std::string& mutant) {
  std::string line = "sfusim run " + scenario_path + " --seed " + std::to_string(seed);
  if (!mutant.empty()) line += " --mutant " + mutant;
  return line;
}

// ---------------------------------------------------------------------------------------------
// The world of one run.
// ---------------------------------------------------------------------------------------------
class ScenarioRunner::World : public sfu::SfuObserver {
 public:
  World(const Scenario& scenario, RunOptions options)
      : scenario_(scenario), options_(std::move(options)), net_(&scheduler_, &trace_, options_.seed) {
    runner_subject_ = trace_.Intern("runner");
  }

  ~World() override {
    // Clients first (they cancel their timers and close their streams), then the SFU.
    clients_.clear();
    sfu_.reset();
  }

  bool Run(RunResult* result, std::string* error);
  const sim::Trace& trace() const { return trace_; }

  // ---- SfuObserver ----
  void OnStateChanged() override {
    if (!sfu_) return;
    uint64_t v = sfu_->state_version();
    if (v == checked_version_) return;
    checked_version_ = v;
    CheckState(sfu_->Snapshot());
  }
  void OnConsumerRtp(const sfu::ConsumerRtpEvent& e) override {
    double at = Seconds(e.at);
    paused_silent_.OnConsumerRtp(at, e);
    seq_continuous_.OnConsumerRtp(at, e);
  }
  void OnWorkerEvent(int worker, std::string_view what) override {
    if (what == "restarted") AddEvent("", "worker_restarted", "worker " + std::to_string(worker));
    Note("sfu worker " + std::to_string(worker) + " " + std::string(what));
  }

 private:
  struct Client;
  // One participant's client and what the runner expects of it.
  struct Probe : clients::ClientObserver {
    World* world = nullptr;
    std::string id;
    void OnClientEvent(std::string_view name, std::string_view reason) override {
      world->OnClientEvent(id, name, reason);
    }
    void OnServerMessage(const protocol::ServerMessage& m) override { world->OnServerMessage(id, m); }
    void OnRequestSent(std::string_view request_id, protocol::MediaAction) override {
      world->one_response_.OnRequestSent(world->Now(), id, request_id);
    }
    void OnRequestTimedOut(std::string_view request_id) override {
      world->one_response_.OnTimedOut(world->Now(), id, request_id);
    }
  };
  struct Client {
    const Participant* participant = nullptr;
    sim::SimHost* host = nullptr;
    std::unique_ptr<Probe> probe;
    std::unique_ptr<clients::WebClient> client;
    bool in_voice = false;          // what the scenario says
    bool muted = false;
    std::string channel;            // the channel the scenario has it in
    double last_disturbance_s = 0;  // its last join/leave/switch or a fault touching it
  };

  double Now() const { return Seconds(scheduler_.Now()); }
  void Note(const std::string& text) { trace_.RecordText(scheduler_.Now(), sim::TraceKind::kEvent, runner_subject_, text); }
  void AddEvent(const std::string& participant, std::string_view name, std::string_view reason) {
    events_.push_back(RunEvent{Now(), participant, std::string(name), std::string(reason)});
  }

  void OnClientEvent(const std::string& id, std::string_view name, std::string_view reason) {
    AddEvent(id, name, reason);
    trace_.RecordText(scheduler_.Now(), sim::TraceKind::kEvent, trace_.Intern("client/" + id),
                      std::string(name) + (reason.empty() ? "" : ": " + std::string(reason)));
    if (name == clients::kEventSignalingDisconnected) one_response_.OnDisconnected(Now(), id);
  }
  void OnServerMessage(const std::string& id, const protocol::ServerMessage& m) {
    if (const auto* r = std::get_if<protocol::MediaSignalResponse>(&m)) {
      if (r->is_error()) ++errors_received_[id];
      if (r->request_id) one_response_.OnResponse(Now(), id, *r->request_id);
    } else if (std::holds_alternative<protocol::SignalingErrorNotice>(m)) {
      ++errors_received_[id];
    } else if (const auto* s = std::get_if<protocol::VoiceUserSpeaking>(&m)) {
      echo_.OnVoiceUserSpeaking(Now(), id, s->channel_id, s->username, s->speaking);
    }
  }

  void CheckState(const sfu::SfuSnapshot& s) {
    double at = Now();
    membership_.Check(at, s);
    has_producer_.Check(at, s);
    outlives_.Check(at, s);
    camera_screen_.Check(at, s);
    ssrc_.Check(at, s);
  }

  bool BuildWorld(std::string* error);
  bool StartSfu(std::string* error);
  void StartClient(Client& c, const std::string& channel);
  void Schedule();
  void Play(const TimelineEntry& entry);
  void Disrupt(std::string_view action, const std::vector<std::string>& ids, double fault_end_s);
  void PollRecovery();
  double RecoveryBound(std::string_view action) const;
  Client* FindClient(const std::string& id) {
    auto it = clients_.find(id);
    return it == clients_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> InVoice(const std::string& channel = "") const {
    std::vector<std::string> ids;
    for (const auto& [id, c] : clients_) {
      if (c.in_voice && (channel.empty() || c.channel == channel)) ids.push_back(id);
    }
    return ids;
  }
  // Back with all its media: active, media_complete(), and actually hearing every unmuted
  // publisher of its channel (media_complete() alone can be true while nothing flows, e.g. a
  // router that died silently). In a DTX channel silence sends nothing, so hearing is not asked.
  bool Recovered(const Client& c) const {
    if (!c.client || c.client->phase() != clients::ClientPhase::kActive || !c.client->media_complete()) return false;
    auto opus = channel_opus_.find(c.channel);
    if (opus != channel_opus_.end() && opus->second.dtx) return true;
    const auto& stats = c.client->audio_stats();
    for (const auto& [id, other] : clients_) {
      if (&other == &c || !other.in_voice || other.channel != c.channel || !other.client || other.muted) continue;
      if (!other.participant->Publishes(PublishKind::kMicrophone)) continue;
      auto it = stats.find(id);
      if (it == stats.end() || !RecentlyHeard(it->second)) return false;
    }
    return true;
  }
  // A normal or FEC frame among the last kHeardSlots playout slots, the last of them recent.
  bool RecentlyHeard(const clients::AudioStreamStats& s) const {
    if (!s.first_slot_time || s.frame_log.empty()) return false;
    double last_slot_s = s.first_slot_time->seconds() + static_cast<double>(s.frame_log.size() - 1) * kSlotS;
    if (last_slot_s < Now() - kHeardWithinS) return false;
    std::size_t from = s.frame_log.size() > kHeardSlots ? s.frame_log.size() - kHeardSlots : 0;
    for (std::size_t i = from; i < s.frame_log.size(); ++i) {
      auto st = static_cast<clients::FrameStatus>(s.frame_log[i]);
      if (st == clients::FrameStatus::kNormal || st == clients::FrameStatus::kFec) return true;
    }
    return false;
  }
  void Finish(RunResult* result);
  void SendRawNow(std::size_t index) {
    const RawSend& raw = raw_sends_[index];
    Client* c = FindClient(raw.participant);
    if (!c || !c->client) return;
    if (raw.request_id) one_response_.OnRawRequestSent(Now(), raw.participant, *raw.request_id);
    c->client->SendRaw(raw.payload);
  }
  struct RawSend {
    std::string participant;
    std::string payload;
    std::optional<std::string> request_id;
  };
  std::vector<RawSend> raw_sends_;

  const Scenario& scenario_;
  RunOptions options_;
  sim::Scheduler scheduler_;
  sim::Trace trace_;
  sim::SimNetwork net_;
  uint32_t runner_subject_ = 0;

  // Checkers (before the components that call them, so they outlive them).
  MembershipMapsAgree membership_;
  ConsumerHasProducer has_producer_;
  NoConsumerOutlivesProducer outlives_;
  OneCameraOneScreen camera_screen_;
  SsrcUnique ssrc_;
  PausedConsumerSilent paused_silent_;
  ConsumerSeqContinuous seq_continuous_;
  OneResponsePerRequest one_response_;
  NoVoiceActivityEcho echo_;
  RestartRecovers restart_recovers_;
  NoStuckState no_stuck_;

  std::vector<RunEvent> events_;
  std::map<std::string, uint64_t> errors_received_;
  std::vector<ActionOccurrence> actions_;
  std::map<std::string, sim::LinkConfig> links_;  // current config by link name
  std::map<std::string, OpusSettings> channel_opus_;
  sim::SimHost* sfu_host_ = nullptr;
  uint64_t checked_version_ = UINT64_MAX;
  int sfu_generation_ = 0;
  bool poll_scheduled_ = false;
  std::unique_ptr<sfu::SfuServer> sfu_;
  std::map<std::string, Client> clients_;
};

bool ScenarioRunner::World::BuildWorld(std::string* error) {
  std::string e;
  sfu_host_ = net_.AddHost(kSfuHost, kSfuIp, &e);
  if (!sfu_host_) {
    *error = "cannot add the SFU host: " + e;
    return false;
  }
  for (const Channel& ch : scenario_.sfu.channels) channel_opus_[ch.id] = ch.opus;
  for (std::size_t i = 0; i < scenario_.participants.size(); ++i) {
    const Participant& p = scenario_.participants[i];
    Client c;
    c.participant = &p;
    c.channel = p.channel;
    c.host = net_.AddHost(p.id, ParticipantIp(i), &e);
    if (!c.host) {
      *error = "cannot add host " + p.id + ": " + e;
      return false;
    }
    for (auto dir : {LinkName::Direction::kUp, LinkName::Direction::kDown}) {
      LinkName name{p.id, dir};
      sim::LinkConfig config = scenario_.LinkConfigFor(name);
      std::string from = dir == LinkName::Direction::kUp ? p.id : kSfuHost;
      std::string to = dir == LinkName::Direction::kUp ? kSfuHost : p.id;
      if (!net_.SetLink(from, to, config, &e)) {
        *error = "link " + name.ToString() + ": " + e;
        return false;
      }
      links_[name.ToString()] = config;
      if (!options_.pcap_dir.empty()) {
        std::string path = options_.pcap_dir + "/" + from + "-" + to + ".pcap";
        if (!net_.EnablePcap(from, to, path, &e)) {
          *error = "--pcap: " + e;
          return false;
        }
      }
    }
    clients_.emplace(p.id, std::move(c));
  }
  return StartSfu(error);
}

bool ScenarioRunner::World::StartSfu(std::string* error) {
  sfu::SfuConfig config;
  config.workers = scenario_.sfu.workers;
  for (const auto& [id, opus] : channel_opus_) config.channels[id] = ToProtocol(opus);
  config.mutants = options_.mutants;
  std::string rng_name = sfu_generation_ == 0 ? "sfu" : "sfu/restart-" + std::to_string(sfu_generation_);
  ++sfu_generation_;
  sim::Env env{&scheduler_, sim::Rng::Stream(options_.seed, rng_name), sfu_host_->net(), &trace_};
  sfu_ = std::make_unique<sfu::SfuServer>(env, std::move(config));
  sfu_->SetObserver(this);
  checked_version_ = UINT64_MAX;
  std::string e;
  if (!sfu_->Start(&e)) {
    if (error) *error = "the SFU did not start: " + e;
    return false;
  }
  return true;
}

void ScenarioRunner::World::StartClient(Client& c, const std::string& channel) {
  const Participant& p = *c.participant;
  clients::WebClientConfig config;
  config.username = p.id;
  config.token = sfu::MakeAuthToken(sfu::SfuConfig{}.auth_secret, p.id);
  config.sfu_address = sim::SocketAddress{kSfuIp, sfu::kDefaultSignalingPort};
  config.channel = channel;
  config.publish_microphone = p.Publishes(PublishKind::kMicrophone);
  c.probe = std::make_unique<Probe>();
  c.probe->world = this;
  c.probe->id = p.id;
  sim::Env env{&scheduler_, sim::Rng::Stream(options_.seed, "client/" + p.id), c.host->net(), &trace_};
  c.client = std::make_unique<clients::WebClient>(env, std::move(config));
  c.client->SetObserver(c.probe.get());
  c.client->Start();
}

double ScenarioRunner::World::RecoveryBound(std::string_view action) const {
  std::optional<double> bound;
  for (const Slo& s : scenario_.expect.slo) {
    if (s.metric == "audio.recovery_s" && s.after == action && s.max) bound = bound ? std::min(*bound, *s.max) : *s.max;
  }
  return bound.value_or(kDefaultRecoveryBoundS);
}

void ScenarioRunner::World::Disrupt(std::string_view action, const std::vector<std::string>& ids, double fault_end_s) {
  for (const std::string& id : ids) {
    if (Client* c = FindClient(id)) c->last_disturbance_s = std::max(c->last_disturbance_s, fault_end_s);
  }
  restart_recovers_.OnDisruption(Now(), action, ids, fault_end_s + RecoveryBound(action));
  if (!poll_scheduled_) {
    poll_scheduled_ = true;
    scheduler_.PostDelayed(sim::TimeDelta::SecondsF(kRecoveryPollS), [this] { PollRecovery(); });
  }
}

void ScenarioRunner::World::PollRecovery() {
  poll_scheduled_ = false;
  for (const std::string& id : restart_recovers_.pending_clients()) {
    const Client* c = FindClient(id);
    restart_recovers_.OnClientState(Now(), id, c && Recovered(*c));
  }
  if (!restart_recovers_.pending_clients().empty()) {
    poll_scheduled_ = true;
    scheduler_.PostDelayed(sim::TimeDelta::SecondsF(kRecoveryPollS), [this] { PollRecovery(); });
  }
}

void ScenarioRunner::World::Schedule() {
  // Initial joins first, in participant order: at equal times they come before the timeline's actions.
  for (const Participant& p : scenario_.participants) {
    Client* cp = FindClient(p.id);
    scheduler_.PostAt(sim::Timestamp::SecondsF(p.join_at_s), [this, cp] {
      if (cp->client) {  // a timeline `join` already started it
        Note("skip start " + cp->participant->id + ": already started");
        return;
      }
      Note("start " + cp->participant->id + " in " + cp->channel);
      cp->in_voice = true;
      cp->last_disturbance_s = Now();
      StartClient(*cp, cp->channel);
    });
  }
  for (const TimelineEntry& entry : scenario_.timeline) {
    const TimelineEntry* ep = &entry;
    scheduler_.PostAt(sim::Timestamp::SecondsF(entry.at_s), [this, ep] { Play(*ep); });
  }
}

void ScenarioRunner::World::Play(const TimelineEntry& entry) {
  const double now = Now();
  std::string name(ActionName(entry.action));
  Note("action " + name);
  ActionOccurrence occurrence{name, now, now, ""};
  auto client_of = [&](const std::string& id) -> Client* {
    Client* c = FindClient(id);
    if (!c || !c->client) {
      Note("skip " + name + ": " + id + " has no client yet");
      return nullptr;
    }
    return c;
  };
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, SetLink>) {
          auto link = ParseLinkName(a.link);
          if (!link) return;
          sim::LinkConfig& config = links_[a.link];
          config = ApplyLinkSettings(config, a.settings);
          bool up = link->direction == LinkName::Direction::kUp;
          net_.SetLink(up ? link->participant : kSfuHost, up ? kSfuHost : link->participant, config);
          occurrence.participant = link->participant;
        } else if constexpr (std::is_same_v<T, Partition>) {
          std::string p = a.participant;
          net_.SetLinkUp(p, kSfuHost, false);
          net_.SetLinkUp(kSfuHost, p, false);
          occurrence.participant = p;
          occurrence.fault_end_s = now + a.for_s;
          if (Client* c = FindClient(p)) c->last_disturbance_s = std::max(c->last_disturbance_s, now + a.for_s);
          scheduler_.PostAt(sim::Timestamp::SecondsF(now + a.for_s), [this, p] {
            Note("heal partition " + p);
            net_.SetLinkUp(p, kSfuHost, true);
            net_.SetLinkUp(kSfuHost, p, true);
          });
        } else if constexpr (std::is_same_v<T, RestartSfu>) {
          occurrence.fault_end_s = now + a.down_s;
          if (sfu_) {
            // Leaks are judged on the SFU's state before its memory is wiped.
            net_.Crash(kSfuHost);
            sfu_.reset();
            seq_continuous_.OnSfuRestarted();
            scheduler_.PostAt(sim::Timestamp::SecondsF(now + a.down_s), [this] {
              net_.Restart(kSfuHost);
              std::string e;
              if (!StartSfu(&e)) Note("sfu restart failed: " + e);
            });
          }
          Disrupt(name, InVoice(), now + a.down_s);
        } else if constexpr (std::is_same_v<T, CrashWorker>) {
          if (!sfu_) return;
          sfu::SfuSnapshot s = sfu_->Snapshot();
          std::vector<std::string> ids;
          for (const auto& [channel, router] : s.routers) {
            if (router.worker != a.worker || !router.alive) continue;
            for (const std::string& id : InVoice(channel)) ids.push_back(id);
          }
          std::sort(ids.begin(), ids.end());
          sfu_->CrashWorker(a.worker);
          Disrupt(name, ids, now);
        } else if constexpr (std::is_same_v<T, DisconnectSignaling>) {
          occurrence.participant = a.participant;
          Client* c = FindClient(a.participant);
          if (!c) return;
          // The participant's host holds only its signaling stream (media is datagrams).
          net_.CutStreams(a.participant);
          std::vector<std::string> ids = c->in_voice ? InVoice(c->channel) : std::vector<std::string>{};
          Disrupt(name, ids, now);
        } else if constexpr (std::is_same_v<T, Join>) {
          occurrence.participant = a.participant;
          Client* c = FindClient(a.participant);
          if (!c) return;
          std::string channel = a.channel.empty() ? c->participant->channel : a.channel;
          c->in_voice = true;
          c->channel = channel;
          c->last_disturbance_s = now;
          if (c->client) {
            c->client->Join(channel);
          } else {
            StartClient(*c, channel);
          }
        } else if constexpr (std::is_same_v<T, Leave>) {
          occurrence.participant = a.participant;
          if (Client* c = client_of(a.participant)) {
            c->in_voice = false;
            c->last_disturbance_s = now;
            c->client->Leave();
          }
        } else if constexpr (std::is_same_v<T, SwitchChannel>) {
          occurrence.participant = a.participant;
          if (Client* c = client_of(a.participant)) {
            c->channel = a.channel;
            c->last_disturbance_s = now;
            c->client->SwitchChannel(a.channel);
          }
        } else if constexpr (std::is_same_v<T, Mute> || std::is_same_v<T, Unmute>) {
          occurrence.participant = a.participant;
          if (Client* c = client_of(a.participant)) {
            c->muted = std::is_same_v<T, Mute>;
            c->client->SetMuted(c->muted);
          }
        } else if constexpr (std::is_same_v<T, SetChannelCodec>) {
          OpusSettings& o = channel_opus_[a.channel];
          if (a.opus.bitrate) o.bitrate = *a.opus.bitrate;
          if (a.opus.dtx) o.dtx = *a.opus.dtx;
          if (a.opus.fec) o.fec = *a.opus.fec;
          if (sfu_) sfu_->SetChannelCodec(a.channel, ToProtocol(o));
        } else if constexpr (std::is_same_v<T, SendRaw>) {
          occurrence.participant = a.participant;
          // A request id in the raw text is a request the server may answer (once).
          std::optional<std::string> request_id;
          nlohmann::json j = nlohmann::json::parse(a.payload, nullptr, false);
          if (j.is_object() && j.contains("request_id") && j["request_id"].is_string()) {
            request_id = j["request_id"].get<std::string>();
          }
          raw_sends_.push_back(RawSend{a.participant, a.payload, request_id});
          const std::size_t index = raw_sends_.size() - 1;
          for (int i = 0; i < a.count; ++i) {
            if (i == 0) {
              SendRawNow(index);
            } else {
              scheduler_.PostAt(sim::Timestamp::SecondsF(now + i * a.interval_ms / 1000.0),
                                [this, index] { SendRawNow(index); });
            }
          }
        } else {
          Note("ignored (needs the video issue): " + name);
        }
      },
      entry.action);
  actions_.push_back(occurrence);
}

bool ScenarioRunner::World::Run(RunResult* result, std::string* error) {
  if (!BuildWorld(error)) return false;
  Schedule();
  sim::Timestamp end = sim::Timestamp::SecondsF(scenario_.duration_s);
  scheduler_.RunUntil(end);
  net_.FlushPcaps();
  Finish(result);
  return true;
}

void ScenarioRunner::World::Finish(RunResult* result) {
  const double end_s = Now();
  // The final state: one last state check, leaks, the end-of-run checks.
  RunObservations o;
  o.end_s = end_s;
  if (sfu_) {
    sfu::SfuSnapshot s = sfu_->Snapshot();
    CheckState(s);
    double leaked = 0;
    for (const auto& [id, c] : s.consumers) {
      if (c.closed_producer || s.producers.count(c.producer_id) == 0) ++leaked;
    }
    o.consumers_leaked = leaked;
  }
  PollRecovery();
  for (auto& [id, c] : clients_) {
    ClientObservation co;
    if (c.client) {
      co.audio = c.client->audio_stats();
      co.counters = c.client->counters();
      co.errors_received = errors_received_[id];
      co.final_phase = std::string(clients::ToString(c.client->phase()));
      co.media_complete = c.client->media_complete();
    } else {
      co.final_phase = "idle";
    }
    no_stuck_.OnEnd(end_s, id, c.in_voice, c.last_disturbance_s, co.final_phase);
    o.clients[id] = std::move(co);
  }
  one_response_.Finish(end_s);
  std::stable_sort(events_.begin(), events_.end(),
                   [](const RunEvent& a, const RunEvent& b) { return a.at_s < b.at_s; });
  o.events = events_;
  o.actions = actions_;

  RunResult& r = *result;
  r = RunResult{};
  r.scenario = scenario_.name;
  r.seed = options_.seed;
  if (!options_.mutant_name.empty()) r.mutant = options_.mutant_name;
  r.sim_s = end_s;

  const std::vector<const InvariantChecker*> checkers = {
      &membership_, &has_producer_, &outlives_,  &camera_screen_, &ssrc_,     &paused_silent_,
      &seq_continuous_, &one_response_, &echo_, &restart_recovers_, &no_stuck_};
  std::set<std::string> wanted;
  if (scenario_.expect.all_invariants) {
    for (std::string_view n : kInvariantNames) wanted.insert(std::string(n));
  } else {
    wanted.insert(scenario_.expect.invariants.begin(), scenario_.expect.invariants.end());
  }
  for (std::string_view name : kInvariantNames) {
    if (!wanted.count(std::string(name))) continue;
    if (name == "fallback_iff_thresholds") {
      r.invariants_not_applicable.push_back(NotApplicable{std::string(name), std::string(kNotApplicableFallback)});
      continue;
    }
    for (const InvariantChecker* c : checkers) {
      if (c->name() == name) r.invariants.push_back(c->Verdict());
    }
  }
  r.slo = EvaluateSlos(scenario_.expect.slo, o);
  for (const EventExpectation& x : scenario_.expect.events) r.expected_events.push_back(EvaluateEventExpectation(x, events_));
  r.events = events_;
  r.metrics = ComputeRunMetrics(o);
  for (const auto& [name, _] : links_) {
    auto link = ParseLinkName(name);
    if (!link) continue;
    bool up = link->direction == LinkName::Direction::kUp;
    const sim::Link* l = net_.link(up ? link->participant : kSfuHost, up ? kSfuHost : link->participant);
    if (!l) continue;
    const auto& k = l->counters();
    auto& m = r.metrics.links[name];
    m["packets_sent"] = static_cast<double>(k.packets_sent);
    m["packets_delivered"] = static_cast<double>(k.packets_delivered);
    for (std::size_t i = 1; i < static_cast<std::size_t>(sim::DropReason::kCount); ++i) {
      if (k.packets_dropped[i]) {
        m[std::string("dropped_") + sim::ToString(static_cast<sim::DropReason>(i))] =
            static_cast<double>(k.packets_dropped[i]);
      }
    }
  }
  if (sfu_) {
    const auto& k = sfu_->counters();
    auto& m = r.metrics.sfu;
    m["generation"] = sfu_generation_;
    m["connections_accepted"] = static_cast<double>(k.connections_accepted);
    m["authenticated"] = static_cast<double>(k.authenticated);
    m["error_responses"] = static_cast<double>(k.error_responses);
    m["rate_limited"] = static_cast<double>(k.rate_limited);
    m["producers_created"] = static_cast<double>(k.producers_created);
    m["consumers_created"] = static_cast<double>(k.consumers_created);
    m["rtp_received"] = static_cast<double>(k.rtp_received);
    m["rtp_forwarded"] = static_cast<double>(k.rtp_forwarded);
    m["rtp_retransmitted"] = static_cast<double>(k.rtp_retransmitted);
    m["worker_crashes"] = static_cast<double>(k.worker_crashes);
    m["worker_restarts"] = static_cast<double>(k.worker_restarts);
  }
  r.trace_hash = trace_.trace_hash();
  r.trace_records = trace_.record_count();
  std::string path = options_.scenario_path.empty() ? scenario_.name + ".json" : options_.scenario_path;
  r.reproduce = ReproduceLine(path, options_.seed, options_.mutant_name);
  r.passed = r.ComputePassed();
}

// ---------------------------------------------------------------------------------------------
ScenarioRunner::ScenarioRunner(const Scenario& scenario, RunOptions options)
    : world_(std::make_unique<World>(scenario, std::move(options))) {}
ScenarioRunner::~ScenarioRunner() = default;

bool ScenarioRunner::Run(RunResult* result, std::string* error) {
  std::string e;
  bool ok = world_->Run(result, &e);
  if (!ok && error) *error = e;
  return ok;
}

const sim::Trace& ScenarioRunner::trace() const { return world_->trace(); }

ScenarioRun RunScenario(const Scenario& scenario, const RunOptions& options) {
  ScenarioRun run;
  auto runner = std::make_shared<ScenarioRunner>(scenario, options);
  run.ok = runner->Run(&run.result, &run.error);
  run.trace = std::shared_ptr<const sim::Trace>(runner, &runner->trace());
  return run;
}

}  // namespace sfusim::scenario
