// RequestRetry: what the web client does when one media_signal request times out (PROTOCOL.md §4:
// each request times out after 10 s), instead of dropping signaling and redoing the whole setup
// (about 2N+5 requests for N others in the channel) for every lost answer.
//
// Why a timeout is not simply "the request failed": the signaling stream is reliable and ordered,
// so a timeout on an open stream means the server is slow or its answer was lost AFTER its state
// changed (the SFU's lost_response fault point models this). A repeat must therefore be safe when
// the first copy already took effect. Per action:
// - get_router_rtp_capabilities, media_resume_consumer: idempotent; repeated as they are.
// - connect_webrtc_transport: repeated; a repeat answered invalid_value ("already connected": the
//   only invalid_value the SFU can give to the same parameters that it did not refuse the first
//   time, and an error answer is never the lost one) counts as success (kAlreadyDone).
// - media_close_producer: repeated; a repeat answered producer_not_found counts as success.
// - media_consume: repeated; if the first copy took effect, the SFU now has a second consumer of
//   the producer. The first one is an orphan the client cannot close (no close-consumer action):
//   it stays paused (forwards nothing) and closes with the producer or the connection. At most
//   kMaxRequestAttempts - 1 orphans per consume, so a bounded, silent leftover.
// - create_webrtc_transport, media_produce, create_native_sender_session: repeated (the first copy
//   may not have taken effect); a repeat answered transport_exists / producer_limit /
//   invalid_value (SSRC in use) means the object exists but its id, ICE/DTLS parameters or RTP
//   target were in the lost answer and cannot be asked for again: kExistsUnknownId, and the
//   client falls back to the full re-setup on a fresh connection (a clean server state) - unless
//   it never needs that id (NeedsCreatedId): the microphone producer is only ever closed with the
//   channel or the connection, never by id, and its media flows by the SSRC the client chose, so
//   the client takes it as produced.
// - client_diagnostic: fire and forget, never repeated (kNeverRepeat).
// A request that times out kMaxRequestAttempts times also falls back to the full re-setup.
//
// Contract:
// - RetryDelay(attempt) is the pause before sending attempt `attempt` (2-based: attempt 2 is the
//   first repeat): kRequestRetryInitialDelay * 2^(attempt-2), at most kRequestRetryMaxDelay; no
//   jitter (deterministic; clients time out at different moments anyway).
// - PlanAfterTimeout(action, attempts_sent) says whether to repeat and after how long.
// - ClassifyRepeatError(action, code) says what an error answer to a REPEAT means (for a first
//   attempt an error means just what it says; the caller does not ask).
// - NeedsCreatedId(body): false only for the microphone's media_produce.
// - AssumedSuccess(action) is the result the client acts on for kAlreadyDone (empty result types).
// Pure functions: no state, no clock.
#pragma once

#include <optional>
#include <string_view>

#include "sfusim/protocol/signaling/client_messages.h"
#include "sfusim/protocol/signaling/media_types.h"
#include "sfusim/protocol/signaling/server_messages.h"
#include "sfusim/sim/time_delta.h"

namespace sfusim::clients {

inline constexpr int kMaxRequestAttempts = 3;  // the first send and two repeats
inline constexpr sim::TimeDelta kRequestRetryInitialDelay = sim::TimeDelta::Millis(250);
inline constexpr double kRequestRetryMultiplier = 2.0;
inline constexpr sim::TimeDelta kRequestRetryMaxDelay = sim::TimeDelta::Seconds(2);

enum class RepeatPolicy {
  kIdempotent,        // the same request again; the same answer
  kRepeatAndReconcile,  // again; an error answer may mean "the first copy took effect"
  kNeverRepeat,       // fire and forget
};

RepeatPolicy RepeatPolicyOf(protocol::MediaAction action);

struct TimeoutPlan {
  bool repeat = false;           // false: fall back to the full re-setup (or, kNeverRepeat, forget it)
  sim::TimeDelta delay;          // before the repeat
};

sim::TimeDelta RetryDelay(int attempt);
TimeoutPlan PlanAfterTimeout(protocol::MediaAction action, int attempts_sent);

enum class RepeatAnswer {
  kAsAnswered,       // the error means what it says
  kAlreadyDone,      // the first copy took effect and nothing was lost with its answer
  kExistsUnknownId,  // the first copy took effect; what its answer carried is lost for good
};

RepeatAnswer ClassifyRepeatError(protocol::MediaAction action, std::string_view code);
// Whether the client needs the id of what `body` creates (to close or address it later).
bool NeedsCreatedId(const protocol::MediaSignalBody& body);
std::optional<protocol::MediaSignalOutcome> AssumedSuccess(protocol::MediaAction action);

}  // namespace sfusim::clients
