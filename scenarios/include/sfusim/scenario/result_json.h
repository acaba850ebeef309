// result.json: RunResult -> JSON text (../shared/SCENARIO.md, "A result").
//
// Contract:
// - Top-level fields in this order: scenario, seed, mutant (string or null), passed, trace_hash
//   (16 lower-case hex digits), trace_records, sim_s, wall_s, invariants [{name, passed,
//   first_violation: {at_s, detail} | null, violations}], invariants_not_applicable [{name, reason}],
//   slo [{metric, participant?, from?, after?, value (number | null), bound: {min?, max?}, passed,
//   note?}], events [{at_s, participant, name, reason}], expected_events [{name, participant?,
//   between_s?, passed, matched_at_s | null}], metrics {participants, sfu, links}, reproduce.
// - Deterministic: the same RunResult gives the same bytes; ResultJsonText(r, false) leaves out
//   wall_s so that two runs of the same (scenario, seed) compare equal byte for byte.
// - Times in seconds are rounded to the microsecond, other non-integer numbers to 6 significant
//   decimals after the point, so that the text is short and stable.
// - WriteResultFile creates the directory when needed; false with `error` when it cannot write.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sfusim/scenario/run_result.h"

namespace sfusim::scenario {

nlohmann::ordered_json ResultToJson(const RunResult& result, bool include_wall_time = true);
std::string ResultJsonText(const RunResult& result, bool include_wall_time = true);
bool WriteResultFile(const std::string& path, const RunResult& result, std::string* error);

std::string HexHash(uint64_t hash);  // 16 lower-case hex digits

}  // namespace sfusim::scenario
