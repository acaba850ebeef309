// SLO and event-expectation verdicts (SCENARIO.md "expect").
//
// Contract:
// - An SLO selects streams or clients: `participant` (the receiver, or the client measured) and
//   `from` (the sender) narrow the selection; without them the value is the worst over all
//   selected (the highest, except where higher is better: audio.mos, video.psnr_db_p50, video.fps,
//   video.kbps_mean, video.kbps_end_mean, where it is the lowest). Video metrics select streams
//   by receiver and sender (both sources); screen.* metrics select the sharer (`participant`;
//   without it, every participant that had a native sender). The note names the pair or
//   client that gave the worst value.
// - A value that cannot be measured (nothing selected, no samples, the stream never recovered,
//   a screen metric without a native sender) is null and the SLO fails, with the reason in the note.
// - An expected event passes when the run has an event of that name (of that participant, if
//   given) with at_s in [a, b] (inclusive; the whole run when between_s is absent).
#pragma once

#include <vector>

#include "sfusim/scenario/run_observations.h"
#include "sfusim/scenario/run_result.h"
#include "sfusim/scenario/scenario.h"

namespace sfusim::scenario {

SloVerdict EvaluateSlo(const Slo& slo, const RunObservations& observations);
std::vector<SloVerdict> EvaluateSlos(const std::vector<Slo>& slos, const RunObservations& observations);
EventVerdict EvaluateEventExpectation(const EventExpectation& expectation, const std::vector<RunEvent>& events);

}  // namespace sfusim::scenario
