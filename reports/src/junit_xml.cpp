#include "sfusim/reports/junit_xml.h"

#include <cstdio>

#include "sfusim/reports/xml_text.h"

namespace sfusim::reports {
namespace {

std::string Seconds(double s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f", s >= 0 ? s : 0.0);
  return buf;
}

}  // namespace

JunitCase JunitCaseOf(const RunRecord& run) {
  JunitCase c;
  c.classname = "sfusim." + run.scenario + (run.mutant.empty() ? "" : "." + run.mutant);
  c.name = "seed " + std::to_string(run.seed);
  c.time_s = run.wall_s;
  c.system_out = "reproduce: " + run.reproduce;
  if (run.status != "passed") {
    c.failed = true;
    c.failure_type = run.status.empty() ? "failed" : run.status;
    c.failure_message = run.failures.empty() ? run.status : run.FirstFailure();
    if (!run.reproduce.empty()) c.failure_message += " | reproduce: " + run.reproduce;
    for (const std::string& f : run.failures) c.failure_text += f + "\n";
    c.failure_text += "seed " + std::to_string(run.seed) + "; reproduce: " + run.reproduce + "\n";
  }
  return c;
}

std::string RenderJunitXml(const std::string& suite_name, const std::vector<JunitCase>& cases) {
  int failures = 0;
  double total = 0;
  for (const JunitCase& c : cases) {
    failures += c.failed ? 1 : 0;
    total += c.time_s > 0 ? c.time_s : 0;
  }
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"" + XmlEscape(suite_name) + "\" tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
       std::to_string(failures) + "\" errors=\"0\" time=\"" + Seconds(total) + "\">\n";
  x += "  <testsuite name=\"" + XmlEscape(suite_name) + "\" tests=\"" + std::to_string(cases.size()) + "\" failures=\"" +
       std::to_string(failures) + "\" errors=\"0\" skipped=\"0\" time=\"" + Seconds(total) + "\">\n";
  for (const JunitCase& c : cases) {
    x += "    <testcase classname=\"" + XmlEscape(c.classname) + "\" name=\"" + XmlEscape(c.name) + "\" time=\"" +
         Seconds(c.time_s) + "\">\n";
    if (c.failed) {
      x += "      <failure type=\"" + XmlEscape(c.failure_type) + "\" message=\"" + XmlEscape(c.failure_message) + "\">" +
           XmlEscape(c.failure_text) + "</failure>\n";
    }
    if (!c.system_out.empty()) x += "      <system-out>" + XmlEscape(c.system_out) + "</system-out>\n";
    x += "    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

}  // namespace sfusim::reports
