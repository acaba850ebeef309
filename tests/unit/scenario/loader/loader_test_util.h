// Helpers for the scenario loader tests: a minimal valid scenario to mutate, and problem lookups
// that print everything the loader said when an expectation fails.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "sfusim/scenario/scenario_loader.h"

namespace sfusim::scenario::testing {

// Valid: three web participants in "lobby", 30 s, an ordinary network.
inline nlohmann::json MinimalScenario() {
  return nlohmann::json::parse(R"({
    "name": "t",
    "duration_s": 30,
    "participants": [ { "id": "alice" }, { "id": "bob" }, { "id": "carol" } ],
    "network": { "default": { "delay_ms": 20, "capacity_kbps": 10000 } }
  })");
}

inline std::string Dump(const LoadResult& r) {
  std::ostringstream out;
  out << (r.ok() ? "ok" : "not ok") << ", " << r.problems.size() << " problems:\n";
  for (const Problem& p : r.problems) out << "  [" << p.code << "] " << p.ToString() << "\n";
  return out.str();
}

// The first problem at `pointer`, or nullptr.
inline const Problem* FindProblem(const LoadResult& r, std::string_view pointer) {
  for (const Problem& p : r.problems) {
    if (p.pointer == pointer) return &p;
  }
  return nullptr;
}

}  // namespace sfusim::scenario::testing

// Asserts that `result` has a problem at `pointer` with `code` and `message`.
#define REQUIRE_PROBLEM(result, pointer_, code_, message_)                               \
  do {                                                                                   \
    const ::sfusim::scenario::LoadResult& result_ = (result);                            \
    INFO(::sfusim::scenario::testing::Dump(result_));                                    \
    const ::sfusim::scenario::Problem* found_ =                                          \
        ::sfusim::scenario::testing::FindProblem(result_, (pointer_));                   \
    REQUIRE(found_ != nullptr);                                                          \
    CHECK(found_->code == (code_));                                                      \
    CHECK(found_->message == (message_));                                                \
  } while (false)

#define REQUIRE_VALID(result)                                     \
  do {                                                            \
    const ::sfusim::scenario::LoadResult& valid_ = (result);      \
    INFO(::sfusim::scenario::testing::Dump(valid_));              \
    REQUIRE(valid_.ok());                                         \
    REQUIRE(valid_.problems.empty());                             \
  } while (false)
