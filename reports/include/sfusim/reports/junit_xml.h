// JUnit XML as GitLab, Jenkins and most CI systems read it: one <testsuite> with one <testcase>
// per (scenario, seed[, mutant]).
//
// Contract:
// - classname "sfusim.<scenario>" (".<mutant>" appended for a mutant run), name "seed <N>",
//   time = the run's wall seconds. A run that did not pass gets <failure type="<status>"
//   message="<first violated invariant / SLO / event, or the crash/timeout>"> whose text lists every
//   failure and the reproduce line. The reproduce line is also the <system-out>.
// - Well-formed whatever the input: every text and attribute goes through XmlEscape (the five
//   special characters, control characters and invalid UTF-8 replaced).
#pragma once

#include <string>
#include <vector>

#include "sfusim/reports/run_record.h"

namespace sfusim::reports {

struct JunitCase {
  std::string classname;
  std::string name;
  double time_s = 0;
  bool failed = false;
  std::string failure_type;
  std::string failure_message;
  std::string failure_text;
  std::string system_out;
};

JunitCase JunitCaseOf(const RunRecord& run);
std::string RenderJunitXml(const std::string& suite_name, const std::vector<JunitCase>& cases);

}  // namespace sfusim::reports
