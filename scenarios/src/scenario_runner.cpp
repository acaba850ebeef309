#include "sfusim/scenario/scenario_runner.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
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
#include "sfusim/scenario/invariants/degradation_ladder_order.h"
#include "sfusim/scenario/invariants/fallback_iff_thresholds.h"
#include "sfusim/scenario/invariants/every_producer_consumed.h"
#include "sfusim/scenario/invariants/membership_maps_agree.h"
#include "sfusim/scenario/invariants/router_follows_codec_settings.h"
#include "sfusim/scenario/invariants/no_consumer_outlives_producer.h"
#include "sfusim/scenario/invariants/no_internal_error_text.h"
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
#include "sfusim/protocol/limits.h"
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
#include "sfusim/sim/asio_net.h"
#include "sfusim/sim/real_time_loop.h"


namespace sfusim::scenario {
namespace {

constexpr uint32_t kSfuIp = sim::MakeIpv4(10, 0, 0, 1);
// Real mode (RunOptions::real): the SFU on 127.0.0.1, participant i on 127.0.0.(2 + i).
constexpr uint32_t kRealSfuIp = sim::MakeIpv4(127, 0, 0, 1);
uint32_t RealParticipantIp(std::size_t i) { return kRealSfuIp + 1 + static_cast<uint32_t>(i); }
constexpr const char* kSfuHost = "sfu";
constexpr std::size_t kHeardSlots = 10;  // 200 ms of playout
constexpr double kHeardWithinS = 0.2;    // the receiver's playout must be this recent
constexpr std::string_view kNotApplicableFallback =
    "no participant shares its screen through the native sender in this scenario";
constexpr std::string_view kRequestTimeoutFault = "request_timeout";  // restart_recovers' action name for it
constexpr double kNativePollS = 0.1;  // how often the runner samples native senders' status
constexpr std::string_view kLevelPrefix = "level ";  // degradation_changed's reason: "level <n>: ..."

clients::NativeFault ToNative(EncoderFaultKind k) {
  switch (k) {
    case EncoderFaultKind::kEncodeError: return clients::NativeFault::kEncodeError;
    case EncoderFaultKind::kSlowEncode: return clients::NativeFault::kSlowEncode;
    case EncoderFaultKind::kSendError: return clients::NativeFault::kSendError;
  }
  return clients::NativeFault::kEncodeError;
}

// The runner's plain copy of one VideoStreamStats (run_observations.h).
VideoStreamObservation ToObservation(const std::string& key, const clients::VideoStreamStats& v) {
  VideoStreamObservation o;
  auto slash = key.find('/');
  o.source = slash == std::string::npos ? "camera" : key.substr(slash + 1);
  o.packets_received = v.packets_received;
  o.packets_lost = v.packets_lost;
  o.packets_retransmitted = v.packets_retransmitted_received;
  o.frames_received = v.frames_received;
  o.frames_decoded = v.frames_decoded;
  o.frames_lost = v.frames_lost;
  o.key_frames = v.key_frames;
  o.decode_errors = v.decode_errors;
  o.nacks_sent = v.nacks_sent;
  o.nack_packets = v.nack_packets;
  o.plis_sent = v.plis_sent;
  o.psnr_db.assign(v.psnr_db.begin(), v.psnr_db.end());
  o.delay_ms.assign(v.delay_ms.begin(), v.delay_ms.end());
  o.keyframe_after_pli_ms.assign(v.key_frame_after_pli_ms.begin(), v.key_frame_after_pli_ms.end());
  o.freeze_count = v.freeze_count;
  o.freeze_total_s = v.freeze_total.seconds();
  if (v.frames_rendered >= 2) o.fps = v.received_fps();
  if (!v.render_times_us.empty()) o.first_frame_s = static_cast<double>(v.render_times_us.front()) / 1e6;
  o.width = v.last_width;
  o.height = v.last_height;
  // Bins are indexed by absolute second; series start at the first bin with data.
  std::size_t first = 0;
  while (first < v.seconds.size() && v.seconds[first].bytes_received == 0 && v.seconds[first].frames_rendered == 0) {
    ++first;
  }
  TimeSeries kbps, fps, psnr, delay;
  for (TimeSeries* t : {&kbps, &fps, &psnr, &delay}) t->start_s = static_cast<double>(first);
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();  // null in result.json
  for (std::size_t i = first; i < v.seconds.size(); ++i) {
    const clients::VideoSecondBin& b = v.seconds[i];
    kbps.values.push_back(b.kbps());
    fps.values.push_back(b.frames_rendered);
    psnr.values.push_back(b.mean_psnr_db().value_or(kNaN));
    delay.values.push_back(b.mean_delay_ms().value_or(kNaN));
  }
  o.series["kbps"] = std::move(kbps);
  o.series["fps"] = std::move(fps);
  o.series["psnr_db"] = std::move(psnr);
  o.series["delay_ms"] = std::move(delay);
  return o;
}

FallbackThresholdsView ToView(const clients::FallbackThresholds& t) {
  FallbackThresholdsView v;
  v.encode_failures = t.encode_failures;
  v.send_errors = t.send_errors;
  v.window_s = t.window.seconds();
  v.queue_drop_fraction = t.queue_drop_fraction;
  v.queue_pressure_for_s = t.queue_pressure_for.seconds();
  return v;
}

// The native sender's cumulative queue counters, when the client exposes them (a later client API);
// nullopt otherwise. A template so that the check compiles against either client.
template <class C>
std::optional<std::pair<uint64_t, uint64_t>> NativeQueueCounters(const C& client) {
  if constexpr (requires { client.native_counters(); }) {
    if (auto k = client.native_counters()) {
      return std::make_pair(static_cast<uint64_t>(k->frames_captured),
                            static_cast<uint64_t>(k->frames_dropped_before_encode));
    }
  }
  return std::nullopt;
}

// The level in a degradation_changed reason ("level 2: fps 30->20"), or nullopt.
std::optional<int> ParseLevel(std::string_view reason) {
  if (reason.substr(0, kLevelPrefix.size()) != kLevelPrefix) return std::nullopt;
  int level = 0;
  std::size_t i = kLevelPrefix.size();
  if (i >= reason.size() || reason[i] < '0' || reason[i] > '9') return std::nullopt;
  for (; i < reason.size() && reason[i] >= '0' && reason[i] <= '9' && level < 1'000'000; ++i) {
    level = level * 10 + (reason[i] - '0');
  }
  return level;
}

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
      : scenario_(scenario),
        options_(std::move(options)),
        real_loop_(options_.real ? std::make_unique<sim::RealTimeLoop>() : nullptr),
        scheduler_(real_loop_ ? real_loop_->scheduler() : own_scheduler_),
        net_(&scheduler_, &trace_, options_.seed) {
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
    if (video_producers_.count(std::string(e.producer_id))) ++video_consumer_rtp_;
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
      // A timed-out request makes the client start over (a lost response, a slow server): it is
      // disturbed from here on, like a fault touching it (no_stuck_state lets it settle).
      Client* c = world->FindClient(id);
      if (!c) return;
      c->last_disturbance_s = std::max(c->last_disturbance_s, world->Now());
      // With the lost_response fault point on, a timeout is how the client learns of a lost
      // response: a fault it must recover from (restart_recovers, from the timeout on), and one
      // that may land inside another fault's recovery (which a 10 s timeout would then exceed).
      // Without fault points a timeout stays what it was (no new deadline): the SFU must answer.
      const auto& f = world->scenario_.fault_points;
      if (f && f->lost_response > 0 && c->in_voice) world->Disrupt(kRequestTimeoutFault, {id}, world->Now());
    }
  };
  struct Client {
    const Participant* participant = nullptr;
    sim::SimHost* host = nullptr;
    std::unique_ptr<sim::AsioNet> real_net;  // real mode: its own sockets on 127.0.0.(2 + i)
    std::unique_ptr<Probe> probe;
    std::unique_ptr<clients::WebClient> client;
    bool in_voice = false;          // what the scenario says
    bool muted = false;
    std::string channel;            // the channel the scenario has it in
    double last_disturbance_s = 0;  // its last join/leave/switch or a fault touching it
    // The native screen-share sender, as the runner saw it.
    bool native_started = false;    // a sender_started was seen
    bool fell_back = false;         // a fallback_triggered was seen (since the last share start)
    bool native_seen = false;       // native_status() was ever set
    std::string native_state;       // the last polled state name
    std::string native_reason;
    int degradation_level = 0;
    int degradation_level_max = 0;
    bool native_transport = false, native_producer = false;
    std::vector<double> level_by_second;  // the highest level seen in each second
    double last_screen_action_s = 0;      // a screen action or an encoder fault's end
  };

  double Now() const { return Seconds(scheduler_.Now()); }
  void Note(const std::string& text) { trace_.RecordText(scheduler_.Now(), sim::TraceKind::kEvent, runner_subject_, text); }
  void AddEvent(const std::string& participant, std::string_view name, std::string_view reason) {
    events_.push_back(RunEvent{Now(), participant, std::string(name), std::string(reason)});
  }

  void OnClientEvent(const std::string& id, std::string_view name, std::string_view reason) {
    AddEvent(id, name, reason);
    OnNativeEvent(id, name, reason);
    trace_.RecordText(scheduler_.Now(), sim::TraceKind::kEvent, trace_.Intern("client/" + id),
                      std::string(name) + (reason.empty() ? "" : ": " + std::string(reason)));
    if (name == clients::kEventSignalingDisconnected) one_response_.OnDisconnected(Now(), id);
  }
  void OnServerMessage(const std::string& id, const protocol::ServerMessage& m) {
    if (const auto* r = std::get_if<protocol::MediaSignalResponse>(&m)) {
      if (r->is_error()) {
        ++errors_received_[id];
        const auto& e = std::get<protocol::MediaSignalError>(r->outcome);
        error_text_.OnError(Now(), id, e.code, e.message);
      }
      if (r->request_id) one_response_.OnResponse(Now(), id, *r->request_id);
    } else if (const auto* n = std::get_if<protocol::SignalingErrorNotice>(&m)) {
      ++errors_received_[id];
      error_text_.OnError(Now(), id, n->code, n->message);
    } else if (const auto* s = std::get_if<protocol::VoiceUserSpeaking>(&m)) {
      echo_.OnVoiceUserSpeaking(Now(), id, s->channel_id, s->username, s->speaking);
    }
  }

  void OnNativeEvent(const std::string& id, std::string_view name, std::string_view reason) {
    const double at = Now();
    Client* c = FindClient(id);
    // The client may destroy its native sender right after these events (before the next poll of
    // native_status()), so the sender's final state is also taken from them.
    if (name == "sender_started") {
      if (c) {
        c->native_started = true;
        c->fell_back = false;
        c->native_state = std::string(clients::NativeSenderStateName(clients::NativeSenderState::kRunning));
      }
      fallback_.OnSenderStarted(at, id);
      ladder_order_.OnSenderStarted(id);
    } else if (name == "sender_stopped") {
      if (c) c->native_state = std::string(clients::NativeSenderStateName(clients::NativeSenderState::kStopped));
      fallback_.OnSenderStopped(at, id);
    } else if (name == "encode_error") {
      fallback_.OnEncodeError(at, id);
    } else if (name == "transport_error") {
      fallback_.OnSendError(at, id);
    } else if (name == "fallback_triggered") {
      if (c) {
        c->fell_back = true;
        c->native_state = std::string(clients::NativeSenderStateName(clients::NativeSenderState::kFallenBack));
        c->native_reason = std::string(reason);
      }
      fallback_.OnFallback(at, id, reason);
    } else if (name == "degradation_changed") {
      ladder_order_.OnDegradationChanged(at, id, reason);
      if (auto level = ParseLevel(reason); level && c) RecordLevel(*c, *level);
    }
  }
  void RecordLevel(Client& c, int level) {
    c.degradation_level = level;
    c.degradation_level_max = std::max(c.degradation_level_max, level);
    auto second = static_cast<std::size_t>(std::max(0.0, Now()));
    if (second < kMaxLevelSeconds) {
      if (c.level_by_second.size() <= second) c.level_by_second.resize(second + 1, -1);
      c.level_by_second[second] = std::max(c.level_by_second[second], static_cast<double>(level));
    }
  }
  void PollNative();
  // The participant shares its screen on the native path at some time of the run.
  bool SharesNatively(const Participant& p) const {
    if (p.client != ClientKind::kDesktop) return false;
    if (p.Publishes(PublishKind::kScreen) && p.screen.path == ScreenPath::kNative) return true;
    for (const TimelineEntry& e : scenario_.timeline) {
      if (const auto* on = std::get_if<ScreenOn>(&e.action)) {
        if (on->participant == p.id && on->path.value_or(p.screen.path) == ScreenPath::kNative) return true;
      }
    }
    return false;
  }

  void CheckState(const sfu::SfuSnapshot& s) {
    double at = Now();
    for (const auto& [id, p] : s.producers) {
      if (p.kind == protocol::MediaKind::kVideo) video_producers_.insert(id);
      producer_since_.emplace(id, at);
    }
    NoteResumes(at, s);
    membership_.Check(at, s);
    has_producer_.Check(at, s);
    outlives_.Check(at, s);
    camera_screen_.Check(at, s);
    ssrc_.Check(at, s);
    router_settings_.Check(at, s);
  }

  // A video consumer seen unpaused for the first time: when its receiver should soon render
  // (video.first_frame_after_resume_ms_max). Keyed by SFU generation and consumer id.
  void NoteResumes(double at, const sfu::SfuSnapshot& s) {
    for (const auto& [cid, consumer] : s.consumers) {
      if (consumer.paused) continue;
      auto pit = s.producers.find(consumer.producer_id);
      if (pit == s.producers.end() || pit->second.kind != protocol::MediaKind::kVideo) continue;
      auto key = std::make_pair(sfu_generation_, cid);
      if (resumed_.count(key) || resumes_.size() >= kMaxResumes) continue;
      resumed_.insert(key);
      auto receiver = s.usernames.find(consumer.user_id);
      auto sender = s.usernames.find(pit->second.user_id);
      if (receiver == s.usernames.end() || sender == s.usernames.end()) continue;
      const std::string source = pit->second.source == protocol::MediaSource::kScreen ? "screen" : "camera";
      resumes_.push_back(Resume{receiver->second, sender->second + "/" + source, at});
    }
  }
  struct Resume {
    std::string receiver;
    std::string stream;  // "<sender>/<camera|screen>", the receiver's video_stats key
    double at_s = 0;
  };
  static constexpr std::size_t kMaxResumes = 100'000;
  std::set<std::pair<int, std::string>> resumed_;
  std::map<std::string, double> producer_since_;  // producer id -> first seen (this SFU generation)
  std::vector<Resume> resumes_;

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
  sim::Scheduler own_scheduler_;                 // simulation: virtual time
  std::unique_ptr<sim::RealTimeLoop> real_loop_;  // real mode: its scheduler follows the wall clock
  sim::Scheduler& scheduler_;                    // the one of the two in use
  sim::Trace trace_;
  sim::SimNetwork net_;
  uint32_t runner_subject_ = 0;

  // Checkers (before the components that call them, so they outlive them).
  MembershipMapsAgree membership_;
  RouterFollowsCodecSettings router_settings_;
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
  FallbackIffThresholds fallback_;
  DegradationLadderOrder ladder_order_;
  EveryProducerConsumed every_consumed_;
  NoInternalErrorText error_text_;
  static constexpr std::size_t kMaxLevelSeconds = 24 * 3600;
  std::set<std::string> video_producers_;  // ids of every video producer seen (for the counts below)
  uint64_t video_consumer_rtp_ = 0;        // consumer RTP events of video producers the checkers saw
  bool native_poll_scheduled_ = false;

  std::vector<RunEvent> events_;
  std::map<std::string, uint64_t> errors_received_;
  std::vector<ActionOccurrence> actions_;
  std::map<std::string, sim::LinkConfig> links_;  // current config by link name
  std::map<std::string, OpusSettings> channel_opus_;
  sim::SimHost* sfu_host_ = nullptr;
  std::unique_ptr<sim::AsioNet> real_sfu_net_;
  uint16_t sfu_port_ = sfu::kDefaultSignalingPort;  // real mode: the port the SFU got
  uint64_t checked_version_ = UINT64_MAX;
  int sfu_generation_ = 0;
  bool poll_scheduled_ = false;
  std::unique_ptr<sfu::SfuServer> sfu_;
  std::map<std::string, Client> clients_;
};

bool ScenarioRunner::World::BuildWorld(std::string* error) {
  std::string e;
  if (real_loop_) {
    // Real mode: every participant is a real client with its own sockets on loopback; the
    // scenario's network settings are not applied (RealModeProblems rejected those that need
    // simulation).
    for (const Channel& ch : scenario_.sfu.channels) channel_opus_[ch.id] = ch.opus;
    real_sfu_net_ = std::make_unique<sim::AsioNet>(real_loop_.get(), kRealSfuIp);
    for (std::size_t i = 0; i < scenario_.participants.size(); ++i) {
      const Participant& p = scenario_.participants[i];
      Client c;
      c.participant = &p;
      c.channel = p.channel;
      c.real_net = std::make_unique<sim::AsioNet>(real_loop_.get(), RealParticipantIp(i));
      clients_.emplace(p.id, std::move(c));
    }
    return StartSfu(error);
  }
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
  config.mutants = options_.mutants.sfu;
  if (const auto& f = scenario_.fault_points) {
    config.fault_points.lost_response_probability = f->lost_response;
    config.fault_points.slow_worker =
        f->slow_worker == FaultPointSettings::kAllWorkers ? sfu::SfuFaultPoints::kAllWorkers : f->slow_worker;
    config.fault_points.slow_worker_latency = sim::TimeDelta::MillisF(f->slow_worker_ms);
    config.fault_points.until = sim::Timestamp::SecondsF(f->until_s);
  }
  std::string rng_name = sfu_generation_ == 0 ? "sfu" : "sfu/restart-" + std::to_string(sfu_generation_);
  ++sfu_generation_;
  sim::Net* net = real_sfu_net_ ? static_cast<sim::Net*>(real_sfu_net_.get()) : sfu_host_->net();
  if (real_sfu_net_) config.signaling_port = 0;  // an ephemeral port: nothing can be in the way
  sim::Env env{&scheduler_, sim::Rng::Stream(options_.seed, rng_name), net, &trace_};
  sfu_ = std::make_unique<sfu::SfuServer>(env, std::move(config));
  sfu_->SetObserver(this);
  checked_version_ = UINT64_MAX;
  producer_since_.clear();  // ids start over in a new SFU
  std::string e;
  if (!sfu_->Start(&e)) {
    if (error) *error = "the SFU did not start: " + e;
    return false;
  }
  if (real_sfu_net_) sfu_port_ = real_sfu_net_->listening_port();
  return true;
}

void ScenarioRunner::World::StartClient(Client& c, const std::string& channel) {
  const Participant& p = *c.participant;
  clients::WebClientConfig config;
  config.username = p.id;
  config.token = sfu::MakeAuthToken(sfu::SfuConfig{}.auth_secret, p.id);
  config.sfu_address = sim::SocketAddress{real_loop_ ? kRealSfuIp : kSfuIp, sfu_port_};
  config.channel = channel;
  config.publish_microphone = p.Publishes(PublishKind::kMicrophone);
  config.publish_camera = p.Publishes(PublishKind::kCamera);
  config.camera.width = p.camera.width;
  config.camera.height = p.camera.height;
  config.camera.fps = p.camera.fps;
  config.camera.bitrate_bps = int64_t{p.camera.bitrate_kbps} * 1000;
  config.desktop = p.client == ClientKind::kDesktop;
  config.publish_screen = p.Publishes(PublishKind::kScreen);
  config.screen.native = config.desktop && p.screen.path == ScreenPath::kNative;
  config.screen.tier = p.screen.tier;
  config.screen.fps = p.screen.fps;
  config.screen.restart_pipeline_on_tier_change = p.screen.restart_on_tier_change;
  config.mutants = options_.mutants.client;
  if (const auto& f = scenario_.fault_points) {
    config.fault_points.notification_delay_probability = f->notification_delay;
    config.fault_points.notification_delay_max = sim::TimeDelta::MillisF(f->notification_delay_max_ms);
    config.fault_points.until = sim::Timestamp::SecondsF(f->until_s);
  }
  fallback_.SetThresholds(p.id, ToView(config.thresholds));
  c.probe = std::make_unique<Probe>();
  c.probe->world = this;
  c.probe->id = p.id;
  sim::Net* net = c.real_net ? static_cast<sim::Net*>(c.real_net.get()) : c.host->net();
  sim::Env env{&scheduler_, sim::Rng::Stream(options_.seed, "client/" + p.id), net, &trace_};
  c.client = std::make_unique<clients::WebClient>(env, std::move(config));
  c.client->SetObserver(c.probe.get());
  c.client->Start();
  if (config.desktop && SharesNatively(p) && !native_poll_scheduled_) {
    native_poll_scheduled_ = true;
    scheduler_.PostDelayed(sim::TimeDelta::SecondsF(kNativePollS), [this] { PollNative(); });
  }
}

void ScenarioRunner::World::PollNative() {
  native_poll_scheduled_ = false;
  const double now = Now();
  fallback_.Poll(now);
  for (auto& [id, c] : clients_) {
    if (!c.client || c.participant->client != ClientKind::kDesktop) continue;
    if (auto st = c.client->native_status()) {
      c.native_seen = true;
      c.native_state = std::string(clients::NativeSenderStateName(st->state));
      c.native_reason = st->last_fallback_reason;
      c.native_transport = st->transport_connected;
      c.native_producer = st->producer_connected;
      RecordLevel(c, st->degradation_level);
      if (st->state == clients::NativeSenderState::kRunning) {
        if (auto q = NativeQueueCounters(*c.client)) fallback_.OnQueueSample(now, id, q->first, q->second);
      }
    }
  }
  native_poll_scheduled_ = true;
  scheduler_.PostDelayed(sim::TimeDelta::SecondsF(kNativePollS), [this] { PollNative(); });
}

double ScenarioRunner::World::RecoveryBound(std::string_view action) const {
  std::optional<double> bound;
  for (const Slo& s : scenario_.expect.slo) {
    if (s.metric == "audio.recovery_s" && s.after == action && s.max) bound = bound ? std::min(*bound, *s.max) : *s.max;
  }
  // With the lost_response fault point on, any response of the recovery may be lost, and the
  // client learns of it only by its request timeout: one timeout more is part of the bound.
  const double lost_response_allowance =
      scenario_.fault_points && scenario_.fault_points->lost_response > 0
          ? static_cast<double>(protocol::kMediaSignalRequestTimeoutUs) / 1e6
          : 0.0;
  return bound.value_or(kDefaultRecoveryBoundS) + lost_response_allowance;
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
          router_settings_.SettingsChanged(a.channel, ToProtocol(o));
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
        } else if constexpr (std::is_same_v<T, CameraOn> || std::is_same_v<T, CameraOff>) {
          occurrence.participant = a.participant;
          if (Client* c = client_of(a.participant)) c->client->SetCamera(std::is_same_v<T, CameraOn>);
        } else if constexpr (std::is_same_v<T, ScreenOn>) {
          occurrence.participant = a.participant;
          if (Client* c = client_of(a.participant)) {
            ScreenPath path = a.path.value_or(c->participant->screen.path);
            c->last_screen_action_s = now;
            c->fell_back = false;
            c->client->StartScreenShare(path == ScreenPath::kNative);
          }
        } else if constexpr (std::is_same_v<T, ScreenOff>) {
          occurrence.participant = a.participant;
          if (Client* c = client_of(a.participant)) {
            c->last_screen_action_s = now;
            c->client->StopScreenShare();
          }
        } else if constexpr (std::is_same_v<T, EncoderFaults>) {
          occurrence.participant = a.participant;
          occurrence.fault_end_s = now + a.for_s;
          if (Client* c = client_of(a.participant)) {
            c->last_screen_action_s = std::max(c->last_screen_action_s, now + a.for_s);
            c->client->InjectEncoderFault(ToNative(a.kind), sim::Timestamp::SecondsF(now + a.for_s));
          }
        }
      },
      entry.action);
  actions_.push_back(occurrence);
}

bool ScenarioRunner::World::Run(RunResult* result, std::string* error) {
  if (!BuildWorld(error)) return false;
  Schedule();
  sim::Timestamp end = sim::Timestamp::SecondsF(scenario_.duration_s);
  if (real_loop_) {
    // The loop's clock started when the world was made: run until the scenario's end on it.
    const sim::Timestamp now = real_loop_->WallNow();
    if (end > now) real_loop_->RunFor(end - now);
  } else {
    scheduler_.RunUntil(end);
  }
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
      for (const auto& [key, v] : c.client->video_stats()) co.video[key] = ToObservation(key, v);
      for (const Resume& r : resumes_) {
        auto stats = c.client->video_stats().find(r.stream);
        if (r.receiver != id || stats == c.client->video_stats().end()) continue;
        const auto at_us = static_cast<int64_t>(r.at_s * 1e6);
        const auto& renders = stats->second.render_times_us;
        auto first = std::lower_bound(renders.begin(), renders.end(), at_us);
        if (first != renders.end()) {
          co.video[r.stream].first_frame_after_resume_ms.push_back(static_cast<double>(*first - at_us) / 1000.0);
        }
      }
      if (auto st = c.client->native_status()) {
        c.native_seen = true;
        c.native_state = std::string(clients::NativeSenderStateName(st->state));
        c.native_reason = st->last_fallback_reason;
        c.native_transport = st->transport_connected;
        c.native_producer = st->producer_connected;
        RecordLevel(c, st->degradation_level);
      }
      if (c.native_seen || c.native_started) {
        NativeSenderObservation n;
        n.final_state = c.native_state;
        n.last_fallback_reason = c.native_reason;
        n.degradation_level = c.degradation_level;
        n.degradation_level_max = c.degradation_level_max;
        n.transport_connected = c.native_transport;
        n.producer_connected = c.native_producer;
        // Seconds with no observation carry the level before them.
        double level = 0;
        for (double l : c.level_by_second) {
          level = l >= 0 ? l : level;
          n.degradation_level_series.values.push_back(level);
        }
        co.native = std::move(n);
      }
    } else {
      co.final_phase = "idle";
    }
    no_stuck_.OnEnd(end_s, id, c.in_voice, c.last_disturbance_s, co.final_phase);
    if (c.client) {
      bool browser_up = false;
      if (sfu_) {
        sfu::SfuSnapshot s = sfu_->Snapshot();
        for (const auto& [pid, prod] : s.producers) {
          auto user = s.usernames.find(prod.user_id);
          if (user != s.usernames.end() && user->second == id && prod.source == protocol::MediaSource::kScreen &&
              !prod.native) {
            browser_up = true;
          }
        }
      }
      bool fell_back_and_sharing = c.fell_back && c.client->screen_sharing() && c.in_voice;
      no_stuck_.OnSenderEnd(end_s, id, c.native_started, c.native_state, fell_back_and_sharing, browser_up,
                            std::max(c.last_disturbance_s, c.last_screen_action_s));
    }
    o.clients[id] = std::move(co);
  }
  if (sfu_) {
    std::set<std::string> settled;
    for (const auto& [id, c] : clients_) {
      if (c.in_voice && c.client && c.client->phase() == clients::ClientPhase::kActive && c.client->media_complete() &&
          c.last_disturbance_s <= end_s - kConsumeSettleS) {
        settled.insert(id);
      }
    }
    every_consumed_.Check(end_s, sfu_->Snapshot(), settled, producer_since_);
  }
  if (options_.inspect_client) {
    for (const auto& [id, c] : clients_) {
      if (c.client) options_.inspect_client(id, *c.client);
    }
  }
  one_response_.Finish(end_s);
  fallback_.Finish(end_s);
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
      &seq_continuous_, &one_response_, &echo_, &restart_recovers_, &no_stuck_, &fallback_, &router_settings_,
      &ladder_order_, &error_text_, &every_consumed_};
  // fallback_iff_thresholds applies when some desktop participant shares its screen natively.
  bool has_native_share = false;
  for (const Participant& p : scenario_.participants) has_native_share |= SharesNatively(p);
  std::set<std::string> wanted;
  if (scenario_.expect.all_invariants) {
    for (std::string_view n : kInvariantNames) wanted.insert(std::string(n));
  } else {
    wanted.insert(scenario_.expect.invariants.begin(), scenario_.expect.invariants.end());
  }
  for (std::string_view name : kInvariantNames) {
    if (!wanted.count(std::string(name))) continue;
    if ((name == "fallback_iff_thresholds" || name == "degradation_ladder_order") && !has_native_share) {
      r.invariants_not_applicable.push_back(NotApplicable{std::string(name), std::string(kNotApplicableFallback)});
      continue;
    }
    for (const InvariantChecker* c : checkers) {
      if (c->name() == name) r.invariants.push_back(c->Verdict());
    }
  }
  if (sfu_) {
    const auto& k = sfu_->counters();
    o.sfu_counters["key_frame_requests_throttled"] = static_cast<double>(k.key_frame_requests_throttled);
    o.sfu_counters["key_frame_requests_forwarded"] = static_cast<double>(k.key_frame_requests_forwarded);
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
    m["nacks_received"] = static_cast<double>(k.nacks_received);
    m["key_frame_requests_forwarded"] = static_cast<double>(k.key_frame_requests_forwarded);
    m["key_frame_requests_throttled"] = static_cast<double>(k.key_frame_requests_throttled);
  }
  if (!video_producers_.empty()) {
    // What the consumer checkers (paused_consumer_silent, consumer_seq_continuous) saw of video.
    r.metrics.sfu["video_consumer_rtp_checked"] = static_cast<double>(video_consumer_rtp_);
    r.metrics.sfu["fallback_threshold_crossings"] = static_cast<double>(fallback_.crossings());
  }
  r.trace_hash = trace_.trace_hash();
  r.trace_records = trace_.record_count();
  std::string path = options_.scenario_path.empty() ? scenario_.name + ".json" : options_.scenario_path;
  r.reproduce = ReproduceLine(path, options_.seed, options_.mutant_name);
  if (options_.real) {
    r.real = true;
    r.reproduce += " --real";
  }
  if (const auto& f = scenario_.fault_points) {
    nlohmann::ordered_json fp;
    fp["lost_response"] = f->lost_response;
    fp["slow_worker"] = f->slow_worker == FaultPointSettings::kAllWorkers ? nlohmann::ordered_json("all")
                                                                          : nlohmann::ordered_json(f->slow_worker);
    fp["slow_worker_ms"] = f->slow_worker_ms;
    fp["notification_delay"] = f->notification_delay;
    fp["notification_delay_max_ms"] = f->notification_delay_max_ms;
    fp["until_s"] = f->until_s;
    r.fault_points = fp.dump();
  }
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
