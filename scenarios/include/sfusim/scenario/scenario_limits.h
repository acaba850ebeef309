// The bounds a scenario file must stay within (DESIGN.md: "put a limit on everything").
//
// Contract: the loader (scenario_loader.h) enforces every one of these and reports a problem naming
// the field and the bound when one is exceeded; the JSON Schema (scenarios/schema/scenario.schema.json)
// states the same numbers. Nothing here is a number from PROTOCOL.md (those live in
// sfusim/protocol/limits.h and are used from there: Opus bitrate range, channel id length, resolution
// tiers, the default worker count); these are sfusim's own choices, sized far above any sensible
// scenario so that they only stop mistakes (a duration in milliseconds, a runaway generated file).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sfusim::scenario {

// The file as a whole.
inline constexpr std::size_t kMaxScenarioFileBytes = 1 << 20;  // 1 MiB: checked before parsing
inline constexpr std::size_t kMaxJsonDepth = 64;                 // nesting of objects/arrays
inline constexpr std::size_t kMaxProblems = 200;                 // then one "too_many_problems"

// Top level.
inline constexpr std::size_t kMaxScenarioNameChars = 128;  // [A-Za-z0-9._-]: used in file names
inline constexpr std::size_t kMaxDescriptionChars = 2000;
inline constexpr double kMaxDurationS = 24.0 * 3600;  // one simulated day

// sfu.
inline constexpr int kMaxWorkers = 64;
inline constexpr std::size_t kMaxChannels = 64;

// participants.
inline constexpr std::size_t kMaxParticipants = 256;
inline constexpr std::size_t kMaxParticipantIdChars = 64;  // [A-Za-z0-9._-], never "sfu"
inline constexpr int kMinVideoDimension = 16;
inline constexpr int kMaxVideoWidth = 3840;
inline constexpr int kMaxVideoHeight = 2160;
inline constexpr int kMinFps = 1;
inline constexpr int kMaxFps = 60;
inline constexpr int kMinCameraBitrateKbps = 30;
inline constexpr int kMaxCameraBitrateKbps = 20'000;

// network: bounds the loader checks itself before converting to sim::LinkConfig (so that the
// conversion stays exact); every other link rule is sim::ValidateLinkConfig's.
inline constexpr double kMaxLinkMs = 3'600'000;          // delay, jitter, queue: 1 hour (sim::kMaxLinkDelay)
inline constexpr double kMaxCapacityKbps = 100'000'000;  // 100 Gbit/s
inline constexpr int64_t kMaxQueueBytes = int64_t{1} << 30;
inline constexpr int kMaxMtuBytes = 65'535;
inline constexpr std::size_t kMaxCapacityTracePoints = 10'000;

// timeline.
inline constexpr std::size_t kMaxTimelineEntries = 10'000;
inline constexpr double kMaxSfuDownS = 600;                  // restart_sfu's down_s
inline constexpr std::size_t kMaxRawMessageBytes = 64 * 1024;  // send_raw: twice the protocol's 32 KiB
inline constexpr int kMaxRawCount = 10'000;                  // send_raw's count
inline constexpr double kMaxRawIntervalMs = 60'000;          // send_raw's interval_ms

// expect.
inline constexpr std::size_t kMaxSlos = 256;
inline constexpr std::size_t kMaxEventExpectations = 256;

}  // namespace sfusim::scenario
