// Reading results: one result.json text, or every result.json / outcome.json under a directory.
//
// Contract:
// - Never throws, whatever the bytes. A file that is not JSON, or a field of the wrong type, is a
//   FileProblem naming the file and the JSON pointer; the run is still kept when its identity
//   (scenario, seed) could be read, with what could be read (a bad metrics object costs the charts,
//   not the run), else it is left out. Every other file still loads.
// - A directory is walked recursively (symlinks not followed), files sorted by path, so shards
//   written into one tree, or several trees given one after the other, merge naturally. When one
//   run (same Key()) appears twice, the first by path wins and the second is a problem.
// - outcome.json (written by `sfusim sweep`) fills in status, reproduce and scenario_file; when
//   result.json is missing next to it (the run crashed or timed out), the outcome alone is the run.
// - Timeline actions are marked from result.json's "timeline" when present, else from the scenario
//   file named by outcome.json or by the reproduce line when that file can be read (plain JSON:
//   no simulator code is involved).
// - Limits: kMaxResultFileBytes per file, kMaxResultFiles per load; beyond them, a problem.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sfusim/reports/run_record.h"

namespace sfusim::reports {

constexpr std::size_t kMaxResultFileBytes = std::size_t{64} << 20;
constexpr std::size_t kMaxResultFiles = 100'000;
constexpr std::size_t kMaxSeriesValues = 1'000'000;  // per series
constexpr std::size_t kMaxMarksPerRun = 2'000;

// Parses one result.json text; `file` names it in problems. nullopt when the identity is unreadable.
std::optional<RunRecord> ParseResultText(const std::string& text, const std::string& file,
                                         std::vector<FileProblem>& problems);

// Every result.json / outcome.json under each of `dirs` (a plain file is read as one result).
ResultSet LoadResults(const std::vector<std::string>& dirs);

}  // namespace sfusim::reports
