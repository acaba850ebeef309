// The mutants (DESIGN.md "Mutants"): each a named defect of the reference SFU (sfu::SfuMutants)
// or client (clients::ClientMutants), off by default, switched on by `--mutant NAME`.
//
// Contract: kMutants is the complete list, one entry per switch, SFU switches first in the order
// SfuMutants declares them, then the client's; a name is its switch's field name with '-' for '_'
// (the stateful fuzzer's SFUSIM_FUZZ_MUTANT takes the field name). ApplyMutant sets the named
// switch and returns false (changing nothing) for an unknown name. `known_defect` marks the
// defects PROTOCOL.md lists; the others are defects a real SFU or client could plausibly have.
#pragma once

#include <array>
#include <string_view>

#include "sfusim/clients/client_mutants.h"
#include "sfusim/sfu/sfu_mutants.h"

namespace sfusim::scenario {

struct Mutants {
  sfu::SfuMutants sfu;
  clients::ClientMutants client;
  bool operator==(const Mutants&) const = default;
};

struct MutantSpec {
  std::string_view name;
  bool known_defect;      // listed as a "known defect" in PROTOCOL.md
  std::string_view what;  // one line
};

inline constexpr std::array<MutantSpec, 21> kMutants = {{
    {"consumer-leak", true, "consumers are not closed with their producer"},
    {"transport-replace", true, "a second transport for a direction silently replaces the first"},
    {"producer-limit-race", true, "check-then-create race on the one-camera/one-screen limit"},
    {"router-cache", true, "a channel's router is never rebuilt after a codec change"},
    {"no-worker-health", true, "nothing notices a crashed worker"},
    {"voice-echo", true, "voice activity is echoed to the speaker"},
    {"paused-forwarding", false, "a paused consumer still forwards"},
    {"no-keyframe-on-resume", false, "resuming a video consumer does not request a key frame"},
    {"pli-unthrottled", false, "PLI/FIR from consumers reach the producer unthrottled"},
    {"rate-limiter-no-reset", false, "the media_signal rate limiter never resets"},
    {"ssrc-prefix", true, "the native SSRC is the first 4 bytes of the connection id, not unique"},
    {"unbounded-preferred-codecs", true, "create_native_sender_session takes a preferred_codecs list of any length"},
    {"error-text-leak", true, "an internal library error's text is sent to the client"},
    {"membership-lost-on-restart", true, "a worker restart loses its channels' membership, nobody told"},
    {"producer-owner-lookup-skip", true, "the recv transport's producer batch skips the first member's producers"},
    {"seq-not-rewritten", false, "a consumer does not re-sync its sequence numbers when its producer's stream restarts"},
    {"fallback-never", false, "the native sender never falls back"},
    {"ladder-wrong-order", false, "the degradation ladder lowers bitrate, then tier, then fps"},
    {"sticky-native-flag", true, "after a native attempt every screen share takes the browser path"},
    {"nack-for-reorder", false, "the video receiver NACKs mere reordering (no reorder wait)"},
    {"backoff-no-cap", false, "the reconnect backoff has no maximum delay"},
}};

bool ApplyMutant(std::string_view name, Mutants& mutants);

}  // namespace sfusim::scenario
