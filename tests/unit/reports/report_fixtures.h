// Small hand-written result.json texts for the report tests.
#pragma once

#include <string>

namespace sfusim::reports::test {

// A passing two-party run with two series per stream, an event and a timeline action.
inline std::string ResultJson(const std::string& scenario, int seed, bool passed, double delay_p95, double mos,
                              const std::string& trace_hash = "00000000000000aa") {
  std::string d = std::to_string(delay_p95);
  std::string m = std::to_string(mos);
  return R"({"scenario": ")" + scenario + R"(", "seed": )" + std::to_string(seed) + R"(, "mutant": null, "passed": )" +
         (passed ? "true" : "false") + R"(, "trace_hash": ")" + trace_hash + R"(", "trace_records": 10,
  "sim_s": 10, "wall_s": 2.5,
  "invariants": [{"name": "ssrc_unique", "passed": true, "first_violation": null, "violations": 0},
                 {"name": "no_stuck_state", "passed": )" + (passed ? "true" : "false") +
         R"(, "first_violation": )" + (passed ? "null" : R"({"at_s": 4.5, "detail": "bob stuck in joining <&>"})") +
         R"(, "violations": )" + (passed ? "0" : "1") + R"(}],
  "slo": [{"metric": "audio.delay_ms_p95", "value": )" + d + R"(, "bound": {"max": 150}, "passed": true}],
  "events": [{"at_s": 3.25, "participant": "bob", "name": "voice_joined", "reason": "lobby"}],
  "expected_events": [],
  "timeline": [{"at_s": 5, "action": "restart_sfu"}],
  "metrics": {"participants": {"alice": {"streams": {"bob": {"kind": "audio", "delay_ms_p95": )" + d +
         R"(, "mos": )" + m + R"(,
      "series": {"kbps": {"start_s": 0, "values": [30, 32, null, 31, 33, 30, 29, 31, 32, 30]},
                 "psnr_db": {"start_s": 0, "step_s": 2, "values": [35, 36, 34, 38, 37]}}}}}},
    "sfu": {"consumers_leaked": 0}, "links": {}},
  "reproduce": "sfusim run )" + scenario + R"(.json --seed )" + std::to_string(seed) + R"("})";
}

}  // namespace sfusim::reports::test
