// The model half of the stateful signaling model: what the reference SFU should hold after each
// command, as plain values, kept independently of the SFU's code. Commands (commands_*.h) read it
// to predict each response and update it in apply(); the invariant checks (invariants.h) compare
// the SFU's snapshot with it after every step.
//
// The model predicts the SFU's ids ("u-N", "t-N", "p-N", "c-N" from per-server counters) so that a
// command can name a target chosen when it was generated; the SFU restart resets the counters.
// Time is the model's too: every command advances `now_ms` by a fixed amount that is a multiple of
// kStepMs, so the rate limiter's 5 s window never ends on a command's start (5000 is no multiple
// of 30) and the model's sliding window agrees with the server's exactly.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sfusim/protocol/limits.h"
#include "sfusim/protocol/rtp_parameters/router_capabilities.h"
#include "sfusim/protocol/signaling/media_types.h"

namespace sfusim::sfu::test::model {

using protocol::MediaKind;
using protocol::MediaSource;
using protocol::OpusSettings;

inline constexpr int kClients = 3;
// Channels on both workers of the default 2: 'a' (97) and 'c' (99) on worker 1, 'b' (98) on 0.
inline constexpr std::array<const char*, 3> kChannels = {"alpha", "bravo", "charlie"};
inline constexpr int kWorkers = protocol::kDefaultWorkerCount;
inline constexpr int64_t kStepMs = 30;  // one command's time: a request and its answer (RTT 10 ms)
// After a worker crash the health check (every 500 ms) finds it and restarts it 200 ms later.
inline constexpr int64_t kWorkerRecoveryMs = 26 * kStepMs;
// The waits a Wait command picks from; the longest passes the 5 s rate-limit window.
inline constexpr std::array<int64_t, 4> kWaitsMs = {10 * kStepMs, 34 * kStepMs, 100 * kStepMs, 170 * kStepMs};

// A video producer is asked for a key frame at most this often (sfu_constants.h); 500 is no
// multiple of kStepMs, so the throttle never decides on a tie.
inline constexpr int64_t kKeyFrameMinIntervalMs = 500;

// The router's Opus codec (PROTOCOL.md §2), whose fmtp carries the channel's settings.
inline constexpr const char* kOpusMimeType = "audio/opus";
// media_router_reset's reason when a join rebuilt the router for new codec settings.
inline constexpr const char* kResetReasonCodecChanged = "codec_changed";

inline int WorkerOf(const std::string& channel) {
  return static_cast<unsigned char>(channel[0]) % kWorkers;
}

// The server's sliding window (PROTOCOL.md §1: 80 media_signal events per 5 s), re-expressed.
// (A vector, not a deque: the model is copied on every step, and an empty deque allocates.)
struct RateWindow {
  std::vector<int64_t> allowed_ms;  // oldest first
  // Counts the event and says whether the server allows it.
  bool Allow(int64_t now_ms) {
    auto live = allowed_ms.begin();
    while (live != allowed_ms.end() && *live <= now_ms - protocol::kRateLimitWindowUs / 1000) ++live;
    allowed_ms.erase(allowed_ms.begin(), live);
    if (static_cast<int>(allowed_ms.size()) >= protocol::kRateLimitMaxEvents) return false;
    allowed_ms.push_back(now_ms);
    return true;
  }
};

struct MTransport {
  std::string id;  // "" = none
  bool connected = false;
};

struct MProducer {
  std::string id;
  int owner = 0;
  std::string channel;
  MediaSource source = MediaSource::kMicrophone;
  uint32_t ssrc = 0;
  std::optional<int64_t> last_key_frame_request_ms;  // video: the SFU asks at most every 500 ms
};

struct MConsumer {
  std::string id;
  int owner = 0;
  std::string producer_id;
  bool paused = true;
};

struct MClient {
  bool online = false;
  std::string user_id;
  std::string channel;  // "" = in no channel
  MTransport send, recv;
  RateWindow rate;
};

struct Model {
  std::array<MClient, kClients> clients;
  std::map<std::string, MProducer> producers;  // by id
  std::map<std::string, MConsumer> consumers;  // by id
  std::map<std::string, uint64_t> router_generation;  // by channel, once a router exists
  // PROTOCOL.md §2: a channel's codec settings (opus_bitrate/dtx/fec) take effect for the next
  // join. channel_opus: the settings in force (SetCodec; absent = defaults); router_opus: what each
  // router was built with, which is what get_router_rtp_capabilities answers until a rebuild.
  std::map<std::string, OpusSettings> channel_opus;
  std::map<std::string, OpusSettings> router_opus;
  int64_t now_ms = 0;
  int next_user = 0, next_transport = 0, next_producer = 0, next_consumer = 0;
  uint32_t next_ssrc = 0x1000;  // producers' SSRCs, chosen by the clients
  int next_request = 0;         // request ids "q<N>", unique over the run

  MClient& C(int i) { return clients[static_cast<std::size_t>(i)]; }
  const MClient& C(int i) const { return clients[static_cast<std::size_t>(i)]; }
  int CountSource(int i, MediaSource s) const {
    int n = 0;
    for (const auto& [id, p] : producers) n += (p.owner == i && p.source == s);
    return n;
  }
  int CountProducers(int i) const {
    int n = 0;
    for (const auto& [id, p] : producers) n += (p.owner == i);
    return n;
  }
  std::vector<int> Members(const std::string& channel) const {
    std::vector<int> out;
    for (int i = 0; i < kClients; ++i)
      if (C(i).online && C(i).channel == channel) out.push_back(i);
    return out;
  }

  // The server's CloseProducer: its consumers close with it.
  void CloseProducer(const std::string& id) {
    producers.erase(id);
    for (auto it = consumers.begin(); it != consumers.end();) it = it->second.producer_id == id ? consumers.erase(it) : ++it;
  }
  // The server's CloseConnMedia (leave, switch, disconnect): producers, consumers and transports.
  void CloseMedia(int i) {
    std::vector<std::string> mine;
    for (const auto& [id, p] : producers)
      if (p.owner == i) mine.push_back(id);
    for (const auto& id : mine) CloseProducer(id);
    for (auto it = consumers.begin(); it != consumers.end();) it = it->second.owner == i ? consumers.erase(it) : ++it;
    C(i).send = {};
    C(i).recv = {};
  }
  void LeaveChannel(int i) {
    CloseMedia(i);
    C(i).channel.clear();
  }
  OpusSettings Settings(const std::string& channel) const {
    const auto it = channel_opus.find(channel);
    return it == channel_opus.end() ? OpusSettings{} : it->second;
  }
  // Client i joins `channel` (switching from its channel, if any). A repeated join of the channel
  // it is in changes nothing. Returns true when this join rebuilt the channel's router: it existed
  // with other settings than those in force, so it comes back one generation later and everything
  // of the members already there (not the joiner) is gone; each of them is told with
  // media_router_reset (the caller's prediction). This holds for an empty channel too: its router
  // outlives its last member.
  bool Join(int i, const std::string& channel) {
    if (C(i).channel == channel) return false;
    if (!C(i).channel.empty()) LeaveChannel(i);
    const OpusSettings want = Settings(channel);
    bool rebuilt = false;
    if (router_generation.emplace(channel, 1).second) {
      router_opus[channel] = want;
    } else if (!(router_opus[channel] == want)) {
      ++router_generation[channel];
      router_opus[channel] = want;
      for (int j : Members(channel)) CloseMedia(j);  // i is not a member yet
      rebuilt = true;
    }
    C(i).channel = channel;
    return rebuilt;
  }
  void GoOffline(int i) {
    if (!C(i).channel.empty()) LeaveChannel(i);
    C(i) = MClient{};
  }
  // A worker crash and its restart: every router on it loses everything and comes back one
  // generation later, built with the settings in force.
  void WorkerRestarted(int worker) {
    for (auto& [channel, gen] : router_generation) {
      if (WorkerOf(channel) != worker) continue;
      ++gen;
      router_opus[channel] = Settings(channel);
      for (int i : Members(channel)) CloseMedia(i);
    }
  }
  // The SFU host restarts: a fresh server with nobody connected and fresh id counters; the
  // channels' settings are configuration and survive (its routers are built with them).
  void SfuRestarted() {
    const int64_t now = now_ms;
    const uint32_t ssrc = next_ssrc;
    const int request = next_request;
    auto settings = std::move(channel_opus);
    *this = Model{};
    now_ms = now;
    next_ssrc = ssrc;
    next_request = request;
    channel_opus = std::move(settings);
  }
};

// Opus settings as one word, as the model's message lines show them: "32000/dtx0/fec1".
inline std::string OpusLine(const OpusSettings& o) {
  return std::to_string(o.bitrate_bps) + "/dtx" + (o.dtx ? "1" : "0") + "/fec" + (o.fec ? "1" : "0");
}

inline std::string SourceName(MediaSource s) {
  switch (s) {
    case MediaSource::kMicrophone: return "microphone";
    case MediaSource::kCamera: return "camera";
    case MediaSource::kScreen: return "screen";
  }
  return "?";
}

}  // namespace sfusim::sfu::test::model
