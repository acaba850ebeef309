// The words of the scenario format: action, metric, invariant and event names, enum values, and the
// fields each object may hold.
//
// Contract: this is the one list the loader checks against and that the schema test compares
// scenarios/schema/scenario.schema.json with, so the format, the loader and the schema cannot drift
// apart. Names are stable: scenario files, result.json and reports use them. Adding a name is fine;
// renaming one breaks users' files.
// - Metrics: SCENARIO.md's list, plus sfusim's additions (metrics.h defines them): video.kbps_mean,
//   video.kbps_end_mean, video.first_frame_after_join_s, video.key_frames_sent,
//   sfu.key_frame_requests_throttled, video.first_frame_after_resume_ms_max, video.nacks_sent. `participant` is the receiver and `from` the sender; a metric says
//   which of the two apply to it, the range its value lies in (a bound outside it is a mistake), and
//   whether it is a video feature (informational: tools can tell audio-only scenarios apart).
// - Invariants: DESIGN.md's "Invariants" section, one name each (the README lists them).
// - Events: what a run reports in result.json's `events` and an `expect.events` entry can ask
//   for: the client's voice/signaling milestones, and PROTOCOL.md §3's native-sender events (plus
//   degradation_changed: one step of the native sender's degradation ladder, reason "level <n>: ...").
#pragma once

#include <array>
#include <limits>
#include <span>
#include <string_view>

namespace sfusim::scenario {

// ---- Enum values, in the order of the enums in scenario.h ----
inline constexpr std::array<std::string_view, 2> kClientKindNames = {"web", "desktop"};
inline constexpr std::array<std::string_view, 3> kPublishKindNames = {"microphone", "camera", "screen"};
inline constexpr std::array<std::string_view, 2> kScreenPathNames = {"native", "browser"};
inline constexpr std::array<std::string_view, 3> kEncoderFaultKindNames = {"encode_error", "slow_encode",
                                                                           "send_error"};
inline constexpr std::array<std::string_view, 2> kJitterDistributionNames = {"exponential", "uniform"};

// ---- Timeline actions, index-aligned with scenario::Action's alternatives ----
inline constexpr std::array<std::string_view, 17> kActionNames = {
    "set_link", "partition",    "restart_sfu", "crash_worker", "disconnect_signaling", "join",
    "leave",    "switch_channel", "mute",      "unmute",       "camera_on",            "camera_off",
    "screen_on", "screen_off",  "set_channel_codec", "encoder_faults", "send_raw"};

// ---- Object fields (what the loader accepts; anything else is an "unknown field" problem) ----
inline constexpr std::array<std::string_view, 11> kScenarioFields = {
    "$schema", "name", "description", "duration_s", "sfu", "participants", "network", "timeline", "expect",
    "fault_points", "swarm"};
inline constexpr std::array<std::string_view, 6> kFaultPointFields = {
    "lost_response", "slow_worker", "slow_worker_ms", "notification_delay", "notification_delay_max_ms", "until_s"};
inline constexpr std::array<std::string_view, 13> kSwarmFields = {
    "kinds", "loss_max", "burst_len_max", "jitter_ms_max", "capacity_kbps_min", "capacity_kbps_max", "faults_max",
    "min_gap_s", "partition_s_max", "down_s_max", "step_s_max", "quiet_tail_s", "judge"};
inline constexpr std::array<std::string_view, 2> kSfuFields = {"workers", "channels"};
inline constexpr std::array<std::string_view, 2> kChannelFields = {"id", "opus"};
inline constexpr std::array<std::string_view, 3> kOpusFields = {"bitrate", "dtx", "fec"};
inline constexpr std::array<std::string_view, 7> kParticipantFields = {"id",     "client", "channel",  "publish",
                                                                       "camera", "screen", "join_at_s"};
inline constexpr std::array<std::string_view, 4> kCameraFields = {"width", "height", "fps", "bitrate_kbps"};
inline constexpr std::array<std::string_view, 4> kScreenFields = {"path", "tier", "fps", "restart_on_tier_change"};
inline constexpr std::array<std::string_view, 2> kNetworkFields = {"default", "links"};
inline constexpr std::array<std::string_view, 13> kLinkFields = {
    "delay_ms", "jitter_ms",   "reorder", "loss",           "burst_len", "duplicate",          "capacity_kbps",
    "queue_ms", "queue_bytes", "mtu",     "capacity_trace", "up",        "jitter_distribution"};
inline constexpr std::array<std::string_view, 3> kExpectFields = {"invariants", "slo", "events"};
inline constexpr std::array<std::string_view, 6> kSloFields = {"metric", "participant", "from", "after", "min", "max"};
inline constexpr std::array<std::string_view, 3> kEventFields = {"name", "participant", "between_s"};

// Every timeline entry has these two, plus its action's own fields (ActionInfo::fields).
inline constexpr std::array<std::string_view, 2> kTimelineCommonFields = {"at_s", "action"};

struct ActionInfo {
  std::string_view name;
  std::span<const std::string_view> fields;    // besides at_s and action (set_link: plus kLinkFields)
  std::span<const std::string_view> required;  // the subset that must be given
  bool video;                                  // a video feature (camera, screen, native sender)
};

namespace vocabulary_detail {
inline constexpr std::array<std::string_view, 0> kNone = {};
inline constexpr std::array<std::string_view, 1> kLink = {"link"};
inline constexpr std::array<std::string_view, 1> kParticipant = {"participant"};
inline constexpr std::array<std::string_view, 2> kParticipantFor = {"participant", "for_s"};
inline constexpr std::array<std::string_view, 1> kDown = {"down_s"};
inline constexpr std::array<std::string_view, 1> kWorker = {"worker"};
inline constexpr std::array<std::string_view, 2> kParticipantChannel = {"participant", "channel"};
inline constexpr std::array<std::string_view, 2> kParticipantPath = {"participant", "path"};
inline constexpr std::array<std::string_view, 2> kChannelOpus = {"channel", "opus"};
inline constexpr std::array<std::string_view, 3> kEncoderFaults = {"participant", "kind", "for_s"};
inline constexpr std::array<std::string_view, 4> kSendRaw = {"participant", "message", "count", "interval_ms"};
inline constexpr std::array<std::string_view, 2> kParticipantMessage = {"participant", "message"};
}  // namespace vocabulary_detail

// Index-aligned with kActionNames.
inline constexpr std::array<ActionInfo, 17> kActions = {{
    {"set_link", vocabulary_detail::kLink, vocabulary_detail::kLink, false},
    {"partition", vocabulary_detail::kParticipantFor, vocabulary_detail::kParticipantFor, false},
    {"restart_sfu", vocabulary_detail::kDown, vocabulary_detail::kNone, false},
    {"crash_worker", vocabulary_detail::kWorker, vocabulary_detail::kWorker, false},
    {"disconnect_signaling", vocabulary_detail::kParticipant, vocabulary_detail::kParticipant, false},
    {"join", vocabulary_detail::kParticipantChannel, vocabulary_detail::kParticipant, false},
    {"leave", vocabulary_detail::kParticipant, vocabulary_detail::kParticipant, false},
    {"switch_channel", vocabulary_detail::kParticipantChannel, vocabulary_detail::kParticipantChannel, false},
    {"mute", vocabulary_detail::kParticipant, vocabulary_detail::kParticipant, false},
    {"unmute", vocabulary_detail::kParticipant, vocabulary_detail::kParticipant, false},
    {"camera_on", vocabulary_detail::kParticipant, vocabulary_detail::kParticipant, true},
    {"camera_off", vocabulary_detail::kParticipant, vocabulary_detail::kParticipant, false},
    {"screen_on", vocabulary_detail::kParticipantPath, vocabulary_detail::kParticipant, true},
    {"screen_off", vocabulary_detail::kParticipant, vocabulary_detail::kParticipant, false},
    {"set_channel_codec", vocabulary_detail::kChannelOpus, vocabulary_detail::kChannelOpus, false},
    {"encoder_faults", vocabulary_detail::kEncoderFaults, vocabulary_detail::kEncoderFaults, true},
    {"send_raw", vocabulary_detail::kSendRaw, vocabulary_detail::kParticipantMessage, false},
}};

// ---- Metrics (SCENARIO.md) ----
struct MetricInfo {
  std::string_view name;
  bool takes_participant;  // the receiver (or, for signaling/rejoin metrics, the client measured)
  bool takes_from;         // the sender
  bool video;  // a video/screen metric
  double lowest;   // the value always lies in [lowest, highest]
  double highest;
};

inline constexpr double kUnbounded = std::numeric_limits<double>::infinity();

inline constexpr std::array<MetricInfo, 25> kMetrics = {{
    {"audio.recovery_s", true, true, false, 0, kUnbounded},
    {"audio.delay_ms_p50", true, true, false, 0, kUnbounded},
    {"audio.delay_ms_p95", true, true, false, 0, kUnbounded},
    {"audio.concealed_ratio", true, true, false, 0, 1},
    {"audio.no_data_ratio", true, true, false, 0, 1},  // sfusim's addition
    {"audio.mos", true, true, false, 1, 5},
    {"video.psnr_db_p50", true, true, true, 0, kUnbounded},
    {"video.freeze_count", true, true, true, 0, kUnbounded},
    {"video.freeze_total_s", true, true, true, 0, kUnbounded},
    {"video.fps", true, true, true, 0, kUnbounded},
    {"video.delay_ms_p95", true, true, true, 0, kUnbounded},
    {"video.keyframe_after_pli_ms_max", true, true, true, 0, kUnbounded},
    {"video.kbps_mean", true, true, true, 0, kUnbounded},      // sfusim's addition (metrics.h)
    {"video.kbps_end_mean", true, true, true, 0, kUnbounded},  // sfusim's addition (metrics.h)
    {"video.first_frame_after_join_s", true, true, true, 0, kUnbounded},  // sfusim's addition
    {"video.first_frame_after_resume_ms_max", true, true, true, 0, kUnbounded},  // sfusim's addition
    {"video.nacks_sent", true, true, true, 0, kUnbounded},                    // sfusim's addition
    // Sender-side: the sending participant is `participant`.
    {"video.key_frames_sent", true, false, true, 0, kUnbounded},  // sfusim's addition
    // Sender-side: the sharing participant is `participant`.
    {"screen.fallback_triggered_s", true, false, true, 0, kUnbounded},
    {"screen.degradation_level_max", true, false, true, 0, kUnbounded},
    {"signaling.errors", true, false, false, 0, kUnbounded},
    {"signaling.timeouts", true, false, false, 0, kUnbounded},
    {"rejoin_s_max", true, false, false, 0, kUnbounded},
    {"sfu.consumers_leaked", false, false, false, 0, kUnbounded},
    {"sfu.key_frame_requests_throttled", false, false, true, 0, kUnbounded},  // sfusim's addition
}};

const MetricInfo* FindMetric(std::string_view name);

// ---- Invariants (DESIGN.md "Invariants"; checked continuously during a run) ----
inline constexpr std::array<std::string_view, 16> kInvariantNames = {
    "membership_maps_agree",          // connection -> channel and channel -> users agree
    "consumer_has_producer",          // every consumer's producer exists, in the same channel
    "no_consumer_outlives_producer",  // a producer's close closes its consumers
    "one_camera_one_screen",          // at most one camera and one screen producer per connection
    "ssrc_unique",                    // SSRCs unique per router
    "paused_consumer_silent",         // a paused consumer forwards nothing
    "consumer_seq_continuous",        // output sequence numbers continuous (gaps only for input loss)
    "one_response_per_request",       // every request gets exactly one response or times out
    "no_voice_activity_echo",         // voice activity never goes back to the speaker
    "restart_recovers",               // after a restart every client is back with all its media in bound
    "fallback_iff_thresholds",        // fallback fires when, and only when, the thresholds are crossed
    "no_stuck_state",                 // every started sender ends running, stopped or fallen back
    "router_follows_codec_settings",  // a join after a codec change gets a router with the new settings
    "degradation_ladder_order",       // the native ladder lowers fps, tier, bitrate; climbs back in reverse
    "no_internal_error_text",         // errors carry stable codes and never leak internal library text
    "every_producer_consumed",        // a settled member consumes every other member's producer
};

// ---- Events (result.json `events`, expect.events `name`) ----
struct EventInfo {
  std::string_view name;
  bool video;  // the native sender's events (PROTOCOL.md §3)
};
inline constexpr std::array<EventInfo, 13> kEvents = {{
    {"voice_joined", false},            // the client got voice_joined
    {"voice_left", false},              // the client left voice (leave, or its connection dropped)
    {"signaling_disconnected", false},  // the client saw its signaling stream drop
    {"signaling_reconnected", false},   // the client reconnected and rejoined after a drop/restart
    {"media_restored", false},          // every stream the client had before a disruption flows again
    {"worker_restarted", false},        // the SFU noticed a crashed worker and restarted it
    {"sender_started", true},
    {"sender_stopped", true},
    {"encode_error", true},
    {"transport_error", true},
    {"fallback_triggered", true},
    {"fallback_completed", true},
    {"degradation_changed", true},  // the native sender's ladder moved one step (reason: its new level)
}};

const EventInfo* FindEvent(std::string_view name);
const ActionInfo* FindAction(std::string_view name);

}  // namespace sfusim::scenario
