#include "sfusim/scenario/run_result.h"

namespace sfusim::scenario {

bool RunResult::ComputePassed() const {
  for (const auto& v : invariants) {
    if (!v.passed) return false;
  }
  for (const auto& s : slo) {
    if (!s.passed) return false;
  }
  for (const auto& e : expected_events) {
    if (!e.passed) return false;
  }
  return true;
}

}  // namespace sfusim::scenario
