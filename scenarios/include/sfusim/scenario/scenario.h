// Scenario: the typed model of one scenario file (../shared/SCENARIO.md), as the loader returns it.
//
// Contract:
// - Field names are the file's names; numbers keep the file's units (seconds, ms, kbps, bit/s).
//   Every optional field of the file holds its default here once loaded (the defaults are written
//   beside each field), so a consumer never has to know which fields the author wrote, with one
//   exception: link settings stay partial (LinkSettings), because their meaning is layered
//   (network.default <- network.links <- set_link) and ApplyLinkSettings resolves them.
// - A Scenario that came out of LoadScenario* is valid: ids are unique, every reference (channel,
//   participant, worker, link, `after` action) resolves, every time lies in [0, duration_s], the
//   timeline is sorted by at_s (ties keep file order), every link layer passes
//   sim::ValidateLinkConfig, and joins/leaves are consistent with who is in voice at that time.
// - Timeline semantics: at equal times, participants' initial joins (join_at_s) happen before the
//   timeline's actions, which happen in file order.
// - Plain values with value equality; no behaviour beyond lookups.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sfusim/scenario/link_settings.h"
#include "sfusim/scenario/swarm_settings.h"

namespace sfusim::scenario {

enum class ClientKind { kWeb, kDesktop };                  // "web" | "desktop"
enum class PublishKind { kMicrophone, kCamera, kScreen };  // "microphone" | "camera" | "screen"
enum class ScreenPath { kNative, kBrowser };               // "native" | "browser"
enum class EncoderFaultKind { kEncodeError, kSlowEncode, kSendError };  // "encode_error" | ...

std::string_view ToString(ClientKind kind);
std::string_view ToString(PublishKind kind);
std::string_view ToString(ScreenPath path);
std::string_view ToString(EncoderFaultKind kind);

// A channel's Opus settings (PROTOCOL.md §2: opus_bitrate, opus_dtx, opus_fec).
struct OpusSettings {
  int64_t bitrate = 32'000;  // bit/s, [protocol::kOpusMinBitrateBps, kOpusMaxBitrateBps]
  bool dtx = false;
  bool fec = true;
  bool operator==(const OpusSettings&) const = default;
};

// set_channel_codec's partial change: unset fields keep the channel's current value.
struct OpusChange {
  std::optional<int64_t> bitrate;
  std::optional<bool> dtx;
  std::optional<bool> fec;
  bool operator==(const OpusChange&) const = default;
};

struct Channel {
  std::string id;  // required, unique, [A-Za-z0-9._-]{1,128}
  OpusSettings opus;
  bool operator==(const Channel&) const = default;
};

struct Sfu {
  int workers = 2;  // [1, kMaxWorkers]; default protocol::kDefaultWorkerCount
  // Default: one channel {"id": "lobby"} with default Opus settings. 1..kMaxChannels.
  std::vector<Channel> channels;
  bool operator==(const Sfu&) const = default;
};

struct CameraSettings {
  int width = 640;   // even, [kMinVideoDimension, kMaxVideoWidth]
  int height = 360;  // even, [kMinVideoDimension, kMaxVideoHeight]
  int fps = 30;      // [kMinFps, kMaxFps]
  int bitrate_kbps = 700;  // [kMinCameraBitrateKbps, kMaxCameraBitrateKbps]
  bool operator==(const CameraSettings&) const = default;
};

struct ScreenSettings {
  // Default: kNative for a desktop client, kBrowser for a web client (which has no native path).
  ScreenPath path = ScreenPath::kBrowser;
  std::string tier = "1080p";  // one of protocol::kResolutionTiers: the starting tier
  int fps = 30;                // [kMinFps, kMaxFps]
  // Desktop only: the native sender rebuilds its encoder and packetizer on every resolution-tier
  // change, so its RTP sequence restarts on the same SSRC (clients::ScreenConfig's).
  bool restart_on_tier_change = false;
  bool operator==(const ScreenSettings&) const = default;
};

struct Participant {
  std::string id;                        // required, unique, [A-Za-z0-9._-]{1,64}, not "sfu"
  ClientKind client = ClientKind::kWeb;  // desktop behaves as web until the native sender exists
  std::string channel;                   // default: the first of sfu.channels
  std::vector<PublishKind> publish = {PublishKind::kMicrophone};  // distinct items, may be empty
  CameraSettings camera;
  ScreenSettings screen;
  double join_at_s = 0;  // [0, duration_s]

  bool Publishes(PublishKind kind) const;
  bool operator==(const Participant&) const = default;
};

struct Network {
  LinkSettings defaults;  // the file's "default"
  // Per-link overrides, by link name ("alice->sfu", "sfu->alice"); std::map: a stable order.
  std::map<std::string, LinkSettings> links;
  bool operator==(const Network&) const = default;
};

// ---- Timeline actions: one struct per action, named after it. ----
struct SetLink {  // "set_link": change some fields of one link from at_s on
  std::string link;  // "<p>->sfu" | "sfu-><p>"
  LinkSettings settings;  // at least one field
  bool operator==(const SetLink&) const = default;
};
struct Partition {  // both directions of the participant's path are down for for_s (media and signaling)
  std::string participant;
  double for_s = 0;  // > 0, at_s + for_s <= duration_s
  bool operator==(const Partition&) const = default;
};
struct RestartSfu {  // the SFU host restarts, losing all state; clients reconnect
  double down_s = 0;  // how long it stays down before it starts again, [0, kMaxSfuDownS]
  bool operator==(const RestartSfu&) const = default;
};
struct CrashWorker {
  int worker = 0;  // [0, sfu.workers)
  bool operator==(const CrashWorker&) const = default;
};
struct DisconnectSignaling {  // the signaling stream drops; the client reconnects with backoff
  std::string participant;
  bool operator==(const DisconnectSignaling&) const = default;
};
struct Join {  // join_voice; the participant must not be in voice at that time
  std::string participant;
  std::string channel;  // default: the participant's `channel`
  bool operator==(const Join&) const = default;
};
struct Leave {  // leave_voice; the participant must be in voice
  std::string participant;
  bool operator==(const Leave&) const = default;
};
struct SwitchChannel {  // join_voice of another channel while in voice
  std::string participant;
  std::string channel;  // must differ from the channel the participant is in
  bool operator==(const SwitchChannel&) const = default;
};
struct Mute {  // the participant must publish the microphone
  std::string participant;
  bool operator==(const Mute&) const = default;
};
struct Unmute {
  std::string participant;
  bool operator==(const Unmute&) const = default;
};
struct CameraOn {  // needs the video issue
  std::string participant;
  bool operator==(const CameraOn&) const = default;
};
struct CameraOff {
  std::string participant;
  bool operator==(const CameraOff&) const = default;
};
struct ScreenOn {  // needs the video issue
  std::string participant;
  std::optional<ScreenPath> path;  // default: the participant's screen.path
  bool operator==(const ScreenOn&) const = default;
};
struct ScreenOff {
  std::string participant;
  bool operator==(const ScreenOff&) const = default;
};
struct SetChannelCodec {  // takes effect for the next join (PROTOCOL.md §2)
  std::string channel;
  OpusChange opus;  // at least one field
  bool operator==(const SetChannelCodec&) const = default;
};
struct EncoderFaults {  // the native sender's encoder/sender fails for for_s; needs the video issue
  std::string participant;  // a desktop client
  EncoderFaultKind kind = EncoderFaultKind::kEncodeError;  // required in the file
  double for_s = 0;  // > 0, at_s + for_s <= duration_s
  bool operator==(const EncoderFaults&) const = default;
};
struct SendRaw {  // send a signaling message as given, valid or not, on the participant's stream
  std::string participant;
  // The exact text sent: the file's "message" verbatim when it is a JSON string (so it may be
  // malformed JSON), otherwise the compact dump of the JSON value. At most kMaxRawMessageBytes.
  std::string payload;
  int count = 1;           // sent this many times, [1, kMaxRawCount]
  double interval_ms = 0;  // apart (0: back to back), [0, kMaxRawIntervalMs]; the last send is by duration_s
  bool operator==(const SendRaw&) const = default;
};

using Action = std::variant<SetLink, Partition, RestartSfu, CrashWorker, DisconnectSignaling, Join, Leave,
                            SwitchChannel, Mute, Unmute, CameraOn, CameraOff, ScreenOn, ScreenOff,
                            SetChannelCodec, EncoderFaults, SendRaw>;
// The file's name of the action ("set_link", ...); index-aligned with kActionNames.
std::string_view ActionName(const Action& action);

struct TimelineEntry {
  double at_s = 0;  // [0, duration_s]
  Action action;
  bool operator==(const TimelineEntry&) const = default;
};

// ---- Expectations ----
struct Slo {
  std::string metric;       // one of kMetrics (vocabulary.h)
  std::string participant;  // the receiver; "" = the worst over all
  std::string from;         // the sender; "" = the worst over all
  std::string after;        // an action name present in the timeline; "" = the whole run
  std::optional<double> min;  // at least one of min, max; min <= max
  std::optional<double> max;
  bool operator==(const Slo&) const = default;
};

struct EventExpectation {  // at least one event `name` (of `participant`, if given) within between_s
  std::string name;         // one of kEventNames (vocabulary.h)
  std::string participant;  // "" = anyone
  std::optional<std::pair<double, double>> between_s;  // [a, b] inclusive; unset = the whole run
  bool operator==(const EventExpectation&) const = default;
};

struct Expectations {
  // "all" (all_invariants, the default) or a list of names from kInvariantNames ([] = none).
  bool all_invariants = true;
  std::vector<std::string> invariants;  // empty when all_invariants
  std::vector<Slo> slo;
  std::vector<EventExpectation> events;
  bool operator==(const Expectations&) const = default;
};

struct Scenario {
  std::string name;         // required, [A-Za-z0-9._-]{1,128}
  std::string description;  // default ""
  double duration_s = 0;    // required, (0, kMaxDurationS]
  Sfu sfu;
  std::vector<Participant> participants;  // required, 1..kMaxParticipants
  Network network;
  std::vector<TimelineEntry> timeline;  // default []
  Expectations expect;
  std::optional<FaultPointSettings> fault_points;  // the file's "fault_points" (default: none)
  std::optional<SwarmRanges> swarm;                // the file's "swarm": ranges for --swarm (default: none)

  const Participant* FindParticipant(std::string_view id) const;
  const Channel* FindChannel(std::string_view id) const;
  // The link's config before any set_link: LinkConfig{} <- network.default <- network.links[name].
  sim::LinkConfig LinkConfigFor(const LinkName& link) const;
  bool operator==(const Scenario&) const = default;
};

}  // namespace sfusim::scenario
