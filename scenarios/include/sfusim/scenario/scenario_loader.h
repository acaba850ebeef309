// Loading and validating scenario files.
//
// Contract:
// - Nothing here throws or crashes on any input (any bytes, any JSON value); the result holds a
//   Scenario if and only if it holds no problem.
// - Every problem is collected, not only the first (up to kMaxProblems, then one
//   "too_many_problems"), in file order as far as possible: syntax and structure first (JSON syntax
//   errors stop the rest, with line and column), then each field's type and range, then references
//   and the timeline's consistency. A problem whose cause was already reported is not reported
//   again (an unreadable participant id does not make every reference to it "unknown").
// - Unknown fields are problems (a typo must not pass silently), with a suggestion when a known
//   field is close. Duplicate keys in one object are problems too.
// - Video features (publishing camera or screen, camera_on, screen_on, encoder_faults, video/screen
//   metrics, native-sender events) are accepted like every other feature (since the video issue);
//   no problem has the code "not_supported" any more.
// - The full list of what is checked is in scenarios/schema/scenario.schema.json's descriptions and
//   in scenario.h beside each field.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sfusim/protocol/result.h"
#include "sfusim/scenario/problem.h"
#include "sfusim/scenario/scenario.h"

namespace sfusim::scenario {

struct LoadOptions {
  // Formerly: accept what needed the video issue. Everything is supported now; kept (without effect)
  // so that callers written before the video issue still compile.
  bool allow_unsupported = false;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set if and only if problems is empty
  std::vector<Problem> problems;

  bool ok() const { return scenario.has_value(); }
};

// Reads at most kMaxScenarioFileBytes from `path` and loads it. An unreadable file is one "io_error".
LoadResult LoadScenarioFile(const std::string& path, const LoadOptions& options = {});
// Parses `text` (JSON, UTF-8) and loads it.
LoadResult LoadScenarioText(std::string_view text, const LoadOptions& options = {});
// Loads an already parsed JSON value (it may be anything: a non-object is one problem).
LoadResult LoadScenarioJson(const nlohmann::json& json, const LoadOptions& options = {});

// For callers that want one error: the scenario, or Error{code of the first problem, every problem
// as "<pointer>: <message>" joined by "\n"}.
protocol::Result<Scenario> LoadScenarioFileOrError(const std::string& path, const LoadOptions& options = {});

}  // namespace sfusim::scenario
